package io.vigil.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher's -Dvigil.home/-Dvigil.resource-dir/-Dvigil.launcher are not typos of settings. */
class ConfigLoaderLauncherPropertiesTest {

    private static ConfigLoader loader(Map<String, String> props) {
        return new ConfigLoader(new ConfigEnvironment(Map.of(), props, () -> "linux1", name -> true,
                name -> Optional.empty(), List.of()));
    }

    private static Path configDir(Path dir) throws Exception {
        Files.writeString(dir.resolve("ha.cf"), "keepalive 1\ndeadtime 10\nbcast eth0\nauto_failback on\nnode linux1\nnode linux2\n");
        Path keys = dir.resolve("authkeys");
        Files.writeString(keys, "auth 1\n1 sha1 MaClefSecrete\n");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("haresources"), "linux1 192.0.2.253\n");
        return dir;
    }

    @Test
    void launcherPropertiesAreAccepted(@TempDir Path dir) throws Exception {
        ClusterConfig c = loader(Map.of("vigil.home", "/opt/vigil", "vigil.resource-dir", "/opt/vigil/resource.d",
                "vigil.launcher", "/opt/vigil/bin/vigil", "vigil.app", "/opt/vigil/lib/quarkus-run.jar"))
                .loadFrom(Optional.of(configDir(dir)), Optional.of("linux1"));
        assertEquals("linux1", c.localNode());
    }

    @Test
    void aMistypedSystemPropertyIsStillReported(@TempDir Path dir) throws Exception {
        // A warning, not an error: system properties are shared with the rest of the JVM (docs/configuration.md).
        ClusterConfig c = loader(Map.of("vigil.resource-dri", "/x")).loadFrom(Optional.of(configDir(dir)), Optional.of("linux1"));
        assertTrue(c.warnings().stream().anyMatch(p -> p.format().contains("vigil.resource-dri")), c.warnings().toString());
    }
}
