package io.vigil.failover;

import io.vigil.config.AutoFailback;
import io.vigil.failover.FailoverAction.StartGroup;
import io.vigil.failover.FailoverEvent.GroupOp;
import io.vigil.membership.NodeStatus;
import io.vigil.wire.Message;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With more than two nodes, a group adopted from its dead preferred node may be handed on to a third node for
 * connectivity; it still has to go back to its preferred node when that one returns. Found by the simulation, seed
 * 1797: the acceptor marked needs-failback only groups preferred by the node that handed them over. The requester now
 * names such groups ({@code failback=} on {@code ask_resources info=me}); a group an operator moved away from its live
 * preferred node is not named and stays (seed 8261, where marking every foreign group moved it twice).
 */
class ConnectivityHandOnKeepsFailbackTest extends EngineDriver {

    private static final String G = "192.0.2.11";

    private List<FailoverAction> receive(FailoverEngine e, String src, Message m) {
        return feed(e, new FailoverEvent.MessageReceived(m.add("src", src).add("seq", Integer.toHexString(seq++))
                .add("hg", "1")));
    }

    @Test
    void theRequesterNamesTheGroupsThatStillNeedFailback() {
        FailoverEngine node1 = new FailoverEngine(new FailoverSettings("node1", List.of("node1", "node2", "node3"),
                List.of(new GroupSpec(G, "node3")), AutoFailback.ON, 1000, 5000, 10_000, false, 1, 1));
        feed(node1, new FailoverEvent.PingReachability(1));
        feed(node1, new FailoverEvent.NodeStatusChanged("node2", NodeStatus.INIT, NodeStatus.ACTIVE));
        feed(node1, new FailoverEvent.NodeStatusChanged("node3", NodeStatus.INIT, NodeStatus.DEAD));
        feed(node1, new FailoverEvent.CommUp());
        List<FailoverAction> a = receive(node1, "node2", Message.of("resource").add("rsc_hold", "none")
                .add("rtype", "full").add("isstable", "1").add("groups", ""));
        assertTrue(a.contains(new StartGroup(G)), "node3 is dead: its group comes here: " + a);
        feed(node1, new FailoverEvent.GroupCompleted(G, GroupOp.START, true, "ok"));
        receive(node1, "node2", Message.of("num_ping_nodes").add("num_ping", "1").add("dest", "node1"));
        a = feed(node1, new FailoverEvent.PingReachability(0));
        assertTrue(sent(a).contains("[t=ask_resources, rsc_hold=all, info=me, groups=" + G + ", dest=node2, failback="
                + G + "]"), sent(a).toString());
    }

    @Test
    void aGroupAnOperatorMovedAwayIsNotFailedBackAfterAConnectivityHandOff() {
        List<FailoverAction> a = acquiredForConnectivity(false);
        assertTrue(sent(a).stream().noneMatch(m -> m.contains("info=me")), sent(a).toString());
    }

