package io.vigil.e2e;

import io.vigil.testsupport.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.vigil.e2e.ClusterLab.VIP;
import static io.vigil.e2e.E2e.VIP2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault matrix of issue 7, one row per test, on one two-node cluster with fast timings (keepalive 200 ms,
 * deadtime 2 s = 10 x keepalive): group {@code linux1 192.0.2.253} and group {@code linux2 192.0.2.252 Flaky::g}
 * (a script that fails or hangs on demand). After every row both daemons must be alive and every address held by
 * exactly one node; each row prints its measured bound.
 */
@Tag("netns")
@Tag("slow") // ~5 min: left out of `make test` for CI's time budget: `make test-slow`
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultMatrixIT extends PairLab {

    private static final long DEADTIME = E2e.FAST_DEADTIME_MS;
    private static final long TAKEOVER_LIMIT = DEADTIME + E2e.SLACK_MS;
    private static final long GUARDIAN_LIMIT = E2e.GUARDIAN_LIMIT_MS;

    @BeforeAll
    void up() throws Exception {
        openPair("ve4");
        for (ClusterLab.Node n : List.of(l1, l2)) {
            n.configure(E2e.fastHaCf(n, "bcast eth0", "auto_failback on"), E2e.AUTHKEYS,
                    "linux1 " + VIP + "\nlinux2 " + VIP2 + " Flaky::g\n",
                    "vigil.resource.start-timeout=3s\nvigil.resource.stop-timeout=3s\nvigil.monitor.interval=1s\n");
        }
        l1.start();
        l2.start();
        awaitNominal(E2e.BOOT);
    }


    /** VIP on linux1 only, VIP2 on linux2 only, and they hear each other. */
    private long awaitNominal(Duration timeout) throws InterruptedException {
        return ClusterLab.await(timeout, () -> "nominal placement (VIP on linux1, VIP2 on linux2)\n" + lab.logs(),
                () -> lab.holders(VIP).equals(List.of("linux1")) && lab.holders(VIP2).equals(List.of("linux2"))
                        && l1.metric("vigil_packets_received_total") > 0 && l2.metric("vigil_packets_received_total") > 0);
    }

    /** Every row ends with both daemons up and the nominal placement restored. */
    @AfterEach
    void restore() throws Exception {
        for (ClusterLab.Node n : List.of(l1, l2)) {
            n.flag("fail-start", false);
            n.flag("fail-stop", false);
            n.flag("hang-start", false);
            n.flag("hang-stop", false);
            n.clearLoss();
            n.blockHeartbeats(false);
            if (n.alive() && n.logText().substring(logMarks.getOrDefault(n.name, 0)).contains("failed to start here")) {
                // The engine remembers a failed start for the daemon's lifetime and never retries the group on
                // that node (reported): restart the daemon so the next row starts from a clean slate.
                System.out.println("restore: restarting " + n.name + " to clear its failed-group memory");
                n.stop(Duration.ofSeconds(60));
            }
            if (!n.alive()) {
                ClusterLab.await(Duration.ofSeconds(60), n.name + "'s guardian finished", () -> !n.holds(VIP) && !n.holds(VIP2));
                n.start();
            }
        }
        awaitNominal(E2e.BOOT);
        for (ClusterLab.Node n : List.of(l1, l2)) {
            logMarks.put(n.name, n.logText().length());
        }
    }

    private final java.util.Map<String, Integer> logMarks = new java.util.HashMap<>();

    private void awaitOneOwnerEach(String row, long limitMs) throws InterruptedException {
        long settled = ClusterLab.await(Duration.ofMillis(limitMs + 60_000), () -> "one owner of each address\n" + lab.logs(),
                () -> lab.holders(VIP).size() == 1 && lab.holders(VIP2).size() == 1);
        ClusterLab.bound(row, settled, limitMs);
        // The owner may still change once (a failback after the heal): wait for ARP to name the current holder.
        for (String vip : List.of(VIP, VIP2)) {
            ClusterLab.await(Duration.ofSeconds(30), "ARP for " + vip + " answered by its sole holder\n" + lab.logs(), () -> {
                List<String> h = lab.holders(vip);
                return h.size() == 1 && lab.node(h.get(0)).mac().equals(lab.arpOwner(vip));
            });
        }
    }

    @Test
    @Order(1)
    void authkeysWithBadMode() throws Exception {
        Path bad = l1.home.resolve("bad-mode");
        Path conf = bad.resolve("ha.d");
        Files.createDirectories(conf);
        Files.copy(l1.configDir().resolve("ha.cf"), conf.resolve("ha.cf"));
        Files.copy(l1.configDir().resolve("haresources"), conf.resolve("haresources"));
        Files.writeString(conf.resolve("authkeys"), E2e.AUTHKEYS);
        Files.setPosixFilePermissions(conf.resolve("authkeys"), PosixFilePermissions.fromString("rw-r--r--"));
        long t0 = System.nanoTime();
        List<String> argv = new java.util.ArrayList<>(ClusterLab.javaCommand(l1.resourceDir()));
        argv.add(argv.size() - 2, "-Dvigil.metrics.port=0"); // linux1's daemon already serves 9694 in this namespace
        argv.addAll(List.of("run", "--config-dir", conf.toString(), "--node-name", "linux1", "--run-dir",
                bad.resolve("run").toString(), "--state-dir", bad.resolve("state").toString()));
        Netns.Result r = l1.exec(argv.toArray(String[]::new));
        long took = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(6, r.exitCode(), "authkeys mode 644 is a configuration error (exit 6)\n" + r.output());
        assertTrue(r.output().contains("authkeys"), "the error names the file\n" + r.output());
        ClusterLab.bound("authkeys mode 644: run refuses with exit 6 (JVM boot included)", took, 60_000);
        assertTrue(l1.alive() && l2.alive(), "the running cluster is not disturbed");
    }

    @Test
    @Order(2)
    void kill9OfTheDaemon() throws Exception {
        long killedAt = System.currentTimeMillis();
        try (ClusterLab.PingProbe probe = lab.ping(VIP)) {
            Thread.sleep(500);
            killedAt = System.currentTimeMillis();
            l1.kill9();
            long takeover = ClusterLab.await(Duration.ofSeconds(60), () -> "linux2 holds VIP\n" + lab.logs(), () -> l2.holds(VIP));
            ClusterLab.bound("kill -9: VIP on the survivor", takeover, TAKEOVER_LIMIT);
            long gone = (System.currentTimeMillis() - killedAt) + ClusterLab.await(Duration.ofSeconds(120),
                    "the guardian removed VIP from the killed linux1", () -> !l1.holds(VIP));
            ClusterLab.bound("kill -9: VIP gone from the killed node (guardian: 0.2 s poll + vigil cleanup JVM)", gone, GUARDIAN_LIMIT);
            ClusterLab.await(Duration.ofSeconds(30), "client reaches VIP", () -> lab.clientReaches(VIP));
            Thread.sleep(300);
            long outage = probe.maxGapMs(killedAt);
            assertTrue(outage > 0, "the ping probe saw replies before and after the failover");
            ClusterLab.bound("kill -9: client outage (ping -i 0.02)", outage, TAKEOVER_LIMIT);
        }
        assertEquals(List.of("linux2"), lab.holders(VIP));
        assertTrue(Files.readString(l1.runDir().resolve("guardian.log")).contains(VIP),
                "guardian ran vigil cleanup, which stopped the VIP");
    }

    @Test
    @Order(3)
    void hostLinkDown() throws Exception {
        int before = l1.logText().length();
        long t0 = System.nanoTime();
        l1.linkDown();
        try {
            ClusterLab.await(Duration.ofSeconds(60), () -> "linux2 holds VIP\n" + lab.logs(), () -> l2.holds(VIP));
            ClusterLab.bound("link down: VIP on linux2", (System.nanoTime() - t0) / 1_000_000, TAKEOVER_LIMIT);
        } finally {
            l1.linkUp();
        }
        awaitOneOwnerEach("link up again: one owner per address", 4 * DEADTIME + E2e.SLACK_MS);
        // Isolated, linux1 may try linux2's group and fail (no route on a down link); once linux2 is back that
        // failure must be forgiven, or linux1 would refuse the group for the rest of its life.
        String log = l1.logText().substring(before);
        if (log.contains("failed to start here")) {
            ClusterLab.await(Duration.ofSeconds(30), () -> "linux1 forgives the failure once linux2 is back\n" + lab.logs(),
                    () -> l1.logText().substring(before).contains("may start here again"));
        }
    }

    @Test
    @Order(4)
    void sigstopForTwiceDeadtime() throws Exception {
        long t0 = System.nanoTime();
        l1.signal("STOP");
        try {
            ClusterLab.await(Duration.ofSeconds(60), () -> "linux2 holds VIP\n" + lab.logs(), () -> l2.holds(VIP));
            ClusterLab.bound("SIGSTOP: VIP on linux2", (System.nanoTime() - t0) / 1_000_000, TAKEOVER_LIMIT);
            long rest = 2 * DEADTIME - (System.nanoTime() - t0) / 1_000_000;
            if (rest > 0) {
                Thread.sleep(rest);
            }
        } finally {
            l1.signal("CONT");
        }
        awaitOneOwnerEach("SIGCONT after 2 x deadtime: one owner per address, re-announced", 4 * DEADTIME + E2e.SLACK_MS);
        assertTrue(l1.alive());
    }

    @Test
    @Order(5)
    void partitionAndHeal() throws Exception {
        long t0 = System.nanoTime();
        l1.blockHeartbeats(true);
        l2.blockHeartbeats(true);
        try {
            ClusterLab.await(Duration.ofSeconds(60), () -> "both nodes hold both addresses\n" + lab.logs(),
                    () -> lab.holders(VIP).size() == 2 && lab.holders(VIP2).size() == 2);
            ClusterLab.bound("partition: both take over", (System.nanoTime() - t0) / 1_000_000, TAKEOVER_LIMIT);
        } finally {
            l1.blockHeartbeats(false);
            l2.blockHeartbeats(false);
        }
        awaitOneOwnerEach("partition healed: one owner per address, re-announced", 4 * DEADTIME + E2e.SLACK_MS);
    }

    @Test
    @Order(6)
    void packetLossWithoutFalseFailover() throws Exception {
        String how1 = l1.loss(30);
        l2.loss(30);
        System.out.println("loss: " + how1);
        String log1 = l1.logText();
        String log2 = l2.logText();
        // The largest gap between two packets linux2 accepts from linux1, sampled from its received counter.
        long[] nextHolderCheck = {0};
        long maxGap = l2.largestReceiveGap(Duration.ofSeconds(30), now -> {
            if (now >= nextHolderCheck[0]) {
                assertEquals(List.of("linux1"), lab.holders(VIP), () -> "no false failover under 30 % loss\n" + lab.logs());
                assertEquals(List.of("linux2"), lab.holders(VIP2), () -> "no false failover under 30 % loss\n" + lab.logs());
                nextHolderCheck[0] = now + 1000;
            }
        });
        assertFalse(l1.logText().substring(log1.length()).contains(": is dead"), "linux1 declared nobody dead\n" + lab.logs());
        assertFalse(l2.logText().substring(log2.length()).contains(": is dead"), "linux2 declared nobody dead\n" + lab.logs());
        ClusterLab.bound("30 % loss for 30 s at deadtime = 10 x keepalive: largest gap between accepted packets (sampled), no failover",
                maxGap, DEADTIME);
    }

    /** Captures linux1's packets, kills linux1, re-sends them: linux2 must still declare it dead. */
    private void injectAfterKill(String mode, String row) throws Exception {
        Path go = l1.home.resolve("go-" + mode);
        Files.deleteIfExists(go);
        double droppedBefore = l2.metric("vigil_packets_dropped_total");
        CompletableFuture<Netns.Result> tool = CompletableFuture.supplyAsync(() ->
                lab.udpTool(mode, "linux1", "3000", go.toString(), "12000", E2e.KEY));
        Thread.sleep(8_000); // the tool's JVM boots, then captures for 3 s
        l1.kill9();
        Files.writeString(go, "");
        long takeover = ClusterLab.await(Duration.ofSeconds(60), "linux2 holds VIP despite the " + mode + " packets\n"
                + lab.logs(), () -> l2.holds(VIP));
        ClusterLab.bound(row, takeover, TAKEOVER_LIMIT);
        Netns.Result r = tool.get();
        System.out.println(mode + ": " + r.output().trim());
        assertTrue(r.output().contains("SENT"), r.output());
        assertTrue(!r.output().contains("CAPTURED 0"), "the tool captured linux1's packets\n" + r.output());
        assertTrue(l2.metric("vigil_packets_dropped_total") > droppedBefore, "the injected packets were dropped and counted");
    }

    @Test
    @Order(7)
    void wrongKey() throws Exception {
        injectAfterKill("wrongkey", "wrong key: linux1's packets re-signed with another key after its kill -9, VIP on linux2");
    }

    @Test
    @Order(8)
    void replayedCapturedPackets() throws Exception {
        injectAfterKill("replay", "replay: linux1's captured packets re-sent after its kill -9, VIP on linux2");
    }

    @Test
    @Order(9)
    void malformedPacketsAtLineRate() throws Exception {
        double droppedBefore = l1.metric("vigil_packets_dropped_total");
        Netns.Result r = lab.udpTool("fuzz", "10000", E2e.KEY, l1.ip, l2.ip);
        System.out.println("fuzz: " + r.output().trim());
        assertTrue(r.output().contains("SENT"), r.output());
        assertTrue(l1.alive() && l2.alive(), "no daemon crashed under the fuzzer\n" + lab.logs());
        assertTrue(l1.metric("vigil_packets_dropped_total") > droppedBefore, "malformed packets dropped and counted");
        long settled = ClusterLab.await(Duration.ofSeconds(60), () -> "nominal after the fuzzer\n" + lab.logs(),
                () -> lab.holders(VIP).equals(List.of("linux1")) && lab.holders(VIP2).equals(List.of("linux2")));
        ClusterLab.bound("fuzz 10 s at line rate: nominal placement after", settled, TAKEOVER_LIMIT);
    }

    @Test
    @Order(10)
    void resourceStartFailure() throws Exception {
        l1.flag("fail-start", true);
        int before = l1.logText().length();
        l2.kill9();
        long t0 = System.nanoTime();
        ClusterLab.await(Duration.ofSeconds(60), () -> "linux1 tried to start the linux2 group\n" + lab.logs(),
                () -> l1.logText().substring(before).contains("failed to start here"));
        long clean = ClusterLab.await(Duration.ofSeconds(60), () -> "the failed group is stopped on linux1\n" + lab.logs(),
                () -> !l1.holds(VIP2)) + (System.nanoTime() - t0) / 1_000_000;
        ClusterLab.bound("start failure: failed group stopped again on linux1", clean, TAKEOVER_LIMIT + 3_000);
        assertTrue(l1.alive() && l1.holds(VIP), "linux1 keeps running its own group");
    }

    @Test
    @Order(11)
    void hangingScript() throws Exception {
        l1.flag("hang-start", true);
        int before = l1.logText().length();
        l2.kill9();
        long t0 = System.nanoTime();
        long clean = ClusterLab.await(Duration.ofSeconds(60), "the hung start timed out and the group is stopped on linux1\n"
                + lab.logs(), () -> l1.logText().substring(before).contains("failed to start here") && !l1.holds(VIP2));
        clean = Math.max(clean, (System.nanoTime() - t0) / 1_000_000);
        ClusterLab.bound("hanging start (start-timeout 3 s): group stopped on linux1", clean, TAKEOVER_LIMIT + 3_000 + 3_000);
        assertTrue(l1.alive() && l1.holds(VIP), "linux1 keeps running its own group");
    }

    @Test
    @Order(12)
    void resourceStopFailure() throws Exception {
        l2.flag("fail-stop", true);
        int before = l2.logText().length();
        long t0 = System.nanoTime();
        Netns.Result standby = l2.cli("standby");
        assertEquals(0, standby.exitCode(), standby.output());
        ClusterLab.await(Duration.ofSeconds(60), () -> "linux2's stop of its group failed\n" + lab.logs(),
                () -> l2.logText().substring(before).contains("failed to stop"));
        // Watch the address for 2 x deadtime: it may be held twice only briefly.
        long doubleSince = -1;
        long longestDouble = 0;
        long end = System.nanoTime() + 2 * DEADTIME * 1_000_000;
        while (System.nanoTime() < end) {
            boolean twice = lab.holders(VIP2).size() > 1;
            long now = System.nanoTime();
            if (twice && doubleSince < 0) {
                doubleSince = now;
            } else if (!twice) {
                doubleSince = -1;
            }
            if (doubleSince >= 0) {
                longestDouble = Math.max(longestDouble, (now - doubleSince) / 1_000_000);
            }
            Thread.sleep(100);
        }
        assertTrue(l1.alive() && l2.alive());
        System.out.println("stop failure: VIP2 holders " + lab.holders(VIP2) + " " + (System.nanoTime() - t0) / 1_000_000 + " ms after standby");
        ClusterLab.bound("stop failure: longest time VIP2 held twice", longestDouble, DEADTIME);
        assertTrue(lab.holders(VIP2).size() <= 1, "VIP2 not held twice: " + lab.holders(VIP2) + "\n" + lab.logs());
        // The group stays stop-failed on linux2, never released (issue 13): the operator fixes the cause and cleans up.
        assertTrue(l2.logText().substring(before).contains("stop-failed"), l2.logText().substring(before));
        l2.flag("fail-stop", false);
        Netns.Result cleanup = l2.cli("resource", "cleanup", VIP2);
        assertEquals(0, cleanup.exitCode(), cleanup.output());
        l2.cli("takeover", "local"); // linux2's own group back; `all` would also pull linux1's VIP over
    }
}
