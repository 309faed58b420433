package io.vigil.notify;

import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigEnvironment;
import io.vigil.config.ConfigLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The tutorial's configuration (linux1, linux2, ping 192.0.2.1) in a temp dir, loaded by the real ConfigLoader. */
final class NotifyFixture {

    private NotifyFixture() {
    }

    static Path configDir(Path tmp, String vigilProperties) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ha.d"));
        for (String f : List.of("ha.cf", "authkeys", "haresources")) {
            Files.copy(Path.of("deploy/examples/tutorial", f), dir.resolve(f));
        }
        Files.setPosixFilePermissions(dir.resolve("authkeys"), PosixFilePermissions.fromString("rw-------"));
        if (vigilProperties != null) {
            Files.writeString(dir.resolve("vigil.properties"), vigilProperties);
        }
        return dir;
    }

    static ClusterConfig load(Path dir) throws Exception {
        ConfigEnvironment host = new ConfigEnvironment(Map.of(), Map.of(), () -> "linux1", name -> true,
                name -> Optional.empty(), List.of(dir));
        return new ConfigLoader(host).loadFrom(Optional.of(dir), Optional.of("linux1"));
    }

    /** An executable shell script. */
    static Path script(Path file, String body) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
