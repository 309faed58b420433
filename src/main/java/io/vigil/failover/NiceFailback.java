package io.vigil.failover;

import io.vigil.config.AutoFailback;
import io.vigil.failover.FailoverAction.Announce;
import io.vigil.failover.FailoverEvent.OperatorKind;
import io.vigil.failover.ResourceMessage.AskResources;
import io.vigil.failover.ResourceMessage.HbTakeover;
import io.vigil.failover.ResourceMessage.Resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Heartbeat's nice_failback protocol ({@code auto_failback on|off}), generalised to more than two nodes: start-up by
 * {@code starting} and {@code resource}, every node announcing what it holds, groups nobody holds adopted by their
 * placement, double ownership resolved in place, groups failed back by the standby exchange (on), connectivity.
 */
final class NiceFailback extends FailbackPolicy {

    /** Heartbeat's RQSTDELAY: how long a starting node waits for a stable peer before taking its own groups. */
    static final long START_SETTLE_MS = 10_000;

    private long startDeadline;
    private final Map<String, Long> orphanSince = new LinkedHashMap<>();
    private boolean localAcquisitionPending;
    private String localAcquisitionReason;

    NiceFailback(EngineState state) {
        super(state);
    }

    @Override
    void commUpBegins() {
        s.phase = Phase.STARTING;
        startDeadline = s.now + START_SETTLE_MS;
        s.out.send(new ResourceMessage.Starting());
    }

    @Override
    boolean settleStart() {
        boolean allAnswered = true;
        for (Peer p : s.peers.all()) {
            // INIT counts as present: comm-up may come from a non-status packet before its first status
            if (p.status != io.vigil.membership.NodeStatus.DEAD && !p.answered && !p.leaving()) {
                allAnswered = false;
            }
        }
        if (!allAnswered && s.now < startDeadline) {
            return false;
        }
        // Heartbeat: a stable peer's answer ends the start-up; with more nodes we wait for every live one
        finishStarting(s.peers.all().stream().anyMatch(p -> p.alive() && p.answered && p.stable()));
        return true;
    }

    private void finishStarting(boolean stablePeer) {
        s.phase = Phase.STABLE;
        s.adoption.decide(); // groups running from before a restart: kept, or stopped before anything starts
        List<String> mine = new ArrayList<>();
        boolean peerHoldsOurs = false;
        for (LocalGroup g : s.groups.all()) {
            if (!g.preferredBy(s.me)) {
                continue;
            }
            if (s.peers.heldByPeer(g.key())) {
                peerHoldsOurs = true;
            } else if (!g.failedHere && !s.peerStopFailures.blocks(g.key())) {
                mine.add(g.key());
                s.groups.requestStart(g);
            }
        }
        if (stablePeer) {
            localAcquisitionPending = true;
            localAcquisitionReason = mine.isEmpty() ? "Local Resource acquisition completed. (none)"
                    : "Local Resource acquisition completed.";
            s.announcements.pending("req_our_resources()");
            // Heartbeat: with auto_failback off, a stable peer holding our groups completes the initial acquisition
            // at once (they stay there); otherwise our own resource message will (reconcileEnd)
            if (s.settings.autoFailback() == AutoFailback.OFF && peerHoldsOurs) {
                s.logInitial("T_RESOURCES(them)");
            }
        } else if (s.peers.anyAlive()) {
            s.out.info("local resource transition completed.");
            s.logInitial("T_RESOURCES(us)");
        }
        // a lone node logs "Initial resource acquisition complete (mach_down)" once the takeover is done
    }

    @Override
    void peerAlive(Peer p, boolean forgotten) {
        if (!forgotten && p.known() && p.heard && s.phase == Phase.STABLE) {
            p.conflictsSeen.clear();
            if (resolveConflicts(p)) {
                s.announcements.send(s.locallyStable(), null);
            }
        }
    }

