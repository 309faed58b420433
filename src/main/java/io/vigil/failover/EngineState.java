package io.vigil.failover;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What the parts of the engine share: settings, the time and phase, the peer table, the local groups, the fence
 * gate, the standby exchange, connectivity, what we announce, the failback policy, and the actions being produced
 * for the event in hand. Single-threaded, like the engine.
 */
final class EngineState {

    /** Replaced by a reload ({@link Reconfiguration}): read it at each use, never keep a copy. */
    FailoverSettings settings;
    final String me;
    /** More than two nodes: Vigil's extensions {@code dest} and {@code groups} on the wire. */
    final boolean multi;
    final Actions out = new Actions();
    final PeerTable peers;
    final LocalGroups groups;
    final FenceGate fences;
    final Connectivity connectivity;
    final Announcements announcements;
    final StopFailures stopFailures;
    final PeerStopFailures peerStopFailures;
    final StandbyExchange standby;
    final PeerLifecycle lifecycle;
    final StartupAdoption adoption;
    final FailbackPolicy policy;
    final Reconfiguration reconfiguration;

    Phase phase = Phase.INIT;
    long now;
    boolean shutdownRequested;
    /** Groups whose holder died, left or restarted: adopted at once; other orphans wait a keepalive for news. */
    final Set<String> freed = new LinkedHashSet<>();
    /** Nodes whose groups are being acquired: "mach_down takeover complete" once done. */
    final Set<String> takeoverLogPending = new LinkedHashSet<>();
    private boolean initialLogged;

    EngineState(FailoverSettings settings) {
        this.settings = settings;
        this.me = settings.localNode();
        this.multi = settings.nodes().size() > 2;
        this.peers = new PeerTable(settings.nodes(), me);
        this.groups = new LocalGroups(this, settings.groups());
        this.fences = new FenceGate(this);
        this.connectivity = new Connectivity(this);
        this.announcements = new Announcements(this);
        this.stopFailures = new StopFailures(this);
        this.peerStopFailures = new PeerStopFailures(this);
        this.standby = new StandbyExchange(this);
        this.lifecycle = new PeerLifecycle(this);
        this.adoption = new StartupAdoption(this);
        this.policy = settings.autoFailback() == io.vigil.config.AutoFailback.LEGACY ? new LegacyFailback(this)
                : new NiceFailback(this);
        this.reconfiguration = new Reconfiguration(this);
    }

    /** Stable, nothing running, no exchange: what we hold will not change by itself. */
    boolean locallyStable() {
        return phase == Phase.STABLE && !groups.anyInFlight() && !standby.active();
    }

    /**
     * The earlier of {@code next} and {@code candidate}, a candidate counting only when it is after {@code now}: a
     * time already past waits for an event (something blocks it), and every event is acted on anyway.
     */
    static long later(long next, long candidate, long now) {
        return candidate > now ? Math.min(next, candidate) : next;
    }

    /** Heartbeat's "Initial resource acquisition complete (why)", once. */
    void logInitial(String why) {
        if (!initialLogged) {
            initialLogged = true;
            out.info("Initial resource acquisition complete (" + why + ")");
        }
    }

    /** The initial acquisition is not reported (auto_failback legacy). */
    void skipInitialLog() {
        initialLogged = true;
    }
}
