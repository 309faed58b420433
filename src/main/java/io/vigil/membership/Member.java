package io.vigil.membership;

import io.vigil.wire.Message;
import io.vigil.wire.PeerIncarnation;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** What membership knows of one configured node (normal or ping) and its links. */
final class Member {

    static final class Link {
        boolean up;
        long lastMs = -1;
    }

    final String name;
    final boolean ping;
    final boolean local;
    final Map<String, Link> links = new LinkedHashMap<>();
    NodeStatus status = NodeStatus.INIT;
    /** Arrival of the last status (ping reply for ping nodes, proof of life), -1 if none since start or restart. */
    long lastStatusMs = -1;
    /** Any packet at all since start: counts towards comm-up (Heartbeat's anypacketsyet). */
    boolean heard;
    long advertisedDeadtimeMs;
    /** The generation ({@code hg}) of the node's current incarnation, -1 before the first one seen. */
    long generation = -1;
    /** A status opened the node's record since this node started (nothing else can: issue 14). */
    boolean opened;
    /** What this node knew of the peer before it restarted (null: nothing). */
    PeerIncarnation remembered;
    /** The highest sequence number heard from the current incarnation and its {@code ts}; -1 before. */
    long newestSeq = -1;
    long newestTs = -1;
    /** When the incarnation was last reported for keeping ({@link MembershipEvent.PeerIncarnationNoted}). */
    long notedAtMs = Long.MIN_VALUE / 2;
    /** {@code NS_*} messages acted upon recently: the same one again (another medium, or a replay) is not. */
    final Set<Message> recentControl = new LinkedHashSet<>();
    /** The lowest sequence number dropped before the record opened, its generation and when (to ask for it again). */
    long unopenedSeq = -1;
    long unopenedGeneration = -1;
    long unopenedAtMs;
    long lastStatusSeq = -1;
    /** Set by a shutdown notice: messages of that generation still in flight no longer mean "alive". */
    boolean saidGoodbye;
    long goodbyeGeneration = -1;
    /** Arrival of the last status, whatever became of it: the keepalive inter-arrival metric. */
    long lastStatusArrivalMs = -1;
    /** Per message type, the highest sequence number handed on in the current incarnation. */
    private final Map<String, Long> handedOn = new HashMap<>();

    Member(String name, boolean ping, boolean local, long defaultDeadtimeMs) {
        this.name = name;
        this.ping = ping;
        this.local = local;
        this.advertisedDeadtimeMs = defaultDeadtimeMs;
    }

    /** The node started afresh with {@code gen}: what we knew of its old incarnation is gone. */
    void newIncarnation(long gen) {
        generation = gen;
        lastStatusMs = -1; // its first status is not "late"
        lastStatusSeq = -1;
        saidGoodbye = false;
        handedOn.clear();
        newestSeq = -1;
        newestTs = -1;
        recentControl.clear();
    }

    /** The incarnation as it is worth keeping across this node's restart. */
    PeerIncarnation incarnation() {
        return new PeerIncarnation(name, generation, newestSeq, Math.max(0, newestTs),
                saidGoodbye && goodbyeGeneration == generation);
    }

    void sayGoodbye(long gen) {
        saidGoodbye = true;
        goodbyeGeneration = gen;
    }

    /** A message handed on: where it stands among those handed on before it; then it counts among them. */
    Arrival handOn(String type, long seq) {
        if (seq < 0) {
            return Arrival.unordered();
        }
        Set<String> later = new HashSet<>();
        handedOn.forEach((t, s) -> {
            if (s > seq) {
                later.add(t);
            }
        });
        handedOn.merge(type, seq, Math::max);
        return new Arrival(seq, later);
    }
}