    @Override
    void healed(Peer p) {
        if (p.known() && p.heard && s.phase == Phase.STABLE) {
            // its `resource` came before membership noticed the heal: that state is current, act on it now
            resolveConflicts(p);
        }
        if (s.phase == Phase.STABLE) {
            s.announcements.send(s.locallyStable(), Announcements.INFO_QUERY);
            p.nextQueryMs = s.now + 2 * s.settings.keepaliveMs();
        }
    }

    @Override
    boolean settled(Peer p) {
        return p.stable();
    }

    @Override
    void starting(Peer p, boolean overtaken) {
        if (overtaken) {
            // Overtaken by its own later `resource` (say, its answer to a query): says nothing new about it, but it
            // still waits for every live node's answer. Unanswered, it settled after RQSTDELAY without knowing what we
            // hold and started groups we run.
            if (s.phase != Phase.SHUTDOWN) {
                s.announcements.send(s.locallyStable(), null);
            }
            return;
        }
        if (!p.starting()) {
            s.lifecycle.restarted(p);
        }
        p.phase = Peer.Phase.STARTING;
        p.heard = true;
        if (s.phase != Phase.SHUTDOWN) {
            s.announcements.send(s.locallyStable(), null);
        }
    }

    @Override
    void resource(Peer p, Resource m) {
        boolean wasKnown = p.known();
        ResourceSet set = m.hold().orElseGet(() -> {
            s.out.error("encode_resources: bad resource type [" + m.rawHold() + "]");
            return ResourceSet.NONE;
        });
        Set<String> holds = new LinkedHashSet<>(m.groups().orElseGet(() -> List.copyOf(s.groups.derive(set, p.name))));
        holds.retainAll(s.groups.keys());
        boolean leaving = "shutdown".equals(m.info());
        if (leaving) {
            // It is stopping what it held: still its own until its shutdone (then taken at once, no orphan grace).
            // What it still names is what failed to stop there: never given up.
            Set<String> before = new LinkedHashSet<>(p.holds);
            before.addAll(p.releasing);
            before.removeAll(holds);
            p.releasing = before;
        }
        p.holds = holds;
        p.failed = new LinkedHashSet<>(m.failed());
        s.peerStopFailures.heard(p, m.stopFailed());
        p.heard = true;
        p.answered = true;
        p.phase = leaving || p.leaving() ? Peer.Phase.LEAVING : m.stable() ? Peer.Phase.STABLE : Peer.Phase.IN_FLUX;
        if (m.stable()) {
            s.out.info("remote resource transition completed.");
            s.standby.partnerStable(p);
        }
        if ("mach_down".equals(m.info())) {
            s.out.info("mach_down takeover complete.");
        }
        boolean reply = Announcements.INFO_QUERY.equals(m.info()) || (!wasKnown && s.phase == Phase.STABLE);
        if (resolveConflicts(p)) {
            reply = true;
        }
        if (reply && s.phase != Phase.SHUTDOWN) {
            s.announcements.send(s.locallyStable(), null);
        }
        audit();
    }

    /** Double ownership seen in a peer's announcement: exactly one keeps each group. */
    private boolean resolveConflicts(Peer p) {
        if (p.status == io.vigil.membership.NodeStatus.DEAD) {
            // what a node that is dead for us still says (a goodbye trailing its shutdone) is not judged
            return false;
        }
        boolean any = false;
        for (LocalGroup g : s.groups.all()) {
            String k = g.key();
            if (!g.held() || !p.holds.contains(k) || s.standby.movingNow(k, p.name)) {
                p.conflictsSeen.remove(k);
                continue;
            }
            List<String> holders = new ArrayList<>();
            for (String n : Placement.order(g.spec, s.settings.nodes())) {
                if (n.equals(s.me) || s.peers.get(n).holdsLive(k)) {
                    holders.add(n);
                }
            }
            // a copy whose stop failed cannot be stopped: its holder keeps the group, whatever the placement says
            String stuck = s.peerStopFailures.keeper(k, holders);
            String keeper = stuck != null ? stuck : holders.get(0);
            String why = stuck != null ? "its stop failed " + (stuck.equals(s.me) ? "here" : "there")
                    : g.preferredBy(keeper) ? "preferred node"
                    : "tie-break: first in ha.cf order after the preferred node";
            boolean first = p.conflictsSeen.add(k);
            any |= first;
            if (g.stopFailed() && !keeper.equals(s.me)) {
                // stop-failed on both: neither copy can be stopped by Vigil, only by an operator's cleanup
                if (first) {
                    s.out.error("Split brain: group " + k + " is held by " + String.join(" and ", holders) + " and its"
                            + " stop failed on " + keeper + " and here: it stays on both until `vigil resource cleanup "
                            + k + "` releases it on one of them.");
                }
            } else if (keeper.equals(s.me)) {
                if (first) {
                    s.out.error("Split brain: group " + k + " is held by " + String.join(" and ", holders) + "; " + s.me
                            + " keeps it (" + why + ")");
                    s.out.add(new Announce(k));
                }
            } else {
                s.out.error("Split brain: group " + k + " is held by " + String.join(" and ", holders) + "; " + keeper
                        + " keeps it" + (stuck != null ? " (its stop failed there: it may still be active)" : "")
                        + ", releasing it here");
                g.needsFailback = false;
                s.groups.requestStop(g);
            }
        }
        return any;
    }

