package io.vigil.e2e;

import io.vigil.testsupport.Netns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.vigil.e2e.ClusterLab.VIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15 item 3: a restart that moves nothing. linux1 holds the VIP; {@code vigil stop --keep-resources} makes its
 * daemon exit leaving the address up, a new daemon starts and adopts it (linux2, stable, confirms it does not hold
 * it). A client pings the VIP every 20 ms throughout: the largest gap between replies and the probes lost are
 * printed. Then the safety net: a keeping stop that no new daemon follows, whose groups the guardian releases at the
 * handover's deadline, as linux2 takes them over.
 * <p>
 * deadtime 30 s: the new daemon must send its first keepalive within deadtime less one keepalive of the stop, and on
 * the shared 2-core machine the JVM alone took 17 s to start (load 9); with deadtime 10 the restart missed the window,
 * the guardian released the VIP at the deadline and linux2 took it (the failure first reported as "the restarted
 * daemon writes nothing": the log shown was read before the wait). The printed figures say how long the start took.
 */
@Tag("netns")
@Tag("slow") // 109 s here (two boots, a restart, then a 30 s deadtime): left to `make test-slow` for CI's time budget
class RestartAdoptIT {

    static ClusterLab lab;

    @AfterAll
    static void down() {
        if (lab != null) {
            lab.close();
        }
    }

    private static String haCf(ClusterLab.Node n) {
        return "logfile " + n.home.resolve("ha-log") + "\nkeepalive 500ms\ndeadtime 30\nwarntime 10\ninitdead 40\n"
                + "udpport 694\nbcast eth0\nauto_failback on\nnode linux1\nnode linux2\n";
    }

    @Test
    void restartKeepingResourcesMovesNothing() throws Exception {
        Netns.assumeAvailable();
        lab = new ClusterLab("a2r", E2e.dir("a2-restart"));
        ClusterLab.Node l1 = lab.node("linux1", "192.0.2.11");
        ClusterLab.Node l2 = lab.node("linux2", "192.0.2.12");
        for (ClusterLab.Node n : List.of(l1, l2)) {
            n.configure(haCf(n), E2e.AUTHKEYS, "linux1 " + VIP + "\n", "vigil.metrics.port=0\n");
        }
        l1.start();
        l2.start();
        lab.awaitSoleHolder(VIP, "linux1", E2e.BOOT);
        ClusterLab.await(Duration.ofSeconds(60), "both nodes settled",
                () -> l1.logText().contains("Initial resource acquisition complete")
                        && l2.logText().contains("Initial resource acquisition complete"));
        Thread.sleep(2000);
        long stableBefore = l2.logText().lines().filter(l -> l.contains("remote resource transition completed")).count();

        // Who holds the VIP, sampled every 50 ms for the whole restart: never linux2, never nobody.
        AtomicReference<String> seen = new AtomicReference<>("");
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                List<String> h = lab.holders(VIP);
                if (Thread.currentThread().isInterrupted()) {
                    return; // the end of sampling cut an `ip` short: it read nothing (once seen as "held by []")
                }
                if (!h.equals(List.of("linux1"))) {
                    seen.compareAndSet("", "VIP held by " + h + " at " + System.currentTimeMillis());
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "vip-sampler");
        try (ClusterLab.PingProbe probe = lab.ping(VIP)) {
            Thread.sleep(1000);
            sampler.start();
            long t0 = System.currentTimeMillis();
            Process old = l1.process();
            var stop = l1.cli("stop", "--keep-resources");
            assertEquals(0, stop.exitCode(), "vigil stop --keep-resources: " + stop.output());
            assertTrue(old.waitFor(30, TimeUnit.SECONDS), "the old daemon exited");
            assertEquals(0, old.exitValue(), "a keeping stop exits 0");
            long stopped = System.currentTimeMillis();
            assertTrue(l1.holds(VIP), "the VIP stays up while no daemon runs");
            l1.start();
            long adopted = ClusterLab.await(E2e.BOOT, () -> "linux1 adopts the VIP\n" + lab.logs(),
                    () -> l1.logText().contains("is running here from before the restart: adopted"));
            ClusterLab.await(Duration.ofSeconds(30), "linux2 sees linux1 stable holding it",
                    () -> l2.logText().lines().filter(l -> l.contains("remote resource transition completed")).count() > stableBefore);
            Thread.sleep(2000);
            sampler.interrupt();
            sampler.join();
            long gap = probe.maxGapMs(t0);
            List<Long> replies = probe.replies().stream().filter(t -> t >= t0).toList();
            long span = replies.isEmpty() ? 0 : replies.get(replies.size() - 1) - t0;
            long[] lost = probe.lost();
            String startup = l1.logText().lines().filter(l -> l.contains("vigil started in"))
                    .map(l -> l.substring(l.indexOf("vigil started in"))).reduce((a, b) -> b).orElse("no start-up line");
            System.out.printf("RESTART-ADOPT keeping stop took %d ms, the new daemon adopted the VIP %d ms after it"
                            + " (its log: %s); client: %d replies over %d ms, largest gap %d ms, %d of %d probes lost"
                            + " (ping -i 0.02)%n",
                    stopped - t0, adopted, startup, replies.size(), span, gap, lost[1], lost[0]);
            System.out.println("RESTART-ADOPT vigil stop --keep-resources said: " + stop.output().strip());
            assertEquals("", seen.get(), "linux1 alone held the VIP throughout the restart");
            assertTrue(gap >= 0 && gap < 1000, "no client outage: largest gap " + gap + " ms");
            assertEquals(0, lost[1], "no probe lost");
            assertTrue(!l1.logText().contains("IPaddr " + VIP + " start")
                    || l1.logText().lastIndexOf("IPaddr " + VIP + " start") < l1.logText().lastIndexOf("---- start"),
                    "the restarted daemon did not run the start script");
        }
        assertTrue(lab.holders(VIP).equals(List.of("linux1")), "linux1 still the sole holder");

        // A keeping stop with no new daemon: the guardian releases the VIP at the handover's deadline (deadtime less
        // one keepalive after the stop), about when linux2 declares linux1 dead and takes it.
        long t1 = System.currentTimeMillis();
        Process old = l1.process();
        var stop = l1.cli("stop", "--keep-resources");
        assertEquals(0, stop.exitCode(), stop.output());
        assertTrue(old.waitFor(30, TimeUnit.SECONDS));
        ClusterLab.await(Duration.ofSeconds(90), () -> "the guardian releases the VIP on linux1\n" + lab.logs(),
                () -> !l1.holds(VIP));
        long released = System.currentTimeMillis() - t1;
        ClusterLab.await(Duration.ofSeconds(60), () -> "linux2 takes the VIP\n" + lab.logs(), () -> l2.holds(VIP));
        long taken = System.currentTimeMillis() - t1;
        System.out.printf("RESTART-ADOPT no new daemon: linux1 released the VIP %d ms after the keeping stop, linux2"
                + " held it %d ms after it (deadtime 30 s, keepalive 0.5 s)%n", released, taken);
        lab.awaitSoleHolder(VIP, "linux2", Duration.ofSeconds(30));
    }
}
