package io.vigil.control;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/bin/heartbeat, Heartbeat's {@code -s}, {@code -k}, {@code -r} answered for Vigil (reference §7.1, §9.10),
 * against a control server with a fake daemon behind it and a PID file in a run directory of the test's own.
 */
class HeartbeatCommandTest {

    static final Path COMMAND = Path.of("deploy/bin/heartbeat").toAbsolutePath();

    static Vertx vertx;
    static Path run;
    static Path socket;
    static FakeControlHandler handler = new FakeControlHandler();
    static ControlServer server;

    record Run(String stdout, String stderr, int rc) {
    }

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        run = tmp.resolve("run");
        socket = run.resolve("vigil.sock");
        server = new ControlServer(vertx, socket, handler);
        server.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static Run heartbeat(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(COMMAND.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("VIGIL_RUN_DIR", run.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(out, err, p.exitValue());
    }

    static String uname() throws Exception {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    }

    @Test
    void statusWhenRunningNamesThePidTheHostAndTheNode() throws Exception {
        Files.writeString(run.resolve("vigil.pid"), ProcessHandle.current().pid() + "\n");
        try {
            assertEquals(new Run("heartbeat OK [pid " + ProcessHandle.current().pid() + " et al] is running on " + uname()
                    + " [alice]...\n", "", 0), heartbeat("-s"));
        } finally {
            Files.delete(run.resolve("vigil.pid"));
        }
    }

    @Test
    void statusWhenStoppedIsLsb3AndStalePidFileIs1() throws Exception {
        assertEquals(new Run("heartbeat is stopped. No process\n", "", 3), heartbeat("-s"));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(run.resolve("vigil.pid"), gone.pid() + "\n");
        try {
            assertEquals(new Run("heartbeat is stopped. No process\n", "", 1), heartbeat("-s"));
        } finally {
            Files.delete(run.resolve("vigil.pid"));
        }
    }

    @Test
    void stopWithNothingRunningAndStopOfARunningDaemon() throws Exception {
        assertEquals(new Run("", "INFO: Heartbeat already stopped.\n", 0), heartbeat("-k"));
        Process daemon = new ProcessBuilder("sleep", "300").start();
        Files.writeString(run.resolve("vigil.pid"), daemon.pid() + "\n");
        try {
            Run r = heartbeat("-k");
            assertEquals(0, r.rc(), r.toString());
            assertTrue(daemon.waitFor(5, TimeUnit.SECONDS));
            assertFalse(daemon.isAlive(), "heartbeat -k returned before the daemon was gone");
        } finally {
            daemon.destroyForcibly();
            Files.deleteIfExists(run.resolve("vigil.pid"));
        }
    }

    @Test
    void rereadSignalsTheRunningDaemon() throws Exception {
        Files.writeString(run.resolve("vigil.pid"), ProcessHandle.current().pid() + "\n");
        try {
            int before = (int) handler.requests.stream().filter("reload"::equals).count();
            Run r = heartbeat("-r");
            assertEquals(0, r.rc(), r.toString());
            assertTrue(r.stdout().startsWith("Signalling heartbeat pid " + ProcessHandle.current().pid()
                    + " to reread config files\n"), r.stdout());
            assertEquals(before + 1, handler.requests.stream().filter("reload"::equals).count());
        } finally {
            Files.delete(run.resolve("vigil.pid"));
        }
    }

    @Test
    void otherOptionsSayWhatToRunInstead() throws Exception {
        Run d = heartbeat("-d");
        assertEquals(1, d.rc());
        assertTrue(d.stderr().contains("ha.cf's `debug <n>`"), d.stderr());
        Run none = heartbeat();
        assertEquals(1, none.rc());
        assertTrue(none.stderr().contains("systemctl start|stop|restart|status vigil"), none.stderr());
    }
}
