package io.vigil.failover;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a group belongs, computed alike on every node from the same knowledge (pure functions: they change nothing).
 * Its placement is the first eligible node in ha.cf order starting at its preferred node and wrapping: alive,
 * settled, not leaving, has not failed the group, and reaches the most ping nodes among those that could run it.
 */
final class Placement {

    private Placement() {
    }

    /** The nodes in placement order for a group: preferred first, then ha.cf order after it, wrapping. */
    static List<String> order(GroupSpec spec, List<String> nodes) {
        int start = Math.max(0, nodes.indexOf(spec.preferredNode()));
        List<String> r = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            r.add(nodes.get((start + i) % nodes.size()));
        }
        return r;
    }

    /** The first eligible node in placement order, or null. */
    static String of(EngineState s, GroupSpec spec) {
        int best = maxPing(s, spec.key());
        boolean pings = s.connectivity.configured();
        for (String n : order(spec, s.settings.nodes())) {
            if (n.equals(s.me)) {
                if (s.phase == Phase.STABLE && !s.shutdownRequested && !s.groups.get(spec.key()).failedHere
                        && (!pings || s.connectivity.mine() >= best)) {
                    return n;
                }
                continue;
            }
            Peer p = s.peers.get(n);
            if (p.alive() && s.policy.settled(p) && !p.failed.contains(spec.key())
                    && (!pings || s.connectivity.of(p) >= best)) {
                return n;
            }
        }
        return null;
    }

    /** The best connectivity among the nodes that could run the group (all groups: null). */
    static int maxPing(EngineState s, String key) {
        int best = key != null && s.groups.get(key).failedHere ? 0 : s.connectivity.mine();
        for (Peer p : s.peers.all()) {
            if (p.alive() && p.known() && !p.leaving() && p.ping != null && (key == null || !p.failed.contains(key))) {
                best = Math.max(best, p.ping);
            }
        }
        return best;
    }

    /** Who should take {@code moving} from us in a standby: the placement of the first group among the others. */
    static String acceptor(EngineState s, List<String> moving) {
        String best = null;
        for (Peer p : s.peers.all()) {
            if (!p.alive() || p.leaving() || !p.known()) {
                continue;
            }
            if (!moving.isEmpty() && p.failed.containsAll(moving)) {
                continue;
            }
            if (best == null || s.connectivity.of(p) > s.connectivity.of(s.peers.get(best))) {
                best = p.name;
            }
        }
        if (!s.multi || moving.isEmpty()) {
            return best;
        }
        GroupSpec spec = s.groups.get(moving.get(0)).spec;
        for (String n : order(spec, s.settings.nodes())) {
            Peer p = s.peers.get(n);
            if (p != null && p.alive() && p.stable() && !p.failed.contains(spec.key())
                    && (!s.connectivity.configured() || s.connectivity.of(p) >= maxPing(s, null))) {
                return n;
            }
        }
        return best;
    }
}