    /** Heartbeat's audits after each `resource` while everything is stable. */
    private void audit() {
        if (s.phase != Phase.STABLE || !s.locallyStable()) {
            return;
        }
        for (Peer p : s.peers.all()) {
            if (p.alive() && !p.stable()) {
                return;
            }
        }
        Set<String> local = s.groups.derive(ResourceSet.LOCAL, s.me);
        Set<String> foreign = s.groups.derive(ResourceSet.FOREIGN, s.me);
        if (anyDouble(local)) {
            s.out.error("Both machines own our resources!");
        }
        if (anyDouble(foreign)) {
            s.out.error("Both machines own foreign resources!");
        }
        if (!local.isEmpty() && noneHeld(local)) {
            s.out.error("No one owns our local resources!");
        }
        if (!foreign.isEmpty() && noneHeld(foreign)) {
            s.out.error("No one owns foreign resources!");
        }
    }

    private boolean anyDouble(Set<String> keys) {
        return keys.stream().anyMatch(k -> s.groups.get(k).held() && s.peers.heldByPeer(k));
    }

    private boolean noneHeld(Set<String> keys) {
        return keys.stream().noneMatch(k -> s.groups.get(k).held() || s.peers.heldByPeer(k));
    }

    @Override
    void askResources(Peer p, AskResources m, boolean overtakenByResource) {
        s.standby.onAsk(p, m, overtakenByResource);
    }

    @Override
    void hbTakeover(Peer p, HbTakeover m) {
        s.standby.takeoverRequested(p, m);
    }

    @Override
    void operator(OperatorKind kind, ResourceSet set) {
        if (kind == OperatorKind.STANDBY) {
            s.standby.operatorStandby(set);
        } else {
            s.standby.operatorTakeover(set);
        }
    }

    @Override
    void givingUp() {
        s.announcements.send(false, "shutdown");
    }

    @Override
    void reconcileStable() {
        queryUnknownPeers();
        adoptOrphans();
        autoFailback();
        s.connectivity.apply();
    }

    @Override
    void reconcileEnd() {
        if (localAcquisitionPending && !s.groups.anyInFlight()) {
            localAcquisitionPending = false;
            s.out.info(localAcquisitionReason);
            // a group adopted at start may need failback: the peer hears our state first, or it refuses the exchange
            s.announcements.ifChanged();
            // Heartbeat: our own resource message (after req_our_resources) holding local groups completes the
            // initial acquisition, the foreign side being done once the peer said it was stable
            if (s.groups.heldSet().hasLocal()) {
                s.logInitial("T_RESOURCES(us)");
            }
            autoFailback();
        }
        s.announcements.ifChanged();
    }

