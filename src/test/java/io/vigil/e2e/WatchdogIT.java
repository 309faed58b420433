package io.vigil.e2e;

import io.vigil.testsupport.Netns;
import io.vigil.testsupport.WatchdogSupervisor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.vigil.e2e.ClusterLab.VIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The systemd path of a hung daemon, in the namespace lab: linux1 runs the shipped launcher ({@code deploy/bin/vigil
 * run}, its real JVM flags) under {@link WatchdogSupervisor}, which does what systemd does for the shipped unit
 * ({@code Type=notify}, {@code WatchdogSec=}, {@code WatchdogSignal=SIGKILL}, {@code ExecStopPost=vigil cleanup}).
 * The guardian is killed first and must come back; then the JVM is SIGSTOPped: it misses its watchdog pings, is
 * killed, and the stop-post cleanup releases its address.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatchdogIT extends PairLab {

    private static final long WATCHDOG_MS = 2_000;
    private static final long DEADTIME = 4_000;
    private Path events;

    @BeforeAll
    void up() throws Exception {
        openPair("sf2");
        for (ClusterLab.Node n : List.of(l1, l2)) {
            n.configure(E2e.fastHaCf(n, "bcast eth0", "auto_failback on\ndeadtime 4\nwarntime 2\ninitdead 10"), E2e.AUTHKEYS,
                    "linux1 " + VIP + "\n", "vigil.reboot-command=/bin/true\n");
        }
        events = l1.home.resolve("supervisor.log");
        String launcher = Path.of("deploy/bin/vigil").toAbsolutePath().toString();
        String where = " --config-dir " + l1.configDir() + " --node-name linux1 --run-dir " + l1.runDir();
        String release = Path.of("deploy/bin/vigil-release-addresses").toAbsolutePath() + " " + l1.runDir().resolve("resource-agents");
        String stopPost = "if [ \"$SERVICE_RESULT\" != success ]; then " + release + "; exec " + launcher + " cleanup" + where + "; fi";
        Files.createDirectories(l1.runDir());
        lab.netns().start(l1.ns, l1.log(), "env", "VIGIL_JAVA_OPTS=-Dvigil.resource-dir=" + l1.resourceDir(),
                ClusterLab.javaCommand0(), "-XX:+UseSerialGC", "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                WatchdogSupervisor.class.getName(), l1.runDir().resolve("notify").toString(), Long.toString(WATCHDOG_MS),
                events.toString(), stopPost, "--", launcher, "run", "--config-dir", l1.configDir().toString(), "--node-name",
                "linux1", "--run-dir", l1.runDir().toString(), "--state-dir", l1.home.resolve("state").toString());
        l2.start();
        ClusterLab.await(E2e.BOOT, () -> "VIP on linux1, linux1 READY to its supervisor\n" + lab.logs() + supervisorLog(),
                () -> lab.holders(VIP).equals(List.of("linux1")) && supervisorLog().contains(" READY ")
                        && l2.metric("vigil_packets_received_total") > 0);
    }

    private String supervisorLog() {
        try {
            return Files.exists(events) ? Files.readString(events) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private long daemonPid() {
        String started = supervisorLog().lines().filter(l -> l.contains(" STARTED ")).findFirst().orElseThrow();
        return Long.parseLong(started.replaceAll(".* STARTED pid (\\d+) .*", "$1"));
    }

    private Optional<ProcessHandle> guardian(long daemon) {
        return ProcessHandle.of(daemon).orElseThrow().children()
                .filter(p -> p.info().commandLine().orElse("").contains("vigil-guardian")).findFirst();
    }

    @Test
    void aStoppedDaemonIsKilledByTheWatchdogAndItsAddressReleased() throws Exception {
        long daemon = daemonPid();
        ProcessHandle jvm = ProcessHandle.of(daemon).orElseThrow();
        assertTrue(jvm.info().command().orElse("").endsWith("java"), "the launcher exec'd the JVM: " + jvm.info());

        // the guardian dies: the daemon notices and starts another
        ProcessHandle first = guardian(daemon).orElseThrow(() -> new AssertionError("no guardian\n" + lab.logs()));
        first.descendants().forEach(ProcessHandle::destroyForcibly);
        first.destroyForcibly();
        long back = ClusterLab.await(Duration.ofSeconds(30), () -> "a new guardian\n" + lab.logs(),
                () -> guardian(daemon).filter(g -> g.pid() != first.pid()).isPresent());
        ClusterLab.bound("guardian killed: a new one watches the daemon", back, 5_000);
        assertTrue(l1.logText().contains("Guardian started again"), l1.logText());

        long t0 = System.nanoTime();
        long stoppedAt = System.currentTimeMillis();
        Netns.run(List.of("kill", "-STOP", Long.toString(daemon)));
        long killed = ClusterLab.await(Duration.ofSeconds(30), "the supervisor kills the stopped daemon\n" + supervisorLog(),
                () -> supervisorLog().contains(" KILLED "));
        ClusterLab.bound("SIGSTOP: killed by the watchdog (WatchdogSec " + WATCHDOG_MS + " ms)", killed, WATCHDOG_MS + 3_000);
        long released = ClusterLab.await(Duration.ofSeconds(90), "ExecStopPost cleanup released the VIP\n" + supervisorLog(),
                () -> !l1.holds(VIP));
        long releasedMs = (System.nanoTime() - t0) / 1_000_000;
        ClusterLab.bound("SIGSTOP: VIP released on linux1 by the stop-post (watchdog + vigil-release-addresses)",
                releasedMs, WATCHDOG_MS + E2e.GUARDIAN_LIMIT_MS);
        long takeover = ClusterLab.await(Duration.ofSeconds(60), () -> "linux2 holds the VIP\n" + lab.logs(), () -> l2.holds(VIP));
        System.out.println("SIGSTOP at " + stoppedAt + ": released after " + releasedMs + " ms, linux2 holds the VIP after "
                + ((System.nanoTime() - t0) / 1_000_000) + " ms (deadtime " + DEADTIME + " ms); waited " + released + "/" + takeover);
        ClusterLab.await(Duration.ofSeconds(60), "stop-post finished\n" + supervisorLog(), () -> supervisorLog().contains(" STOP-POST "));
        String log = supervisorLog();
        System.out.print(log);
        assertTrue(log.contains("WATCHDOG-TIMEOUT no ping for"), log);
        String post = log.lines().filter(l -> l.contains(" STOP-POST ")).findFirst().orElseThrow();
        assertTrue(post.contains("SERVICE_RESULT=watchdog exit 0"), post);
        // the address went from the shell (vigil-release-addresses) before the cleanup JVM, which then found it gone
        assertTrue(post.contains(VIP + ": not active") || post.contains(VIP + ": group " + VIP + ": ok"),
                "the stop-post released the VIP: " + post);
        assertEquals(List.of("linux2"), lab.holders(VIP));
    }
}
