package io.vigil.daemon;

import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigEnvironment;
import io.vigil.config.ConfigLoader;
import io.vigil.config.ConfigProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pre-flight of check-config and run, on real files and this host's tools. */
class PreflightTest {

    @TempDir
    Path dir;

    private ClusterConfig load(String haCfExtra, String haresources, String properties) throws Exception {
        Files.writeString(dir.resolve("ha.cf"), "keepalive 1\ndeadtime 10\nbcast lo\nauto_failback on\nnode linux1 linux2\n" + haCfExtra);
        Files.writeString(dir.resolve("authkeys"), "auth 1\n1 sha1 secret\n");
        Files.setPosixFilePermissions(dir.resolve("authkeys"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("haresources"), haresources);
        Files.writeString(dir.resolve("vigil.properties"), properties);
        ConfigEnvironment host = new ConfigEnvironment(Map.of(), Map.of(), () -> "linux1", n -> true, n -> Optional.empty(),
                List.of(dir));
        return new ConfigLoader(host).loadFrom(Optional.of(dir), Optional.empty());
    }

    private static List<String> formatted(List<ConfigProblem> problems) {
        return problems.stream().map(ConfigProblem::format).toList();
    }

    @Test
    void aResolvableConfigurationPasses() throws Exception {
        ClusterConfig c = load("stonith_host * null linux1,linux2\n", "linux1 192.0.2.10 Dummy::x\n", "vigil.reboot-command=/bin/true\n");
        System.setProperty("vigil.resource-dir", Path.of("resource.d").toAbsolutePath().toString());
        try {
            List<ConfigProblem> p = Preflight.check(c);
            assertEquals(List.of(), formatted(p));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertTrue(Preflight.admit(c, false, new PrintStream(err, true, StandardCharsets.UTF_8)));
            assertEquals("", err.toString(StandardCharsets.UTF_8));
        } finally {
            System.clearProperty("vigil.resource-dir");
        }
    }

    @Test
    void eachProblemAtItsLineAndRunRefusesUnlessToldOtherwise() throws Exception {
        ClusterConfig c = load("stonith_host * external/vt-sf-nosuch linux1\nwatchdog " + dir.resolve("no-watchdog") + "\n",
                "linux1 192.0.2.10\nlinux2 vt-sf-missing \\\n  ocf:heartbeat:Dummy::bogus=1\n", "vigil.reboot-command=/bin/true\n");
        List<String> p = formatted(Preflight.check(c));
        String hr = dir.resolve("haresources").toString();
        assertTrue(p.stream().anyMatch(s -> s.startsWith(hr + ":2: resource vt-sf-missing: Cannot locate resource script vt-sf-missing")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith(hr + ":2: resource ocf:heartbeat:Dummy::bogus=1: ")
                && s.contains("parameter 'bogus' is not one of")), p.toString());
        assertTrue(p.contains(dir.resolve("ha.cf") + ":6: Invalid Stonith type [external/vt-sf-nosuch] — `stonith -L` lists the "
                + "installed types; install the plugin or correct the name"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith(dir.resolve("ha.cf") + ":7: watchdog device " + dir.resolve("no-watchdog")
                + " does not exist")), p.toString());
        assertFalse(p.stream().anyMatch(s -> s.contains(":1: ")), "the address line resolves: " + p);

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertFalse(Preflight.admit(c, false, new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).endsWith("Pre-flight: 4 problems above, vigil not started. Fix them, "
                + "or start with --start-anyway.\n"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertTrue(Preflight.admit(c, true, new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("starting anyway (--start-anyway)"));
    }

    @Test
    void warningsForAWatchdogThatIsNoDeviceAndARebootThatWouldBeRefused() throws Exception {
        Path fake = Files.createFile(dir.resolve("fake-watchdog"));
        Files.writeString(dir.resolve("lab-node"), "");
        ClusterConfig c = load("watchdog " + fake + "\n", "linux1 192.0.2.10\n", "vigil.on-stop-failure=reboot\n");
        List<ConfigProblem> problems = Preflight.check(c);
        assertTrue(problems.stream().noneMatch(ConfigProblem::isError), formatted(problems).toString());
        List<String> p = formatted(problems);
        assertTrue(p.stream().anyMatch(s -> s.contains("warning: watchdog " + fake + " is not a character device")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("default: warning: this node would refuse to reboot itself after a failed "
                + "stop (the lab marker lab-node is in the configuration directory")), p.toString());
    }
}
