package io.vigil.cli;

import io.vigil.control.FakeDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged launcher runs `vigil status|standby|takeover|reload` through {@link ClientMain}: no Quarkus class is
 * loaded, and the output and exit code are those of the same command run through the daemon's own command tree.
 */
class ClientLauncherIT {

    static final Path LAUNCHER = Path.of("deploy/bin/vigil").toAbsolutePath();

    static FakeDaemon daemon;
    static Path runDir;

    record Run(int rc, String out, String err) {
    }

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        runDir = tmp;
        daemon = new FakeDaemon(tmp);
    }

    @AfterAll
    static void stop() throws Exception {
        daemon.close();
    }

    /** The launcher, with the class-load log of the JVM it starts in {@code classLog}; no class cache. */
    static Run launcher(Path classLog, Path cacheDir, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(LAUNCHER.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("VIGIL_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog);
        pb.environment().put("VIGIL_CACHE_DIR", cacheDir.toString());
        Path out = Files.createTempFile("vigil-client", ".out");
        Path err = Files.createTempFile("vigil-client", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "vigil " + String.join(" ", args) + " did not finish");
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The same command through the Quarkus entry point's command tree, in this JVM. */
    static Run inProcess(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new VigilCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void operatorCommandsAnswerWithoutQuarkus(@TempDir Path tmp) throws Exception {
        Path empty = Files.createDirectory(tmp.resolve("no-daemon"));
        List<List<String>> commands = List.of(
                List.of("status", "--run-dir", runDir.toString()),
                List.of("status", "--json", "--run-dir", runDir.toString()),
                List.of("status", "--run-dir", empty.toString()),
                List.of("standby", "failback", "--run-dir", runDir.toString()),
                List.of("standby", "bogus", "--run-dir", runDir.toString()),
                List.of("takeover", "--run-dir", empty.toString()),
                List.of("reload", "--run-dir", runDir.toString()),
                List.of("status", "--no-such-option"));
        int n = 0;
        for (List<String> command : commands) {
            String[] args = command.toArray(String[]::new);
            Path classLog = tmp.resolve("classes-" + n++ + ".log");
            Run viaLauncher = launcher(classLog, tmp, args);
            Run expected = inProcess(args);
            assertEquals(expected, viaLauncher, String.join(" ", command));
            String loaded = Files.readString(classLog);
            assertTrue(loaded.contains("io.vigil.cli.ClientMain "), "ClientMain ran: " + command);
            assertFalse(loaded.contains("io.quarkus."), "no Quarkus class loaded by " + command);
        }
        // each request twice: through the launcher, then in process
        assertEquals(List.of("standby foreign", "standby foreign", "reload", "reload"), daemon.handler.requests);
    }
}
