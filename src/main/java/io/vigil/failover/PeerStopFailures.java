package io.vigil.failover;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The groups a peer holds stop-failed, as its {@code resource} says ({@code stopfailed=}, {@link StopFailures}): they
 * may still be active there, and only that node can release them. While a peer's marker stands:
 * <ul>
 *   <li>we never start the group, not even when the peer dies: without fencing, a node that falls silent may only be
 *       cut off (a partition) with the group still active. The marker falls when the peer says otherwise (its
 *       operator's cleanup released the group), restarts (a new incarnation holds nothing), gives everything up
 *       ({@code shutdone}), or is fenced (the copy is gone with the machine);</li>
 *   <li>if we hold the group too (we took it over while we could not hear the peer), the peer keeps it and we stop
 *       ours: its copy cannot be stopped, ours can.</li>
 * </ul>
 * The marker outlives the peer's death and a heal on purpose: it is replaced only by what the peer says next.
 */
final class PeerStopFailures {

    private final EngineState s;
    /** Node → the groups it says are stop-failed there. */
    private final Map<String, Set<String>> marked = new LinkedHashMap<>();

    PeerStopFailures(EngineState state) {
        this.s = state;
    }

    /** Its {@code resource} (not overtaken): its marker now. */
    void heard(Peer p, List<String> stopFailed) {
        Set<String> now = new LinkedHashSet<>(s.groups.known(stopFailed));
        Set<String> before = marked.getOrDefault(p.name, Set.of());
        for (String k : now) {
            if (!before.contains(k)) {
                s.out.error("Node " + p.name + " holds group " + k + " stop-failed (its stop failed there: it may"
                        + " still be active): this node never starts it while " + p.name + " says so.");
            }
        }
        for (String k : before) {
            if (!now.contains(k)) {
                s.out.info("Node " + p.name + " no longer holds group " + k + " stop-failed.");
            }
        }
        set(p.name, now);
    }

    /** The node died: what it held stop-failed stays down unless it is fenced. */
    void died(Peer p) {
        Set<String> keys = marked.getOrDefault(p.name, Set.of());
        if (keys.isEmpty()) {
            return;
        }
        if (s.settings.fencing()) {
            s.out.warn("Node " + p.name + " died holding " + keys + " stop-failed: taken over only once it is fenced.");
        } else {
            s.out.error("Node " + p.name + " died holding " + keys + " stop-failed, and no fencing is configured: it"
                    + " may only be cut off, with them still active. Not taking them over: they stay down until "
                    + p.name + " comes back (or restart vigil here once " + p.name + " is known to be off).");
        }
    }

    /** It gave everything up, or was fenced: nothing of its old incarnation is active any more. */
    void cleared(String node, String why) {
        Set<String> keys = marked.remove(node);
        if (keys != null && !keys.isEmpty()) {
            s.out.info("Node " + node + " " + why + ": its stop-failed groups " + keys + " are no longer active there.");
        }
    }

    /**
     * It restarted: its new incarnation holds nothing. Its stop-failed groups are orphans like any other, waiting the
     * orphan grace rather than taken at once: the node is not heard alive yet, and one of ours taken now would go
     * straight back to it once it settles (simulation seed 530: two moves).
     */
    void restarted(String node) {
        Set<String> keys = marked.getOrDefault(node, Set.of());
        s.freed.removeAll(keys);
        cleared(node, "restarted");
    }

    /** A peer's marker names the group: never start it here. */
    boolean blocks(String key) {
        return marked.values().stream().anyMatch(k -> k.contains(key));
    }

    /** The first node of {@code holders} that holds the group stop-failed (us included), or null. */
    String keeper(String key, List<String> holders) {
        LocalGroup here = s.groups.get(key);
        for (String n : holders) {
            if (n.equals(s.me) ? here != null && here.stopFailed() : marked.getOrDefault(n, Set.of()).contains(key)) {
                return n;
            }
        }
        return null;
    }

    /** The nodes whose marker names the group. */
    List<String> on(String key) {
        List<String> r = new ArrayList<>();
        marked.forEach((n, k) -> {
            if (k.contains(key)) {
                r.add(n);
            }
        });
        return r;
    }

    private void set(String node, Set<String> keys) {
        if (keys.isEmpty()) {
            marked.remove(node);
        } else {
            marked.put(node, keys);
        }
    }
}
