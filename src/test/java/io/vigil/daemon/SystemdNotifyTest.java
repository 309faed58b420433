package io.vigil.daemon;

import io.vigil.testsupport.NotifySocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sd_notify over Netty's Unix datagram socket: a path and an abstract name; the cost of a ping, measured. */
class SystemdNotifyTest {

    @TempDir
    Path dir;

    @Test
    void readyAndWatchdogReachTheSocket() throws Exception {
        String path = dir.resolve("notify").toString();
        try (NotifySocket receiver = new NotifySocket(path);
             SystemdNotify n = SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", path, "WATCHDOG_USEC", "4000000"), 42)
                     .orElseThrow()) {
            assertEquals(Optional.of(Duration.ofSeconds(4)), n.watchdogTimeout());
            assertTrue(n.ready());
            assertEquals(Optional.of("READY=1\nSTATUS=running"), receiver.receive(2000));
            assertTrue(n.watchdogPing());
            assertEquals(Optional.of("WATCHDOG=1"), receiver.receive(2000));
        }
    }

    @Test
    void abstractSocketNames() throws Exception {
        String name = "@vigil-sf-test-" + ProcessHandle.current().pid();
        try (NotifySocket receiver = new NotifySocket(name);
             SystemdNotify n = SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", name), 42).orElseThrow()) {
            assertTrue(n.watchdogTimeout().isEmpty());
            assertTrue(n.stopping());
            assertEquals(Optional.of("STOPPING=1"), receiver.receive(2000));
        }
    }

    @Test
    void theWatchdogBelongsToTheMainProcessOnly() {
        Map<String, String> env = Map.of("NOTIFY_SOCKET", dir.resolve("x").toString(), "WATCHDOG_USEC", "1000000",
                "WATCHDOG_PID", "7");
        assertTrue(SystemdNotify.fromEnvironment(env, 8).orElseThrow().watchdogTimeout().isEmpty());
        assertTrue(SystemdNotify.fromEnvironment(env, 7).orElseThrow().watchdogTimeout().isPresent());
        assertTrue(SystemdNotify.fromEnvironment(Map.of(), 7).isEmpty());
        assertTrue(SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "relative"), 7).isEmpty());
    }

    /** Prints what one ping costs here, against forking a process per ping (what systemd-notify would cost). */
    @Test
    void measuredCostOfAPing() throws Exception {
        String path = dir.resolve("notify").toString();
        try (NotifySocket receiver = new NotifySocket(path);
             SystemdNotify n = SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", path), 1).orElseThrow()) {
            for (int i = 0; i < 2000; i++) { // warm-up, and drain so the socket queue never fills
                n.watchdogPing();
                receiver.receive(0);
            }
            int pings = 20_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < pings; i++) {
                n.watchdogPing();
                if (i % 100 == 0) {
                    while (receiver.receive(0).isPresent()) {
                        // keep the queue short
                    }
                }
            }
            double usPerPing = (System.nanoTime() - t0) / 1000.0 / pings;
            int forks = 50;
            long f0 = System.nanoTime();
            for (int i = 0; i < forks; i++) {
                new ProcessBuilder("/bin/true").start().waitFor();
            }
            double usPerFork = (System.nanoTime() - f0) / 1000.0 / forks;
            System.out.printf("sd_notify WATCHDOG=1: %.1f µs per ping (sendto from the calling thread, %d pings); "
                    + "fork+exec of /bin/true: %.0f µs (%d runs); ratio %.0fx%n", usPerPing, pings, usPerFork, forks,
                    usPerFork / usPerPing);
        }
    }
}
