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
 * After a partition, the other side's {@code resource} and ping count may arrive before membership notices the heal
 * (from a status packet). They are current and must survive the PartitionHealed that follows. Found by the simulation,
 * seeds 1402 and 1011: the heal wiped them, the peer's connectivity hand-off was refused ("Other side is in flux", 10 s
 * lost), and its forgotten ping count left the groups it handed over without needs-failback, so they never returned.
 */
class HealSeenInMessagesFirstTest extends EngineDriver {

    private static final String G = "192.0.2.10";

    private List<FailoverAction> receive(FailoverEngine e, Message m) {
        return feed(e, new FailoverEvent.MessageReceived(m.add("src", "node1").add("seq", Integer.toHexString(seq++))
                .add("hg", "1")));
    }

    private static Message resource(String rscHold) {
        return Message.of("resource").add("rsc_hold", rscHold).add("rtype", "full").add("isstable", "1");
    }

    @Test
    void whatThePeerSaidBeforeTheHealWasNoticedIsKept() {
        FailoverEngine node2 = new FailoverEngine(new FailoverSettings("node2", List.of("node1", "node2"),
                List.of(new GroupSpec(G, "node1")), AutoFailback.ON, 1000, 5000, 10_000, false, 1, 3));
        feed(node2, new FailoverEvent.PingReachability(3));
        feed(node2, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.INIT, NodeStatus.ACTIVE));
        feed(node2, new FailoverEvent.CommUp());
        receive(node2, resource("local"));
        // partition: each side runs the group
        assertTrue(feed(node2, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.ACTIVE, NodeStatus.DEAD))
                .contains(new StartGroup(G)));
        feed(node2, new FailoverEvent.GroupCompleted(G, GroupOp.START, true, "ok"));

        // heal: node1 (which lost its ping nodes meanwhile) speaks before its first status reaches us
        receive(node2, Message.of("num_ping_nodes").add("num_ping", "0").add("dest", "node2"));
        receive(node2, resource("local").add("info", "query"));
        List<FailoverAction> a = feed(node2, new FailoverEvent.PartitionHealed("node1"));
        assertTrue(a.contains(new StopGroup(G)), "node1, its preferred node, keeps it: " + a);
        feed(node2, new FailoverEvent.GroupCompleted(G, GroupOp.STOP, true, "ok"));

        // node1 hands its group to us for connectivity
        a = receive(node2, Message.of("ask_resources").add("rsc_hold", "all").add("info", "me"));
        assertEquals(List.of("[t=ask_resources, rsc_hold=all, info=other]"), sent(a));
        a = receive(node2, Message.of("ask_resources").add("rsc_hold", "all").add("info", "done"));
        assertTrue(a.contains(new StartGroup(G)));
        feed(node2, new FailoverEvent.GroupCompleted(G, GroupOp.START, true, "ok"));
        receive(node2, resource("none"));

        // node1 reaches its ping nodes again: the group goes back
        a = receive(node2, Message.of("num_ping_nodes").add("num_ping", "3").add("dest", "node2"));
        assertEquals(List.of("[t=ask_resources, rsc_hold=foreign, info=me]"), sent(a));
    }
}
