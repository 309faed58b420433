package io.vigil.wire;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Per-sender receive tracking of Heartbeat's sequence numbers (reference §4.8, {@code should_drop_message} and
 * {@code hb_rexmit.c}). Pure and single-threaded: time comes in as milliseconds, randomness from the injected
 * generator, log lines are collected for {@link #drainLogs()}.
 *
 * <p>Sequence numbers count from 1 again in each generation ({@code hg}) of a sender. Which generation is current
 * (replay, restart) is membership's judgement, made before a message gets here: a message of another generation
 * than the one tracked simply starts the tracking afresh. Rules, for every sequenced message from node N (also
 * those addressed to other nodes):
 * <ul>
 * <li>first packet or {@code seq == last+1}: {@link Verdict#NEW}; {@code seq == last}: {@link Verdict#DUPLICATE};</li>
 * <li>{@code seq > last+1}: NEW, the numbers in between are missing and retransmission is requested after a random
 *     delay in [50, maxRexmitDelay] ms ([0, max] if max &lt; 100), then every maxRexmitDelay ms until they arrive;
 *     more than 250 missing resets the tracking;</li>
 * <li>{@code seq < last}: NEW if it is a missing number, else {@link Verdict#STALE} (drop). Deviation: a number
 *     just below the first one heard from a generation (at most {@value #FIRST_CONTACT_SEQS} below it, within
 *     {@value #FIRST_CONTACT_MS} ms of it) is NEW once: the network reordered the sender's first packets. Heartbeat
 *     drops them, and nobody asks for them again, so a peer's first requests could be lost for good.</li>
 * </ul>
 * Messages without {@code seq} ({@code NS_*}) are {@link Verdict#UNSEQUENCED}; an {@code NS_nak_rexmit} addressed to
 * this node also ends the requests for the seq it names.
 */
public final class SequenceTracker {

    public enum Verdict {
        /** Deliver. */
        NEW,
        /** Seen already (e.g. on another medium): refreshes the link only, do not deliver again. */
        DUPLICATE,
        /** Older sequence number that is not missing: drop ({@link DropReason#STALE}). */
        STALE,
        /** An {@code NS_*} control message, not subject to sequencing. Deliver. */
        UNSEQUENCED
    }

    /** Heartbeat's MAXMISSING: missing numbers remembered per node. */
    static final int MAX_MISSING = 499;
    /** More missing numbers than this and the tracking restarts ("lost a lot of packets!"). */
    static final int RESET_THRESHOLD = 250;
    /** How far below, and how soon after, the first number heard a reordered packet is still taken. */
    static final int FIRST_CONTACT_SEQS = 32;
    static final long FIRST_CONTACT_MS = 1000;

    private static final long NO_SEQ = -1;

    private final String localNode;
    private final RandomGenerator random;
    private final long maxRexmitDelayMs;
    private final Map<String, Track> tracks = new HashMap<>();
    private final List<WireLog> logs = new ArrayList<>();

    private static final class Track {
        final String node;
        long generation;
        long lastSeq = NO_SEQ;
        /** Missing seq → time (ms) its next NS_rexmit is due. */
        final TreeMap<Long, Long> missing = new TreeMap<>();
        /** The first number heard from this generation, when, and those below it taken since. */
        long firstSeq = NO_SEQ;
        long firstAtMs;
        final Set<Long> takenBelowFirst = new HashSet<>();

        Track(String node) {
            this.node = node;
        }

        void reset() {
            lastSeq = NO_SEQ;
            missing.clear();
            firstSeq = NO_SEQ;
            takenBelowFirst.clear();
        }

        /** A packet sent just before the first one heard, overtaken by it on the way. */
        boolean reorderedAtFirstContact(long s, long nowMs) {
            return firstSeq != NO_SEQ && s < firstSeq && firstSeq - s <= FIRST_CONTACT_SEQS
                    && nowMs - firstAtMs <= FIRST_CONTACT_MS && takenBelowFirst.add(s);
        }
    }

    /**
     * @param localNode        this node's name: {@code NS_nak_rexmit} messages with this {@code dest} are ours
     * @param maxRexmitDelayMs ha.cf {@code max_rexmit_delay} (default 250)
     */
    public SequenceTracker(String localNode, RandomGenerator random, long maxRexmitDelayMs) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.random = Objects.requireNonNull(random, "random");
        if (maxRexmitDelayMs <= 0) {
            throw new IllegalArgumentException("max_rexmit_delay must be > 0 ms, got " + maxRexmitDelayMs);
        }
        this.maxRexmitDelayMs = maxRexmitDelayMs;
    }

    /**
     * Classifies a decoded message from another node; see the class comment. Call it only for configured nodes
     * (after the {@code src} check): each distinct sender keeps a small tracking record.
     */
    public Verdict accept(long nowMs, Message m) {
        String src = m.get(Fields.SRC).orElse("");
        OptionalLong seq = Fields.hex(m, Fields.SEQ);
        if (seq.isEmpty()) {
            if (Fields.T_NAK_REXMIT.equals(m.type()) && m.get(Fields.DEST).filter(localNode::equalsIgnoreCase).isPresent()) {
                onNak(src, m);
            }
            return Verdict.UNSEQUENCED;
        }
        Track t = tracks.computeIfAbsent(key(src), k -> new Track(src));
        long gen = Fields.hex(m, Fields.GENERATION).orElse(0);
        if (gen != t.generation) {
            t.reset(); // a new incarnation numbers its messages from 1 again
            t.generation = gen;
        }
        long s = seq.getAsLong();
        if (t.lastSeq == NO_SEQ) {
            t.lastSeq = s;
            t.firstSeq = s;
            t.firstAtMs = nowMs;
            return Verdict.NEW;
        }
        if (s == t.lastSeq + 1) {
            t.lastSeq = s;
            return Verdict.NEW;
        }
        if (s == t.lastSeq) {
            return Verdict.DUPLICATE;
        }
        if (s < t.lastSeq) {
            if (t.missing.remove(s) == null) {
                return t.reorderedAtFirstContact(s, nowMs) ? Verdict.NEW : Verdict.STALE;
            }
            if (t.missing.isEmpty()) {
                log(WireLog.Level.INFO, "No pkts missing from " + src + "!");
            }
            return Verdict.NEW;
        }
        long lost = s - t.lastSeq - 1;
        if (t.missing.size() + lost > RESET_THRESHOLD) {
            log(WireLog.Level.ERROR, "lost a lot of packets!");
            t.reset();
            t.lastSeq = s;
            return Verdict.NEW;
        }
        log(WireLog.Level.WARN, String.format("%d lost packet(s) for [%s] [%d:%d]", lost, src, t.lastSeq, s));
        for (long missing = t.lastSeq + 1; missing < s; missing++) {
            if (t.missing.size() >= MAX_MISSING) {
                t.missing.pollFirstEntry();
            }
            t.missing.put(missing, nowMs + firstDelay());
        }
        t.lastSeq = s;
        return Verdict.NEW;
    }

    /**
     * Asks for {@code fromSeq} up to the first number heard from {@code node}'s generation (at most
     * {@value #FIRST_CONTACT_SEQS} of them): messages its sender sent before that one, which arrived too early to be
     * taken (membership drops a peer's messages until its first status) or not at all. They are requested like any
     * missing number, and taken when they come.
     */
    public void expectBefore(String node, long fromSeq, long nowMs) {
        Track t = tracks.get(key(node));
        if (t == null || t.firstSeq == NO_SEQ || fromSeq >= t.firstSeq || t.firstSeq - fromSeq > FIRST_CONTACT_SEQS) {
            return;
        }
        for (long s = Math.max(1, fromSeq); s < t.firstSeq; s++) {
            if (!t.takenBelowFirst.contains(s)) {
                t.missing.putIfAbsent(s, nowMs + firstDelay());
            }
        }
    }

    private long firstDelay() {
        long low = maxRexmitDelayMs < 100 ? 0 : 50;
        return random.nextLong(low, maxRexmitDelayMs + 1);
    }

    private void onNak(String src, Message nak) {
        Track t = tracks.get(key(src));
        OptionalLong first = Fields.hex(nak, Fields.FIRSTSEQ);
        if (t == null || first.isEmpty() || t.missing.remove(first.getAsLong()) == null) {
            return;
        }
        log(WireLog.Level.ERROR, String.format("Irretrievably lost packet: node %s seq %d (%s)",
                src, first.getAsLong(), PacketCodec.shown(nak.get(Fields.INFO).orElse(""))));
    }

    /**
     * The {@code NS_rexmit} requests due now (fields {@code t}, {@code dest}, {@code firstseq}, {@code lastseq} —
     * decimal, one seq each; the {@link Stamper} adds the rest). Each is due again maxRexmitDelay ms later until
     * the packet arrives. Heartbeat asks only while the node is up or active: call {@link #forget} when it dies.
     */
    public List<Message> due(long nowMs) {
        List<Message> requests = new ArrayList<>();
        for (Track t : tracks.values()) {
            for (Map.Entry<Long, Long> e : t.missing.entrySet()) {
                if (e.getValue() <= nowMs) {
                    requests.add(Message.of(Fields.T_REXMIT)
                            .add(Fields.DEST, t.node)
                            .add(Fields.FIRSTSEQ, Long.toString(e.getKey()))
                            .add(Fields.LASTSEQ, Long.toString(e.getKey())));
                    e.setValue(nowMs + maxRexmitDelayMs);
                }
            }
        }
        return requests;
    }

    /** When {@link #due} next has something to send, for the caller's timer; empty when nothing is missing. */
    public OptionalLong nextDueMs() {
        long next = Long.MAX_VALUE;
        for (Track t : tracks.values()) {
            for (long due : t.missing.values()) {
                next = Math.min(next, due);
            }
        }
        return next == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(next);
    }

    /** Stops retransmission requests to a node (it died). */
    public void forget(String node) {
        Track t = tracks.get(key(node));
        if (t != null) {
            t.missing.clear();
        }
    }

    /** Highest sequence number accepted in order from a node. */
    public OptionalLong lastSeqOf(String node) {
        Track t = tracks.get(key(node));
        return t == null || t.lastSeq == NO_SEQ ? OptionalLong.empty() : OptionalLong.of(t.lastSeq);
    }

    /** Missing sequence numbers of a node, ascending. */
    public List<Long> missingOf(String node) {
        Track t = tracks.get(key(node));
        return t == null ? List.of() : List.copyOf(t.missing.keySet());
    }

    /** The log lines produced since the last call, in order. */
    public List<WireLog> drainLogs() {
        List<WireLog> out = List.copyOf(logs);
        logs.clear();
        return out;
    }

    private void log(WireLog.Level level, String text) {
        logs.add(new WireLog(level, text));
    }

    /** Heartbeat compares node names case-insensitively. */
    private static String key(String node) {
        return node.toLowerCase(Locale.ROOT);
    }
}
