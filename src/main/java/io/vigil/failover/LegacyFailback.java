package io.vigil.failover;

import io.vigil.failover.FailoverAction.Announce;
import io.vigil.failover.FailoverEvent.OperatorKind;
import io.vigil.failover.ResourceMessage.AskResources;
import io.vigil.failover.ResourceMessage.HbTakeover;
import io.vigil.failover.ResourceMessage.IpRequest;
import io.vigil.failover.ResourceMessage.IpRequestResp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Heartbeat's {@code auto_failback legacy}: at comm-up (and when a peer reappears) each node asks for its own groups
 * with {@code ip-request}; a holder stops the group and answers {@code ip-request-resp}; the requester starts it once
 * every live peer answered. A dead node's groups go to the first live node after it. No standby, no connectivity.
 */
final class LegacyFailback extends FailbackPolicy {

    private boolean warned;
    /** Our groups asked for → the peers yet to answer. */
    private final Map<String, Set<String>> asked = new LinkedHashMap<>();
    /** Groups being stopped for a peer's ip-request → the peer to answer once stopped. */
    private final Map<String, String> toAnswer = new LinkedHashMap<>();
    /** Groups we gave to a peer: not adopted back while it lives (it is alive even if membership has not said so). */
    private final Map<String, String> given = new LinkedHashMap<>();
    /** When the ip-requests still unanswered are sent again. */
    private long askAgainAt = Long.MAX_VALUE;

    LegacyFailback(EngineState state) {
        super(state);
    }

    @Override
    void beforeEvent() {
        if (!warned) {
            warned = true;
            s.out.warn("Deprecated 'legacy' auto_failback option selected.");
            s.out.warn("Please convert to 'auto_failback on'.");
            s.out.warn("See documentation for conversion details.");
        }
    }

    @Override
    void commUpBegins() {
        s.phase = Phase.STABLE;
        s.skipInitialLog();
        s.adoption.abandon("auto_failback legacy: no resource announcements to confirm that no peer holds it");
    }

    @Override
    void commUpEnds() {
        requestLocal(false);
    }

    @Override
    void peerAlive(Peer p, boolean forgotten) {
        // It may hold our groups (it started alone, maybe during a partition, or a partition healed): ask for them.
        // A restarted node counts too: one that booted alone behind a partition took everything.
        if (s.phase == Phase.STABLE) {
            requestLocal(true);
        }
    }

    /**
     * A partition healed, or a false death on our side only: we took its groups while it kept running them. A
     * returning preferred node takes its groups back (ip-request), but one that saw nothing happen does not ask:
     * we give them back ourselves (seed 9792: both ran the group for ever). Then we ask for ours.
     */
    @Override
    void healed(Peer p) {
        if (s.phase != Phase.STABLE) {
            return;
        }
        for (LocalGroup g : s.groups.all()) {
            if (g.preferredBy(p.name) && (g.held() || g.inFlight())) {
                s.out.info("Giving up resource group " + g.key() + " to " + p.name + " (back after a partition).");
                given.put(g.key(), p.name);
                s.groups.requestStop(g);
            }
        }
        requestLocal(true);
    }

    @Override
    void peerDied(String node) {
        given.values().removeIf(node::equals);
    }

    @Override
    void peerGone() {
        adopt();
    }

    @Override
    boolean settled(Peer p) {
        return p.known() && !p.starting() && !p.leaving();
    }

    @Override
    void askResources(Peer p, AskResources m, boolean overtakenByResource) {
        refuseStandby();
    }

    @Override
    void hbTakeover(Peer p, HbTakeover m) {
        refuseStandby();
    }

    @Override
    void operator(OperatorKind kind, ResourceSet set) {
        refuseStandby();
    }

    private void refuseStandby() {
        s.out.error("Standby mode only implemented when nice_failback on");
    }

    @Override
    void reconcileStable() {
        askAgain();
        adopt();
    }

