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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The feeder on a real Vert.x context: READY, then both watchdogs fed from that context's timer; a clean stop disarms
 * the kernel one (a regular file stands in for the device), an unclean one leaves it armed.
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
                feeder.start(vertx, 1_000);
                thread.complete(Thread.currentThread().getName());
            });
            assertTrue(thread.get(10, TimeUnit.SECONDS).startsWith("vert.x-eventloop"), "started on an event loop");
            assertEquals(Optional.of("READY=1\nSTATUS=running"), systemd.receive(5_000));
            int pings = 0;
            long end = System.currentTimeMillis() + 1_200;
            while (System.currentTimeMillis() < end) {
                if (systemd.receive(100).filter("WATCHDOG=1"::equals).isPresent()) {
                    pings++;
                }
            }
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
                feeder.start(vertx, 100);
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
}