    /**
     * RQSTDELAY while starting; then the next query of an unknown peer, the end of an orphan's grace and a delayed
     * connectivity hand-off (after now).
     */
    @Override
    long nextDeadline() {
        if (s.phase == Phase.STARTING) {
            return EngineState.later(Long.MAX_VALUE, startDeadline, s.now);
        }
        if (s.phase != Phase.STABLE) {
            return Long.MAX_VALUE;
        }
        long next = Long.MAX_VALUE;
        for (Peer p : s.peers.all()) {
            if (p.alive() && !p.known()) {
                next = EngineState.later(next, p.nextQueryMs, s.now);
            }
        }
        for (Map.Entry<String, Long> e : orphanSince.entrySet()) {
            next = EngineState.later(next, e.getValue() + grace(e.getKey()), s.now);
        }
        return EngineState.later(next, s.connectivity.deadline(), s.now);
    }

    /** How long a group nobody holds waits for news before it is adopted. */
    private long grace(String key) {
        return s.freed.contains(key) ? 0 : Math.max(2 * s.settings.keepaliveMs(), 1000);
    }

    /** Live peers whose holdings we do not know are asked (info=query), at most every two keepalives. */
    private void queryUnknownPeers() {
        if (s.phase != Phase.STABLE) {
            return;
        }
        boolean ask = false;
        for (Peer p : s.peers.all()) {
            if (p.alive() && !p.known() && s.now >= p.nextQueryMs) {
                ask = true;
                p.nextQueryMs = s.now + 2 * s.settings.keepaliveMs();
            }
        }
        if (ask) {
            s.announcements.send(s.locallyStable(), Announcements.INFO_QUERY);
        }
    }

    /** Groups nobody holds go to their placement: preferred node first, then ha.cf order after it. */
    private void adoptOrphans() {
        if (s.phase != Phase.STABLE) {
            return;
        }
        for (Peer p : s.peers.all()) {
            if (p.alive() && !p.leaving() && !p.stable()) {
                return; // somebody's holdings are unknown or about to change: adopting could double-own
            }
        }
        for (LocalGroup g : s.groups.all()) {
            String k = g.key();
            if (g.held() || g.inFlight() || s.peers.heldByPeer(k) || s.standby.involves(k, null)) {
                orphanSince.remove(k);
                s.freed.remove(k);
                continue;
            }
            if (s.peerStopFailures.blocks(k)) {
                orphanSince.remove(k); // its grace counts from the end of the marker, not from its holder's death
                continue;
            }
            long since = orphanSince.computeIfAbsent(k, x -> s.now);
            if (g.failedHere || s.fences.blocks(k)) {
                continue;
            }
            if (s.now - since >= grace(k) && s.me.equals(Placement.of(s, g.spec))) {
                s.freed.remove(k);
                orphanSince.remove(k);
                g.needsFailback = !g.preferredBy(s.me);
                g.restarts = 0;
                s.groups.requestStart(g);
            }
        }
    }

    /** auto_failback on: groups taken from their preferred node go back once it is there, settled and connected. */
    private void autoFailback() {
        if (s.settings.autoFailback() != AutoFailback.ON || s.phase != Phase.STABLE || s.standby.active()
                || !s.locallyStable() || localAcquisitionPending) {
            return;
        }
        for (LocalGroup g : s.groups.all()) {
            if (g.state != GroupState.RUNNING || !g.needsFailback) {
                continue;
            }
            String q = g.spec.preferredNode();
            Peer p = s.peers.get(q);
            if (p == null || !p.alive() || !p.stable() || p.failed.contains(g.key())) {
                continue;
            }
            // not to a node that reaches fewer ping nodes than another that could run it: the connectivity rule would
            // move the group on at once (seed 4390: a failback to the preferred node, then a hand-off to a third)
            if (s.connectivity.configured() && s.connectivity.of(p) < Placement.maxPing(s, g.key())) {
                continue;
            }
            List<String> moving = new ArrayList<>();
            for (LocalGroup h : s.groups.all()) {
                if (h.state == GroupState.RUNNING && h.needsFailback && h.preferredBy(q) && !p.failed.contains(h.key())) {
                    moving.add(h.key());
                }
            }
            s.standby.request(ResourceSet.FOREIGN, moving, StandbyExchange.Why.FAILBACK, q);
            return;
        }
    }
}