    /**
     * A peer drops what we say until it has heard our status (membership), so an ip-request sent as it came up may be
     * lost without a trace (simulation seed 2980: both of node1's groups down for good). One still unanswered after a
     * deadtime is sent again, every deadtime: a holder stops the group once, a peer that does not hold it says no.
     */
    private void askAgain() {
        if (asked.isEmpty() || s.now < askAgainAt) {
            return;
        }
        for (Map.Entry<String, Set<String>> e : asked.entrySet()) {
            s.out.info("ip-request for " + e.getKey() + " not answered by " + e.getValue() + ": asking again.");
            s.out.send(new IpRequest(e.getKey()));
        }
        askAgainAt = s.now + s.settings.deadtimeMs();
    }

    @Override
    long nextDeadline() {
        return asked.isEmpty() ? Long.MAX_VALUE : EngineState.later(Long.MAX_VALUE, askAgainAt, s.now);
    }

    /** Asks every live peer for our groups; alone, takes them. */
    private void requestLocal(boolean heal) {
        boolean alone = !s.peers.anyAlive();
        List<String> mine = new ArrayList<>();
        for (LocalGroup g : s.groups.all()) {
            if (!g.preferredBy(s.me) || g.failedHere) {
                continue;
            }
            mine.add(g.key());
            if (alone) {
                s.groups.requestStart(g);
            } else {
                Set<String> waiting = new LinkedHashSet<>();
                s.peers.all().stream().filter(Peer::alive).forEach(p -> waiting.add(p.name));
                asked.put(g.key(), waiting);
                askAgainAt = s.now + s.settings.deadtimeMs();
                s.out.send(new IpRequest(g.key()));
            }
        }
        if (!heal) {
            s.out.info(mine.isEmpty() ? "No local resources to acquire." : "Local Resource acquisition completed.");
        }
    }

    /** Heartbeat's mach_down: the groups of a dead preferred node go to the first live node after it. */
    private void adopt() {
        if (s.phase != Phase.STABLE) {
            return;
        }
        for (LocalGroup g : s.groups.all()) {
            Peer pref = s.peers.get(g.spec.preferredNode());
            if (pref == null || pref.alive() || g.held() || g.inFlight() || g.failedHere || s.fences.blocks(g.key())
                    || given.containsKey(g.key())) {
                continue;
            }
            for (String n : Placement.order(g.spec, s.settings.nodes())) {
                if (n.equals(s.me)) {
                    s.groups.requestStart(g);
                    break;
                }
                if (s.peers.get(n).alive()) {
                    break;
                }
            }
        }
    }

    @Override
    void ipRequest(Peer p, IpRequest m) {
        String key = m.ipaddr();
        LocalGroup g = s.groups.get(key);
        if (g == null) {
            answer(p.name, key, false);
            return;
        }
        if (g.held() || g.inFlight()) {
            s.out.info("Giving up resource group " + key + " to " + p.name + " (ip-request).");
            given.put(key, p.name);
            toAnswer.put(key, p.name);
            s.groups.requestStop(g);
        } else {
            answer(p.name, key, false);
        }
    }

    @Override
    void groupStopped(String key) {
        String requester = toAnswer.remove(key);
        if (requester != null) {
            answer(requester, key, true);
        }
    }

    private void answer(String to, String key, boolean weOwned) {
        s.out.send(new IpRequestResp(to, key, weOwned ? "yes" : "no", "OK"));
    }

    @Override
    void ipRequestResp(Peer p, IpRequestResp m) {
        if (!"OK".equals(m.ok())) {
            return;
        }
        String key = m.ipaddr();
        Set<String> waiting = asked.get(key);
        LocalGroup g = s.groups.get(key);
        if (waiting == null || g == null) {
            return;
        }
        s.out.info("received ip-request-resp " + key + " OK " + m.weown());
        waiting.remove(p.name);
        waiting.removeIf(n -> !s.peers.get(n).alive());
        if (waiting.isEmpty()) {
            asked.remove(key);
            if (g.held()) {
                s.out.add(new Announce(key)); // we already had it (partition heal): make the address ours again
            } else {
                s.groups.requestStart(g);
            }
        }
    }

    @Override
    void cancelRequestsTo(String node) {
        asked.values().forEach(w -> w.remove(node));
        for (Map.Entry<String, Set<String>> e : new ArrayList<>(asked.entrySet())) {
            if (e.getValue().isEmpty()) {
                asked.remove(e.getKey());
                s.groups.requestStart(s.groups.get(e.getKey()));
            }
        }
    }
}
