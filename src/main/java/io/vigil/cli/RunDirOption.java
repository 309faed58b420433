package io.vigil.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where the running daemon keeps its PID file ({@code vigil.pid}) and control socket ({@code vigil.sock}). */
public class RunDirOption {

    public static final Path DEFAULT = Path.of("/run/vigil");

    @Option(names = "--run-dir", paramLabel = "DIR", defaultValue = "${VIGIL_RUN_DIR:-/run/vigil}",
            description = "Directory of the daemon's PID file and control socket (default: ${DEFAULT-VALUE}).")
    Path runDir;

    public Path runDir() {
        return runDir;
    }

    public Path socket() {
        return runDir.resolve("vigil.sock");
    }

    public Path pidFile() {
        return runDir.resolve("vigil.pid");
    }
}
