package io.vigil.e2e;

import io.vigil.testsupport.Netns;
import io.vigil.testsupport.StonithPlugin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.vigil.e2e.ClusterLab.VIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fencing with cluster-glue's real {@code stonith} tool and the lab's {@code external/} plugin
 * ({@code deploy/lab/stonith-netns}, installed as {@code external/vigil-test-netns}), which powers a lab node off:
 * its link down, its processes killed by PID, its extra addresses and run directory cleared. Group
 * {@code linux1 192.0.2.253 Dummy::a}: the Dummy state file is the resource's own marker ("active on this node").
 * linux1 is cut off from the heartbeats while it keeps running its group, so linux2 must fence it before taking over:
 * at no sampled instant may the marker (or the VIP) be active on both nodes.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FencingIT extends PairLab {

    private static final long DEADTIME = 2_000;
    private StonithPlugin plugin;
    private Process capture;
    private Path captureFile;

    @BeforeAll
    void up() throws Exception {
        Netns.assumeAvailable();
        StonithPlugin.assumeAvailable();
        plugin = StonithPlugin.install("netns", Files.readString(Path.of("deploy/lab/stonith-netns")));
        openPair("sf1");
        for (ClusterLab.Node n : List.of(l1, l2)) {
            // initdead 20 s: a node that boots alone would fence the other as soon as initdead expires
            n.configure(E2e.fastHaCf(n, "bcast eth0", "auto_failback on\ninitdead 20\n"
                            + "stonith_host * " + plugin.type() + " linux1,linux2 " + dir + " sf1-"),
                    E2e.AUTHKEYS, "linux1 " + VIP + " Dummy::a\n",
                    "vigil.reboot-command=/bin/true\nvigil.fence-timeout=20s\nvigil.monitor.interval=1s\n");
            Files.writeString(n.home.resolve("node.ip"), n.ip);
        }
        captureFile = dir.resolve("wire.txt");
        capture = new ProcessBuilder("ip", "netns", "exec", lab.switchNs(), "tcpdump", "-l", "-n", "-A", "-i", "br0", "udp", "port", "694")
                .redirectErrorStream(true).redirectOutput(captureFile.toFile()).start();
        l1.start();
        l2.start();
        awaitNominal();
    }

    @AfterAll
    void down() throws IOException {
        if (capture != null) {
            capture.destroy();
        }
        if (lab != null) {
            lab.close(); // before the plugin goes (a daemon may fence while it stops); closeLab has nothing left
            lab = null;
        }
        if (plugin != null) {
            plugin.close();
        }
    }

    private void awaitNominal() throws InterruptedException {
        ClusterLab.await(E2e.BOOT, () -> "VIP and Dummy::a on linux1 only, both daemons up\n" + lab.logs(),
                () -> lab.holders(VIP).equals(List.of("linux1")) && l1.dummyStarted("a") && !l2.dummyStarted("a")
                        && l1.metric("vigil_packets_received_total") > 0 && l2.metric("vigil_packets_received_total") > 0);
    }

    private DoubleWatch watchBoth() {
        return new DoubleWatch("Dummy::a state file", () -> l1.dummyStarted("a") && l2.dummyStarted("a"),
                () -> l1.holds(VIP) && l2.holds(VIP));
    }

    private List<String> stonithLog() throws IOException {
        Path f = dir.resolve("stonith.log");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    /** The packets of the capture, each as its ASCII text. */
    private List<String> packets() throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : Files.readAllLines(captureFile, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            if (line.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d+ IP .*")) {
                if (cur != null) {
                    out.add(cur.toString());
                }
                cur = new StringBuilder();
            }
            if (cur != null) {
                cur.append(line).append('\n');
            }
        }
        if (cur != null) {
            out.add(cur.toString());
        }
        return out;
    }

    private boolean stonithMessageSent(String result) throws IOException {
        return packets().stream().anyMatch(p -> p.contains("(0)t=stonith,") && p.contains("(0)node=linux1,")
                && p.contains("(0)result=" + result + ",") && p.contains("(0)src=linux2,"));
    }

    /** Restart linux1 after its power-off: link up, a fresh daemon, the group back (auto_failback on). */
    private void revive() throws Exception {
        l1.blockHeartbeats(false);
        l1.linkUp();
        l1.start();
        awaitNominal();
    }

    @Test
    @Order(1)
    void aDeadHolderIsFencedBeforeItsGroupIsTakenOver() throws Exception {
        long t0;
        try (DoubleWatch watch = watchBoth()) {
            t0 = System.nanoTime();
            l1.blockHeartbeats(true); // linux1 keeps running its group, but linux2 hears nothing
            long took = ClusterLab.await(Duration.ofSeconds(90), () -> "linux2 runs the group after fencing linux1\n" + lab.logs(),
                    () -> l2.holds(VIP) && l2.dummyStarted("a"));
            ClusterLab.bound("stonith: group on linux2 after linux1 was fenced (deadtime 2 s + reset 1 s + start)", took,
                    DEADTIME + 3_000 + E2e.SLACK_MS);
            Thread.sleep(500);
            assertEquals(null, watch.seen.get(), "the group was active on both nodes");
        }
        assertFalse(l1.alive(), "the plugin killed linux1's daemon");
        assertEquals(List.of("linux2"), lab.holders(VIP));
        assertFalse(l1.dummyStarted("a"), "linux1's run directory went with its power");
        List<String> log = stonithLog();
        assertTrue(log.stream().anyMatch(l -> l.contains("reset linux1 requested")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("linux1 powered off")), log.toString());
        String l2log = l2.logText();
        assertTrue(l2log.indexOf("fence of linux1 succeeded") < l2log.indexOf("starting " + VIP), "fenced, then started\n" + l2log);
        ClusterLab.await(Duration.ofSeconds(10), "t=stonith node=linux1 result=OK on the wire", () -> {
            try {
                return stonithMessageSent("OK");
            } catch (IOException e) {
                return false;
            }
        });
        System.out.println("stonith: " + log.get(log.size() - 1) + "; " + (System.nanoTime() - t0) / 1_000_000 + " ms after the cut");
        revive();
    }

    @Test
    @Order(2)
    void aFailedFenceBlocksTheTakeoverAndIsRetried() throws Exception {
        Path fails = Files.writeString(dir.resolve("fence-fails"), "");
        int before = stonithLog().size();
        try (DoubleWatch watch = watchBoth()) {
            l1.blockHeartbeats(true);
            // three deadtimes: linux2 declares linux1 dead, fails to fence it, retries; never takes over
            long end = System.nanoTime() + 4 * DEADTIME * 1_000_000;
            while (System.nanoTime() < end) {
                assertFalse(l2.holds(VIP) || l2.dummyStarted("a"), "linux2 took over without a fence\n" + lab.logs());
                Thread.sleep(50);
            }
            assertTrue(l1.alive() && l1.holds(VIP) && l1.dummyStarted("a"), "linux1 still runs its group");
            List<String> attempts = stonithLog().subList(before, stonithLog().size()).stream()
                    .filter(l -> l.contains("power switch unreachable")).toList();
            assertTrue(attempts.size() >= 2, "the failed fence is retried: " + attempts);
            assertTrue(l2.logText().contains("Fencing node linux1 failed"), l2.logText());
            assertTrue(stonithMessageSent("bad"), "t=stonith result=bad on the wire");
            System.out.println("fence failure: " + attempts.size() + " attempts in " + 4 * DEADTIME + " ms, no takeover");

            Files.delete(fails);
            long t0 = System.nanoTime();
            long took = ClusterLab.await(Duration.ofSeconds(60), "linux2 fences linux1 at the next retry and takes over\n"
                    + lab.logs(), () -> l2.holds(VIP) && l2.dummyStarted("a"));
            // a failing attempt may be under way when the switch comes back; the next one starts a deadtime after it
            ClusterLab.bound("fence retried after the power switch came back: group on linux2 (retry every deadtime)", took,
                    2 * DEADTIME + 3_000 + E2e.SLACK_MS);
            Thread.sleep(500);
            assertEquals(null, watch.seen.get(), "the group was active on both nodes");
            System.out.println("fence retry succeeded " + (System.nanoTime() - t0) / 1_000_000 + " ms after the switch came back");
        }
        assertFalse(l1.alive());
        revive();
    }
}
