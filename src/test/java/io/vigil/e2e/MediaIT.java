package io.vigil.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static io.vigil.e2e.ClusterLab.VIP;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each heartbeat medium carries a real failover: bcast, mcast (233.252.0.1, the documentation multicast group) and
 * ucast. linux1 holds the VIP, is killed with -9, linux2 takes it.
 */
@Tag("netns")
@Tag("slow") // left out of `make test` for CI's time budget: `make test-slow`
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MediaIT extends PairLab {


    @BeforeAll
    void up() throws Exception {
        openPair("ve2");
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (ClusterLab.Node n : List.of(l1, l2)) {
            if (n.alive()) {
                n.stop(Duration.ofSeconds(60));
            }
        }
    }


    @ParameterizedTest
    @ValueSource(strings = {"bcast eth0", "mcast eth0 233.252.0.1 694 1 0", "ucast eth0 192.0.2.11\nucast eth0 192.0.2.12"})
    void failoverOverMedium(String media) throws Exception {
        for (ClusterLab.Node n : List.of(l1, l2)) {
            n.configure(E2e.fastHaCf(n, media, "auto_failback on"), E2e.AUTHKEYS, "linux1 " + VIP + "\n", null);
        }
        l1.start();
        l2.start();
        lab.awaitSoleHolder(VIP, "linux1", E2e.BOOT);
        String row = media.split(" ")[0];
        ClusterLab.await(Duration.ofSeconds(60), "linux2 hears linux1 over " + row + "\n" + lab.logs(),
                () -> l2.metric("vigil_packets_received_total") > 3);
        l1.kill9();
        long takeover = ClusterLab.await(Duration.ofSeconds(60), () -> "linux2 takes the VIP\n" + lab.logs(), () -> l2.holds(VIP));
        ClusterLab.bound(row + ": kill -9 linux1 -> VIP on linux2", takeover, E2e.FAST_DEADTIME_MS + E2e.SLACK_MS);
        assertEquals(l2.mac(), lab.arpOwner(VIP));
    }
}
