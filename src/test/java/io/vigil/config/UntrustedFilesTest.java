package io.vigil.config;

import io.vigil.resource.ResourceSettings;
import io.vigil.resource.ScriptTrust;
import io.vigil.security.FileTrust;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 14 item 4: the files that decide what runs as root — ha.cf, haresources, vigil.properties, the fence script
 * and the resource scripts — are refused, with the file and the fix, when someone else than root could change them.
 */
class UntrustedFilesTest {

    @TempDir
    Path tmp;
    ConfigFixture f;

    @BeforeEach
    void setUp() {
        f = new ConfigFixture(tmp);
    }

    @Test
    void groupWritableHaresourcesIsRefused() {
        f.mode("haresources", "rw-rw-r--");
        Path file = tmp.resolve("haresources");
        assertTrue(f.problems().contains(file + ": " + file + " is writable by group or others (mode 0664): whoever can write it"
                + " decides what Vigil runs as root — run `chmod go-w " + file + "`"), f.problems().toString());
    }

    @Test
    void otherWritableHaCfAndVigilPropertiesAreRefused() {
        f.write("vigil.properties", "vigil.monitor.interval=5s\n").mode("vigil.properties", "rw-r--rw-").mode("ha.cf", "rw-rw-rw-");
        List<String> p = f.problems();
        assertTrue(p.stream().anyMatch(x -> x.startsWith(tmp.resolve("ha.cf") + ": " + tmp.resolve("ha.cf") + " is writable")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith(tmp.resolve("vigil.properties") + ": " + tmp.resolve("vigil.properties")
                + " is writable by group or others (mode 0646)")), p.toString());
    }

    @Test
    void haCfOwnedByAnotherUserIsRefused() throws Exception {
        assumeTrue(FileTrust.effectiveUid() == 0, "needs root to chown");
        Files.setAttribute(tmp.resolve("ha.cf"), "unix:uid", 4242);
        Path file = tmp.resolve("ha.cf");
        assertTrue(f.problems().contains(file + ": " + file + " is owned by uid 4242, not root — run `chown root:root " + file + "`"),
                f.problems().toString());
    }

    @Test
    void groupWritableFenceScriptIsRefusedAtItsSetting() throws Exception {
        Path script = tmp.resolve("fence.sh");
        Files.writeString(script, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxrwxr-x"));
        f.write("vigil.properties", "vigil.fence-script=" + script + "\n");
        assertTrue(f.problems().contains(tmp.resolve("vigil.properties") + ":1: " + script + " is writable by group or others (mode 0775):"
                + " whoever can write it decides what Vigil runs as root — run `chmod go-w " + script + "`"), f.problems().toString());
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(script, assertValid().vigil().fenceScript().orElseThrow());
    }

    @Test
    void wildcardMetricsAddressWarns() throws Exception {
        f.write("vigil.properties", "vigil.metrics.host=0.0.0.0\n");
        ClusterConfig c = assertValid();
        List<String> w = c.warnings().stream().map(ConfigProblem::format).toList();
        assertTrue(w.contains(tmp.resolve("vigil.properties") + ":1: warning: vigil.metrics.host 0.0.0.0 serves metrics and health"
                + " on every address: node names, groups and packet counters are then readable from any network this host is on"
                + " — keep 127.0.0.1, or give one management address and firewall the port"), w.toString());
        f.write("vigil.properties", "vigil.metrics.host=127.0.0.1\n");
        assertTrue(assertValid().warnings().stream().noneMatch(p -> p.message().contains("metrics")));
        for (String wildcard : List.of("::", "[::]", "*", "0.0.0.0", "0:0:0:0:0:0:0:0")) {
            assertTrue(VigilSettings.isWildcard(wildcard), wildcard);
        }
        for (String specific : List.of("127.0.0.1", "::1", "192.0.2.10", "localhost", "10.0.0.0")) {
            assertTrue(!VigilSettings.isWildcard(specific), specific);
        }
    }

    @Test
    void rotationWindowHasADefaultAndCanBeSet() throws Exception {
        assertEquals(java.time.Duration.ofMinutes(5), assertValid().vigil().authRotationWindow());
        f.write("vigil.properties", "vigil.auth.rotation-window=30s\n");
        assertEquals(java.time.Duration.ofSeconds(30), assertValid().vigil().authRotationWindow());
    }

    @Test
    void groupWritableResourceScriptIsRefusedAtItsHaresourcesLine() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("resource.d"));
        Path script = dir.resolve("Myservice");
        Files.writeString(script, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxrwxr-x"));
        f.write("haresources", "linux1 192.0.2.253 Myservice\n");
        ClusterConfig c = assertValid();
        ResourceSettings settings = ResourceSettings.defaults().withScriptDirs(List.of(dir));
        List<String> p = ScriptTrust.problems(c, settings).stream().map(ConfigProblem::format).toList();
        assertEquals(List.of(tmp.resolve("haresources") + ":1: resource script of Myservice: " + script + " is writable by group or"
                + " others (mode 0775): whoever can write it decides what Vigil runs as root — run `chmod go-w " + script + "`"), p);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(List.of(), ScriptTrust.problems(c, settings));
    }

    private ClusterConfig assertValid() throws ConfigException {
        return f.load();
    }
}
