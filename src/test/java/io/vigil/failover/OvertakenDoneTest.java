package io.vigil.failover;

import io.vigil.config.AutoFailback;
import io.vigil.failover.FailoverAction.StartGroup;
import io.vigil.failover.FailoverAction.StopGroup;
import io.vigil.failover.FailoverEvent.GroupOp;
import io.vigil.membership.NodeStatus;
import io.vigil.wire.Message;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptor of a standby exchange sends {@code ask_resources info=done} and then its {@code resource}; the second may
 * overtake the first. Found by the simulation, seeds 1055 and 1907: the acceptor failed to start a group
 * ({@code failed=K} in its resource), but the requester, on the late {@code done}, recorded the acceptor as holding it
 * anyway, so nobody ever adopted the group.
 */
class OvertakenDoneTest extends EngineDriver {

    private static final String G = "192.0.2.10";

    private List<FailoverAction> receive(FailoverEngine e, long seq, Message m) {
        return feed(e, new FailoverEvent.MessageReceived(m.add("src", "node1").add("seq", Long.toHexString(seq))
                .add("hg", "2")));
    }

    @Test
    void aResourceSnapshotThatOvertookTheDoneIsNotOverwritten() {
        FailoverEngine node2 = new FailoverEngine(new FailoverSettings("node2", List.of("node1", "node2"),
                List.of(new GroupSpec(G, "node2")), AutoFailback.ON, 500, 3000, 6000, false, 1, 0));
        feed(node2, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.INIT, NodeStatus.ACTIVE));
        feed(node2, new FailoverEvent.CommUp());
        List<FailoverAction> a = receive(node2, 1, Message.of("resource").add("rsc_hold", "none").add("rtype", "full")
                .add("isstable", "1"));
        assertTrue(a.contains(new StartGroup(G)));
        feed(node2, new FailoverEvent.GroupCompleted(G, GroupOp.START, true, "ok"));

        // node1: hb_takeover foreign = "give me your local groups"
        a = receive(node2, 2, Message.of("hb_takeover").add("rsc_hold", "foreign"));
        assertEquals(List.of("[t=ask_resources, rsc_hold=local, info=me]"), sent(a));
        a = receive(node2, 3, Message.of("ask_resources").add("rsc_hold", "local").add("info", "other"));
        assertTrue(a.contains(new StopGroup(G)));
        a = feed(node2, new FailoverEvent.GroupCompleted(G, GroupOp.STOP, true, "ok"));
        assertEquals(List.of("[t=ask_resources, rsc_hold=local, info=done]"), sent(a));

        // node1 failed to start it: its `resource` (seq 5) arrives before its `done` (seq 4)
        receive(node2, 5, Message.of("resource").add("rsc_hold", "none").add("rtype", "full").add("isstable", "1")
                .add("failed", G));
        a = receive(node2, 4, Message.of("ask_resources").add("rsc_hold", "local").add("info", "done"));
        for (int i = 0; i < 8; i++) {
            a.addAll(feed(node2, new FailoverEvent.Tick()));
            now += 240;
        }
        assertTrue(a.contains(new StartGroup(G)), "the group nobody runs is adopted here again: " + a);
    }
}
