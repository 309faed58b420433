package io.vigil.daemon;

import java.nio.file.Path;

/** Where the running daemon keeps its files: PID file and control socket in runDir, generation and UUID in stateDir. */
public record DaemonPaths(Path runDir, Path stateDir) {

    public Path pidFile() {
        return runDir.resolve("vigil.pid");
    }

    public Path socket() {
        return runDir.resolve("vigil.sock");
    }
}
