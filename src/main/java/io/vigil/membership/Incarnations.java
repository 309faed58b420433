package io.vigil.membership;

import io.vigil.wire.DropReason;
import io.vigil.wire.Fields;
import io.vigil.wire.Message;
import io.vigil.wire.SequenceTracker;
import io.vigil.wire.WireLog;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * For every message from a peer, before anything else: which incarnation of the sender it comes from (an older
 * generation is a replay, a newer one a restart) and where it stands in that incarnation's sequence (duplicate,
 * gap, late, stale), with Heartbeat's retransmission requests for the gaps.
 */
final class Incarnations {

    /**
     * @param restarted       it is the first message of a new incarnation of its sender
     * @param sameIncarnation it comes from the incarnation known before it
     * @param duplicate       seen already (another medium): refreshes the link only
     * @param newest          newer than anything heard from this incarnation (not a late or gap-filling one)
     * @param seq             its sequence number, -1 if none
     */
    record Judgement(boolean restarted, boolean sameIncarnation, boolean duplicate, boolean newest, long seq) {
    }

    private final SequenceTracker sequences;

    Incarnations(String localNode, RandomGenerator random, long maxRexmitDelayMs) {
        this.sequences = new SequenceTracker(localNode, random, maxRexmitDelayMs);
    }

    /**
     * Judges a sequenced message; null when it goes no further (the reasons are in {@code events}). A restart is
     * logged and reported here, first.
     */
    Judgement judge(long nowMs, Member node, Message message, List<MembershipEvent> events) {
        long gen = Fields.hex(message, Fields.GENERATION).orElse(-1);
        if (gen >= 0 && node.generation >= 0 && gen < node.generation) {
            events.add(new MembershipEvent.Log(Level.ERROR, String.format(
                    "should_drop_message: attempted replay attack [%s]? [gen = %d, curgen = %d]", node.name, gen,
                    node.generation)));
            events.add(dropped(DropReason.REPLAY, node, message));
            return null;
        }
        boolean restarted = gen >= 0 && node.generation >= 0 && gen > node.generation;
        // the incarnation we knew before this message, not one we learn of by it
        boolean sameIncarnation = gen >= 0 && node.generation >= 0 && !restarted;
        if (restarted) {
            events.add(new MembershipEvent.Log(Level.INFO, "Heartbeat restart on node " + node.name));
            events.add(new MembershipEvent.NodeRestarted(node.name));
            node.newIncarnation(gen);
        } else if (gen >= 0 && node.generation < 0) {
            node.generation = gen;
        }
        long newestBefore = restarted ? -1 : sequences.lastSeqOf(node.name).orElse(-1);
        SequenceTracker.Verdict verdict = sequences.accept(nowMs, message);
        drainLogs(events);
        if (verdict == SequenceTracker.Verdict.STALE) {
            events.add(dropped(DropReason.STALE, node, message));
            return null;
        }
        long seq = Fields.hex(message, Fields.SEQ).orElse(-1);
        return new Judgement(restarted, sameIncarnation, verdict == SequenceTracker.Verdict.DUPLICATE,
                seq > newestBefore, seq);
    }

    /** An unsequenced control message: an {@code NS_nak_rexmit} ends our requests for what it names. */
    void control(long nowMs, Message message, List<MembershipEvent> events) {
        sequences.accept(nowMs, message);
        drainLogs(events);
    }

    /** The retransmission requests due now. */
    List<Message> due(long nowMs, List<MembershipEvent> events) {
        List<Message> r = sequences.due(nowMs);
        drainLogs(events);
        return r;
    }

    /** When the next retransmission request is due, or {@link Long#MAX_VALUE}. */
    long nextDue() {
        return sequences.nextDueMs().orElse(Long.MAX_VALUE);
    }

    /** Heartbeat asks only live nodes for retransmissions. */
    void forget(String node) {
        sequences.forget(node);
    }

    private static MembershipEvent dropped(DropReason reason, Member node, Message m) {
        return new MembershipEvent.Dropped(reason, "src=" + node.name + " seq=" + m.get(Fields.SEQ).orElse("?")
                + " hg=" + m.get(Fields.GENERATION).orElse("?"));
    }

    private void drainLogs(List<MembershipEvent> events) {
        for (WireLog line : sequences.drainLogs()) {
            events.add(new MembershipEvent.Log(switch (line.level()) {
                case DEBUG -> Level.DEBUG;
                case INFO -> Level.INFO;
                case WARN -> Level.WARNING;
                case ERROR -> Level.ERROR;
            }, line.text()));
        }
    }
}
