package io.vigil.resource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Writes small POSIX sh scripts for tests, and settings that find them. */
final class TestScripts {

    private TestScripts() {
    }

    static Path write(Path dir, String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** Settings looking only in {@code dirs}, state in {@code tmp}, short timeouts and fast stop retries. */
    static ResourceSettings settings(Path tmp, Path... dirs) {
        return new ResourceSettings(List.of(dirs), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(5),
                Map.of(), 5, Duration.ofMillis(200), tmp, 2, Duration.ofMillis(20), ResourceSettings.DEFAULT_OCF_ROOT, "");
    }

    /** The project's shipped resource.d (tests run with the project directory as working directory). */
    static Path shipped() {
        return Path.of("resource.d").toAbsolutePath();
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessRunner::isRunning).orElse(false);
    }
}
