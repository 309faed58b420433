package io.vigil.notify;

import io.vigil.failover.FailoverAction;
import io.vigil.failover.FailoverEvent;
import io.vigil.membership.MembershipEvent;
import io.vigil.membership.NodeStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The daemon's core outputs, as the daemon hands them over, become the documented events. */
class EventDeriverTest {

    private final List<ClusterEvent> seen = new ArrayList<>();
    private long now = 1_000;
    private final EventDeriver deriver = new EventDeriver("linux1", Set.of("192.0.2.1"), () -> now++, seen::add);

    private List<String> words() {
        return seen.stream().map(e -> e.type().word() + " " + e.node() + " " + e.group() + e.link() + " " + e.state()).toList();
    }

    @Test
    void nodesComeGoAndReturn() {
        deriver.membership(List.of(
                new MembershipEvent.Log(System.Logger.Level.INFO, "Status update for node linux2: status up"),
                new MembershipEvent.NodeStatusChanged("linux2", NodeStatus.INIT, NodeStatus.UP),
                new MembershipEvent.NodeStatusChanged("linux1", NodeStatus.INIT, NodeStatus.ACTIVE),
                new MembershipEvent.NodeStatusChanged("192.0.2.1", NodeStatus.INIT, NodeStatus.PING)));
        deriver.membership(List.of(new MembershipEvent.NodeStatusChanged("linux2", NodeStatus.UP, NodeStatus.ACTIVE)));
        deriver.membership(List.of(new MembershipEvent.LinkStatusChanged("linux2", "eth0", false),
                new MembershipEvent.NodeStatusChanged("linux2", NodeStatus.ACTIVE, NodeStatus.DEAD)));
        deriver.membership(List.of(new MembershipEvent.NodeStatusChanged("linux2", NodeStatus.DEAD, NodeStatus.ACTIVE),
                new MembershipEvent.LinkStatusChanged("linux2", "eth0", true)));
        assertEquals(List.of("node-up linux2  up", "node-up 192.0.2.1  ping", "link-dead linux2 eth0 dead",
                "node-dead linux2  dead", "node-returned linux2  active", "link-up linux2 eth0 up"), words(),
                "up -> active and the local node are no events");
        assertEquals("ping", seen.get(1).nodeType());
        assertEquals("normal", seen.get(0).nodeType());
        assertEquals("active", seen.get(3).previous());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), seen.stream().map(ClusterEvent::seq).toList());
    }

    @Test
    void groupLifecycle() {
        deriver.engineActions(List.of(new FailoverAction.Log(System.Logger.Level.INFO, "info"),
                new FailoverAction.StartGroup("192.0.2.253")));
        deriver.engineInput(new FailoverEvent.GroupCompleted("192.0.2.253", FailoverEvent.GroupOp.START, true, "ok"));
        deriver.engineInput(new FailoverEvent.MonitorFailed("192.0.2.253", "IPaddr: stopped"));
        deriver.engineActions(List.of(new FailoverAction.StopGroup("192.0.2.253")));
        deriver.engineInput(new FailoverEvent.GroupCompleted("192.0.2.253", FailoverEvent.GroupOp.STOP, false, "exit 1"));
        deriver.engineActions(List.of(new FailoverAction.StartGroup("Flaky::g")));
        deriver.engineInput(new FailoverEvent.GroupCompleted("Flaky::g", FailoverEvent.GroupOp.START, false, "exit 1"));
        deriver.engineActions(List.of(new FailoverAction.StopGroup("Flaky::g")));
        deriver.engineInput(new FailoverEvent.GroupCompleted("Flaky::g", FailoverEvent.GroupOp.STOP, true, "ok"));
        assertEquals(List.of("group-starting linux1 192.0.2.253 starting", "group-running linux1 192.0.2.253 running",
                "group-failed linux1 192.0.2.253 failed", "group-stopping linux1 192.0.2.253 stopping",
                "group-stop-failed linux1 192.0.2.253 stop-failed", "group-starting linux1 Flaky::g starting",
                "group-failed linux1 Flaky::g failed", "group-stopping linux1 Flaky::g stopping",
                "group-stopped linux1 Flaky::g stopped"), words());
        assertEquals("status check failed: IPaddr: stopped", seen.get(2).detail());
        assertEquals("exit 1", seen.get(4).detail());
    }

    @Test
    void fencing() {
        deriver.engineActions(List.of(new FailoverAction.Fence("linux2")));
        deriver.engineInput(new FailoverEvent.FenceCompleted("linux2", false, "exit 1"));
        deriver.engineActions(List.of(new FailoverAction.Fence("linux2")));
        deriver.engineInput(new FailoverEvent.FenceCompleted("linux2", true, "exit 0"));
        assertEquals(List.of("fence-requested linux2  requested", "fence-failed linux2  failed",
                "fence-requested linux2  requested", "fence-done linux2  done"), words());
    }

    /** The engine's two wordings (FailoverEngine.resolveConflicts), verbatim. */
    @Test
    void splitBrainKeptHere() {
        deriver.engineActions(List.of(new FailoverAction.Log(System.Logger.Level.ERROR,
                "Split brain: group 192.0.2.253 is held by linux1 and linux2; linux1 keeps it (preferred node)"),
                new FailoverAction.Announce("192.0.2.253")));
        assertEquals(List.of("split-brain-detected linux2 192.0.2.253 keeping"), words());
    }

    @Test
    void splitBrainReleasedHereHealsOnceStopped() {
        deriver.engineActions(List.of(new FailoverAction.Log(System.Logger.Level.ERROR,
                "Split brain: group 192.0.2.252 is held by linux2 and linux1; linux2 keeps it, releasing it here"),
                new FailoverAction.StopGroup("192.0.2.252")));
        deriver.engineInput(new FailoverEvent.GroupCompleted("192.0.2.252", FailoverEvent.GroupOp.STOP, true, "ok"));
        deriver.engineInput(new FailoverEvent.GroupCompleted("192.0.2.252", FailoverEvent.GroupOp.STOP, true, "ok"));
        assertEquals(List.of("split-brain-detected linux2 192.0.2.252 releasing", "group-stopping linux1 192.0.2.252 stopping",
                "group-stopped linux1 192.0.2.252 stopped", "split-brain-healed linux2 192.0.2.252 released",
                "group-stopped linux1 192.0.2.252 stopped"), words(), "healed once, after the release");
    }

    @Test
    void otherEngineLinesAreNoEvents() {
        deriver.engineActions(List.of(new FailoverAction.Log(System.Logger.Level.ERROR,
                "Split brain: node linux2 is back after a partition; resolving double ownership without restart"),
                new FailoverAction.Log(System.Logger.Level.ERROR, "Both machines own our resources!")));
        assertEquals(List.of(), words());
    }

    @Test
    void summariesAndEnvironment() {
        deriver.membership(List.of(new MembershipEvent.NodeStatusChanged("linux2", NodeStatus.ACTIVE, NodeStatus.DEAD)));
        deriver.engineInput(new FailoverEvent.GroupCompleted("192.0.2.253", FailoverEvent.GroupOp.START, true, "IPaddr ok"));
        assertEquals("node-dead linux2 active -> dead", seen.get(0).summary());
        assertEquals("group-running 192.0.2.253 on linux1 (IPaddr ok)", seen.get(1).summary());
        var env = seen.get(1).environment();
        assertEquals("group-running", env.get("VIGIL_EVENT"));
        assertEquals("192.0.2.253", env.get("VIGIL_GROUP"));
        assertEquals("running", env.get("VIGIL_STATE"));
        assertEquals("linux1", env.get("VIGIL_LOCAL_NODE"));
        assertEquals("linux1", env.get("HA_CURHOST"));
        assertEquals("2", env.get("VIGIL_SEQ"));
        assertEquals("1970-01-01T00:00:01.001Z", env.get("VIGIL_TIME"));
    }
}
