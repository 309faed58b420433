package io.vigil.e2e;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;

import static io.vigil.e2e.ClusterLab.VIP;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The two failover bugs the VM lab found (docs/lab.md, one {@code make test-vm} run), with real daemons in
 * namespaces: the tutorial's pair ({@code linux1 192.0.2.253}, auto_failback on, the router as ping node) on fast
 * timings (keepalive 200 ms, deadtime 2 s).
 * <ul>
 *   <li>A false death in the middle of a failback: linux1's daemon is stopped (SIGSTOP) for deadtime + 3 s as soon as
 *       linux2 starts handing the address back. The VM run left linux1 in {@code transition} and the address on
 *       linux2 for more than 10 minutes.</li>
 *   <li>A ping node lost for a moment: linux1's ICMP replies from the router are dropped until the ping node is
 *       declared dead (deadping = deadtime), then let through again. The VM run handed everything to linux2 and never
 *       took it back.</li>
 * </ul>
 * Each ends with the address on linux1 alone and neither node in transition, within the bound printed.
 */
@Tag("netns")
@Tag("slow") // left out of `make test` for CI's time budget: `make test-slow`
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StallAndBlipIT extends PairLab {

    private static final long DEADTIME = E2e.FAST_DEADTIME_MS;
    /** The standby exchange retried after its 10 s reply timeout, then a stop and a start. */
    private static final long SETTLE_LIMIT = 4 * DEADTIME + 10_000 + E2e.SLACK_MS;

    @BeforeAll
    void up() throws Exception {
        openPair("eb");
        for (ClusterLab.Node n : List.of(l1, l2)) {
            n.configure(E2e.fastHaCf(n, "bcast eth0\nping " + ClusterLab.ROUTER, "auto_failback on"), E2e.AUTHKEYS,
                    "linux1 " + VIP + "\n", "");
        }
        l1.start();
        l2.start();
        // At start-up a node's first probes may go unanswered for deadping (seen here: linux1's ping node "dead"
        // 1.8 s after comm-up, the address handed over and given back): start the rows from a steady placement.
        long t0 = System.nanoTime();
        long steadySince = -1;
        while (steadySince < 0 || System.nanoTime() - steadySince < 3 * DEADTIME * 1_000_000) {
            boolean nominal = lab.holders(VIP).equals(List.of("linux1")) && l1.metric("vigil_in_transition") == 0
                    && l2.metric("vigil_in_transition") == 0;
            steadySince = nominal ? (steadySince < 0 ? System.nanoTime() : steadySince) : -1;
            if (System.nanoTime() - t0 > E2e.BOOT.toNanos()) {
                throw new AssertionError("no steady start-up placement (VIP on linux1 alone)\n" + lab.logs());
            }
            Thread.sleep(100);
        }
    }


    /**
     * The address on linux1 alone with neither daemon in transition, and still so 3 x deadtime later (a moment of it
     * is not enough: on main the address left linux1 again after the SIGCONT); prints the time it took.
     */
    private void settledOnLinux1(String row, long limitMs) throws InterruptedException {
        long t = ClusterLab.await(Duration.ofMillis(limitMs + 60_000), () -> "VIP on linux1 alone\n" + lab.logs(),
                () -> lab.holders(VIP).equals(List.of("linux1")));
        t += ClusterLab.await(Duration.ofSeconds(30), () -> "neither node in transition\n" + lab.logs(),
                () -> l1.metric("vigil_in_transition") == 0 && l2.metric("vigil_in_transition") == 0);
        ClusterLab.bound(row + ": VIP back on linux1 alone, neither node in transition", t, limitMs);
        long end = System.nanoTime() + 3 * DEADTIME * 1_000_000;
        while (System.nanoTime() < end) {
            assertEquals(List.of("linux1"), lab.holders(VIP), row + ": VIP stays on linux1 alone\n" + lab.logs());
            Thread.sleep(100);
        }
        assertEquals(0.0, l1.metric("vigil_in_transition") + l2.metric("vigil_in_transition"),
                row + ": neither node in transition 3 x deadtime later\n" + lab.logs());
    }

    @Test
    @Order(1)
    void falseDeathDuringFailback() throws Exception {
        l1.stop(Duration.ofSeconds(60));
        ClusterLab.await(Duration.ofSeconds(60), () -> "linux2 took VIP over\n" + lab.logs(), () -> l2.holds(VIP));
        int mark = l2.logText().length();
        l1.start();
        ClusterLab.await(E2e.BOOT, () -> "linux2 starts the failback\n" + lab.logs(),
                () -> l2.logText().substring(Math.min(mark, l2.logText().length())).contains("wants to go standby"));
        l1.signal("STOP");
        long t0 = System.nanoTime();
        try {
            ClusterLab.await(Duration.ofSeconds(30), () -> "linux2 declares the stopped linux1 dead\n" + lab.logs(),
                    () -> l2.logText().substring(mark).contains("node linux1: is dead"));
            Thread.sleep(Math.max(0, DEADTIME + 3_000 - (System.nanoTime() - t0) / 1_000_000));
        } finally {
            l1.signal("CONT");
        }
        System.out.println("SIGSTOP of linux1 for " + (System.nanoTime() - t0) / 1_000_000 + " ms mid-failback");
        settledOnLinux1("SIGCONT after a false death mid-failback", SETTLE_LIMIT);
    }

    @Test
    @Order(2)
    void pingNodeLostForAMoment() throws Exception {
        int mark = l1.logText().length();
        l1.blockPing(true);
        long t0 = System.nanoTime();
        try {
            ClusterLab.await(Duration.ofSeconds(30), () -> "linux1 declares its ping node dead\n" + lab.logs(),
                    () -> l1.logText().substring(mark).contains("node " + ClusterLab.ROUTER + ": is dead"));
        } finally {
            l1.blockPing(false);
        }
        System.out.println("ping node unreachable from linux1 for " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        settledOnLinux1("ping node back", SETTLE_LIMIT);
    }
}
