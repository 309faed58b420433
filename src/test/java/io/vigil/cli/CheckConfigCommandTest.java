package io.vigil.cli;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `vigil check-config` end to end on the shipped tutorial files, valid and broken. */
@QuarkusMainTest
class CheckConfigCommandTest {

    @TempDir
    Path dir;

    private void copyTutorial() throws IOException {
        for (String f : List.of("ha.cf", "authkeys", "haresources")) {
            Files.copy(Path.of("deploy/examples/tutorial", f), dir.resolve(f));
        }
        Files.setPosixFilePermissions(dir.resolve("authkeys"), PosixFilePermissions.fromString("rw-------"));
    }

    private static void assertRow(String output, String directive, String value, String origin) {
        assertTrue(output.lines().anyMatch(l -> l.matches(directive + " +" + java.util.regex.Pattern.quote(value) + " +"
                        + java.util.regex.Pattern.quote(origin))),
                () -> directive + " " + value + " " + origin + " not in:\n" + output);
    }

    @Test
    void tutorialIsValidAndPrintsTheFigures(QuarkusMainLauncher launcher) throws IOException {
        copyTutorial();
        LaunchResult r = launcher.launch("check-config", "--config-dir", dir.toString(), "--node-name", "linux1");
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        String out = r.getOutput();
        assertRow(out, "keepalive", "1000 ms", dir + "/ha.cf:9");
        assertRow(out, "deadtime", "10000 ms", dir + "/ha.cf:10");
        assertRow(out, "warntime", "5000 ms", "default (deadtime/2)");
        assertRow(out, "initdead", "20000 ms", "default (2 × deadtime)");
        assertRow(out, "udpport", "694", "default");
        assertRow(out, "auto_failback", "on", dir + "/ha.cf:19");
        assertRow(out, "node", "linux1, linux2", dir + "/ha.cf:22,23");
        assertTrue(out.contains("  linux1 IPaddr::192.0.2.253 "), out);
        assertTrue(out.contains("Configuration OK"), out);
    }

    @Test
    void diffWithoutARunningDaemonSaysSo(QuarkusMainLauncher launcher) throws IOException {
        copyTutorial();
        LaunchResult r = launcher.launch("check-config", "--diff", "--config-dir", dir.toString(), "--node-name",
                "linux1", "--run-dir", dir.resolve("run").toString());
        assertEquals(3, r.exitCode(), r.getOutput() + r.getErrorOutput());
        assertTrue(r.getOutput().contains("vigil is not running") && r.getOutput().contains("nothing")
                || r.getOutput().contains("no running configuration to compare with"), r.getOutput());
    }

    @Test
    void brokenFilesExitSixWithEveryProblemAsFileLine(QuarkusMainLauncher launcher) throws IOException {
        copyTutorial();
        Path haCf = dir.resolve("ha.cf");
        Files.writeString(haCf, Files.readString(haCf).replace("deadtime 10", "deadtime 10s").replace("keepalive 1\n", "keepalive 1\nkeepalvie 2\n"));
        Files.writeString(dir.resolve("haresources"), "linux3 192.0.2.253\n");
        Files.setPosixFilePermissions(dir.resolve("authkeys"), PosixFilePermissions.fromString("rw-r--r--"));
        LaunchResult r = launcher.launch("check-config", "--config-dir", dir.toString(), "--node-name", "linux1");
        assertEquals(6, r.exitCode(), r.getOutput());
        String err = r.getErrorOutput();
        assertTrue(err.contains(dir + "/ha.cf:10: Illegal directive [keepalvie] in " + haCf), err);
        assertTrue(err.contains(dir + "/ha.cf:11: Invalid time [10s] for deadtime — ha.cf times are seconds by default"), err);
        assertTrue(err.contains(dir + "/authkeys: Bad permissions on keyfile [" + dir + "/authkeys], 600 recommended: mode 0644 gives group or others access to the key — run `chmod 600 "), err);
        assertTrue(err.contains(dir + "/haresources:1: Bad nodename in " + dir + "/haresources [linux3]"), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
    }

    /** Issue 14: check-config says why an active crc key is unsafe, and refuses a group-writable haresources. */
    @Test
    void crcIsExplainedAndUntrustedFilesRefused(QuarkusMainLauncher launcher) throws IOException {
        copyTutorial();
        Files.writeString(dir.resolve("authkeys"), "auth 2\n2 crc\n");
        LaunchResult r = launcher.launch("check-config", "--config-dir", dir.toString(), "--node-name", "linux1");
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        assertTrue(r.getOutput().contains("Authentication: auth 2 (crc)"), r.getOutput());
        assertTrue(r.getOutput().contains("warning: INSECURE: the active key uses crc, a checksum and not a signature:"
                + " anyone on the heartbeat network can forge packets"), r.getOutput());
        Files.setPosixFilePermissions(dir.resolve("haresources"), PosixFilePermissions.fromString("rw-rw-r--"));
        r = launcher.launch("check-config", "--config-dir", dir.toString(), "--node-name", "linux1");
        assertEquals(6, r.exitCode(), r.getOutput());
        assertTrue(r.getErrorOutput().contains(dir + "/haresources: " + dir + "/haresources is writable by group or others"
                + " (mode 0664): whoever can write it decides what Vigil runs as root — run `chmod go-w " + dir + "/haresources`"),
                r.getErrorOutput());
    }

    /** Pre-flight: a script that does not exist and an uninstalled STONITH type, each at its file and line. */
    @Test
    void preflightFindsWhatTheTakeoverWouldMiss(QuarkusMainLauncher launcher) throws IOException {
        copyTutorial();
        Files.writeString(dir.resolve("haresources"), "linux1 192.0.2.253 vt-sf-missing::arg\n");
        Files.writeString(dir.resolve("ha.cf"), Files.readString(dir.resolve("ha.cf"))
                + "stonith_host * external/vt-sf-nosuch linux1 linux2\nstonith_host * null linux1,linux2\n");
        LaunchResult r = launcher.launch("check-config", "--config-dir", dir.toString(), "--node-name", "linux1");
        assertEquals(6, r.exitCode(), r.getOutput() + r.getErrorOutput());
        String err = r.getErrorOutput();
        assertTrue(err.contains(dir + "/haresources:1: resource vt-sf-missing::arg: Cannot locate resource script vt-sf-missing"),
                err);
        assertTrue(err.contains(dir + "/ha.cf:24: Invalid Stonith type [external/vt-sf-nosuch] — `stonith -L` lists"), err);
        assertTrue(err.contains("Pre-flight: 2 problems, `vigil run` would refuse to start (unless --start-anyway)."), err);
        assertTrue(r.getOutput().contains("stonith -t null -p linux1,linux2    (" + dir + "/ha.cf:25)"), r.getOutput());
        assertFalse(r.getOutput().contains("Configuration OK"), r.getOutput());
        // the files alone are valid
        r = launcher.launch("check-config", "--no-preflight", "--config-dir", dir.toString(), "--node-name", "linux1");
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        assertRow(r.getOutput(), "vigil.on-stop-failure", "fence", "default (fencing configured)");
    }
}
