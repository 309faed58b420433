package io.vigil.failover;

import io.vigil.failover.FailoverAction.Fence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * With a fence script configured, the groups of a node that died holding them stay down until the node is fenced;
 * a failed fence is retried a deadtime later. A node that gave its groups up needs no fencing.
 */
final class FenceGate {

    private final EngineState s;
    /** Node → the groups that wait for its fencing. */
    private final Map<String, Set<String>> blocked = new LinkedHashMap<>();
    private final Map<String, Long> retryAt = new LinkedHashMap<>();
    private final Set<String> inFlight = new LinkedHashSet<>();

    FenceGate(EngineState state) {
        this.s = state;
    }

    /** Forgets the node's gate (a new death decides again). */
    void clear(String node) {
        blocked.remove(node);
    }

    /** Fences the node before its groups are taken over. */
    void fence(String node, Set<String> groups) {
        Set<String> keys = new LinkedHashSet<>(groups);
        blocked.put(node, keys);
        s.out.warn("Fencing node " + node + " before taking over its resources " + keys + ".");
        inFlight.add(node);
        s.out.add(new Fence(node));
    }

    /** The node gave its groups up: they no longer wait. Returns whether they did. */
    boolean gaveUp(String node) {
        return blocked.remove(node) != null;
    }

    /** Returns true when the node is fenced now and its groups may be taken over. */
    boolean completed(String node, boolean ok, String detail) {
        inFlight.remove(node);
        if (!blocked.containsKey(node)) {
            return false;
        }
        if (ok) {
            s.out.info("Node " + node + " fenced (" + detail + "); taking over its resources.");
            blocked.remove(node);
            s.out.send(new ResourceMessage.Stonith(node, "OK"));
            return true;
        }
        s.out.error("Fencing node " + node + " failed (" + detail + "); its resources stay down, retrying in "
                + s.settings.deadtimeMs() + " ms.");
        retryAt.put(node, s.now + s.settings.deadtimeMs());
        s.out.send(new ResourceMessage.Stonith(node, "bad"));
        return false;
    }

    /** Fences again the nodes whose retry is due. */
    void retryDue() {
        for (Map.Entry<String, Long> e : new ArrayList<>(retryAt.entrySet())) {
            String node = e.getKey();
            if (s.now >= e.getValue() && blocked.containsKey(node) && !inFlight.contains(node)) {
                retryAt.remove(node);
                inFlight.add(node);
                s.out.add(new Fence(node));
            }
        }
    }

    /** When the next failed fence is retried, or {@link Long#MAX_VALUE}. */
    long nextRetry() {
        long next = Long.MAX_VALUE;
        for (Map.Entry<String, Long> e : retryAt.entrySet()) {
            if (blocked.containsKey(e.getKey()) && !inFlight.contains(e.getKey())) {
                next = EngineState.later(next, e.getValue(), s.now);
            }
        }
        return next;
    }

    /** The group waits for a fence. */
    boolean blocks(String key) {
        return blocked.values().stream().anyMatch(b -> b.contains(key));
    }

    boolean anyBlocked() {
        return !blocked.isEmpty();
    }
}
