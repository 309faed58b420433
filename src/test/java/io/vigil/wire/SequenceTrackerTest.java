package io.vigil.wire;

import static io.vigil.wire.SequenceTracker.Verdict.DUPLICATE;
import static io.vigil.wire.SequenceTracker.Verdict.NEW;
import static io.vigil.wire.SequenceTracker.Verdict.STALE;
import static io.vigil.wire.SequenceTracker.Verdict.UNSEQUENCED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Reference §4.8 and the receiver scenario of §9.9. */
class SequenceTrackerTest {

    private static final long G = 0x6b05ad3aL;

    private final SequenceTracker tracker = new SequenceTracker("alice", new Random(42), 250);

    private static Message msg(String type, long seq, long gen) {
        return Message.of(type).add("src", "N").add("seq", Long.toHexString(seq)).add("hg", Long.toHexString(gen)).add("ts", "1");
    }

    private static Message status(long seq, long gen) {
        return msg("status", seq, gen);
    }

    private List<String> logTexts() {
        return tracker.drainLogs().stream().map(WireLog::text).collect(Collectors.toList());
    }

    @Test
    void scenarioOfSection9_9() {
        assertEquals(NEW, tracker.accept(0, status(5, G)));
        assertEquals(NEW, tracker.accept(0, msg("resource", 6, G)));
        assertEquals(DUPLICATE, tracker.accept(0, msg("resource", 6, G)));
        assertEquals(NEW, tracker.accept(1000, status(9, G)));
        assertEquals(List.of("2 lost packet(s) for [N] [6:9]"), logTexts());
        assertEquals(List.of(7L, 8L), tracker.missingOf("N"));

        // Requests go out between 50 and 250 ms later, one seq each, decimal.
        assertEquals(List.of(), tracker.due(1049));
        List<Message> requests = tracker.due(1250);
        assertEquals(2, requests.size());
        assertEquals("[t=NS_rexmit, dest=N, firstseq=7, lastseq=7]", requests.get(0).fields().toString());
        assertEquals("[t=NS_rexmit, dest=N, firstseq=8, lastseq=8]", requests.get(1).fields().toString());
        // Repeated every max_rexmit_delay until the packet arrives.
        assertEquals(List.of(), tracker.due(1499));
        assertEquals(2, tracker.due(1500).size());

        assertEquals(NEW, tracker.accept(1600, msg("resource", 7, G)));
        assertEquals(STALE, tracker.accept(1600, msg("resource", 4, G)));
        assertEquals(STALE, tracker.accept(1600, msg("resource", 7, G)), "a filled gap is not accepted twice");
        assertEquals(List.of(8L), tracker.missingOf("N"));
        assertEquals(1, tracker.due(2000).size());
        assertEquals(NEW, tracker.accept(2000, msg("resource", 8, G)));
        assertEquals(List.of("No pkts missing from N!"), logTexts());
        assertEquals(List.of(), tracker.due(10_000));
        assertEquals(OptionalLong.empty(), tracker.nextDueMs());
    }

    @Test
    void firstDelayIsRandomWithinTheWindow() {
        for (int seed = 0; seed < 200; seed++) {
            SequenceTracker t = new SequenceTracker("alice", new Random(seed), 250);
            t.accept(0, status(1, G));
            t.accept(0, status(3, G));
            long due = t.nextDueMs().orElseThrow();
            assertTrue(due >= 50 && due <= 250, "due " + due);
        }
        SequenceTracker fast = new SequenceTracker("alice", new Random(3), 80);
        fast.accept(0, status(1, G));
        fast.accept(0, status(3, G));
        assertTrue(fast.nextDueMs().orElseThrow() <= 80, "max < 100 → [0, max]");
    }

    @Test
    void aMessageOfAnotherGenerationStartsTheTrackingAfresh() {
        tracker.accept(0, status(500, G));
        assertEquals(NEW, tracker.accept(0, msg("starting", 2, G + 1)), "a new incarnation counts from 1 again");
        assertEquals(OptionalLong.of(2), tracker.lastSeqOf("n"), "names compare case-insensitively");
        assertEquals(NEW, tracker.accept(0, status(1, G + 1)), "sent before the first packet heard, overtaken by it");
        assertEquals(NEW, tracker.accept(0, msg("resource", 3, G + 1)));
        assertEquals(List.of(), logTexts(), "restarts are membership's to judge and log");
    }

