package io.vigil.e2e;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.vigil.e2e.ClusterLab.VIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 item 2, attacked for real in namespaces: a replayed {@code shutdone} after a restart. Two Vigil nodes with
 * heartbeats over ucast (each naming the other) and one mcast medium (port 695), the VIP on linux1. An attacker on
 * the segment (the client namespace) records linux1's multicast packets — they are signed, not encrypted, and a
 * capture keeps its valid signature — while linux1 restarts (its last status and its {@code shutdone} of the old
 * generation are in the capture). Then linux2 restarts, and as it starts the attacker plays linux1's last words to
 * it over and over, with their real signatures, on the mcast port (which hears any source). linux2 kept linux1's
 * newer generation in its state directory before it stopped, so every replay is refused: the VIP stays on linux1 and
 * linux1 is never declared gone. Before issue 14 the first replayed status could open linux1's record at the old
 * generation, and the shutdone that followed made linux2 take the VIP while linux1 held it.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayIT extends PairLab {

    private static final String MCAST = "239.192.0.15";

    @BeforeAll
    void up() throws Exception {
        openPair("s3-rp");
        for (ClusterLab.Node n : List.of(l1, l2)) {
            n.configure(E2e.fastHaCf(n, "ucast eth0 192.0.2.11\nucast eth0 192.0.2.12\nmcast eth0 " + MCAST + " 695 1 0",
                    "auto_failback on"), E2e.AUTHKEYS,
                    "linux1 " + VIP + "\n", null);
        }
        l1.start();
        l2.start();
        awaitVipOnLinux1AndTalking();
    }


    @Test
    void aShutdoneReplayedToARestartedNodeMovesNothing() throws Exception {
        // 1. the attacker records linux1's traffic while linux1 restarts (shutdone of generation G, then G+1)
        Path capture = l2.home.resolve("capture.bin");
        Path recorderOut = l2.home.resolve("record.out");
        Process recorder = lab.netns().start(lab.clientNs(), recorderOut, attacker("record", E2e.KEY, "linux1",
                MCAST + ":695:eth0", capture.toString()));
        ClusterLab.await(Duration.ofSeconds(60), "the recorder listens", () -> read(recorderOut).contains("LISTENING"));
        Thread.sleep(1000);
        l1.stop(Duration.ofSeconds(60));
        ClusterLab.await(E2e.BOOT, () -> "VIP on linux2 after linux1's shutdown\n" + lab.logs(),
                () -> lab.holders(VIP).equals(List.of("linux2")));
        l1.start();
        ClusterLab.await(E2e.BOOT, () -> "VIP back on linux1 (auto_failback)\n" + lab.logs(),
                () -> lab.holders(VIP).equals(List.of("linux1")));
        Thread.sleep(2000);
        Files.writeString(capture.resolveSibling("capture.bin.stop"), "");
        assertTrue(recorder.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the recorder stops");
        String recorded = read(recorderOut).strip();
        System.out.println("replay: " + recorded.lines().reduce((a, b) -> b).orElse(""));
        assertTrue(recorded.contains("shutdone@"), "linux1's shutdone was captured: " + recorded);

        // 2. linux2 restarts; it keeps linux1's current generation across the restart
        l2.stop(Duration.ofSeconds(60));
        String kept = Files.readString(l2.home.resolve("state").resolve("peer_generations"));
        System.out.println("replay: linux2 kept " + kept.lines().filter(x -> x.startsWith("linux1")).findFirst().orElse("?"));
        assertTrue(kept.lines().anyMatch(x -> x.startsWith("linux1 ") && x.endsWith(" open")), kept);

        // 3. as linux2 starts, linux1's last words of the old generation are played to it, round and round
        Path replayOut = l2.home.resolve("replay.out");
        Process replayer = lab.netns().start(lab.clientNs(), replayOut, attacker("replay", E2e.KEY, capture.toString(),
                "3", "25000", l2.ip + ":695"));
        long t0 = System.currentTimeMillis();
        l2.start();
        List<String> moved = new ArrayList<>();
        while (replayer.isAlive() && System.currentTimeMillis() - t0 < 60_000) {
            if (!lab.holders(VIP).equals(List.of("linux1"))) {
                moved.add((System.currentTimeMillis() - t0) + " ms: " + lab.holders(VIP));
            }
            Thread.sleep(100);
        }
        ClusterLab.await(E2e.BOOT, () -> "linux2 up again, talking with linux1\n" + lab.logs(),
                () -> l2.metric("vigil_packets_received_total") > 10);
        Thread.sleep(2 * E2e.FAST_DEADTIME_MS); // anything the replays set off has had time to happen
        if (!lab.holders(VIP).equals(List.of("linux1"))) {
            moved.add("after: " + lab.holders(VIP));
        }
        String replay = read(replayOut).strip();
        System.out.println("replay: " + replay);
        Matcher sent = Pattern.compile("SENT (\\d+)").matcher(replay);
        assertTrue(sent.find() && Integer.parseInt(sent.group(1)) >= 100, "the attacker replayed: " + replay);
        assertTrue(replay.contains("shutdone@"), "the replayed packets include the shutdone: " + replay);

        String log2 = sinceLastStart(l2.logText());
        double replays = l2.dropped("replay");
        System.out.printf("replay: the restarted linux2 dropped %.0f packets as replay, %.0f as no_status_yet%n",
                replays, l2.dropped("no_status_yet"));
        assertEquals(List.of(), moved, "the VIP moved\n" + lab.logs());
        assertTrue(l1.holds(VIP) && !l2.holds(VIP));
        assertFalse(log2.contains("Received shutdown notice from 'linux1'"), "linux2 believed the replay\n" + log2);
        assertFalse(log2.contains("node linux1: is dead"), "linux2 declared linux1 gone\n" + log2);
        assertTrue(replays >= 50, "the replays were counted as such: " + replays);
        // the first refused replay is logged (whichever message type the capture starts with); the rest are counted
        assertTrue(Pattern.compile("Dropping \\S+ of node linux1 .*attempted replay").matcher(log2).find(), log2);
    }

    private static String[] attacker(String... args) {
        List<String> argv = new ArrayList<>(List.of(ClusterLab.javaCommand0(), "-XX:+UseSerialGC", "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), AttackTool.class.getName()));
        argv.addAll(List.of(args));
        return argv.toArray(String[]::new);
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** The daemon's output since its last start (the lab appends every start to one file). */
    private static String sinceLastStart(String log) {
        int i = log.lastIndexOf("---- start ");
        return i < 0 ? log : log.substring(i);
    }
}
