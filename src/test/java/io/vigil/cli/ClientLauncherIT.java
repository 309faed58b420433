package io.vigil.cli;

import io.vigil.control.FakeDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged launcher answers `vigil status|standby|takeover|reload` through its shell relay (deploy/bin/vigil-client:
 * no JVM at all), and what the relay leaves (help, unknown options, an older daemon) through {@link ClientMain} (no
 * Quarkus class loaded). Either way the output and exit code are those of the same command run through the daemon's
 * own command tree.
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

    /** The launcher, the class-load log of any JVM it starts in {@code classLog}; no class cache. */
    static Run launcher(Path classLog, Path cacheDir, Map<String, String> env, List<String> args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(LAUNCHER.toString()));
        argv.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("VIGIL_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog);
        pb.environment().put("VIGIL_CACHE_DIR", cacheDir.toString());
        pb.environment().putAll(env);
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
    static Run inProcess(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new VigilCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return new Run(cl.execute(args.toArray(String[]::new)), out.toString(), err.toString());
    }

    /** Runs each command through the launcher and in process; returns the class-load logs (absent: no JVM ran). */
    static List<Path> sameAsInProcess(Path tmp, Map<String, String> env, List<List<String>> commands) throws Exception {
        List<Path> logs = new ArrayList<>();
        for (List<String> command : commands) {
            Path classLog = Files.createTempFile(tmp, "classes-", ".log");
            Files.delete(classLog);
            Run viaLauncher = launcher(classLog, tmp, env, command);
            assertEquals(inProcess(command), viaLauncher, env + " " + String.join(" ", command));
            logs.add(classLog);
        }
        return logs;
    }

    @Test
    void operatorCommandsAnswerThroughTheRelayWithoutAJvm(@TempDir Path tmp) throws Exception {
        Path empty = Files.createDirectory(tmp.resolve("no-daemon"));
        daemon.handler.requests.clear();
        List<List<String>> commands = List.of(
                List.of("status", "--run-dir", runDir.toString()),
                List.of("status", "--json", "--run-dir=" + runDir + "/"),
                List.of("status", "--run-dir", empty.toString()),
                List.of("standby", "failback", "--run-dir", runDir.toString()),
                List.of("takeover", "--run-dir", runDir + "//", "local"),
                List.of("takeover", "--run-dir", empty.toString()),
                List.of("reload", "--run-dir", runDir.toString()));
        List<Path> logs = sameAsInProcess(tmp, Map.of(), commands);
        for (int i = 0; i < commands.size(); i++) {
            assertFalse(Files.exists(logs.get(i)), "no JVM started for " + commands.get(i));
        }
        // each request twice: through the launcher, then in process
        assertEquals(List.of("standby foreign", "standby foreign", "takeover local", "takeover local", "reload", "reload"),
                daemon.handler.requests);
    }

    @Test
    void whatTheRelayLeavesRunsInTheJvmClientWithoutQuarkus(@TempDir Path tmp) throws Exception {
        Path empty = Files.createDirectory(tmp.resolve("no-daemon"));
        List<List<String>> relayLeaves = List.of(
                List.of("standby", "bogus", "--run-dir", runDir.toString()),
                List.of("status", "--no-such-option"),
                List.of("status", "--run-dir"),
                List.of("status", "--help"));
        List<List<String>> relayOff = List.of(
                List.of("status", "--run-dir", runDir.toString()),
                List.of("status", "--run-dir", empty.toString()),
                List.of("reload", "--run-dir", runDir.toString()));
        List<Path> logs = new ArrayList<>(sameAsInProcess(tmp, Map.of(), relayLeaves));
        logs.addAll(sameAsInProcess(tmp, Map.of("VIGIL_RELAY", "0"), relayOff));
        for (Path log : logs) {
            String loaded = Files.readString(log);
            assertTrue(loaded.contains("io.vigil.cli.ClientMain "), "ClientMain ran: " + log);
            assertFalse(loaded.contains("io.quarkus."), "no Quarkus class loaded: " + log);
        }
    }

    /**
     * A daemon older than the relay has no /v1/cli/ endpoints: it answers 404 and does nothing, and the relay asks
     * again through the JVM client, whose request it knows. One standby reaches the daemon, not two.
     */
    @Test
    void anOlderDaemonIsAskedTheJvmWay(@TempDir Path tmp) throws Exception {
        Path oldRun = Files.createDirectory(tmp.resolve("old"));
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(oldRun.resolve("vigil.sock")));
            Thread t = new Thread(() -> answerAsAnOlderDaemon(server, seen));
            t.setDaemon(true);
            t.start();
            Path classLog = tmp.resolve("classes.log");
            Run r = launcher(classLog, tmp, Map.of(), List.of("standby", "--run-dir", oldRun.toString()));
            assertEquals(new Run(0, "standby [all] requested\n", ""), r);
            assertTrue(Files.readString(classLog).contains("io.vigil.cli.ClientMain "), "the JVM client asked");
            assertEquals(List.of("POST /v1/cli/standby", "POST /v1/standby"), seen);
        }
    }

    /** Each request's line is recorded; /v1/cli/ gets the 404 of a daemon that lacks it, the rest a standby's 200. */
    private static void answerAsAnOlderDaemon(ServerSocketChannel server, List<String> seen) {
        try {
            while (true) {
                try (SocketChannel ch = server.accept()) {
                    ByteBuffer in = ByteBuffer.allocate(8192);
                    String request = "";
                    while (!request.contains("\r\n\r\n") && ch.read(in) > 0) {
                        request = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
                    }
                    String[] line = request.split(" ", 3);
                    String target = line[1].replaceFirst("\\?.*", "");
                    seen.add(line[0] + " " + target);
                    String body = target.startsWith("/v1/cli/") ? "{\"error\":\"No such endpoint: " + target + "\"}"
                            : "{\"ok\":true,\"message\":\"standby [all] requested\"}";
                    String status = target.startsWith("/v1/cli/") ? "404 Not Found" : "200 OK";
                    ch.write(ByteBuffer.wrap(("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII)));
                }
            }
        } catch (java.io.IOException closed) {
            // the test is over
        }
    }
}
