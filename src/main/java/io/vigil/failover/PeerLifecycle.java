package io.vigil.failover;

import io.vigil.membership.NodeStatus;

import java.util.LinkedHashSet;
import java.util.Set;

/** What happens to a peer's groups when it restarts, leaves, dies or is fenced. */
final class PeerLifecycle {

    private final EngineState s;

    PeerLifecycle(EngineState state) {
        this.s = state;
    }

    /** Ends what we were doing with the node: a standby exchange, legacy ip-requests waiting for its answer. */
    void cancelWith(String node) {
        s.standby.cancelWith(node);
        s.policy.cancelRequestsTo(node);
    }

    /** A peer started afresh: whatever it held is gone; take over what it held, cancel what we did with it. */
    void restarted(Peer p) {
        Set<String> had = p.known() ? new LinkedHashSet<>(p.holds) : Set.of();
        s.freed.addAll(had);
        cancelWith(p.name);
        p.forgetAll();
        s.peerStopFailures.restarted(p.name);
        p.phase = Peer.Phase.STARTING; // a fresh incarnation holds nothing
        if (!had.isEmpty() && s.phase != Phase.INIT) {
            // what it held is adopted by the reconciliation
            s.out.info("Resources being acquired from " + p.name + ".");
            s.takeoverLogPending.add(p.name);
        }
    }

    /** Its {@code shutdone}: it gave everything up (membership usually reports it dead just before). */
    void gaveUp(Peer p) {
        cancelWith(p.name);
        s.freed.addAll(p.holds);
        s.freed.addAll(p.releasing);
        p.phase = Peer.Phase.LEAVING;
        p.saidShutdone = true;
        s.peerStopFailures.cleared(p.name, "gave up its resources");
        p.holds.clear();
        p.releasing.clear();
        if (s.fences.gaveUp(p.name)) {
            s.out.info("Node " + p.name + " gave up its resources: no fencing needed.");
        }
        if ((s.phase == Phase.STABLE || s.phase == Phase.STARTING) && p.alive() && s.takeoverLogPending.add(p.name)) {
            s.out.info("Resources being acquired from " + p.name + ".");
        }
        s.policy.peerGone();
    }

    /** It died: its groups are taken over, after fencing when it may have held some and a fence is configured. */
    void died(Peer p) {
        cancelWith(p.name);
        Set<String> had = null;
        if (p.known()) {
            had = new LinkedHashSet<>(p.holds);
            had.addAll(p.releasing);
        }
        s.freed.addAll(had == null ? s.groups.keys() : had);
        // Gave up = its shutdone came (membership reports the death first: the shutdone is handed on first, NodeCore),
        // or it was leaving holding nothing. One that dies while stopping, or keeping stop-failed groups, crashed.
        boolean saidShutdone = p.saidShutdone;
        boolean gaveUp = p.leaving() && (saidShutdone || (had != null && had.isEmpty()));
        s.peerStopFailures.died(p); // its marker stands: what it held stop-failed is not taken over unfenced
        p.forgetAll();
        p.status = NodeStatus.DEAD;
        s.fences.clear(p.name);
        s.policy.peerDied(p.name);
        if (gaveUp) {
            s.out.info("Dead node " + p.name + " gave up resources.");
            p.phase = Peer.Phase.LEAVING;
            if (!saidShutdone && s.takeoverLogPending.add(p.name)) { // its shutdone already began the takeover
                s.out.info("Resources being acquired from " + p.name + ".");
            }
            s.policy.peerGone();
            return;
        }
        boolean needed = had == null || !had.isEmpty();
        if (needed && s.settings.fencing()) {
            s.fences.fence(p.name, had == null ? s.groups.keys() : had);
        } else if (needed) {
            s.out.warn("No STONITH device configured.");
            s.out.warn("Shared disks are not protected.");
            s.out.send(new ResourceMessage.Stonith(p.name, "n_stnth"));
        } else {
            s.out.send(new ResourceMessage.Stonith(p.name, "unneeded"));
        }
        s.out.info("Resources being acquired from " + p.name + ".");
        s.takeoverLogPending.add(p.name);
        p.phase = Peer.Phase.GONE;
        s.policy.peerGone();
    }

    /**
     * It was fenced. If it spoke again between its death and the fence (its status packets were only lost), it is off
     * now and holds nothing, though membership notices only a deadtime later. Waiting for that left its groups down
     * for a deadtime and fenced it a second time.
     */
    void fenced(String node) {
        s.peerStopFailures.cleared(node, "was fenced");
        Peer p = s.peers.get(node);
        if (p != null && p.alive()) {
            cancelWith(node);
            s.freed.addAll(p.holds);
            p.forgetAll();
            p.status = NodeStatus.DEAD;
            p.phase = Peer.Phase.GONE;
        }
    }
}
