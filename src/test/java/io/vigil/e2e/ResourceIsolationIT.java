package io.vigil.e2e;

import io.vigil.testsupport.Netns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.vigil.e2e.ClusterLab.VIP;
import static io.vigil.e2e.E2e.VIP2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one resource can do to the daemon that runs it, with linux1 on the shipped launcher (its real JVM flags:
 * a 32 MB heap, exit on OutOfMemoryError): a stop that hangs must hold its own group only, a status that prints
 * 100 MB must neither crash nor slow the daemon, and a script missing at start-up stops {@code vigil run} before it
 * starts (exit 6) unless told to start anyway.
 * <p>
 * Groups: A {@code linux1 Flaky::a} (its stop can hang), B {@code linux2 192.0.2.252} (taken over from linux2), C
 * {@code linux1 192.0.2.253 Flood::c} (its status can flood).
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResourceIsolationIT extends PairLab {

    private static final long DEADTIME = 2_000;
    private static final long STOP_TIMEOUT = 20_000;
    private static final String LAUNCHER = Path.of("deploy/bin/vigil").toAbsolutePath().toString();

    /** A Dummy-like script whose status prints 100 MB (flag flood-raw: no newline; flood-lines: short lines). */
    static final String FLOOD = """
            #!/bin/sh
            case $# in 1) NAME=default; OP=$1 ;; *) NAME=$1; OP=$2 ;; esac
            FLAGS=$(cd "$(dirname "$0")/../flags" && pwd)
            STATE=${HA_RSCTMP:-/tmp}/vigil-Flood-$NAME.state
            case $OP in
              start) mkdir -p "$(dirname "$STATE")" && touch "$STATE"; exit 0 ;;
              stop) rm -f "$STATE"; exit 0 ;;
              status|monitor)
                [ -e "$FLAGS/flood-raw" ] && head -c 100000000 /dev/zero | tr '\\0' x
                [ -e "$FLAGS/flood-lines" ] && yes 'a line of status output' | head -n 4200000
                if [ -f "$STATE" ]; then echo ' running'; exit 0; fi
                echo ' stopped'; exit 3 ;;
              *) exit 2 ;;
            esac
            """;

    private Process daemon1;

    @BeforeAll
    void up() throws Exception {
        openPair("sf3");
        for (ClusterLab.Node n : List.of(l1, l2)) {
            n.configure(E2e.fastHaCf(n, "bcast eth0", "auto_failback on\ninitdead 10"), E2e.AUTHKEYS,
                    "linux1 Flaky::a\nlinux2 " + VIP2 + "\nlinux1 " + VIP + " Flood::c\n",
                    "vigil.reboot-command=/bin/true\nvigil.resource.stop-timeout=" + STOP_TIMEOUT / 1000 + "s\n"
                            + "vigil.resource.start-timeout=10s\nvigil.monitor.interval=2s\n");
            n.script("Flood", FLOOD);
        }
        startLinux1();
        l2.start();
        awaitNominal();
    }


    /** linux1 through the launcher the package ships (VIGIL_JAVA_OPTS only points it at this node's resource.d). */
    private void startLinux1() throws IOException {
        daemon1 = lab.netns().start(l1.ns, l1.log(), "env", "VIGIL_JAVA_OPTS=-Dvigil.resource-dir=" + l1.resourceDir(),
                LAUNCHER, "run", "--config-dir", l1.configDir().toString(), "--node-name", "linux1", "--run-dir",
                l1.runDir().toString(), "--state-dir", l1.home.resolve("state").toString());
    }

    private boolean flakyStarted(ClusterLab.Node n) {
        return Files.exists(n.runDir().resolve("resource-agents/vigil-Flaky-a.state"));
    }

    private void awaitNominal() throws InterruptedException {
        ClusterLab.await(E2e.BOOT, () -> "A and C on linux1, B on linux2\n" + lab.logs(),
                () -> lab.holders(VIP).equals(List.of("linux1")) && lab.holders(VIP2).equals(List.of("linux2"))
                        && flakyStarted(l1) && l1.metric("vigil_packets_received_total") > 0
                        && l2.metric("vigil_packets_received_total") > 0);
    }

    /** kill -9 of linux2; the ms until linux1 holds VIP2. */
    private long takeoverOfB() throws Exception {
        long t0 = System.nanoTime();
        l2.kill9();
        ClusterLab.await(Duration.ofSeconds(120), () -> "linux1 holds VIP2\n" + lab.logs(), () -> l1.holds(VIP2));
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private void restartLinux2() throws Exception {
        ClusterLab.await(Duration.ofSeconds(120), "linux2's guardian cleaned up", () -> !l2.holds(VIP2));
        l2.start();
        ClusterLab.await(E2e.BOOT, () -> "B back on linux2\n" + lab.logs(), () -> lab.holders(VIP2).equals(List.of("linux2")));
    }

    private List<Long> sleepers() {
        List<Long> pids = new ArrayList<>();
        for (String p : Netns.run(List.of("ip", "netns", "pids", l1.ns)).output().split("\\s+")) {
            if (p.matches("\\d+")) {
                ProcessHandle.of(Long.parseLong(p)).filter(h -> h.info().commandLine().orElse("").contains("sleep 3600"))
                        .ifPresent(h -> pids.add(h.pid()));
            }
        }
        return pids;
    }

    @Test
    @Order(1)
    void aHangingStopOfOneGroupDoesNotDelayTheTakeoverOfAnother() throws Exception {
        long alone = takeoverOfB();
        System.out.println("takeover of B alone: " + alone + " ms");
        restartLinux2();

        // A's monitor fails (its state file vanishes) and its restart begins with a stop that hangs
        l1.flag("hang-stop", true);
        int mark = l1.logText().length();
        Files.delete(l1.runDir().resolve("resource-agents/vigil-Flaky-a.state"));
        ClusterLab.await(Duration.ofSeconds(30), () -> "A's stop is running on linux1\n" + lab.logs(),
                () -> l1.logText().substring(mark).contains("Flaky a stop") && !sleepers().isEmpty());
        long duringHang = takeoverOfB();
        assertFalse(l1.logText().substring(mark).contains("stopped Flaky::a"), "A's stop was still hanging during B's takeover");
        System.out.println("takeover of B while A's stop hangs: " + duringHang + " ms (alone: " + alone + " ms, stop timeout "
                + STOP_TIMEOUT + " ms)");
        ClusterLab.bound("takeover of B while group A's stop hangs on the same node (B alone: " + alone + " ms)",
                duringHang, alone + E2e.SLACK_MS);

        // the hanging stop is killed with its tree at its timeout; once it stops hanging, A is restarted
        l1.flag("hang-stop", false);
        long killed = ClusterLab.await(Duration.ofMillis(STOP_TIMEOUT + 30_000), "the hanging stop's sleep killed at the timeout",
                () -> sleepers().isEmpty());
        System.out.println("hanging stop's process tree gone " + killed + " ms after B's takeover (timeout " + STOP_TIMEOUT + " ms)");
        ClusterLab.await(Duration.ofSeconds(60), () -> "A restarted on linux1\n" + lab.logs(), () -> flakyStarted(l1));
        assertTrue(l1.logText().substring(mark).contains("timed out after " + STOP_TIMEOUT + " ms"), lab.logs());
        restartLinux2();
        awaitNominal();
    }

    /** linux2's view of linux1 while C's status floods: largest gap between packets it accepts, no death declared. */
    private void flood(String flag, String row) throws Exception {
        long rss0 = rssKb(daemon1);
        int mark1 = l1.logText().length();
        int mark2 = l2.logText().length();
        l1.flag(flag, true);
        long maxGap = 0;
        try {
            ClusterLab.await(Duration.ofSeconds(60), () -> "a flooding status ran\n" + lab.logs(),
                    () -> l1.logText().substring(mark1).contains("only the first and last bytes and lines are kept"));
            maxGap = l2.largestReceiveGap(Duration.ofSeconds(10),
                    now -> assertTrue(daemon1.isAlive(), () -> "linux1's daemon died under the flood\n" + lab.logs()));
        } finally {
            l1.flag(flag, false);
        }
        long floods = l1.logText().substring(mark1).lines().filter(l -> l.contains("only the first and last bytes")).count();
        assertTrue(daemon1.isAlive());
        assertFalse(l2.logText().substring(mark2).contains("linux1: is dead"), "linux2 declared linux1 dead\n" + lab.logs());
        assertFalse(l1.logText().substring(mark1).contains("failed its status check"), "the flooding status still says running");
        assertEquals(List.of("linux1"), lab.holders(VIP));
        System.out.println(row + ": " + floods + " statuses of 100 MB in 10 s; linux1 RSS " + rss0 + " -> " + rssKb(daemon1) + " kB");
        ClusterLab.bound(row + ": largest gap between linux1's packets at linux2 (keepalive 200 ms)", maxGap, DEADTIME);
    }

    private static long rssKb(Process p) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    @Order(2)
    void aStatusPrinting100MbWithoutNewlinesNeitherCrashesNorSlowsTheDaemon() throws Exception {
        assertTrue(Files.readString(Path.of("/proc", Long.toString(daemon1.pid()), "cmdline")).contains("-Xmx32m"),
                "linux1 runs with the launcher's heap flags");
        String capEff = Files.readAllLines(Path.of("/proc", Long.toString(daemon1.pid()), "status")).stream()
                .filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow();
        assertEquals(0, Long.parseUnsignedLong(capEff.substring(7).strip(), 16) >>> 22 & 1, "a lab node has no CAP_SYS_BOOT");
        flood("flood-raw", "status flood, 100 MB without a newline, -Xmx32m");
    }

    @Test
    @Order(3)
    void aStatusPrinting100MbOfLinesNeitherCrashesNorSlowsTheDaemon() throws Exception {
        flood("flood-lines", "status flood, 100 MB of lines, -Xmx32m");
    }

    @Test
    @Order(4)
    void aMissingScriptStopsRunAtStartUpUnlessToldToStartAnyway() throws Exception {
        Path conf = Files.createDirectories(l1.home.resolve("missing/ha.d"));
        Files.writeString(conf.resolve("ha.cf"), "keepalive 200ms\ndeadtime 2\ninitdead 4\nudpport 695\nbcast eth0\n"
                + "auto_failback on\nnode linux3\n");
        Files.writeString(conf.resolve("authkeys"), E2e.AUTHKEYS);
        Files.setPosixFilePermissions(conf.resolve("authkeys"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(conf.resolve("haresources"), "linux3 192.0.2.251 \\\n    NoSuchScript::x\n");
        Files.writeString(conf.resolve("vigil.properties"), "vigil.metrics.port=0\nvigil.reboot-command=/bin/true\n");
        Path run = l1.home.resolve("missing/run");
        List<String> argv = List.of("env", "VIGIL_JAVA_OPTS=-Dvigil.resource-dir=" + l1.resourceDir(), LAUNCHER, "run",
                "--config-dir", conf.toString(), "--node-name", "linux3", "--run-dir", run.toString(), "--state-dir",
                l1.home.resolve("missing/state").toString());
        long t0 = System.nanoTime();
        Netns.Result r = Netns.exec(l1.ns, argv.toArray(String[]::new));
        long took = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(6, r.exitCode(), r.output());
        assertTrue(r.output().contains(conf.resolve("haresources") + ":1: resource NoSuchScript::x: Cannot locate resource "
                + "script NoSuchScript"), r.output());
        assertTrue(r.output().contains("vigil not started"), r.output());
        ClusterLab.bound("missing script at start-up: run refuses with exit 6 (JVM boot included)", took, 60_000);

        // the default reboot command, from inside a lab namespace: check-config says the node would refuse it
        Files.writeString(conf.resolve("vigil.properties"), "vigil.metrics.port=0\n");
        Netns.Result check = Netns.exec(l1.ns, "env", "VIGIL_JAVA_OPTS=-Dvigil.resource-dir=" + l1.resourceDir(), LAUNCHER,
                "check-config", "--config-dir", conf.toString(), "--node-name", "linux3");
        assertTrue(check.output().contains("this node would refuse to reboot itself after a failed stop (this process runs in "
                + "the network namespace " + l1.ns), check.output());
        Files.writeString(conf.resolve("vigil.properties"), "vigil.metrics.port=0\nvigil.reboot-command=/bin/true\n");

        List<String> anyway = new ArrayList<>(argv);
        anyway.add("--start-anyway");
        Path log = l1.home.resolve("missing/vigil.out");
        Process p = lab.netns().start(l1.ns, log, anyway.toArray(String[]::new));
        // up and running: alone, it takes its group after initdead (whose start then fails on the missing script)
        ClusterLab.await(Duration.ofSeconds(90), "started anyway\n" + read(log), () -> read(log).contains("starting anyway")
                && read(log).contains("Cannot locate resource script NoSuchScript") && read(log).contains("starting 192.0.2.251")
                && p.isAlive());
        p.destroy();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        // the missing script cannot be stopped either: the group is stop-failed, never "relinquished" — exit 1, or 143
        // when the TERM comes before the daemon's own handlers are installed (issue 13): never 0
        assertNotEquals(0, p.exitValue(), read(log));
        assertTrue(daemon1.isAlive() && l2.alive(), "the running cluster is not disturbed");
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
