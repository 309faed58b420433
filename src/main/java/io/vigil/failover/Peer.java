package io.vigil.failover;

import io.vigil.membership.NodeStatus;

import java.util.LinkedHashSet;
import java.util.Set;

/** What this node knows of one peer: its liveness, what it holds, how far along it is, its ping count. */
final class Peer {

    /** What we know of a peer's holdings, in the peer's current incarnation. */
    enum Phase {
        /** Unknown: never told, or forgotten (it came back and has not said yet). */
        UNKNOWN,
        /** It sent {@code starting} (or restarted): a fresh incarnation holding nothing, about to settle. */
        STARTING,
        /** It said {@code isstable=0}: its holdings are about to change. */
        IN_FLUX,
        STABLE,
        /** It is giving everything up ({@code info=shutdown}) or gave it up ({@code shutdone}): never chosen. */
        LEAVING,
        /** Dead: it holds nothing as far as placement is concerned. */
        GONE
    }

    final String name;
    NodeStatus status = NodeStatus.INIT;
    Phase phase = Phase.UNKNOWN;
    Set<String> holds = new LinkedHashSet<>();
    /**
     * What it held when it said it was shutting down ({@code info=shutdown}) and is stopping now: still its own until
     * its {@code shutdone} (or its death), so nobody starts them while its stop scripts run.
     */
    Set<String> releasing = new LinkedHashSet<>();
    /** Its {@code shutdone} came: it gave everything up (a leaving node that dies without one crashed). */
    boolean saidShutdone;
    Set<String> failed = new LinkedHashSet<>();
    /** Its current incarnation told us its state itself ({@code starting} or {@code resource}). */
    boolean heard;
    /** It sent a {@code resource} since our comm-up. */
    boolean answered;
    /** Reachable ping nodes, as it told us; our count as last told to it. */
    Integer ping;
    Integer pingSent;
    long nextQueryMs;
    /** Groups it holds too, already judged (each double ownership is reported once). */
    final Set<String> conflictsSeen = new LinkedHashSet<>();

    Peer(String name) {
        this.name = name;
    }

    boolean alive() {
        return status.alive();
    }

    /** Its holdings are known for its current incarnation. */
    boolean known() {
        return phase != Phase.UNKNOWN;
    }

    boolean starting() {
        return phase == Phase.STARTING;
    }

    boolean stable() {
        return phase == Phase.STABLE;
    }

    boolean leaving() {
        return phase == Phase.LEAVING;
    }

    /** Alive and holding {@code key}, as far as we know (INIT counts: heard, no status yet). */
    boolean holdsLive(String key) {
        return status != NodeStatus.DEAD && known() && (holds.contains(key) || releasing.contains(key));
    }

    /**
     * Forgets its resource state. Its ping count stays: it is cleared when it dies or restarts, so one it has told
     * us since is current (it may come before membership reports the node back).
     */
    void forget() {
        phase = Phase.UNKNOWN;
        heard = false;
        answered = false;
        holds.clear();
        releasing.clear();
        saidShutdone = false;
        failed.clear();
        pingSent = null;
        conflictsSeen.clear();
    }

    /** Forgets everything: the node died or restarted. */
    void forgetAll() {
        forget();
        ping = null;
    }
}
