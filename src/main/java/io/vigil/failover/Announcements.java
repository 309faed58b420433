package io.vigil.failover;

import java.util.List;
import java.util.Set;

/**
 * Our {@code resource} message: what we hold, whether we are stable, and why we say it. Sent again whenever what we
 * hold (or what failed here) changes while we are stable, and once stable again after we said we were not.
 */
final class Announcements {

    static final String INFO_QUERY = "query";

    private final EngineState s;
    /** Holdings last announced with isstable=1; null after an isstable=0 (announce again once stable). */
    private String lastAnnounced = "";
    /** The {@code info} of our next stable announcement (req_our_resources(), mach_down), or null. */
    private String pendingInfo;

    Announcements(EngineState state) {
        this.s = state;
    }

    void pending(String info) {
        pendingInfo = info;
    }

    void send(boolean stable, String info) {
        // giving up: we keep only what failed to stop (still ours, never released); groups whose adoption is undecided
        // are announced as held
        List<String> held = s.phase == Phase.SHUTDOWN ? s.stopFailures.keys() : s.groups.held(s.adoption::undecided);
        ResourceSet set = s.groups.setOf(held);
        boolean exact = s.multi || !Set.copyOf(held).equals(s.groups.derive(set, s.me));
        List<String> failed = s.groups.failedKeys();
        // What failed to stop here is named (stopfailed=, Heartbeat ignores it): a peer that took it over while it
        // could not hear us (a partition) gives its copy up, and no peer starts it while we say so, even if we die.
        List<String> stopFailed = s.stopFailures.announced();
        // After an `isstable=0` the peers take us for in flux (no failback, no standby, no orphan adoption towards
        // us) until we say otherwise: announce again once stable even if our holdings end up unchanged, as
        // Heartbeat's final `resource … isstable=1` of every standby exchange does.
        lastAnnounced = stable ? signature(held) : null;
        s.out.send(new ResourceMessage.Resource(java.util.Optional.of(set), set.wire(), stable, info == null ? "" : info,
                exact ? java.util.Optional.of(held) : java.util.Optional.empty(), failed, stopFailed));
    }

    /** Announces our holdings if they changed since the last stable announcement (or something is pending). */
    void ifChanged() {
        if (s.phase != Phase.STABLE || !s.locallyStable()) {
            return;
        }
        if (!signature(s.groups.held()).equals(lastAnnounced) || pendingInfo != null) {
            send(true, pendingInfo);
            pendingInfo = null;
        }
    }

    /** What a stable announcement says: sent again when it changes. */
    private String signature(List<String> held) {
        return held + "|" + s.groups.failedKeys() + "|" + s.stopFailures.announced();
    }
}
