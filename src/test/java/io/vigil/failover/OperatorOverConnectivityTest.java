package io.vigil.failover;

import io.vigil.config.AutoFailback;
import io.vigil.failover.FailoverAction.StartGroup;
import io.vigil.failover.FailoverEvent.GroupOp;
import io.vigil.failover.FailoverEvent.OperatorKind;
import io.vigil.membership.NodeStatus;
import io.vigil.wire.Message;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator's takeover onto a node that reaches fewer ping nodes than its peer holds until a ping count changes, as
 * with Heartbeat's ipfail (which acts on ping-node events only). Found by the simulation, seed 888: the connectivity
 * rule gave the groups straight back, so one takeover moved every group twice.
 */
class OperatorOverConnectivityTest extends EngineDriver {

    private static final String G = "192.0.2.10";

    private List<FailoverAction> receive(FailoverEngine e, String src, Message m) {
        return feed(e, new FailoverEvent.MessageReceived(m.add("src", src).add("seq", Integer.toHexString(seq++))
                .add("hg", "4")));
    }

    private static Message resource(String rscHold) {
        return Message.of("resource").add("rsc_hold", rscHold).add("rtype", "full").add("isstable", "1");
    }

    @Test
    void aTakeoverOntoTheLessConnectedNodeHoldsUntilACountChanges() {
        FailoverEngine node1 = new FailoverEngine(new FailoverSettings("node1", List.of("node1", "node2"),
                List.of(new GroupSpec(G, "node1")), AutoFailback.ON, 1000, 7000, 14_000, false, 1, 2));
        feed(node1, new FailoverEvent.NodeStatusChanged("node2", NodeStatus.INIT, NodeStatus.ACTIVE));
        feed(node1, new FailoverEvent.PingReachability(0));
        feed(node1, new FailoverEvent.CommUp());
        receive(node1, "node2", Message.of("num_ping_nodes").add("num_ping", "2").add("dest", "node1"));
        // node2 runs our group (we lost our ping nodes earlier and gave it away)
        receive(node1, "node2", resource("foreign"));
        assertEquals("STABLE", node1.view().phase());

        // the operator takes it over here anyway: hb_takeover, node2 goes standby, we acquire
        assertEquals(List.of("[t=hb_takeover, rsc_hold=all]"),
                sent(feed(node1, new FailoverEvent.OperatorRequest(OperatorKind.TAKEOVER, ResourceSet.ALL))));
        receive(node1, "node2", Message.of("ask_resources").add("rsc_hold", "all").add("info", "me"));
        List<FailoverAction> a = receive(node1, "node2", Message.of("ask_resources").add("rsc_hold", "all")
                .add("info", "done"));
        assertTrue(a.contains(new StartGroup(G)));
        a = feed(node1, new FailoverEvent.GroupCompleted(G, GroupOp.START, true, "ok"));
        assertEquals(List.of("[t=ask_resources, rsc_hold=all, info=done]",
                "[t=resource, rsc_hold=local, rtype=full, isstable=1]"), sent(a));
        a = receive(node1, "node2", resource("none"));
        for (long t = 0; t < 5000; t += 250) {
            a.addAll(feed(node1, new FailoverEvent.Tick()));
        }
        assertEquals(List.of(), sent(a), "the takeover holds: nothing is handed back while the counts stay");

        // our count changes (1 of 2, still fewer than node2's 2): the connectivity rule applies again
        a = feed(node1, new FailoverEvent.PingReachability(1));
        assertTrue(sent(a).contains("[t=ask_resources, rsc_hold=all, info=me]"), sent(a).toString());
    }
}
