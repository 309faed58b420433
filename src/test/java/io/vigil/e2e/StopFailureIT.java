package io.vigil.e2e;

import io.vigil.testsupport.Netns;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.vigil.e2e.ClusterLab.VIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13 items 1 and 7: a stop that fails is never "released". Group {@code linux1 192.0.2.253 Flaky::a}: the Flaky
 * test script keeps a state file while started (the resource's own marker, checked besides the VIP) and its stop fails
 * while the node's {@code fail-stop} flag exists. linux1 is asked to go standby, its stop fails: at no sampled instant
 * may the marker be on both nodes.
 * <ul>
 *   <li>block: the group stays on linux1, stop-failed; linux2 never starts it; {@code vigil status} exits 1 and names it;
 *       once the flag is gone, {@code vigil resource cleanup} releases it and normal placement resumes.</li>
 *   <li>fence (stonith_host with the lab's plugin): linux1 stops heartbeating; linux2 sees it dead holding the group,
 *       fences it (the plugin powers it off) and only then starts the group.</li>
 *   <li>reboot: Heartbeat's {@code Resource STOP failure. Reboot required!}; the reboot command is the lab's stonith
 *       plugin powering linux1 off (link down, its processes killed by PID, its /run cleared), never a real reboot
 *       (the nodes run without CAP_SYS_BOOT and hold the lab marker); linux2 then takes over as after a crash.</li>
 * </ul>
 */
@Tag("netns")
class StopFailureIT {

    private static final String GROUP = "linux1 " + VIP + " Flaky::a\n";

    private static boolean flakyOn(ClusterLab.Node n) {
        return Files.exists(n.runDir().resolve("resource-agents").resolve("vigil-Flaky-a.state"));
    }

    /** The sampling's result, for the bench-like summary of the fault matrix. */
    private static void printNoDouble(String mode, DoubleWatch watch) {
        assertNull(watch.seen.get(), "resource active on both nodes: " + watch.seen.get());
        System.out.println("BOUND stop failure (" + mode + "): instants with the marker or the VIP on both nodes: 0 of "
                + watch.samples() + " samples");
    }

    private static DoubleWatch watchBoth(ClusterLab.Node a, ClusterLab.Node b) {
        return new DoubleWatch("Flaky::a state file", () -> flakyOn(a) && flakyOn(b), () -> a.holds(VIP) && b.holds(VIP));
    }

    /** Both nodes up, the group on linux1 only, then linux1's stop made to fail. */
    private static void bootWithFailingStop(ClusterLab lab) throws Exception {
        ClusterLab.Node l1 = lab.node("linux1");
        ClusterLab.Node l2 = lab.node("linux2");
        l1.start();
        l2.start();
        ClusterLab.await(E2e.BOOT, () -> "VIP and Flaky::a on linux1 only\n" + lab.logs(),
                () -> lab.holders(VIP).equals(List.of("linux1")) && flakyOn(l1) && !flakyOn(l2)
                        && l2.metric("vigil_packets_received_total") > 0);
        l1.flag("fail-stop", true);
    }

    /** What a test does once the pair runs with linux1's stop failing, both nodes watched for a double copy. */
    private interface Story {
        void run(ClusterLab lab, ClusterLab.Node l1, ClusterLab.Node l2) throws Exception;
    }

    /** Boots the pair ({@link #bootWithFailingStop}), tells the story, then proves nothing ran on both; closes the lab. */
    private static void withFailingStop(ClusterLab lab, String mode, Story story) throws Exception {
        try (lab) {
            ClusterLab.Node l1 = lab.node("linux1");
            ClusterLab.Node l2 = lab.node("linux2");
            bootWithFailingStop(lab);
            try (DoubleWatch watch = watchBoth(l1, l2)) {
                story.run(lab, l1, l2);
                printNoDouble(mode, watch);
            }
        }
    }

    private static ClusterLab lab(String prefix, Path dir, String vigilProperties) throws Exception {
        return lab(prefix, dir, vigilProperties, "");
    }

    private static ClusterLab lab(String prefix, Path dir, String vigilProperties, String haCfExtra) throws Exception {
        ClusterLab lab = new ClusterLab(prefix, dir);
        for (String[] n : List.of(new String[] {"linux1", "192.0.2.11"}, new String[] {"linux2", "192.0.2.12"})) {
            ClusterLab.Node node = lab.node(n[0], n[1]);
            node.configure(E2e.fastHaCf(node, "bcast eth0", "auto_failback on\n" + haCfExtra), E2e.AUTHKEYS, GROUP, vigilProperties);
            // the lab marker: the default (real) reboot command is refused here whatever is configured
            Files.writeString(node.configDir().resolve("lab-node"), "lab node: never reboot the host from here\n");
            Files.writeString(node.home.resolve("node.ip"), node.ip);
        }
        return lab;
    }

    @Test
    void blockKeepsTheGroupUntilCleanup() throws Exception {
        Netns.assumeAvailable();
        Path dir = E2e.dir("s2b");
        ClusterLab blocking = lab("s2b", dir, "vigil.on-stop-failure=block\nvigil.reboot-command=/bin/false\n");
        withFailingStop(blocking, "block", (lab, l1, l2) -> {
            long t0 = System.currentTimeMillis();
            assertEquals(0, l1.cli("standby").exitCode(), "vigil standby on linux1");
            ClusterLab.await(Duration.ofSeconds(40), () -> "linux1 reports the group stop-failed\n" + lab.logs(),
                    () -> l1.metric("vigil_group_stop_failed") == 1.0);
            long failedAfter = System.currentTimeMillis() - t0;
            // three deadtimes more: linux2 must not start it (it is still announced as linux1's)
            Thread.sleep(3 * E2e.FAST_DEADTIME_MS);
            assertFalse(flakyOn(l2), "linux2 started the stop-failed group\n" + lab.logs());
            assertTrue(flakyOn(l1), "the marker stays on linux1 (its stop failed)");
            assertTrue(l1.logText().contains("is blocked here (vigil.on-stop-failure=block)"), l1.logText());
            Netns.Result status = l1.cli("status");
            assertEquals(1, status.exitCode(), "vigil status exits 1 with a stop-failed group: " + status.output());
            assertTrue(status.output().contains("stop_failed"), status.output());
            assertTrue(l1.metrics().contains("vigil_group_stop_failed{group=\"" + VIP + "\"} 1.0"), l1.metrics());

            Netns.Result still = l1.cli("resource", "cleanup", VIP);
            assertEquals(1, still.exitCode(), "cleanup while the stop still fails: " + still.output());
            l1.flag("fail-stop", false);
            long c0 = System.currentTimeMillis();
            Netns.Result cleanup = l1.cli("resource", "cleanup", VIP);
            assertEquals(0, cleanup.exitCode(), "cleanup once fixed: " + cleanup.output());
            ClusterLab.await(Duration.ofSeconds(30), () -> "one node runs the group again after the cleanup\n" + lab.logs(),
                    () -> flakyOn(l1) != flakyOn(l2) && lab.holders(VIP).size() == 1);
            long placedAfter = System.currentTimeMillis() - c0;
            assertEquals(0.0, l1.metric("vigil_group_stop_failed"));
            assertEquals(0, l1.cli("status").exitCode());
            ClusterLab.bound("stop failure (block): standby to stop-failed (10 stop retries of 1 s)", failedAfter, 40_000);
            ClusterLab.bound("stop failure (block): cleanup to one holder", placedAfter, 30_000);
        });
    }

    /**
     * The daemon restarted while the group's stop still fails: SIGTERM leaves it stop-failed (exit 1, no shutdone); the
     * new daemon's start-up clean-up fails to stop it too, so the group is stop-failed from the start — announced as
     * held with the {@code stopfailed=} marker — and linux2 never starts a second copy, until the operator's cleanup.
     */
    @Test
    @Tag("slow") // `make test-slow`: CI's time budget (block mode runs in `make test`)
    void restartWhileTheStopStillFailsStartsNoSecondCopy() throws Exception {
        Netns.assumeAvailable();
        Path dir = E2e.dir("s2r");
        ClusterLab blocking = lab("s2r", dir, "vigil.on-stop-failure=block\nvigil.reboot-command=/bin/false\n");
        withFailingStop(blocking, "block, restart", (lab, l1, l2) -> {
            assertEquals(1, l1.stop(Duration.ofSeconds(90)), "SIGTERM with a stop-failed group exits 1\n" + lab.logs());
            assertTrue(flakyOn(l1), "the group is still active on linux1 (its stop fails)");
            long t0 = System.currentTimeMillis();
            l1.start();
            ClusterLab.await(Duration.ofSeconds(90), () -> "linux1 restarted, the group stop-failed\n" + lab.logs(),
                    () -> l1.metric("vigil_group_stop_failed") == 1.0);
            long blockedAfter = System.currentTimeMillis() - t0;
            assertTrue(l1.logText().contains("could not be stopped at start-up"), l1.logText());
            Thread.sleep(3 * E2e.FAST_DEADTIME_MS);
            assertFalse(flakyOn(l2), "linux2 started the group still active on linux1\n" + lab.logs());
            assertFalse(l2.holds(VIP), "linux2 took the VIP of a group stop-failed on linux1\n" + lab.logs());
            assertTrue(l2.logText().contains("holds group " + VIP + " stop-failed"), l2.logText());

            l1.flag("fail-stop", false);
            assertEquals(0, l1.cli("resource", "cleanup", VIP).exitCode(), "cleanup once fixed");
            ClusterLab.await(Duration.ofSeconds(30), () -> "one node runs the group after the cleanup\n" + lab.logs(),
                    () -> flakyOn(l1) != flakyOn(l2) && lab.holders(VIP).size() == 1);
            ClusterLab.bound("stop failure (block): restart to stop-failed (the start-up stop retried and failed)",
                    blockedAfter, 90_000);
        });
    }

    @Test
    @Tag("slow") // `make test-slow`: CI's time budget (block mode runs in `make test`)
    void rebootPowersTheNodeOffAndThePeerTakesOver() throws Exception {
        Netns.assumeAvailable();
        Path dir = E2e.dir("s2r");
        String powerOff = "hostlist=linux1,linux2 labdir=" + dir + " nsprefix=s2r- "
                + Path.of("deploy/lab/stonith-netns").toAbsolutePath() + " off \"$VIGIL_NODE\"";
        ClusterLab rebooting = lab("s2r", dir, "vigil.on-stop-failure=reboot\nvigil.reboot-command=" + powerOff + "\n");
        withFailingStop(rebooting, "reboot", (lab, l1, l2) -> {
            long t0 = System.currentTimeMillis();
            assertEquals(0, l1.cli("standby").exitCode(), "vigil standby on linux1");
            ClusterLab.await(Duration.ofSeconds(40), () -> "linux1 powered off by its reboot command\n" + lab.logs(),
                    () -> !l1.alive());
            long rebootedAfter = System.currentTimeMillis() - t0;
            long r0 = System.currentTimeMillis();
            ClusterLab.await(Duration.ofSeconds(20), () -> "linux2 takes the group over\n" + lab.logs(),
                    () -> flakyOn(l2) && lab.holders(VIP).equals(List.of("linux2")));
            long takeoverAfter = System.currentTimeMillis() - r0;
            String log = l1.logText();
            assertTrue(log.contains("Resource STOP failure. Reboot required!"), log);
            assertFalse(log.contains("All HA resources relinquished"), log);
            assertFalse(flakyOn(l1), "the power-off cleared linux1's /run");
            ClusterLab.bound("stop failure (reboot): standby to the node powered off (10 stop retries of 1 s)",
                    rebootedAfter, 40_000);
            ClusterLab.bound("stop failure (reboot): power-off to takeover by the peer (deadtime 2 s)",
                    takeoverAfter, E2e.FAST_DEADTIME_MS + E2e.SLACK_MS);
        });
    }

    @Test
    @Tag("slow") // `make test-slow`: CI's time budget (block mode runs in `make test`)
    void fenceSilencesTheNodeAndThePeerFencesItFirst() throws Exception {
        Netns.assumeAvailable();
        io.vigil.testsupport.StonithPlugin.assumeAvailable();
        Path dir = E2e.dir("s2f");
        try (io.vigil.testsupport.StonithPlugin plugin = io.vigil.testsupport.StonithPlugin.install("s2netns",
                Files.readString(Path.of("deploy/lab/stonith-netns")))) {
            ClusterLab fenced = lab("s2f", dir, "vigil.on-stop-failure=fence\nvigil.reboot-command=/bin/false\n"
                    + "vigil.fence-timeout=20s\n",
                    "initdead 20\nstonith_host * " + plugin.type() + " linux1,linux2 " + dir + " s2f-\n");
            withFailingStop(fenced, "fence", (lab, l1, l2) -> {
                long t0 = System.currentTimeMillis();
                assertEquals(0, l1.cli("standby").exitCode(), "vigil standby on linux1");
                ClusterLab.await(Duration.ofSeconds(40), () -> "linux1 falls silent after its failed stop\n" + lab.logs(),
                        () -> l1.logText().contains("no longer sending heartbeats"));
                long silentAfter = System.currentTimeMillis() - t0;
                long s0 = System.currentTimeMillis();
                ClusterLab.await(Duration.ofSeconds(30), () -> "linux2 fences linux1, then takes the group over\n" + lab.logs(),
                        () -> flakyOn(l2) && lab.holders(VIP).equals(List.of("linux2")));
                long takeoverAfter = System.currentTimeMillis() - s0;
                List<String> stonith = Files.readAllLines(dir.resolve("stonith.log"));
                assertTrue(stonith.stream().anyMatch(l -> l.contains("linux1 powered off")), String.join("\n", stonith));
                assertFalse(l1.alive(), "linux1 was powered off by the fence");
                assertTrue(l2.logText().contains("Node linux1 fenced"), l2.logText());
                ClusterLab.bound("stop failure (fence): standby to silence (10 stop retries of 1 s)", silentAfter, 40_000);
                ClusterLab.bound("stop failure (fence): silence to takeover after the fence (deadtime 2 s)",
                        takeoverAfter, E2e.FAST_DEADTIME_MS + E2e.SLACK_MS + 5_000);
            });
        }
    }
}
