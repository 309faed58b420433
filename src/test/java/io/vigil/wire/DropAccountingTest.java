package io.vigil.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
        assertEquals(OptionalLong.of(0), l.permit(1000, "203.0.113.1", DropReason.BAD_AUTH), "expired entries evicted");
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
