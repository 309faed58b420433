package io.vigil.notify;

import io.vigil.failover.FailoverAction;
import io.vigil.failover.FailoverEvent;
import io.vigil.membership.MembershipEvent;
import io.vigil.membership.NodeStatus;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what the daemon's cores report and decide into {@link ClusterEvent}s: membership's node and link changes,
 * the engine's start/stop/fence actions and their completions. Pure and single-threaded (the daemon's context):
 * no I/O, the clock injected.
 *
 * <p>Split brain is the one event read from the engine's words: today's engine reports a doubly held group only as
 * the log line {@code Split brain: group <k> is held by <a> and <b>; <keeper> keeps it…} ({@link #SPLIT_BRAIN}).
 * When the engine gets a typed transition for it, {@link #splitBrain} is the one place to re-wire.
 */
public final class EventDeriver {

    /** The engine's double-ownership finding (FailoverEngine.resolveConflicts). */
    static final Pattern SPLIT_BRAIN = Pattern.compile(
            "^Split brain: group (\\S+) is held by (.+?); (\\S+) keeps it(.*)$");

    private final String localNode;
    private final Set<String> pingNodes;
    private final Consumer<ClusterEvent> sink;
    private final LongSupplier clock;
    private long seq;
    /** Groups this node gives up because of a split brain → the node that keeps them. */
    private final Map<String, String> releasing = new HashMap<>();

    public EventDeriver(String localNode, Set<String> pingNodes, LongSupplier epochClock, Consumer<ClusterEvent> sink) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.pingNodes = Set.copyOf(pingNodes);
        this.clock = Objects.requireNonNull(epochClock, "epochClock");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    public void membership(List<MembershipEvent> events) {
        for (MembershipEvent e : events) {
            if (e instanceof MembershipEvent.NodeStatusChanged c && !c.node().equals(localNode)) {
                nodeChanged(c.node(), c.from(), c.to());
            } else if (e instanceof MembershipEvent.LinkStatusChanged c) {
                emit(c.up() ? EventType.LINK_UP : EventType.LINK_DEAD, c.node(), "", c.link(), c.up() ? "up" : "dead", "", "");
            }
        }
    }

    private void nodeChanged(String node, NodeStatus from, NodeStatus to) {
        if (to == NodeStatus.DEAD) {
            emit(EventType.NODE_DEAD, node, "", "", to.wire(), from.wire(), "");
        } else if (to.alive() && from == NodeStatus.DEAD) {
            emit(EventType.NODE_RETURNED, node, "", "", to.wire(), from.wire(), "");
        } else if (to.alive() && from == NodeStatus.INIT) {
            emit(EventType.NODE_UP, node, "", "", to.wire(), from.wire(), "");
        }
        // up -> active is the same node settling in: no event (cl_status and the page show it)
    }

    public void engineInput(FailoverEvent event) {
        if (event instanceof FailoverEvent.GroupCompleted c) {
            boolean start = c.op() == FailoverEvent.GroupOp.START;
            EventType type = start ? (c.success() ? EventType.GROUP_RUNNING : EventType.GROUP_FAILED)
                    : (c.success() ? EventType.GROUP_STOPPED : EventType.GROUP_STOP_FAILED);
            emit(type, localNode, c.key(), "", stateWord(type), "", c.detail());
            String keeper = start ? null : releasing.remove(c.key());
            if (keeper != null && c.success()) {
                emit(EventType.SPLIT_BRAIN_HEALED, keeper, c.key(), "", "released", "", localNode + " released it; "
                        + keeper + " keeps it");
            }
        } else if (event instanceof FailoverEvent.MonitorFailed m) {
            emit(EventType.GROUP_FAILED, localNode, m.key(), "", "failed", "running", "status check failed: " + m.detail());
        } else if (event instanceof FailoverEvent.FenceCompleted f) {
            emit(f.success() ? EventType.FENCE_DONE : EventType.FENCE_FAILED, f.node(), "", "",
                    f.success() ? "done" : "failed", "requested", f.detail());
        }
    }

    public void engineActions(List<FailoverAction> actions) {
        for (FailoverAction a : actions) {
            if (a instanceof FailoverAction.StartGroup s) {
                emit(EventType.GROUP_STARTING, localNode, s.key(), "", "starting", "", "");
            } else if (a instanceof FailoverAction.StopGroup s) {
                emit(EventType.GROUP_STOPPING, localNode, s.key(), "", "stopping", "", "");
            } else if (a instanceof FailoverAction.Fence f) {
                emit(EventType.FENCE_REQUESTED, f.node(), "", "", "requested", "", "");
            } else if (a instanceof FailoverAction.Log l) {
                splitBrain(l.text());
            }
        }
    }

    private void splitBrain(String engineLine) {
        Matcher m = SPLIT_BRAIN.matcher(engineLine);
        if (!m.matches()) {
            return;
        }
        String group = m.group(1);
        String keeper = m.group(3);
        String others = String.join(" ", java.util.Arrays.stream(m.group(2).split(" and "))
                .map(String::strip).filter(n -> !n.equals(localNode)).toList());
        if (keeper.equals(localNode)) {
            emit(EventType.SPLIT_BRAIN_DETECTED, others, group, "", "keeping", "", engineLine);
        } else {
            releasing.put(group, keeper);
            emit(EventType.SPLIT_BRAIN_DETECTED, keeper, group, "", "releasing", "", engineLine);
        }
    }

    static String stateWord(EventType type) {
        return switch (type) {
            case GROUP_RUNNING -> "running";
            case GROUP_FAILED -> "failed";
            case GROUP_STOPPED -> "stopped";
            case GROUP_STOP_FAILED -> "stop-failed";
            default -> "";
        };
    }

    private void emit(EventType type, String node, String group, String link, String state, String previous,
                      String detail) {
        String nodeType = type.subject() == EventType.Subject.GROUP || node.isEmpty() ? ""
                : pingNodes.contains(node) ? "ping" : "normal";
        sink.accept(new ClusterEvent(++seq, clock.getAsLong(), type, localNode, node, nodeType, group, link, state,
                previous, detail));
    }
}
