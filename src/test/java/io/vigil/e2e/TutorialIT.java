package io.vigil.e2e;

import io.vigil.testsupport.Netns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.vigil.e2e.ClusterLab.VIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tutorial scenario with the tutorial's own files (deploy/examples/tutorial; only the logfile is moved into the
 * node's directory): linux1 holds 192.0.2.253, is killed with -9, linux2 takes the address within deadtime, the
 * guardian removes it from the dead linux1, linux1 comes back and takes it back (auto_failback yes).
 */
@Tag("netns")
class TutorialIT {

    static ClusterLab lab;

    @AfterAll
    static void down() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void tutorialScenario() throws Exception {
        Netns.assumeAvailable();
        lab = new ClusterLab("ve1", E2e.dir("ve1"));
        Path tutorial = Path.of("deploy/examples/tutorial");
        ClusterLab.Node l1 = lab.node("linux1", "192.0.2.11");
        ClusterLab.Node l2 = lab.node("linux2", "192.0.2.12");
        for (ClusterLab.Node n : List.of(l1, l2)) {
            String haCf = Files.readString(tutorial.resolve("ha.cf"))
                    .replace("logfile /var/log/ha-log", "logfile " + n.home.resolve("ha-log"));
            n.configure(haCf, Files.readString(tutorial.resolve("authkeys")), Files.readString(tutorial.resolve("haresources")), null);
        }
        l1.start();
        l2.start();
        lab.awaitSoleHolder(VIP, "linux1", E2e.BOOT);
        ClusterLab.await(Duration.ofSeconds(10), "ARP for the VIP answered by linux1", () -> l1.mac().equals(lab.arpOwner(VIP)));
        assertTrue(lab.clientReaches(VIP));
        // Both have seen each other before the crash (else linux2 would only be waiting for initdead).
        ClusterLab.await(Duration.ofSeconds(60), "linux2 sees linux1 active", () -> l2.logText().contains("linux1"));

        long deadtime = 10_000;
        try (ClusterLab.PingProbe probe = lab.ping(VIP)) {
            Thread.sleep(1000);
            long killedAt = System.currentTimeMillis();
            l1.kill9();
            long takeover = ClusterLab.await(Duration.ofMillis(deadtime + 60_000), () -> "linux2 holds the VIP\n" + lab.logs(), () -> l2.holds(VIP));
            ClusterLab.bound("tutorial kill -9 linux1 -> VIP on linux2", takeover, deadtime + E2e.SLACK_MS);
            ClusterLab.await(Duration.ofSeconds(60), "client reaches the VIP again", () -> lab.clientReaches(VIP));
            Thread.sleep(500);
            long outage = probe.maxGapMs(killedAt);
            assertTrue(outage > 0, "the ping probe saw replies before and after the failover");
            ClusterLab.bound("tutorial client outage (ping -i 0.02)", outage, deadtime + E2e.SLACK_MS);
        }
        assertEquals(l2.mac(), lab.arpOwner(VIP), "linux2 answers ARP for the VIP after the takeover");
        long gone = ClusterLab.await(Duration.ofSeconds(120), "the guardian removed the VIP from the killed linux1", () -> !l1.holds(VIP));
        System.out.println("tutorial: VIP gone from the killed linux1 " + gone + " ms after linux2 took it");

        l1.start();
        long failback = lab.awaitSoleHolder(VIP, "linux1", E2e.BOOT);
        System.out.println("BOUND tutorial failback to restarted linux1 (includes its JVM boot): measured " + failback + " ms (limit " + E2e.BOOT.toMillis() + " ms)");
        ClusterLab.await(Duration.ofSeconds(10), "ARP for the VIP answered by linux1 again", () -> l1.mac().equals(lab.arpOwner(VIP)));

        assertEquals(0, l1.stop(Duration.ofSeconds(60)), "graceful stop of linux1 exits 0");
        ClusterLab.await(Duration.ofSeconds(60), "linux2 takes the VIP when linux1 stops gracefully", () -> l2.holds(VIP));
        assertFalse(l1.holds(VIP), "a gracefully stopped linux1 keeps nothing");
        assertEquals(0, l2.stop(Duration.ofSeconds(60)), "graceful stop of linux2 exits 0");
        assertEquals(List.of(), lab.holders(VIP), "nobody holds the VIP once both are stopped");
    }
}
