package io.vigil.failover;

import io.vigil.config.AutoFailback;
import io.vigil.failover.FailoverAction.StartGroup;
import io.vigil.failover.FailoverAction.StopGroup;
import io.vigil.failover.FailoverEvent.GroupOp;
import io.vigil.membership.NodeStatus;
import io.vigil.wire.Message;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A standby request that is not answered yet does not excuse double ownership: only a hand-over in progress does.
 * Found by the simulation, seed 9944 (6 nodes, after a heal): two holders asked the preferred node to take the group
 * back; it accepted one and refused the other, and the refused one kept the group next to it until its request timed
 * out 10 s later, because conflicts with the peer of a pending exchange were not judged.
 */
class DoubleOwnershipDuringStandbyRequestTest extends EngineDriver {

    private static final String G = "192.0.2.10";

    private List<FailoverAction> receive(FailoverEngine e, String src, Message m) {
        return feed(e, new FailoverEvent.MessageReceived(m.add("src", src).add("seq", Integer.toHexString(seq++))
                .add("hg", "1")));
    }

    private static Message resource(String rscHold, String groups) {
        return Message.of("resource").add("rsc_hold", rscHold).add("rtype", "full").add("isstable", "1")
                .add("groups", groups);
    }

    @Test
    void theHolderReleasesAGroupItsPreferredNodeAlreadyRunsWhileItsRequestIsPending() {
        FailoverEngine node3 = new FailoverEngine(new FailoverSettings("node3", List.of("node1", "node3", "node2"),
                List.of(new GroupSpec(G, "node1")), AutoFailback.ON, 1000, 3000, 6000, false, 1, 0));
        feed(node3, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.INIT, NodeStatus.ACTIVE));
        feed(node3, new FailoverEvent.NodeStatusChanged("node2", NodeStatus.INIT, NodeStatus.ACTIVE));
        feed(node3, new FailoverEvent.CommUp());
        receive(node3, "node1", resource("local", G));
        receive(node3, "node2", resource("none", ""));
        List<FailoverAction> a = feed(node3, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.ACTIVE, NodeStatus.DEAD));
        assertTrue(a.contains(new StartGroup(G)));
        feed(node3, new FailoverEvent.GroupCompleted(G, GroupOp.START, true, "ok"));

        // node1 is back, stable, holding nothing: we ask it to take its group back
        feed(node3, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.DEAD, NodeStatus.ACTIVE));
        a = receive(node3, "node1", resource("none", ""));
        assertTrue(sent(a).contains("[t=ask_resources, rsc_hold=foreign, info=me, groups=" + G + ", dest=node1]"),
                sent(a).toString());
        // before it answers, it runs the group (another holder handed it over): we hold it twice
        a = receive(node3, "node1", resource("local", G));
        assertTrue(a.contains(new StopGroup(G)), "node1, the preferred node, keeps it: " + a);
    }
}
