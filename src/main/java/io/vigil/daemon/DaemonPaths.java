package io.vigil.daemon;

import io.vigil.security.SecureFiles;

import java.io.IOException;
import java.nio.file.Path;

/** Where the running daemon keeps its files: PID file and control socket in runDir, generation and UUID in stateDir. */
public record DaemonPaths(Path runDir, Path stateDir) {

    public Path pidFile() {
        return runDir.resolve("vigil.pid");
    }

    public Path socket() {
        return runDir.resolve("vigil.sock");
    }

    /**
     * Creates the run and state directories (mode 0700) when missing and refuses them, with the reason and the fix, when
     * someone else than root could write them or a directory above them: whoever can replaces the PID file, the
     * control socket or the generation counter.
     *
     * @throws IllegalStateException naming the directory, the problem and the fix
     */
    public void prepare() {
        try {
            SecureFiles.ensureDirectory(runDir, SecureFiles.PRIVATE_DIR, "run directory (--run-dir)");
            SecureFiles.ensureDirectory(stateDir, SecureFiles.PRIVATE_DIR, "state directory (--state-dir, vigil.state-dir)");
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
