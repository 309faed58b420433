package io.vigil.failover;

import io.vigil.failover.FailoverAction.StartGroup;
import io.vigil.failover.FailoverAction.StopGroup;
import io.vigil.failover.FailoverEvent.GroupOp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The groups on this node: at most one operation per group at a time (a second one waits for the first), the
 * outcome of each, restarts after a failed status check, and the failures that keep a group from starting here.
 */
final class LocalGroups {

    private final EngineState s;
    private Map<String, LocalGroup> groups = new LinkedHashMap<>();
    /** Told when a stop completes (legacy: answer the ip-request that asked for it). */
    private Consumer<String> onStopped = key -> { };

    LocalGroups(EngineState state, List<GroupSpec> specs) {
        this.s = state;
        for (GroupSpec g : specs) {
            groups.put(g.key(), new LocalGroup(g));
        }
    }

    void onStopped(Consumer<String> listener) {
        this.onStopped = listener;
    }

    LocalGroup get(String key) {
        return groups.get(key);
    }

    Collection<LocalGroup> all() {
        return groups.values();
    }

    Set<String> keys() {
        return groups.keySet();
    }

    /** Of {@code keys} (named by a peer), those configured here, in their order: nodes may differ during a reload. */
    List<String> known(List<String> keys) {
        return keys.stream().filter(groups::containsKey).toList();
    }

    /**
     * A reload removed {@code g} from haresources: stopped if held, never started again, forgotten once stopped.
     * Only while nothing is in flight ({@link Reconfiguration}).
     */
    void retire(LocalGroup g) {
        g.retired = true;
        g.queued = null;
        g.restartAfterStop = false;
        g.needsFailback = false;
        if (g.held()) {
            issue(g, GroupOp.STOP);
        } else {
            groups.remove(g.key());
        }
    }

    /** A reload: the groups of {@code specs} in their order, new ones stopped; retired ones stay until stopped. */
    void reconfigure(List<GroupSpec> specs) {
        Map<String, LocalGroup> next = new LinkedHashMap<>();
        for (GroupSpec spec : specs) {
            LocalGroup g = groups.get(spec.key());
            next.put(spec.key(), g != null && !g.retired ? g : new LocalGroup(spec));
        }
        groups.values().stream().filter(g -> g.retired).forEach(g -> next.put(g.key(), g));
        groups = next;
    }

    void requestStart(LocalGroup g) {
        if (s.phase == Phase.SHUTDOWN || s.phase == Phase.STOPPED || g.retired) {
            return;
        }
        if (g.inFlight()) {
            g.queued = GroupOp.START;
        } else if (!g.held()) {
            issue(g, GroupOp.START);
        }
    }

    void requestStop(LocalGroup g) {
        if (g.stopFailed()) {
            s.out.warn("Group " + g.key() + " is stop-failed here: not stopping it again (`vigil resource cleanup "
                    + g.key() + "` once the cause is fixed).");
            return;
        }
        g.restartAfterStop = false;
        if (g.inFlight()) {
            g.queued = GroupOp.STOP;
        } else if (g.held()) {
            issue(g, GroupOp.STOP);
        }
    }

    void issue(LocalGroup g, GroupOp op) {
        if (op == GroupOp.START && s.peerStopFailures.blocks(g.key())) {
            // every start passes here: none while a peer says the group failed to stop there
            s.out.warn("Not starting group " + g.key() + ": it is stop-failed on " + s.peerStopFailures.on(g.key())
                    + " and may still be active there.");
            return;
        }
        if (op == GroupOp.START) {
            g.state = GroupState.STARTING;
            s.out.add(new StartGroup(g.key()));
        } else {
            g.state = GroupState.STOPPING;
            s.out.add(new StopGroup(g.key()));
        }
    }

