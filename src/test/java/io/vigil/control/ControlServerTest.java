package io.vigil.control;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlServerTest {

    static Vertx vertx;
    static Path dir;
    static Path socket;
    static FakeControlHandler handler = new FakeControlHandler();
    static ControlServer server;

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        assertTrue(vertx.isNativeTransportEnabled(), "native transport: " + vertx.unavailableNativeTransportCause());
        dir = tmp.resolve("run");   // missing: start() must create it 0700
        socket = dir.resolve("vigil.sock");
        server = new ControlServer(vertx, socket, handler);
        server.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertFalse(Files.exists(socket), "stop() removes the socket");
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A keeping stop: the daemon is told to exit once its answer has been written (not after a fixed pause). */
    @Test
    void aKeepingStopExitsOnlyAfterItsAnswer() throws Exception {
        ControlClient.Response r = new ControlClient(socket).post("/v1/stop?keep=resources");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("kept running"), r.body());
        handler.keepStopAnswered.get(10, TimeUnit.SECONDS);
    }

    @Test
    void socketIsPrivate() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    }

    /**
     * Issue 14 item 4: the socket is bound inside a private directory and moved into place already 0600, so even in a
     * run directory others can enter it is never reachable with the umask's mode; nothing is left behind.
     */
    @Test
    void socketInAnOpenRunDirectoryIsPrivateFromTheStart(@TempDir Path tmp) throws Exception {
        Path open = Files.createDirectory(tmp.resolve("run"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path sock = open.resolve("vigil.sock");
        java.util.Set<String> modesSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread watcher = new Thread(() -> {   // samples the socket's mode as fast as it can while the server starts
            while (watching.get()) {
                try {
                    modesSeen.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
                } catch (java.io.IOException e) {
                    // not there yet
                }
            }
        });
        watcher.start();
        ControlServer other = new ControlServer(vertx, sock, handler);
        try {
            other.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Thread.sleep(50);
            watching.set(false);
            watcher.join();
            assertEquals(java.util.Set.of("rw-------"), modesSeen, "modes the socket had at its path");
            try (var entries = Files.list(open)) {
                assertEquals(java.util.List.of("vigil.sock"), entries.map(p -> p.getFileName().toString()).toList(),
                        "the private staging directory is gone");
            }
            assertEquals(200, new ControlClient(sock).get("/v1/status").status());
        } finally {
            watching.set(false);
            other.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void statusRoundTrips() throws Exception {
        ControlClient.Response r = new ControlClient(socket).get("/v1/status");
        assertEquals(200, r.status());
        assertEquals(handler.report, StatusReport.fromJson(new JsonObject(r.body())));
    }

    @Test
    void standbyTakeoverReload() throws Exception {
        ControlClient c = new ControlClient(socket);
        ControlClient.Response r = c.post("/v1/standby?set=failback");
        assertEquals(200, r.status(), r.body());
        assertTrue(new JsonObject(r.body()).getBoolean("ok"));
        assertEquals(200, c.post("/v1/takeover?set=local").status());
        assertEquals(200, c.post("/v1/standby").status());
        assertEquals(200, c.post("/v1/reload").status());
        assertTrue(handler.requests.containsAll(java.util.List.of("standby foreign", "takeover local", "standby all", "reload")),
                handler.requests.toString());
    }

    @Test
    void badRequestsGetClear4xx() throws Exception {
        ControlClient c = new ControlClient(socket);
        ControlClient.Response bad = c.post("/v1/standby?set=bogus");
        assertEquals(400, bad.status());
        assertTrue(new JsonObject(bad.body()).getString("error").contains("wrong resources(bogus)"), bad.body());
        assertEquals(400, c.post("/v1/takeover?set=none").status());
        assertEquals(400, c.post("/v1/takeover?set=all&set=local").status());
        ControlClient.Response unknown = c.get("/v1/nosuch");
        assertEquals(404, unknown.status());
        assertTrue(unknown.body().contains("No such endpoint: /v1/nosuch"), unknown.body());
        ControlClient.Response wrongMethod = c.get("/v1/standby?set=all");
        assertEquals(405, wrongMethod.status());
        assertEquals("POST", wrongMethod.header("Allow"));
        assertEquals(405, c.post("/v1/status").status());
        assertEquals(400, c.get("/v1/cl_status?arg=rscstatus&pid=abc").status());
    }

    @Test
    void refusalIs409WithTheDaemonsMessage() throws Exception {
        handler.refuse = true;
        try {
            ControlClient.Response r = new ControlClient(socket).post("/v1/standby?set=all");
            assertEquals(409, r.status());
            assertEquals("auto_failback is set to legacy.  Cannot enter standby.", new JsonObject(r.body()).getString("message"));
        } finally {
            handler.refuse = false;
        }
    }

    @Test
    void clStatusEndpointCarriesExitCodeAndStderr() throws Exception {
        ControlClient c = new ControlClient(socket);
        ControlClient.Response r = c.get("/v1/cl_status?arg=nodestatus&arg=bob&pid=77");
        assertEquals("dead\n", r.body());
        assertEquals("1", r.header(ControlServer.EXIT_CODE_HEADER));
        ControlClient.Response e = c.get("/v1/cl_status?arg=nodestatus&arg=nosuch&pid=77");
        assertEquals("11", e.header(ControlServer.EXIT_CODE_HEADER));
        assertEquals("Error.%20May%20be%20due%20to%20incorrect%20node%20name%0A", e.header(ControlServer.STDERR_HEADER));
    }

    /** /v1/cli/: what the operator command prints, rendered by the daemon for the shell relay (vigil-client). */
    @Test
    void cliEndpointsAnswerAsTheCommandPrints() throws Exception {
        ControlClient c = new ControlClient(socket);
        ControlClient.Response table = c.get("/v1/cli/status?tz=UTC");
        assertEquals("0", table.header(ControlServer.EXIT_CODE_HEADER));
        assertEquals(CommandOutput.status(handler.report, false, java.time.ZoneOffset.UTC).stdout(), table.body());
        assertTrue(table.body().startsWith("vigil 0.1.0 on alice: active"), table.body());
        ControlClient.Response json = c.get("/v1/cli/status?json=1");
        assertEquals(handler.report, StatusReport.fromJson(new JsonObject(json.body())));

        ControlClient.Response ok = c.post("/v1/cli/standby?set=failback");
        assertEquals(200, ok.status());
        assertEquals("0", ok.header(ControlServer.EXIT_CODE_HEADER));
        assertEquals("standby [foreign] requested\n", ok.body());
        handler.refuse = true;
        try {
            ControlClient.Response refused = c.post("/v1/cli/standby");
            assertEquals("1", refused.header(ControlServer.EXIT_CODE_HEADER));
            assertEquals("", refused.body());
            assertEquals("auto_failback%20is%20set%20to%20legacy.%20%20Cannot%20enter%20standby.%0A",
                    refused.header(ControlServer.STDERR_HEADER));
        } finally {
            handler.refuse = false;
        }
        // errors too: a bad set, a wrong method, an unknown command
        ControlClient.Response bad = c.post("/v1/cli/takeover?set=bogus");
        assertEquals("1", bad.header(ControlServer.EXIT_CODE_HEADER));
        assertTrue(bad.header(ControlServer.STDERR_HEADER).startsWith("vigil%3A%20wrong%20resources%28bogus%29"),
                bad.header(ControlServer.STDERR_HEADER));
        assertEquals("1", c.get("/v1/cli/reload").header(ControlServer.EXIT_CODE_HEADER));
        assertEquals("1", c.get("/v1/cli/cl_status").header(ControlServer.EXIT_CODE_HEADER));
    }

    @Test
    void aCallersZoneIsTakenAsItsJvmWould() {
        assertEquals(java.time.ZoneId.of("Europe/Paris"), ControlServer.zone(":Europe/Paris"));
        assertEquals(java.time.ZoneId.of("GMT"), ControlServer.zone("Not/AZone"));
        assertEquals(java.time.ZoneId.systemDefault(), ControlServer.zone(null));
    }

    @Test
    void clientSaysNotRunning(@TempDir Path tmp) {
        Path none = tmp.resolve("vigil.sock");
        ControlClient.NotRunningException e = assertThrows(ControlClient.NotRunningException.class,
                () -> new ControlClient(none).get("/v1/status"));
        assertEquals("vigil is not running (no control socket at " + none + ")", e.getMessage());
    }

    @Test
    void staleSocketIsReplacedButALiveOneIsNot(@TempDir Path tmp) throws Exception {
        Path stale = tmp.resolve("vigil.sock");
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(stale));
            // still listening: a second daemon must not steal it
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> ControlServer.prepareSocketPath(stale));
            assertTrue(e.getMessage().contains("Another daemon is listening"), e.getMessage());
        }
        assertTrue(Files.exists(stale), "closing a JDK server channel leaves the file: a stale socket");
        ControlServer.prepareSocketPath(stale);
        assertFalse(Files.exists(stale));

        Path regular = Files.writeString(tmp.resolve("not-a-socket"), "x");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> ControlServer.prepareSocketPath(regular));
        assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
        assertTrue(Files.exists(regular), "never deletes a file that is not a socket");
    }
}
