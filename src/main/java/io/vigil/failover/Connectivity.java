package io.vigil.failover;

import java.util.List;

/**
 * Heartbeat's ipfail, built in: nodes tell each other how many ping nodes they reach, and a node that reaches fewer
 * than a stable peer hands it all its groups. An operator who put groups on the less connected node is obeyed until
 * a count changes (ipfail acts on ping-node events only).
 * <p>
 * Like ipfail's delayed giveup, the hand-off waits two keepalives and is called off if the counts are balanced again
 * by then: a ping node declared dead because this node stalled answers at its next probe, and handing everything over
 * for that moved the groups twice (VM lab: a JVM stall, then one ping node "dead" for an instant).
 */
final class Connectivity {

    private final EngineState s;
    /** Our reachable ping nodes, once known. */
    private Integer mine;
    /** The ping counts when an operator overruled the rule, or null. */
    private String overruledAt;
    /** When the delayed hand-off is due (the rule has held since two keepalives before), or null. */
    private Long handOffAt;

    Connectivity(EngineState state) {
        this.s = state;
    }

    void reachable(int count) {
        mine = count;
    }

    boolean configured() {
        return s.settings.pingNodeCount() > 0;
    }

    /** Ours; unknown counts as "all reachable". */
    int mine() {
        return mine == null ? s.settings.pingNodeCount() : mine;
    }

    /** A peer's, as it told us; unknown (e.g. a Heartbeat peer without ipfail) counts as "all reachable". */
    int of(Peer p) {
        return p.ping == null ? s.settings.pingNodeCount() : p.ping;
    }

    /** Our count and every live peer's, as we know them. */
    private String counts() {
        StringBuilder b = new StringBuilder().append(s.me).append('=').append(mine);
        for (Peer p : s.peers.all()) {
            if (p.alive() && !p.leaving()) {
                b.append(' ').append(p.name).append('=').append(p.ping);
            }
        }
        return b.toString();
    }

    /** An operator gave us a peer's groups although it reaches more ping nodes: keep them until a count changes. */
    void overruled(Peer from) {
        overruledAt = counts();
        s.out.info("Connectivity: " + from.name + " reaches " + of(from) + " of " + s.settings.pingNodeCount()
                + " ping nodes, we reach " + mine() + ": keeping the resources it gave us until a count changes.");
    }

    /** When the delayed hand-off is due (after now), or {@link Long#MAX_VALUE}. */
    long deadline() {
        return handOffAt == null ? Long.MAX_VALUE : EngineState.later(Long.MAX_VALUE, handOffAt, s.now);
    }

    /** Tells each live peer our count when it changed or the peer is new to it. */
    void tellPeers() {
        if (!configured() || mine == null) {
            return;
        }
        for (Peer p : s.peers.all()) {
            if (p.alive() && !p.leaving() && !mine.equals(p.pingSent)) {
                p.pingSent = mine;
                s.out.send(new ResourceMessage.NumPingNodes(java.util.OptionalInt.of(mine), p.name));
            }
        }
    }

    /** The rule: hand everything to the best connected stable peer when it reaches more ping nodes than we do. */
    void apply() {
        if (!configured() || s.phase != Phase.STABLE || s.standby.active() || !s.locallyStable() || mine == null) {
            return;
        }
        if (overruledAt != null) {
            if (overruledAt.equals(counts())) {
                return;
            }
            overruledAt = null;
        }
        List<String> held = s.groups.held();
        Peer best = null;
        for (Peer p : s.peers.all()) {
            if (p.alive() && p.stable() && p.ping != null && p.ping > mine && (best == null || p.ping > best.ping)) {
                best = p;
            }
        }
        if (best != null) {
            Peer target = best;
            held.removeIf(k -> target.failed.contains(k));
        }
        if (best == null || held.isEmpty()) {
            if (handOffAt != null) {
                handOffAt = null;
                s.out.info("Connectivity: we reach " + mine + " of " + s.settings.pingNodeCount()
                        + " ping nodes and no stable peer reaches more: hand-off called off.");
            }
            return;
        }
        if (handOffAt == null) {
            handOffAt = s.now + 2 * s.settings.keepaliveMs();
            s.out.info("Connectivity: we reach " + mine + " of " + s.settings.pingNodeCount() + " ping nodes, "
                    + best.name + " reaches " + best.ping + ": handing our resources over in "
                    + 2 * s.settings.keepaliveMs() + " ms unless this changes.");
            return;
        }
        if (s.now < handOffAt) {
            return;
        }
        handOffAt = null;
        s.out.warn("Connectivity: we reach " + mine + " of " + s.settings.pingNodeCount() + " ping nodes, " + best.name
                + " reaches " + best.ping + ": giving our resources to " + best.name + ".");
        s.standby.request(ResourceSet.ALL, held, StandbyExchange.Why.CONNECTIVITY, best.name);
    }
}
