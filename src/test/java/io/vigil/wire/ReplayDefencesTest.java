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
 * Issue 14 item 2, the parts of the wire layer: peers' incarnations that survive a restart, and the ceiling on
 * {@code NS_*} messages (membership applies both: {@code IncarnationReplayTest}).
 */
class ReplayDefencesTest {

    @TempDir
    Path dir;

    @Test
    void peerIncarnationsSurviveARestartDurablyAndOnlyGrow() throws IOException {
        PeerGenerationStore s = PeerGenerationStore.open(dir);
        assertTrue(s.entry("linux2").isEmpty());
        PeerIncarnation first = new PeerIncarnation("linux2", 1_700_000_001L, 12, 0x65a1b2c3L, false);
        assertTrue(s.record(first), "written at once");
        assertFalse(s.record(first), "the same record again writes nothing");
        assertFalse(s.record(new PeerIncarnation("linux2", 1_700_000_000L, 99, 0x65a1b2ffL, false)),
                "an older generation is a replay: ignored");
        assertTrue(s.record(new PeerIncarnation("linux2", 1_700_000_001L, 40, 0x65a1b2d0L, true)), "it said goodbye");
        assertTrue(s.record(new PeerIncarnation("linux3", 7, 3, 100, false)));

        PeerGenerationStore after = PeerGenerationStore.open(dir);   // this node restarted
        assertEquals(new PeerIncarnation("linux2", 1_700_000_001L, 40, 0x65a1b2d0L, true),
                after.entry("linux2").orElseThrow());
        assertEquals(new PeerIncarnation("linux3", 7, 3, 100, false), after.entry("linux3").orElseThrow());
        assertEquals(2, after.entries().size());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
        assertTrue(Files.readString(dir.resolve(PeerGenerationStore.FILE)).contains("\nlinux2 1700000001 40 1705095888 closed\n"));
    }

    @Test
    void aBrokenFileIsAClearErrorAndALinkIsNotFollowed() throws IOException {
        Files.writeString(dir.resolve(PeerGenerationStore.FILE), "# c\nlinux2 12 x\n");
        IOException e = assertThrows(IOException.class, () -> PeerGenerationStore.open(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve(PeerGenerationStore.FILE) + ":2: not \"<node> <generation> <seq> <ts> open|closed\""), e.getMessage());
        assertTrue(e.getMessage().contains("delete the file"), e.getMessage());
        Files.delete(dir.resolve(PeerGenerationStore.FILE));
        Path victim = Files.writeString(dir.resolve("victim"), "keep\n");
        Files.createSymbolicLink(dir.resolve(PeerGenerationStore.FILE), victim);
        assertThrows(IOException.class, () -> PeerGenerationStore.open(dir));
        assertEquals("keep\n", Files.readString(victim));
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
