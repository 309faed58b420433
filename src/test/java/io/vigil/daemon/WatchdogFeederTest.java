package io.vigil.daemon;

import io.vertx.core.Vertx;
import io.vigil.testsupport.NotifySocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The feeder on a real Vert.x context: READY, then both watchdogs fed from that context, with each keepalive or from a
 * timer of its own when the keepalive is too rare for systemd's timeout; a clean stop disarms the kernel one (a regular
 * file stands in for the device), an unclean one leaves it armed.
 */
class WatchdogFeederTest {

    @TempDir
    Path dir;

    @Test
    void readyThenBeatsFromTheContextThenMagicClose() throws Exception {
        String socket = dir.resolve("notify").toString();
        Path device = Files.createFile(dir.resolve("watchdog"));
        Vertx vertx = Vertx.vertx();
        try (NotifySocket systemd = new NotifySocket(socket)) {
            SystemdNotify notify = SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "300000"), 1)
                    .orElseThrow();
            WatchdogFeeder feeder = new WatchdogFeeder(Optional.of(notify), Optional.of(device), 2_000);
            assertEquals(150, feeder.period(1_000), "half the systemd watchdog when shorter than the keepalive");
            assertEquals(100, feeder.period(100));
            CompletableFuture<String> thread = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                feeder.start(vertx, 1_000, each -> { }); // keepalives too rare: its own timer
                thread.complete(Thread.currentThread().getName());
            });
            assertTrue(thread.get(10, TimeUnit.SECONDS).startsWith("vert.x-eventloop"), "started on an event loop");
            assertEquals(Optional.of("READY=1\nSTATUS=running"), systemd.receive(5_000));
            int pings = pings(systemd, 1_200);
            assertTrue(pings >= 4, pings + " pings in 1.2 s at a 150 ms period");
            CompletableFuture<Void> stopped = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                feeder.stop(true);
                stopped.complete(null);
            });
            stopped.get(10, TimeUnit.SECONDS);
            String written = Files.readString(device);
            assertTrue(written.endsWith("\nV") && written.length() >= 5, "beats then the magic close: " + written.length());
            while (true) {
                Optional<String> m = systemd.receive(1_000);
                if (m.isEmpty() || m.get().equals("STOPPING=1")) {
                    assertEquals(Optional.of("STOPPING=1"), m);
                    break;
                }
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUncleanStopLeavesTheKernelWatchdogArmed() throws Exception {
        Path device = Files.createFile(dir.resolve("watchdog"));
        Vertx vertx = Vertx.vertx();
        try {
            WatchdogFeeder feeder = new WatchdogFeeder(Optional.empty(), Optional.of(device), 2_000);
            CompletableFuture<Void> done = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                feeder.start(vertx, 100, each -> vertx.setPeriodic(100, id -> each.run())); // the keepalive tick
                vertx.setTimer(350, t -> {
                    feeder.stop(false);
                    done.complete(null);
                });
            });
            done.get(10, TimeUnit.SECONDS);
            String written = Files.readString(device);
            assertTrue(written.length() >= 3 && written.chars().allMatch(c -> c == '\n'), "beats, no V: " + written.length());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Keepalive often enough: no timer of its own, a beat per keepalive; a reload to a rare keepalive brings the timer. */
    @Test
    void beatsWithEachKeepaliveUntilTheKeepaliveIsTooRare() throws Exception {
        String socket = dir.resolve("notify").toString();
        Vertx vertx = Vertx.vertx();
        try (NotifySocket systemd = new NotifySocket(socket)) {
            SystemdNotify notify = SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "400000"), 1)
                    .orElseThrow();
            WatchdogFeeder feeder = new WatchdogFeeder(Optional.of(notify), Optional.empty(), 2_000);
            java.util.List<Runnable> hooks = new java.util.concurrent.CopyOnWriteArrayList<>();
            onContext(vertx, () -> feeder.start(vertx, 100, hooks::add));
            assertEquals(Optional.of("READY=1\nSTATUS=running"), systemd.receive(5_000));
            assertEquals(1, hooks.size());
            assertTrue(feeder.alongKeepalive(), "keepalive 100 ms, half the watchdog 200 ms: with each keepalive");
            assertEquals(Optional.of("WATCHDOG=1"), systemd.receive(1_000), "one beat at the start");
            assertEquals(Optional.empty(), systemd.receive(500), "no keepalive, no timer of its own: no beat");
            for (int i = 0; i < 3; i++) {
                onContext(vertx, hooks.get(0));
                assertEquals(Optional.of("WATCHDOG=1"), systemd.receive(1_000), "a beat with keepalive " + i);
            }
            onContext(vertx, () -> feeder.retime(1_000)); // a reload: keepalive 1 s, longer than half the watchdog
            assertFalse(feeder.alongKeepalive(), "its own timer at 200 ms");
            int pings = pings(systemd, 1_000);
            assertTrue(pings >= 4, pings + " pings in 1 s at a 200 ms period, no keepalive");
            onContext(vertx, () -> feeder.stop(true));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** The watchdog pings systemd received in the next {@code ms}. */
    private static int pings(NotifySocket systemd, long ms) throws Exception {
        int pings = 0;
        long end = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < end) {
            if (systemd.receive(100).filter("WATCHDOG=1"::equals).isPresent()) {
                pings++;
            }
        }
        return pings;
    }

    private static void onContext(Vertx vertx, Runnable r) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            r.run();
            done.complete(null);
        });
        done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aWatchdogAsLongAsDeadtimeIsWarnedAbout() {
        WatchdogFeeder feeder = new WatchdogFeeder(Optional.empty(), Optional.empty(), 10_000);
        assertEquals(Optional.empty(), feeder.tooLateWarning(5_000), "the package's 5 s for deadtime 10");
        assertTrue(feeder.tooLateWarning(10_000).orElseThrow().contains("WatchdogSec= below deadtime"));
        assertTrue(feeder.tooLateWarning(30_000).orElseThrow().startsWith("systemd watchdog (30000 ms)"));
    }
}
