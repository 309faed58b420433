package io.vigil.e2e;

import io.vigil.testsupport.Netns;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A group made of the VIP and two script resources (the shipped Dummy, twice), moved by the operator (standby,
 * takeover), by the loss of the ping node, and by a crash with auto_failback on and off.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BehaviourIT extends PairLab {

    private static final String GROUP = "linux1 " + VIP + " Dummy::one Dummy::two\n";

    @BeforeAll
    void up() throws Exception {
        openPair("ve3");
        start("on");
    }

    private void start(String autoFailback) throws Exception {
        for (ClusterLab.Node n : List.of(l1, l2)) {
            n.configure(E2e.fastHaCf(n, "bcast eth0", "auto_failback " + autoFailback + "\nping " + ClusterLab.ROUTER
                    + "\ndeadping 2"), E2e.AUTHKEYS, GROUP, "vigil.monitor.interval=1s\n");
        }
        l1.start();
        l2.start();
        awaitGroupOn(l1, E2e.BOOT);
        ClusterLab.await(Duration.ofSeconds(60), "both nodes hear each other",
                () -> l1.metric("vigil_packets_received_total") > 5 && l2.metric("vigil_packets_received_total") > 5);
    }


    /** The whole group on {@code on} and nothing of it on the other node. */
    private long awaitGroupOn(ClusterLab.Node on, Duration timeout) throws InterruptedException {
        ClusterLab.Node other = on == l1 ? l2 : l1;
        return ClusterLab.await(timeout, "group (VIP, Dummy one, Dummy two) entirely on " + on.name + "\n" + lab.logs(),
                () -> on.holds(VIP) && on.dummyStarted("one") && on.dummyStarted("two")
                        && !other.holds(VIP) && !other.dummyStarted("one") && !other.dummyStarted("two"));
    }

    @Test
    @Order(1)
    void groupWithTheAddressAndTwoScriptsRunsOnThePreferredNode() {
        assertTrue(l1.holds(VIP));
        assertTrue(l1.dummyStarted("one") && l1.dummyStarted("two"));
        assertEquals(l1.mac(), lab.arpOwner(VIP));
        String status = l1.cli("status").output();
        assertTrue(status.contains(VIP), status);
    }

    @Test
    @Order(3)
    void standbyAndTakeover() throws Exception {
        long t0 = System.nanoTime();
        Netns.Result standby = l1.cli("standby");
        assertEquals(0, standby.exitCode(), standby.output());
        long moved = awaitGroupOn(l2, Duration.ofSeconds(60)) + (System.nanoTime() - t0) / 1_000_000;
        ClusterLab.bound("standby on linux1 -> group on linux2 (includes the CLI's JVM boot)", moved, 60_000);
        assertEquals(l2.mac(), lab.arpOwner(VIP));

        t0 = System.nanoTime();
        Netns.Result takeover = l1.cli("takeover");
        assertEquals(0, takeover.exitCode(), takeover.output());
        long back = awaitGroupOn(l1, Duration.ofSeconds(60)) + (System.nanoTime() - t0) / 1_000_000;
        ClusterLab.bound("takeover on linux1 -> group on linux1 (includes the CLI's JVM boot)", back, 60_000);
        assertEquals(l1.mac(), lab.arpOwner(VIP));
    }

    @Test
    @Order(2)
    void losingThePingNodeMovesTheGroup() throws Exception {
        l1.blockPing(true);
        try {
            long moved = awaitGroupOn(l2, Duration.ofSeconds(60));
            ClusterLab.bound("ping node lost by linux1 -> group on linux2", moved, 2_000 + E2e.SLACK_MS);
        } finally {
            l1.blockPing(false);
        }
        // Connectivity restored: the group settles on one node (linux1 again, as auto_failback is on).
        long settled = awaitGroupOn(l1, Duration.ofSeconds(60));
        System.out.println("ping node back on linux1 -> group back on linux1 after " + settled + " ms");
    }

    @Test
    @Order(4)
    void autoFailbackOn() throws Exception {
        l1.kill9();
        long takeover = ClusterLab.await(Duration.ofSeconds(60), () -> "group on linux2\n" + lab.logs(),
                () -> l2.holds(VIP) && l2.dummyStarted("one") && l2.dummyStarted("two"));
        ClusterLab.bound("auto_failback on: kill -9 linux1 -> whole group (VIP + 2 scripts) on linux2", takeover,
                E2e.FAST_DEADTIME_MS + E2e.SLACK_MS);
        long cleaned = takeover + awaitGroupOn(l2, Duration.ofSeconds(120));
        ClusterLab.bound("kill -9: group (VIP + 2 scripts) gone from the killed linux1 (guardian + vigil cleanup JVM)",
                cleaned, E2e.GUARDIAN_LIMIT_MS);
        l1.start();
        long back = awaitGroupOn(l1, E2e.BOOT);
        System.out.println("auto_failback on: group back on restarted linux1 after " + back + " ms (includes its JVM boot)");
    }

    @Test
    @Order(5)
    void autoFailbackOff() throws Exception {
        assertEquals(0, l1.stop(Duration.ofSeconds(60)));
        assertEquals(0, l2.stop(Duration.ofSeconds(60)));
        assertEquals(List.of(), lab.holders(VIP));
        start("off");
        l1.kill9();
        awaitGroupOn(l2, Duration.ofSeconds(120));
        l1.start();
        ClusterLab.await(E2e.BOOT, "restarted linux1 hears linux2", () -> l1.metric("vigil_packets_received_total") > 10);
        Thread.sleep(3 * E2e.FAST_DEADTIME_MS);
        assertTrue(l2.holds(VIP) && l2.dummyStarted("one") && l2.dummyStarted("two"),
                "auto_failback off: the group stays on linux2\n" + lab.logs());
        assertFalse(l1.holds(VIP) || l1.dummyStarted("one") || l1.dummyStarted("two"), "nothing of the group on linux1");
    }
}
