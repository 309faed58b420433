package io.vigil.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DropAccountingTest {

    @Test
    void countersSnapshotEveryReason() {
        DropCounters c = new DropCounters();
        c.increment(DropReason.BAD_AUTH);
        c.increment(DropReason.BAD_AUTH);
        c.increment(DropReason.MALFORMED);
        Map<DropReason, Long> snap = c.snapshot();
        assertEquals(DropReason.values().length, snap.size());
        assertEquals(2L, snap.get(DropReason.BAD_AUTH));
        assertEquals(0L, snap.get(DropReason.REPLAY));
        assertEquals(3, c.total());
    }

    @Test
    void limiterAllowsOneLinePerSenderAndReasonPerInterval() {
        DropLogLimiter l = new DropLogLimiter(10_000);
        assertEquals(OptionalLong.of(0), l.permit(0, "192.0.2.12:694", DropReason.BAD_AUTH));
        assertEquals(OptionalLong.empty(), l.permit(1, "192.0.2.12:694", DropReason.BAD_AUTH));
        assertEquals(OptionalLong.empty(), l.permit(9_999, "192.0.2.12:694", DropReason.BAD_AUTH));
        assertEquals(OptionalLong.of(0), l.permit(5, "192.0.2.12:694", DropReason.MALFORMED), "other reason");
        assertEquals(OptionalLong.of(0), l.permit(5, "192.0.2.13:694", DropReason.BAD_AUTH), "other sender");
        assertEquals(OptionalLong.of(2), l.permit(10_000, "192.0.2.12:694", DropReason.BAD_AUTH), "2 suppressed since");
        assertEquals(OptionalLong.empty(), l.permit(10_001, "192.0.2.12:694", DropReason.BAD_AUTH));
    }

    @Test
    void limiterStaysBoundedUnderAFloodOfSenders() {
        DropLogLimiter l = new DropLogLimiter(1000);
        for (int i = 0; i < DropLogLimiter.MAX_KEYS; i++) {
            l.permit(0, "198.51.100." + i, DropReason.BAD_AUTH);
        }
        assertEquals(OptionalLong.empty(), l.permit(1, "203.0.113.1", DropReason.BAD_AUTH), "full: silent");
        assertEquals(OptionalLong.of(1), l.permit(1000, "203.0.113.1", DropReason.BAD_AUTH), "expired entries evicted");
    }

    /** Issue 14 item 3: spoofed senders each get their own key, but the lines of one interval are bounded in all. */
    @Test
    void linesPerIntervalAreBoundedOverAllSenders() {
        DropLogLimiter l = new DropLogLimiter(10_000, 5);
        int logged = 0;
        for (int i = 0; i < 1000; i++) {
            if (l.permit(i, "198.51.100." + (i % 250), DropReason.BAD_AUTH).isPresent()) {
                logged++;
            }
        }
        assertEquals(5, logged, "at most 5 lines in the first 10 s, whatever the number of senders");
        assertEquals(OptionalLong.of(4), l.permit(10_000, "198.51.100.7", DropReason.BAD_AUTH),
                "the next interval logs again, with what was suppressed for that sender");
    }

    /** Issue 14 item 3: whatever a packet holds reaches the log escaped, on one line, and cut short. */
    @Test
    void packetTextIsEscapedAndCutInTheLine() {
        DropLog log = new DropLog(new DropCounters(), new DropLogLimiter(5_000));
        String hostile = "bad node [" + "A".repeat(70_000) + "\nvigil[1]: 2026/12/01_00:00:00 CRIT: forged line\u0000\u001b[31m]";
        String line = log.dropped(0, "192.0.2.66", DropReason.UNKNOWN_NODE, hostile);
        assertTrue(line.length() < 300, line.length() + " chars");
        assertTrue(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f), line);
        assertTrue(line.endsWith("..."), line);
        String shortOne = log.dropped(0, "192.0.2.67", DropReason.UNKNOWN_NODE, "bad node [x\ny\\z\u00e9] in message");
        assertEquals("dropped packet from 192.0.2.67: UNKNOWN_NODE: bad node [x\\x0ay\\x5cz\\xe9] in message", shortOne);
    }

    @Test
    void dropLogCountsEveryDropAndNamesTheSender() {
        DropLog log = new DropLog(new DropCounters(), new DropLogLimiter(5_000));
        Decoded.Rejected r = new Decoded.Rejected(DropReason.BAD_AUTH, "netstring authentication failed");
        assertEquals("dropped packet from 192.0.2.12:56624: BAD_AUTH: netstring authentication failed", log.dropped(0, "192.0.2.12:56624", r));
        assertNull(log.dropped(1, "192.0.2.12:56624", r));
        assertEquals("dropped packet from 192.0.2.12:56624: BAD_AUTH: netstring authentication failed (1 similar suppressed)",
                log.dropped(5_000, "192.0.2.12:56624", r));
        assertEquals(3, log.counters().get(DropReason.BAD_AUTH));
    }
}
