package io.vigil.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Config-dir resolution, SmallRye overrides of ha.cf directives and the Vigil-only keys, with their origins. */
class OverridesTest extends ConfigFixtureTest {

    @Test
    void envOverridesAHaCfDirectiveAndShowsItsOrigin() throws Exception {
        f.env.put("VIGIL_HACF_DEADTIME", "5");
        ClusterConfig c = f.load();
        assertEquals(5000, c.deadtimeMs());
        assertEquals(2500, c.warntimeMs());
        assertEquals(12000, c.initdeadMs());
        assertEquals("env VIGIL_HACF_DEADTIME", HaCfTest.setting(c, "deadtime").origin());
    }

    @Test
    void systemPropertyBeatsEnvAndListsSplitLikeHaCf() throws Exception {
        f.env.put("VIGIL_HACF_KEEPALIVE", "2");
        f.sysprops.put("vigil.hacf.keepalive", "500ms");
        f.sysprops.put("vigil.hacf.auto_failback", "off");
        f.env.put("VIGIL_HACF_UCAST", "eth1 192.0.2.2,eth1 192.0.2.3");
        ClusterConfig c = f.load();
        assertEquals(500, c.keepaliveMs());
        assertEquals("system property vigil.hacf.keepalive", HaCfTest.setting(c, "keepalive").origin());
        assertEquals(AutoFailback.OFF, c.autoFailback());
        assertEquals(3, c.media().size(), c.media().toString());
    }

    @Test
    void invalidOverrideIsReportedWithItsOrigin() {
        f.env.put("VIGIL_HACF_DEADTIME", "2s");
        f.env.put("VIGIL_HACF_DEADTME", "20");
        List<String> p = f.problems();
        assertTrue(p.contains("env VIGIL_HACF_DEADTIME: Invalid time [2s] for deadtime — ha.cf times are seconds by default: write 2 (or 2000ms); "
                + "a unit 's' is not accepted"), p.toString());
        assertTrue(p.contains("env VIGIL_HACF_DEADTME: Unknown ha.cf directive in environment variable VIGIL_HACF_DEADTME — use "
                + "VIGIL_HACF_<DIRECTIVE>, e.g. VIGIL_HACF_DEADTIME"), p.toString());
    }

    @Test
    void vigilPropertiesWithLineNumbers() throws Exception {
        f.write("vigil.properties", "# Vigil-only settings\nvigil.monitor.interval=5s\nvigil.arp.count=3\nvigil.hacf.deadtime=15\n");
        f.env.put("VIGIL_ARP_COUNT", "7");
        ClusterConfig c = f.load();
        assertEquals(Duration.ofSeconds(5), c.vigil().monitorInterval());
        assertEquals(7, c.vigil().arpCount());
        assertEquals(15000, c.deadtimeMs());
        assertEquals(tmp.resolve("vigil.properties") + ":2", HaCfTest.setting(c, "vigil.monitor.interval").origin());
        assertEquals("env VIGIL_ARP_COUNT", HaCfTest.setting(c, "vigil.arp.count").origin());
        assertEquals(tmp.resolve("vigil.properties") + ":4", HaCfTest.setting(c, "deadtime").origin());
    }

    @Test
    void vigilSettingErrors() {
        f.write("vigil.properties", "vigil.monitor.intervall=5s\nvigil.resource.start-timeout=soon\nvigil.metrics.port=70000\n"
                + "vigil.fence-script=/nonexistent/fence\nvigil.state-dir=relative\n");
        List<String> p = f.problems();
        Path props = tmp.resolve("vigil.properties");
        for (String expected : List.of(
                props + ":1: Unknown setting [vigil.monitor.intervall] — see docs/configuration.md for the keys Vigil knows",
                props + ":2: Invalid value [soon] for vigil.resource.start-timeout — give a duration such as 10s, 200ms or 1m",
                props + ":3: Invalid value [70000] for vigil.metrics.port — give a TCP port from 1 to 65535, or 0 to disable",
                props + ":4: Invalid value [/nonexistent/fence] for vigil.fence-script — give the absolute path of an executable file",
                props + ":5: Invalid value [relative] for vigil.state-dir — give an absolute path")) {
            assertTrue(p.contains(expected), () -> expected + " in " + p);
        }
    }

    @Test
    void vigilDefaultsAndDurations() throws Exception {
        f.sysprops.put("vigil.monitor.interval", "0");
        f.sysprops.put("vigil.arp.interval", "PT0.5S");
        ClusterConfig c = f.load();
        assertEquals(Duration.ZERO, c.vigil().monitorInterval());
        assertTrue(!c.vigil().monitorEnabled());
        assertEquals(Duration.ofMillis(500), c.vigil().arpInterval());
        assertEquals(Duration.ofSeconds(60), c.vigil().startTimeout());
        assertEquals(Path.of("/var/lib/vigil"), c.vigil().stateDir());
        assertEquals(9694, c.vigil().metricsPort());
        assertEquals("127.0.0.1", c.vigil().metricsHost());
    }

    @Test
    void configDirResolution(@TempDir Path other) throws Exception {
        ConfigLoader loader = new ConfigLoader(f.host());
        assertEquals(new ConfigLoader.ConfigDir(other, "--config-dir"), loader.resolveDir(Optional.of(other)));
        f.env.put("VIGIL_CONFIG_DIR", other.toString());
        assertEquals(new ConfigLoader.ConfigDir(other, "env VIGIL_CONFIG_DIR"), new ConfigLoader(f.host()).resolveDir(Optional.empty()));
        f.sysprops.put("vigil.config-dir", tmp.toString());
        assertEquals(new ConfigLoader.ConfigDir(tmp, "system property vigil.config-dir"), new ConfigLoader(f.host()).resolveDir(Optional.empty()));
        // /etc/ha.d first, else /etc/heartbeat (the tutorial's): the first that holds ha.cf.
        Path haD = other.resolve("ha.d");
        Path heartbeat = other.resolve("heartbeat");
        Files.createDirectories(haD);
        Files.createDirectories(heartbeat);
        ConfigEnvironment bare = new ConfigEnvironment(java.util.Map.of(), java.util.Map.of(), () -> "linux1", n -> true, n -> Optional.empty(),
                List.of(haD, heartbeat));
        assertEquals(haD, new ConfigLoader(bare).resolveDir(Optional.empty()).path());
        Files.writeString(heartbeat.resolve("ha.cf"), "");
        assertEquals(heartbeat, new ConfigLoader(bare).resolveDir(Optional.empty()).path());
        Files.writeString(haD.resolve("ha.cf"), "");
        assertEquals(haD, new ConfigLoader(bare).resolveDir(Optional.empty()).path());
    }

    @Test
    void missingConfigDir() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> new ConfigLoader(f.host()).loadFrom(Optional.of(tmp.resolve("nope")), Optional.empty()));
        assertEquals(tmp.resolve("nope") + ": Configuration directory [" + tmp.resolve("nope") + "] does not exist (--config-dir) — give the "
                + "directory holding ha.cf, authkeys and haresources with --config-dir", e.problems().get(0).format());
    }

    @Test
    void unknownSystemPropertyIsOnlyAWarning() throws Exception {
        f.sysprops.put("vigil.monitor.intervall", "5s");
        f.sysprops.put("vigil.app", "/x/quarkus-run.jar");
        ClusterConfig c = f.load();
        assertEquals(List.of("system property vigil.monitor.intervall: warning: Unknown setting [vigil.monitor.intervall] — see "
                + "docs/configuration.md for the keys Vigil knows"), c.warnings().stream().map(ConfigProblem::format).toList());
    }
}
