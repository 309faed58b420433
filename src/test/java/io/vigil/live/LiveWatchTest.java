package io.vigil.live;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vigil.control.ControlClient;
import io.vigil.control.ControlServer;
import io.vigil.control.FakeControlHandler;
import io.vigil.notify.ClusterEvent;
import io.vigil.notify.EventType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live feed behind the page and the terminal view, /v1/live long polling, and `vigil status --watch`. */
class LiveWatchTest {

    static Vertx vertx;
    static Path socket;
    static ControlServer server;
    static final LiveFeed feed = new LiveFeed();

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        socket = tmp.resolve("run/vigil.sock");
        feed.timing(new LiveFeed.Timing(1000, 5000, 10000));
        feed.bind(FakeControlHandler::sample);
        server = new ControlServer(vertx, socket, new FakeControlHandler(), io.vigil.control.ControlAccess.rootOnly(), feed);
        server.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static ClusterEvent event(EventType type, String node, String group, String state) {
        return new ClusterEvent(1, 1_800_000_000_000L, type, "alice", node, "normal", group, "", state, "", "");
    }

    @Test
    void snapshotsWithTheSameFaceDoNotCountAsChanges() {
        LiveFeed f = new LiveFeed();
        long v0 = f.version();
        f.snapshot("a");
        f.snapshot("a");
        assertEquals(v0 + 1, f.version());
        f.snapshot("b");
        f.beat("bob", 1, 1000);
        assertEquals(v0 + 2, f.version(), "a keepalive alone is no change to redraw for");
        for (int i = 0; i < LiveFeed.BEATS_KEPT + 30; i++) {
            f.beat("bob", i, 990 + i % 20);
        }
        assertEquals(LiveFeed.BEATS_KEPT, f.view().getJsonObject("keepalive").getJsonArray("bob").size());
        assertEquals("the daemon has not started yet", f.view().getString("message"));
    }

    @Test
    void subscribersGetTheViewThenChangesAndBeats() throws Exception {
        LiveFeed f = new LiveFeed();
        f.bind(FakeControlHandler::sample);
        List<String> got = java.util.Collections.synchronizedList(new ArrayList<>());
        Runnable unsubscribe = f.subscribe(new LiveFeed.Listener() {
            @Override
            public void view(String json) {
                got.add("view " + new JsonObject(json).getLong("version"));
            }

            @Override
            public void beat(String json) {
                got.add("beat " + new JsonObject(json).getLong("ms"));
            }
        });
        await(() -> got.size() == 1);
        f.beat("bob", 5, 1003);
        await(() -> got.size() == 2);
        f.event(event(EventType.NODE_DEAD, "bob", "", "dead"));
        await(() -> got.size() == 3);
        assertEquals(List.of("view 1", "beat 1003", "view 2"), got);
        unsubscribe.run();
        assertEquals(0, f.subscribers());
    }

