package io.vigil.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.vigil.config.HaCfTest.setting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stonith, stonith_host and watchdog in ha.cf; vigil.on-stop-failure, vigil.reboot-command, vigil.fence-timeout. */
class SafetySettingsTest extends ConfigFixtureTest {

    @Test
    void stonithHostLinesForThisNodeOrEveryNodeAreKeptOthersIgnored() throws Exception {
        Path cfg = Files.writeString(tmp.resolve("ipmi.cfg"), "linux2 192.0.2.2 admin secret lan\n");
        haCf("stonith_host * external/ssh linux1,linux2",
                "stonith_host linux2 external/ipmi linux1 192.0.2.1 admin secret lan",
                "stonith_host LINUX1 external/ipmi linux2 192.0.2.2 admin  secret lan",
                "stonith external/ipmi " + cfg);
        ClusterConfig c = f.load();
        assertEquals(3, c.stonith().size(), c.stonith().toString());
        StonithDevice any = c.stonith().get(0);
        assertEquals("external/ssh", any.type());
        assertEquals(List.of("-t", "external/ssh", "-p", "linux1,linux2"), any.deviceArgs());
        assertEquals(tmp.resolve("ha.cf") + ":4", any.origin().label());
        // the parameters are passed as written (stonith -p splits them itself)
        assertEquals(List.of("-t", "external/ipmi", "-p", "linux2 192.0.2.2 admin  secret lan"), c.stonith().get(1).deviceArgs());
        assertEquals(List.of("-t", "external/ipmi", "-F", cfg.toString()), c.stonith().get(2).deviceArgs());
        assertTrue(c.fencingConfigured());
        // fencing configured: a failed stop asks the peer to fence this node by default
        assertEquals(StopFailurePolicy.FENCE, c.vigil().onStopFailure());
        assertEquals("default (fencing configured)", setting(c, "vigil.on-stop-failure").origin());
        assertTrue(c.warnings().stream().noneMatch(w -> w.message().contains("ignored")), c.warnings().toString());
        assertTrue(setting(c, "stonith_host").actedOn());
    }

    @Test
    void badStonithLinesUseHeartbeatsMessages() {
        haCf("stonith external/ipmi", "stonith external/ipmi /nonexistent/cfg", "stonith_host *", "stonith_host * bad|type x",
                "stonith_host nobody external/ssh linux1");
        List<String> p = f.problems();
        String file = tmp.resolve("ha.cf").toString();
        assertTrue(p.contains(file + ":4: Invalid Stonith config file [] — write `stonith external/ipmi <config-file>` "
                + "(one file, holding the device's parameters)"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith(file + ":5: Invalid Stonith config file [/nonexistent/cfg]")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith(file + ":6: Invalid Stonith type []")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith(file + ":7: Invalid Stonith type [bad|type]")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith(file + ":8: warning: stonith_host names [nobody], which is not a cluster node")),
                p.toString());
    }

    @Test
    void watchdogOnceWithAnAbsolutePath() throws Exception {
        haCf("watchdog /dev/watchdog");
        assertEquals(Optional.of(Path.of("/dev/watchdog")), f.load().watchdog());
        haCf("watchdog /dev/watchdog", "watchdog /dev/watchdog1");
        assertTrue(f.problems().contains(tmp.resolve("ha.cf") + ":5: Watchdog device multiply specified. — keep one `watchdog` line "
                + "(first at " + tmp.resolve("ha.cf") + ":4)"), f.problems().toString());
        haCf("watchdog watchdog");
        assertTrue(f.problems().get(0).contains("Invalid watchdog device [watchdog]"), f.problems().toString());
    }

    @Test
    void stopFailurePolicyDefaultsToRebootWithoutFencingAndIsChecked() throws Exception {
        ClusterConfig c = f.load();
        assertEquals(StopFailurePolicy.REBOOT, c.vigil().onStopFailure());
        assertEquals("default (no fencing configured)", setting(c, "vigil.on-stop-failure").origin());
        assertEquals("reboot -nf", c.vigil().rebootCommand());
        assertTrue(c.vigil().defaultRebootCommand());
        assertEquals(Duration.ofSeconds(60), c.vigil().fenceTimeout());
        assertTrue(c.stonith().isEmpty());

        f.write("vigil.properties", "vigil.on-stop-failure=block\nvigil.reboot-command=/usr/local/sbin/lab-poweroff linux1\n"
                + "vigil.fence-timeout=15s\n");
        c = f.load();
        assertEquals(StopFailurePolicy.BLOCK, c.vigil().onStopFailure());
        assertEquals(tmp.resolve("vigil.properties") + ":1", setting(c, "vigil.on-stop-failure").origin());
        assertEquals("/usr/local/sbin/lab-poweroff linux1", c.vigil().rebootCommand());
        assertTrue(!c.vigil().defaultRebootCommand());
        assertEquals(Duration.ofSeconds(15), c.vigil().fenceTimeout());

        f.write("vigil.properties", "vigil.on-stop-failure=fence\n");
        c = f.load();
        assertTrue(c.warnings().stream().anyMatch(w -> w.format().startsWith(tmp.resolve("vigil.properties")
                + ":1: warning: vigil.on-stop-failure=fence but no fencing is configured on this node")), c.warnings().toString());

        f.write("vigil.properties", "vigil.on-stop-failure=shrug\nvigil.reboot-command=\n");
        List<String> p = f.problems();
        assertTrue(p.contains(tmp.resolve("vigil.properties") + ":1: Invalid value [shrug] for vigil.on-stop-failure — "
                + "give reboot, fence or block"), p.toString());
    }
}
