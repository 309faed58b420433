package io.vigil.interop;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 item 1: the key rotation procedure of docs/operations.md, run against a real Heartbeat 3.0.6 peer.
 * linux1 runs Vigil (rotation window 30 s), linux2 Heartbeat; both start on {@code auth 1 / 1 sha1 old}.
 * <ol>
 * <li>both get the new line {@code 2 sha1 new} (still {@code auth 1}) and re-read authkeys: nothing changes;</li>
 * <li>Vigil switches to {@code auth 2} first: it accepts Heartbeat's packets signed with the old key for the window,
 * and signs its own with both keys while Heartbeat still uses the old one — Heartbeat keeps hearing it;</li>
 * <li>Heartbeat switches to {@code auth 2} (SIGHUP): both now speak the new key, Vigil stops sending old-key
 * copies within a deadtime;</li>
 * </ol>
 * Throughout, sampled every 250 ms: the VIP stays on linux1 alone, neither side declares the other dead, both show
 * each other active at the end. Then, the window closed, a packet signed with the old key is refused.
 */
@Tag("netns")
@Tag("slow") // not re-run green after the merges of 2026-12-07 (docs/lab.md): `make test-slow`
class KeyRotationIT {

    private static final String OLD = "auth 1\n1 sha1 OldClusterSecret\n";
    private static final String BOTH_OLD_ACTIVE = OLD + "2 sha1 NewClusterSecret\n";
    private static final String BOTH_NEW_ACTIVE = "auth 2\n1 sha1 OldClusterSecret\n2 sha1 NewClusterSecret\n";

    @Test
    void rotationWithAHeartbeatPeerLosesNoHeartbeat() throws Exception {
        InteropLab.assumeAvailable();
        try (InteropLab lab = new InteropLab("vigil", "heartbeat", "sha1")) {
            lab.up();
            for (String node : List.of("linux1", "linux2")) {
                writeKeys(lab, node, OLD);
            }
            Files.writeString(lab.nodeDir("linux1").resolve("ha.d/vigil.properties"), "vigil.auth.rotation-window=30s\n");
            lab.ok(Duration.ofSeconds(90), "start", "all");
            lab.waitVip("linux1", 90);
            awaitActive(lab);

            List<String> trouble = new ArrayList<>();
            step(lab, trouble, "both have the new key, old one active", () -> {
                writeKeys(lab, "linux1", BOTH_OLD_ACTIVE);
                writeKeys(lab, "linux2", BOTH_OLD_ACTIVE);
                lab.vigil("linux1", "reload");
                hupHeartbeat(lab);
            });
            int hbLogAtVigilSwitch = lab.haLog("linux2").length();
            step(lab, trouble, "Vigil switched to the new key, Heartbeat not yet", () -> {
                writeKeys(lab, "linux1", BOTH_NEW_ACTIVE);
                assertTrue(lab.vigil("linux1", "reload").contains("authkeys (auth 1 → auth 2)"));
            });
            step(lab, trouble, "Heartbeat switched too", () -> {
                writeKeys(lab, "linux2", BOTH_NEW_ACTIVE);
                hupHeartbeat(lab);
            });
            String hbLog = lab.haLog("linux2").substring(hbLogAtVigilSwitch);
            System.out.println("rotation: Heartbeat logged " + hbLog.lines().filter(l -> l.contains("authentication failed")).count()
                    + " authentication failures (the copies signed with the key it did not use yet/any more)");
            assertEquals(List.of(), trouble, "the rotation disturbed the cluster\n" + lab.diagnostics());
            awaitActive(lab);
            assertTrue(lab.vipOn("linux1") && !lab.vipOn("linux2"));
            String hbAll = lab.haLog("linux2");
            assertFalse(hbAll.contains("node linux1: is dead"), hbAll);
            assertFalse(lab.log("linux1").contains("node linux2: is dead"), lab.log("linux1"));

            // after the window: Heartbeat going back to the old key is no longer heard
            InteropLab.sleep(30_000);
            writeKeys(lab, "linux2", OLD);
            hupHeartbeat(lab);
            long until = System.nanoTime() + 10_000_000_000L;
            String vigilLog = "";
            while (System.nanoTime() < until && !vigilLog.contains("INACTIVE_KEY")) {
                InteropLab.sleep(500);
                vigilLog = lab.log("linux1");
            }
            assertTrue(vigilLog.contains("INACTIVE_KEY: the packet names key 1, the key used before the last reload; its"
                    + " rotation window closed"), "old-key packets refused after the window\n" + vigilLog);
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    /** Does the step, then watches for 3 deadtimes: VIP on linux1 alone, nobody dead, both sides active. */
    private static void step(InteropLab lab, List<String> trouble, String what, Action action) throws Exception {
        action.run();
        long end = System.nanoTime() + (long) (3 * InteropLab.DEADTIME_S * 1e9);
        while (System.nanoTime() < end) {
            if (!lab.vipOn("linux1") || lab.vipOn("linux2")) {
                trouble.add(what + ": VIP not on linux1 alone");
            }
            InteropLab.sleep(250);
        }
        String hb = lab.clStatus("linux2", "active"::equals, Duration.ofSeconds(5), "nodestatus", "linux1");
        if (!"active".equals(hb)) {
            trouble.add(what + ": Heartbeat sees linux1 " + hb);
        }
        String ours = InteropLab.vigilRowStatus(lab.vigilStatus("linux1"), "linux2");
        if (!"active".equals(ours)) {
            trouble.add(what + ": Vigil sees linux2 " + ours);
        }
        System.out.println("rotation step done: " + what + " (Heartbeat: linux1 " + hb + ", Vigil: linux2 " + ours + ")");
    }

    private static void awaitActive(InteropLab lab) {
        assertEquals("active", lab.clStatus("linux2", "active"::equals, Duration.ofSeconds(30), "nodestatus", "linux1"));
    }

    private static void writeKeys(InteropLab lab, String node, String text) throws IOException {
        Path f = lab.nodeDir(node).resolve("ha.d/authkeys");
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    }

    /** Heartbeat re-reads authkeys on SIGHUP when its mtime changed (ha.cf untouched, or it would restart). */
    private static void hupHeartbeat(InteropLab lab) {
        lab.ok(Duration.ofSeconds(20), "exec", "linux2", "sh", "-c", "kill -HUP $(cat /run/heartbeat.pid)");
    }
}