    @Test
    void liveEndpointAnswersAsSoonAsSomethingChanges() throws Exception {
        ControlClient client = new ControlClient(socket);
        JsonObject now = new JsonObject(client.get("/v1/live?after=-1&wait=0").body());
        long v = now.getLong("version");
        assertEquals("alice", now.getJsonObject("status").getString("node"));
        assertEquals(5000, now.getJsonObject("timing").getLong("warntime_ms"));
        long t0 = System.nanoTime();
        CompletableFuture<JsonObject> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return new JsonObject(client.get("/v1/live?after=" + v + "&wait=8000").body());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(300);
        assertTrue(!waiting.isDone(), "nothing changed yet: the request waits");
        feed.event(event(EventType.GROUP_RUNNING, "alice", "192.0.2.253", "running"));
        JsonObject changed = waiting.get(5, TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(changed.getLong("version") > v);
        assertTrue(tookMs < 4000, "answered on the change, not at the end of the wait: " + tookMs + " ms");
        var events = changed.getJsonArray("events");
        assertEquals("group-running", events.getJsonObject(events.size() - 1).getString("event"));
        assertEquals(400, client.get("/v1/live?after=x").status());
        assertEquals(405, client.post("/v1/live").status());
    }

    @Test
    void frameShowsTheSameAsThePage() {
        LiveFeed f = new LiveFeed();
        f.timing(new LiveFeed.Timing(1000, 5000, 10000));
        f.bind(FakeControlHandler::sample);
        for (long ms : List.of(1000L, 1010L, 990L, 4900L, 1000L)) {
            f.beat("bob", 1_800_000_000_000L, ms);
        }
        f.event(new ClusterEvent(3, 1_800_000_000_000L, EventType.NODE_DEAD, "alice", "bob", "normal", "", "", "dead",
                "active", ""));
        f.event(new ClusterEvent(4, 1_800_000_001_000L, EventType.GROUP_RUNNING, "alice", "alice", "", "198.51.100.7", "",
                "running", "", "started ok in 80 ms"));
        String frame = StatusWatch.frame(f.view(), Instant.ofEpochMilli(1_800_000_002_000L), ZoneOffset.UTC, true);
        assertTrue(frame.startsWith("vigil status --watch  08:00:02  (Ctrl-C to quit)\n"), frame);
        assertTrue(frame.contains("NODE"), frame);
        assertTrue(frame.contains("198.51.100.7  bob        alice"), frame);
        assertTrue(frame.contains("  bob  " + " ".repeat(35) + "\u2582\u2582\u2582\u2588\u2582  last 1000 ms, max 4900 ms"), frame);
        assertTrue(frame.contains("  08:00:00  node-dead             bob  active -> dead\n"), frame);
        assertTrue(frame.contains("  08:00:01  group-running         198.51.100.7  (started ok in 80 ms)\n"), frame);
        String ascii = StatusWatch.frame(f.view(), Instant.ofEpochMilli(1_800_000_002_000L), ZoneOffset.UTC, false);
        assertTrue(ascii.contains("...#.  last 1000 ms"), ascii);
    }

    @Test
    void watchRedrawsOnChangeAndStopsCleanly() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        StatusWatch watch = new StatusWatch(socket, new PrintWriter(out), new PrintWriter(err), false, true, ZoneOffset.UTC);
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(watch::run);
        await(() -> frames(out) == 1);
        feed.event(event(EventType.NODE_RETURNED, "bob", "", "active"));
        await(() -> frames(out) == 2);
        Thread.sleep(StatusWatch.REFRESH_MS + 500);
        assertEquals(2, frames(out), "piped: no frame without a change");
        watch.stop();
        assertEquals(0, code.get(15, TimeUnit.SECONDS));
        assertTrue(out.toString().contains("node-returned         bob"), out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void onATerminalFramesOverwriteInPlace() throws Exception {
        StringWriter out = new StringWriter();
        StatusWatch watch = new StatusWatch(socket, new PrintWriter(out), new PrintWriter(new StringWriter()), true, true,
                ZoneOffset.UTC);
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(watch::run);
        await(() -> frames(out) >= 2); // the first, then the refresh for the ages
        watch.stop();
        assertEquals(0, code.get(15, TimeUnit.SECONDS));
        String text = out.toString();
        assertTrue(text.startsWith("\u001b[H\u001b[2Jvigil status --watch  "), "the first frame clears the screen");
        int second = text.indexOf("\u001b[Hvigil status --watch  ", 1);
        assertTrue(second > 0, "later frames go home and overwrite");
        assertTrue(text.contains("\u001b[K\n"), "each line clears its own rest");
        assertTrue(text.substring(0, second).endsWith("\u001b[J"), "and the screen below the frame");
        assertTrue(text.endsWith("\n"), "the prompt comes back on a line of its own");
    }

    @Test
    void watchWithoutDaemonExits3(@TempDir Path tmp) {
        StringWriter err = new StringWriter();
        int code = new StatusWatch(tmp.resolve("none.sock"), new PrintWriter(new StringWriter()), new PrintWriter(err),
                false, true, ZoneOffset.UTC).run();
        assertEquals(3, code);
        assertTrue(err.toString().contains("vigil is not running"), err.toString());
    }

    private static int frames(StringWriter out) {
        return out.toString().split("vigil status --watch  ", -1).length - 1;
    }

    private static void await(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 20 s");
            }
            Thread.sleep(20);
        }
    }
}
