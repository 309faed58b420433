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

/** `vigil export pacemaker` end to end on the tutorial's files: output directory, stdout parts, errors. */
@QuarkusMainTest
class ExportCommandTest {

    @TempDir
    Path dir;

    private Path tutorial() throws IOException {
        Path conf = Files.createDirectories(dir.resolve("ha.d"));
        for (String f : List.of("ha.cf", "authkeys", "haresources")) {
            Files.copy(Path.of("deploy/examples/tutorial", f), conf.resolve(f));
        }
        Files.setPosixFilePermissions(conf.resolve("authkeys"), PosixFilePermissions.fromString("rw-------"));
        return conf;
    }

    @Test
    void outputDirectoryHoldsEverythingWithTheRightModes(QuarkusMainLauncher launcher) throws IOException {
        Path conf = tutorial();
        Path out = dir.resolve("out");
        LaunchResult r = launcher.launch("export", "pacemaker", "--config-dir", conf.toString(), "--node-name", "linux1",
                "--node-address", "linux1=192.0.2.11", "--node-address", "linux2=192.0.2.12", "--output-dir", out.toString());
        assertEquals(0, r.exitCode(), r.getOutput() + r.getErrorOutput());
        for (String f : List.of("corosync.conf", "authkey", "cib.crm", "cib.pcs", "cib.xml", "README.txt")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertEquals(256, Files.size(out.resolve("authkey")));
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("authkey"))));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("cib.pcs"))));
        assertTrue(Files.readString(out.resolve("corosync.conf")).contains("ring0_addr: 192.0.2.12"));
        String readme = Files.readString(out.resolve("README.txt"));
        assertTrue(readme.contains(conf.resolve("ha.cf") + ":5: logfile /var/log/ha-log: not translated"), readme);
        assertTrue(readme.contains("Every input and what it became:"), readme);
        assertTrue(r.getOutput().contains("10 inputs translated, 1 not translated"), r.getOutput());

        // a second run does not overwrite a key the operator may have copied already
        LaunchResult again = launcher.launch("export", "pacemaker", "--config-dir", conf.toString(), "--node-name", "linux1",
                "--node-address", "linux2=192.0.2.12", "--output-dir", out.toString());
        assertEquals(1, again.exitCode());
        assertTrue(again.getErrorOutput().contains("exists already: nothing written (--force overwrites)"), again.getErrorOutput());
    }

    @Test
    void derivedKeyIsTheSameForEveryNode(QuarkusMainLauncher launcher) throws IOException {
        Path conf = tutorial();
        LaunchResult a = launcher.launch("export", "pacemaker", "--config-dir", conf.toString(), "--node-name", "linux1",
                "--node-address", "linux2=192.0.2.12", "--authkey", "derive", "--output-dir", dir.resolve("a").toString());
        LaunchResult b = launcher.launch("export", "pacemaker", "--config-dir", conf.toString(), "--node-name", "linux2",
                "--node-address", "linux1=192.0.2.11", "--node-address", "linux2=192.0.2.12", "--authkey", "derive",
                "--output-dir", dir.resolve("b").toString());
        assertEquals(0, a.exitCode(), a.getErrorOutput());
        assertEquals(0, b.exitCode(), b.getErrorOutput());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(dir.resolve("a/authkey")), Files.readAllBytes(dir.resolve("b/authkey"))));
    }

    @Test
    void onePartOnStdout(QuarkusMainLauncher launcher) throws IOException {
        Path conf = tutorial();
        LaunchResult r = launcher.launch("export", "pacemaker", "--config-dir", conf.toString(), "--node-name", "linux1",
                "--only", "cib", "--format", "cib");
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        assertTrue(r.getOutput().startsWith("<?xml"), r.getOutput());
        assertTrue(r.getOutput().contains("validate-with=\"pacemaker-3.0\""), r.getOutput());
        assertFalse(r.getOutput().contains("vigil export pacemaker:"), "the report goes to stderr");
        assertTrue(r.getErrorOutput().contains("not translated"), r.getErrorOutput());
    }

    @Test
    void aNodeWithoutAddressOrABadOptionIsRefused(QuarkusMainLauncher launcher) throws IOException {
        Path conf = tutorial();
        LaunchResult r = launcher.launch("export", "pacemaker", "--config-dir", conf.toString(), "--node-name", "linux1",
                "--only", "corosync", "--node-address", "linux1=192.0.2.11");
        assertEquals(6, r.exitCode());
        assertTrue(r.getErrorOutput().contains("node linux2 has no address for corosync.conf: give --node-address linux2=ADDR"),
                r.getErrorOutput());
        LaunchResult bad = launcher.launch("export", "pacemaker", "--config-dir", conf.toString(), "--format", "yaml");
        assertEquals(2, bad.exitCode());
        LaunchResult unknown = launcher.launch("export", "pacemaker", "--config-dir", conf.toString(), "--node-name", "linux1",
                "--node-address", "linux9=192.0.2.19");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.getErrorOutput().contains("no such node"), unknown.getErrorOutput());
        Files.setPosixFilePermissions(conf.resolve("authkeys"), PosixFilePermissions.fromString("rw-r--r--"));
        LaunchResult broken = launcher.launch("export", "pacemaker", "--config-dir", conf.toString(), "--node-name", "linux1");
        assertEquals(6, broken.exitCode());
        assertTrue(broken.getErrorOutput().contains("nothing exported"), broken.getErrorOutput());
    }
}