    @Test
    void packetsReorderedAtFirstContactAreTakenOnceAndSoonOnly() {
        assertEquals(NEW, tracker.accept(1000, status(40, G)));
        assertEquals(NEW, tracker.accept(1010, msg("ip-request", 39, G)), "overtaken by the first one heard");
        assertEquals(STALE, tracker.accept(1020, msg("ip-request", 39, G)), "but only once");
        assertEquals(STALE, tracker.accept(1030, msg("resource", 40 - SequenceTracker.FIRST_CONTACT_SEQS - 1, G)),
                "too far below: history, not reordering");
        assertEquals(STALE, tracker.accept(1000 + SequenceTracker.FIRST_CONTACT_MS + 1, msg("resource", 38, G)),
                "too late: a retransmission for someone else");
        assertEquals(List.of(), tracker.missingOf("N"), "nothing below the first packet is asked for");
    }

    @Test
    void firstMessageIsNew() {
        assertEquals(NEW, tracker.accept(0, status(1, G)));
        assertEquals(List.of(), logTexts());
    }

    @Test
    void restartClearsPendingRequests() {
        tracker.accept(0, status(1, G));
        tracker.accept(0, status(5, G));
        assertEquals(3, tracker.missingOf("N").size());
        tracker.accept(0, status(1, G + 1));
        assertEquals(List.of(), tracker.missingOf("N"));
        assertEquals(List.of(), tracker.due(10_000));
    }

    @Test
    void aHugeGapResetsTracking() {
        tracker.accept(0, status(1, G));
        assertEquals(NEW, tracker.accept(0, status(300, G)));
        assertEquals(List.of("lost a lot of packets!"), logTexts());
        assertEquals(List.of(), tracker.missingOf("N"));
        assertEquals(NEW, tracker.accept(0, status(301, G)));
    }

    @Test
    void gapOfExactlyTheThresholdIsTracked() {
        tracker.accept(0, status(1, G));
        tracker.accept(0, status(2 + SequenceTracker.RESET_THRESHOLD, G));
        assertEquals(SequenceTracker.RESET_THRESHOLD, tracker.missingOf("N").size());
    }

    @Test
    void unsequencedMessagesBypassTracking() {
        Message ack = Message.of("NS_ackmsg").add("src", "N").add("ts", "1");
        assertEquals(UNSEQUENCED, tracker.accept(0, ack));
        assertEquals(OptionalLong.empty(), tracker.lastSeqOf("N"));
    }

    @Test
    void nakForgetsTheGap() {
        tracker.accept(0, status(1, G));
        tracker.accept(0, status(3, G));
        logTexts();
        Message nakForOther = Message.of("NS_nak_rexmit").add("firstseq", "2").add("dest", "carol").add("info", "seqno too low")
                .add("src", "N").add("ts", "1");
        assertEquals(UNSEQUENCED, tracker.accept(0, nakForOther));
        assertEquals(List.of(2L), tracker.missingOf("N"));
        Message nak = Message.of("NS_nak_rexmit").add("firstseq", "2").add("dest", "Alice").add("info", "seqno too low")
                .add("src", "N").add("ts", "1");
        assertEquals(UNSEQUENCED, tracker.accept(0, nak));
        assertEquals(List.of(), tracker.missingOf("N"));
        assertEquals(List.of("Irretrievably lost packet: node N seq 2 (seqno too low)"), logTexts());
    }

    @Test
    void forgetStopsRequests() {
        tracker.accept(0, status(1, G));
        tracker.accept(0, status(3, G));
        tracker.forget("N");
        assertEquals(List.of(), tracker.due(10_000));
    }

    @Test
    void nodesAreTrackedIndependently() {
        tracker.accept(0, status(10, G));
        Message other = Message.of("status").add("src", "M").add("seq", "1").add("hg", "1").add("ts", "1");
        assertEquals(NEW, tracker.accept(0, other));
        assertEquals(OptionalLong.of(10), tracker.lastSeqOf("N"));
        assertEquals(OptionalLong.of(1), tracker.lastSeqOf("M"));
    }
}