    /**
     * node2 receives G from node1 for connectivity while node3 (G's preferred node) is alive and stable; returns what
     * node2 does from the end of the start on.
     */
    private List<FailoverAction> acquiredForConnectivity(boolean namedForFailback) {
        FailoverEngine node2 = new FailoverEngine(new FailoverSettings("node2", List.of("node1", "node2", "node3"),
                List.of(new GroupSpec(G, "node3")), AutoFailback.ON, 1000, 5000, 10_000, false, 1, 1));
        feed(node2, new FailoverEvent.PingReachability(1));
        feed(node2, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.INIT, NodeStatus.ACTIVE));
        feed(node2, new FailoverEvent.NodeStatusChanged("node3", NodeStatus.INIT, NodeStatus.ACTIVE));
        feed(node2, new FailoverEvent.CommUp());
        receive(node2, "node1", Message.of("resource").add("rsc_hold", "foreign").add("rtype", "full")
                .add("isstable", "1").add("groups", G));
        receive(node2, "node3", Message.of("resource").add("rsc_hold", "none").add("rtype", "full")
                .add("isstable", "1").add("groups", ""));
        receive(node2, "node3", Message.of("num_ping_nodes").add("num_ping", "1").add("dest", "node2"));
        receive(node2, "node1", Message.of("num_ping_nodes").add("num_ping", "0").add("dest", "node2"));
        Message me = Message.of("ask_resources").add("rsc_hold", "all").add("info", "me").add("groups", G)
                .add("dest", "node2");
        if (namedForFailback) {
            me.add("failback", G);
        }
        receive(node2, "node1", me);
        List<FailoverAction> a = receive(node2, "node1", Message.of("ask_resources").add("rsc_hold", "all")
                .add("info", "done").add("groups", G).add("dest", "node2"));
        assertTrue(a.contains(new StartGroup(G)));
        a = feed(node2, new FailoverEvent.GroupCompleted(G, GroupOp.START, true, "ok"));
        a.addAll(receive(node2, "node1", Message.of("resource").add("rsc_hold", "none").add("rtype", "full")
                .add("isstable", "1").add("groups", "")));
        for (int i = 0; i < 4; i++) {
            a.addAll(feed(node2, new FailoverEvent.Tick()));
        }
        return a;
    }

    @Test
    void aNamedGroupFailsBackOnceItsPreferredNodeIsThere() {
        List<FailoverAction> a = acquiredForConnectivity(true);
        assertTrue(sent(a).contains("[t=ask_resources, rsc_hold=foreign, info=me, groups=" + G + ", dest=node3]"),
                sent(a).toString());
    }

    @Test
    void aGroupHandedOnForConnectivityStillFailsBackToItsPreferredNode() {
        FailoverEngine node2 = new FailoverEngine(new FailoverSettings("node2", List.of("node1", "node2", "node3"),
                List.of(new GroupSpec(G, "node3")), AutoFailback.ON, 1000, 5000, 10_000, false, 1, 1));
        feed(node2, new FailoverEvent.PingReachability(1));
        feed(node2, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.INIT, NodeStatus.ACTIVE));
        feed(node2, new FailoverEvent.NodeStatusChanged("node3", NodeStatus.INIT, NodeStatus.DEAD));
        feed(node2, new FailoverEvent.CommUp());
        // node3 is down; node1 runs its group and has just lost its ping node
        receive(node2, "node1", Message.of("resource").add("rsc_hold", "foreign").add("rtype", "full")
                .add("isstable", "1").add("groups", G));
        receive(node2, "node1", Message.of("num_ping_nodes").add("num_ping", "0").add("dest", "node2"));
        assertTrue(node2.view().phase().equals("STABLE"));

        receive(node2, "node1", Message.of("ask_resources").add("rsc_hold", "all").add("info", "me")
                .add("groups", G).add("dest", "node2").add("failback", G));
        List<FailoverAction> a = receive(node2, "node1", Message.of("ask_resources").add("rsc_hold", "all")
                .add("info", "done").add("groups", G).add("dest", "node2"));
        assertTrue(a.contains(new StartGroup(G)));
        feed(node2, new FailoverEvent.GroupCompleted(G, GroupOp.START, true, "ok"));
        receive(node2, "node1", Message.of("resource").add("rsc_hold", "none").add("rtype", "full")
                .add("isstable", "1").add("groups", ""));

        // node3 returns, stable, reaching the ping node: its group goes back to it
        feed(node2, new FailoverEvent.NodeStatusChanged("node3", NodeStatus.DEAD, NodeStatus.ACTIVE));
        receive(node2, "node3", Message.of("num_ping_nodes").add("num_ping", "1").add("dest", "node2"));
        a = receive(node2, "node3", Message.of("resource").add("rsc_hold", "none").add("rtype", "full")
                .add("isstable", "1").add("groups", ""));
        for (int i = 0; i < 4; i++) {
            a.addAll(feed(node2, new FailoverEvent.Tick()));
        }
        assertTrue(sent(a).contains("[t=ask_resources, rsc_hold=foreign, info=me, groups=" + G + ", dest=node3]"),
                sent(a).toString());
    }
}
