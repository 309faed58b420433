package io.vigil.e2e;

import io.vigil.testsupport.Netns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.vigil.e2e.ClusterLab.VIP;
import static io.vigil.e2e.E2e.VIP2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reload that moves nothing: a running pair with a client pinging the VIP every 20 ms while both nodes reload
 * (a) a comment-only change, (b) a new group, (c) that group removed again, (d) a new deadtime, (e) a medium added
 * and removed. The VIP's group must
 * lose no probe, the new group must start on its placement node (its preferred node, linux2), the removed one must
 * stop and go nowhere, and neither node may declare the other dead. Prints the client's outage.
 */
@Tag("netns")
@Tag("slow") // left out of `make test` for CI's time budget: `make test-slow`
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReloadIT extends PairLab {

    private static final String VIP_GROUP = "linux1 " + VIP + "\n";
    private static final String NEW_GROUP = "linux2 " + VIP2 + "\n";

    @BeforeAll
    void up() throws Exception {
        openPair("rl");
        for (ClusterLab.Node n : List.of(l1, l2)) {
            n.configure(haCf(n, ""), E2e.AUTHKEYS, VIP_GROUP, null);
        }
        l1.start();
        l2.start();
        lab.awaitSoleHolder(VIP, "linux1", E2e.BOOT);
        ClusterLab.await(Duration.ofSeconds(60), "both nodes hear each other",
                () -> l1.metric("vigil_packets_received_total") > 5 && l2.metric("vigil_packets_received_total") > 5);
    }

    /**
     * Unicast media, the same two lines on both nodes (a line naming the node itself is allowed, as in Heartbeat).
     * Chosen while bcast pairs lost each other in the lab on this branch's base (fixed by the transport commit
     * cherry-picked here, f4b3d5c).
     */
    private static String haCf(ClusterLab.Node n, String comment) {
        return comment + E2e.fastHaCf(n, "ucast eth0 192.0.2.11\nucast eth0 192.0.2.12", "auto_failback on");
    }


    @Test
    void reloadsMoveNothing() throws Exception {
        long t0 = System.currentTimeMillis();
        try (ClusterLab.PingProbe probe = lab.ping(VIP)) {
            ClusterLab.await(Duration.ofSeconds(10), "the probe gets replies", () -> probe.replies().size() > 10);

            // (a) comments only: nothing changes, nothing is touched
            for (ClusterLab.Node n : List.of(l1, l2)) {
                Files.writeString(n.configDir().resolve("ha.cf"), haCf(n, "# reloaded by ReloadIT\n\n"));
                Files.writeString(n.configDir().resolve("haresources"), "# the service address\n" + VIP_GROUP);
            }
            Netns.Result a = l1.cli("reload");
            assertEquals(0, a.exitCode(), a.output());
            assertTrue(a.output().contains("nothing changed"), a.output());
            reloadBySighup(l2);
            assertTrue(reloadLines(l2).get(reloadLines(l2).size() - 1).contains("nothing changed"), lab.logs());

            // (b) a new group, preferred by linux2: the diff says so, then it starts on linux2 only
            for (ClusterLab.Node n : List.of(l1, l2)) {
                Files.writeString(n.configDir().resolve("haresources"), VIP_GROUP + NEW_GROUP);
            }
            Netns.Result diff = l1.cli("check-config", "--diff", "--config-dir", l1.configDir().toString(),
                    "--node-name", "linux1");
            System.out.println("check-config --diff on linux1 before (b):\n" + diff.output());
            assertEquals(0, diff.exitCode(), diff.output());
            assertTrue(diff.output().contains("group " + VIP2) && diff.output().contains("added"), diff.output());
            assertTrue(diff.output().contains("group " + VIP) && diff.output().contains("unchanged"), diff.output());
            reloadBySighup(l1);
            reloadBySighup(l2);
            long started = lab.awaitSoleHolder(VIP2, "linux2", Duration.ofSeconds(30));
            System.out.println("(b) new group on linux2 " + started + " ms after its reload");

            // (c) removed: reloaded first where it is not held, then on its holder: stopped, taken by nobody
            for (ClusterLab.Node n : List.of(l1, l2)) {
                Files.writeString(n.configDir().resolve("haresources"), VIP_GROUP);
            }
            reloadBySighup(l1);
            reloadBySighup(l2);
            ClusterLab.await(Duration.ofSeconds(30), VIP2 + " held by nobody\n" + lab.logs(),
                    () -> lab.holders(VIP2).isEmpty());
            Thread.sleep(3 * E2e.FAST_DEADTIME_MS);
            assertEquals(List.of(), lab.holders(VIP2), "the removed group stays stopped\n" + lab.logs());

            // (d) deadtime 2 s → 3 s on both: applied without dropping the peer
            for (ClusterLab.Node n : List.of(l1, l2)) {
                Files.writeString(n.configDir().resolve("ha.cf"), haCf(n, "").replace("deadtime 2\n", "deadtime 3\n"));
            }
            reloadBySighup(l1);
            Netns.Result d = l2.cli("reload");
            assertEquals(0, d.exitCode(), d.output());
            assertTrue(d.output().contains("deadtime"), d.output());
            Thread.sleep(2 * E2e.FAST_DEADTIME_MS);

            // (e) a medium added (bcast beside the two ucast lines), then removed: new sockets opened before the old
            // close, the peer heard throughout
            for (boolean add : List.of(true, false)) {
                for (ClusterLab.Node n : List.of(l1, l2)) {
                    String cf = haCf(n, "").replace("deadtime 2\n", "deadtime 3\n");
                    Files.writeString(n.configDir().resolve("ha.cf"), add ? cf.replace("ucast eth0 192.0.2.11\n",
                            "bcast eth0\nucast eth0 192.0.2.11\n") : cf);
                }
                reloadBySighup(l1);
                reloadBySighup(l2);
                assertTrue(reloadLines(l2).get(reloadLines(l2).size() - 1).contains("bcast"), lab.logs());
                Thread.sleep(2 * E2e.FAST_DEADTIME_MS);
            }

            // a change that cannot be applied live refuses the whole reload: the running configuration stays
            Files.writeString(l1.configDir().resolve("ha.cf"), haCf(l1, "").replace("deadtime 2\n", "deadtime 4\n")
                    .replace("udpport 694", "udpport 695"));
            Netns.Result refused = l1.cli("reload");
            assertEquals(1, refused.exitCode(), refused.output());
            assertTrue(refused.output().contains("udpport"), refused.output());

            assertEquals(List.of("linux1"), lab.holders(VIP), lab.logs());
            long end = System.currentTimeMillis();
            long[] loss = probe.lost();
            System.out.printf("RELOAD outage of the VIP during %d s of reloads (a)-(e), client ping every 20 ms: "
                            + "%d of %d probes lost, largest gap between replies %d ms%n", (end - t0) / 1000,
                    loss[1], loss[0], probe.maxGapMs(t0));
            assertEquals(0, loss[1], "probes lost on the VIP during the reloads\n" + lab.logs());
        }
        for (ClusterLab.Node n : List.of(l1, l2)) {
            String log = haLog(n);
            assertFalse(log.contains(": is dead"), n.name + " declared its peer dead:\n" + log);
        }
    }

    /** SIGHUP, then waits for the reload's outcome in the node's log. */
    private void reloadBySighup(ClusterLab.Node n) throws InterruptedException {
        int before = reloadLines(n).size();
        n.signal("HUP");
        ClusterLab.await(Duration.ofSeconds(20), n.name + " logs its reload\n" + lab.logs(),
                () -> reloadLines(n).size() > before);
        String last = reloadLines(n).get(reloadLines(n).size() - 1);
        System.out.println(n.name + ": " + last);
        assertTrue(last.contains("reloaded:"), last);
    }

    private static List<String> reloadLines(ClusterLab.Node n) {
        return haLog(n).lines().filter(l -> l.contains("reloaded:") || l.contains("reload refused")).toList();
    }

    private static String haLog(ClusterLab.Node n) {
        try {
            Path p = n.home.resolve("ha-log");
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