    void completed(String key, GroupOp op, boolean ok, String detail) {
        LocalGroup g = groups.get(key);
        if (g == null || !g.inFlight()) {
            return;
        }
        if (op == GroupOp.START) {
            if (ok) {
                g.state = GroupState.RUNNING;
            } else {
                s.out.error("Resource group " + key + " failed to start here (" + detail + "): stopping it and handing it over.");
                g.failedHere = true;
                g.needsFailback = false;
                g.queued = null;
                g.restartAfterStop = false;
                issue(g, GroupOp.STOP);
                return;
            }
        } else {
            if (!ok) {
                s.stopFailures.failed(g, detail); // never released: not stopped, not handed over
                return;
            }
            g.state = g.failedHere ? GroupState.FAILED : GroupState.STOPPED;
            if (g.retired) {
                groups.remove(key); // removed by a reload: nothing more to do with it
                onStopped.accept(key);
                return;
            }
            if (g.restartAfterStop) {
                g.restartAfterStop = false;
                if (s.phase != Phase.SHUTDOWN && g.queued != GroupOp.STOP) {
                    g.queued = null;
                    issue(g, GroupOp.START);
                    return;
                }
            }
            onStopped.accept(key);
        }
        GroupOp q = g.queued;
        g.queued = null;
        if (q == GroupOp.START && !g.held() && !g.failedHere && s.phase != Phase.SHUTDOWN) {
            issue(g, GroupOp.START);
        } else if (q == GroupOp.STOP && g.held()) {
            issue(g, GroupOp.STOP);
        }
    }

    /** A stop-failed group found stopped by the operator's cleanup: released like a completed stop. */
    void released(LocalGroup g) {
        g.state = g.failedHere ? GroupState.FAILED : GroupState.STOPPED;
        onStopped.accept(g.key());
    }

    /** A status check of a running group failed: restart it here, or fail it over past the restarts allowed. */
    void monitorFailed(String key, String detail) {
        LocalGroup g = groups.get(key);
        if (g == null || g.state != GroupState.RUNNING || s.phase == Phase.SHUTDOWN) {
            return;
        }
        int allowed = s.settings.monitorRestarts();
        g.restarts++;
        if (g.restarts <= allowed) {
            s.out.warn("Resource group " + key + " failed its status check (" + detail + "): restarting it here ("
                    + g.restarts + " of " + allowed + ").");
            g.restartAfterStop = true;
        } else {
            s.out.error("Resource group " + key + " failed its status check (" + detail + ") after " + allowed
                    + " local restarts: failing it over.");
            g.failedHere = true;
            g.needsFailback = false;
        }
        issue(g, GroupOp.STOP);
    }

    /**
     * The cluster changed: a start that failed here in the old situation (say, no route while our own link was down)
     * deserves a new chance. Without this a node refused such a group for the rest of its life.
     */
    void forgiveFailures(String why) {
        for (LocalGroup g : groups.values()) {
            if (g.failedHere && !g.held() && !g.inFlight()) {
                g.failedHere = false;
                g.restarts = 0;
                g.state = GroupState.STOPPED;
                s.out.info("Group " + g.key() + " may start here again (" + why + ").");
            }
        }
    }

    boolean anyInFlight() {
        return groups.values().stream().anyMatch(LocalGroup::inFlight);
    }

    /** Of {@code keys}, those held here, in haresources order. */
    List<String> heldIn(Collection<String> keys) {
        List<String> r = new ArrayList<>();
        for (LocalGroup g : groups.values()) {
            if (g.held() && keys.contains(g.key())) {
                r.add(g.key());
            }
        }
        return r;
    }

    List<String> held() {
        return heldIn(groups.keySet());
    }

    /** Held, or running as far as {@code alsoRunning} says (groups found running at start, not decided yet). */
    List<String> held(java.util.function.Predicate<String> alsoRunning) {
        List<String> r = new ArrayList<>();
        for (LocalGroup g : groups.values()) {
            if (g.held() || alsoRunning.test(g.key())) {
                r.add(g.key());
            }
        }
        return r;
    }

    List<String> failedKeys() {
        List<String> r = new ArrayList<>();
        groups.values().stream().filter(g -> g.failedHere).forEach(g -> r.add(g.key()));
        return r;
    }

    /** The groups of a Heartbeat set relative to {@code node}: local = preferred by it, foreign = the others. */
    Set<String> derive(ResourceSet set, String node) {
        Set<String> r = new LinkedHashSet<>();
        for (LocalGroup g : groups.values()) {
            if (!g.retired && (g.preferredBy(node) ? set.hasLocal() : set.hasForeign())) {
                r.add(g.key());
            }
        }
        return r;
    }

    /** What we hold, as Heartbeat's rsc_hold relative to us. */
    ResourceSet heldSet() {
        return setOf(held());
    }

    /** {@code keys} as Heartbeat's rsc_hold relative to us. */
    ResourceSet setOf(Collection<String> keys) {
        boolean local = false;
        boolean foreign = false;
        for (LocalGroup g : groups.values()) {
            if (keys.contains(g.key())) {
                if (g.preferredBy(s.me)) {
                    local = true;
                } else {
                    foreign = true;
                }
            }
        }
        return ResourceSet.of(local, foreign);
    }
}
