package io.vigil.wire;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 item 2, the parts that stand alone until membership wires them: peer generations that survive a restart,
 * the {@code ts} rule, and the ceiling on {@code NS_*} messages.
 */
class ReplayDefencesTest {

    @TempDir
    Path dir;

    @Test
    void peerGenerationsSurviveARestartDurablyAndOnlyGrow() throws IOException {
        PeerGenerationStore s = PeerGenerationStore.open(dir, 60_000);
        assertTrue(s.entry("linux2").isEmpty());
        assertTrue(s.record("linux2", 1_700_000_001L, 0x65a1b2c3L, 0), "a first generation is written at once");
        assertFalse(s.record("linux2", 1_700_000_000L, 0x65a1b2ffL, 1), "an older generation is a replay: ignored");
        assertFalse(s.record("linux2", 1_700_000_001L, 0x65a1b2d0L, 2), "a higher ts waits for the interval");
        assertTrue(s.record("linux2", 1_700_000_002L, 0x65a1b300L, 3), "a restart of the peer is written at once");
        assertTrue(s.record("linux3", 7, 100, 4));

        PeerGenerationStore after = PeerGenerationStore.open(dir, 60_000);   // this node restarted
        assertEquals(new PeerGenerationStore.Entry(1_700_000_002L, 0x65a1b300L), after.entry("linux2").orElseThrow());
        assertEquals(new PeerGenerationStore.Entry(7, 100), after.entry("linux3").orElseThrow());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void aHigherTsIsWrittenAfterTheIntervalOrOnFlush() throws IOException {
        PeerGenerationStore s = PeerGenerationStore.open(dir, 1_000);
        s.record("linux2", 5, 100, 0);
        assertFalse(s.record("linux2", 5, 150, 500));
        assertTrue(s.record("linux2", 5, 160, 1_000));
        assertFalse(s.record("linux2", 5, 170, 1_100));
        s.flush(1_200);
        assertEquals(170, PeerGenerationStore.open(dir, 1_000).entry("linux2").orElseThrow().highestTs());
    }

    @Test
    void aBrokenFileIsAClearErrorAndALinkIsNotFollowed() throws IOException {
        Files.writeString(dir.resolve(PeerGenerationStore.FILE), "# c\nlinux2 12 x\n");
        IOException e = assertThrows(IOException.class, () -> PeerGenerationStore.open(dir, 1));
        assertTrue(e.getMessage().startsWith(dir.resolve(PeerGenerationStore.FILE) + ":2: not \"<node> <generation> <ts>\""), e.getMessage());
        assertTrue(e.getMessage().contains("delete the file"), e.getMessage());
        Files.delete(dir.resolve(PeerGenerationStore.FILE));
        Path victim = Files.writeString(dir.resolve("victim"), "keep\n");
        Files.createSymbolicLink(dir.resolve(PeerGenerationStore.FILE), victim);
        assertThrows(IOException.class, () -> PeerGenerationStore.open(dir, 1));
        assertEquals("keep\n", Files.readString(victim));
    }

    @Test
    void tsIsJudgedAgainstThePeersOwnPastNeverOurClock() {
        TimestampFreshness f = new TimestampFreshness(120);
        assertEquals(TimestampFreshness.Verdict.UNKNOWN, f.judge("linux2", 9, 1_000), "first contact");
        // a peer whose clock is a day behind ours is fine: only its own history counts
        f.restore("linux2", 9, 1_000_000);
        assertEquals(TimestampFreshness.Verdict.FRESH, f.judge("linux2", 9, 1_000_000));
        assertEquals(TimestampFreshness.Verdict.FRESH, f.judge("linux2", 9, 1_000_000 - 120), "within the tolerance");
        assertEquals(TimestampFreshness.Verdict.STALE, f.judge("linux2", 9, 1_000_000 - 121), "a capture older than that");
        assertEquals(121, f.secondsBehind("linux2", 1_000_000 - 121));
        assertEquals(TimestampFreshness.Verdict.STALE, f.judge("linux2", 8, 2_000_000), "an older generation");
        assertEquals(TimestampFreshness.Verdict.FRESH, f.judge("linux2", 10, 5), "a newer generation, clock set back at boot");
        f.seen("linux2", 10, 5);
        assertEquals(TimestampFreshness.Verdict.STALE, f.judge("linux2", 9, 1_000_000), "the old generation is now a replay");
        f.seen("linux2", 10, 500);
        f.restore("linux2", 9, 9_999_999);   // an older record restored late changes nothing
        assertEquals(TimestampFreshness.Verdict.STALE, f.judge("linux2", 10, 379));
        assertEquals(TimestampFreshness.Verdict.FRESH, f.judge("linux2", 10, 380));
    }

    @Test
    void replayedNsRexmitIsCappedButRealRecoveryIsNot() {
        NsRateLimiter l = new NsRateLimiter();
        int permitted = 0;
        for (int i = 0; i < 10_000; i++) {
            if (l.permit("linux2", Fields.T_REXMIT, 0)) {
                permitted++;
            }
        }
        assertEquals((int) NsRateLimiter.REXMIT_BURST, permitted, "a burst of replays in one instant");
        assertEquals(0, count(l, "linux2", Fields.T_REXMIT, 0, 100));
        assertEquals(100, count(l, "linux2", Fields.T_REXMIT, 1_000, 1_000), "100 per second after");
        // other types and other nodes have their own buckets
        assertEquals(100, count(l, "linux2", "NS_ackmsg", 1_000, 1_000));
        assertEquals(250, count(l, "linux3", Fields.T_REXMIT, 1_000, 1_000));
        // a real loss burst: 250 missing packets asked for once each, then again 250 ms later
        NsRateLimiter fresh = new NsRateLimiter();
        assertEquals(250, count(fresh, "linux2", Fields.T_REXMIT, 0, 250));
        assertEquals(25, count(fresh, "linux2", Fields.T_REXMIT, 250, 250), "the repeats are slowed, not lost");
    }

    private static int count(NsRateLimiter l, String node, String type, long now, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            if (l.permit(node, type, now)) {
                n++;
            }
        }
        return n;
    }
}
