package io.vigil.failover;

import io.vigil.config.AutoFailback;
import io.vigil.failover.FailoverAction.Fence;
import io.vigil.failover.FailoverAction.StartGroup;
import io.vigil.failover.FailoverEvent.GroupOp;
import io.vigil.membership.NodeStatus;
import io.vigil.wire.Message;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer declared dead only because its status packets were lost speaks again while we fence it. Once the fence
 * succeeded it is off: its groups are taken over at once. Found by the simulation, seed 1042: the engine still took it
 * for alive and holding its group until membership declared it dead a deadtime later, then fenced it a second time.
 */
class FencedAfterReturnTest extends EngineDriver {

    private static final String G = "192.0.2.12";

    private List<FailoverAction> resourceFromNode1(FailoverEngine e) {
        return feed(e, new FailoverEvent.MessageReceived(Message.of("resource").add("rsc_hold", "local")
                .add("rtype", "full").add("isstable", "1").add("src", "node1").add("seq", Integer.toHexString(seq++))
                .add("hg", "1")));
    }

    @Test
    void aFencedNodeHoldsNothingEvenIfItSpokeAfterItsDeath() {
        FailoverEngine node2 = new FailoverEngine(new FailoverSettings("node2", List.of("node1", "node2"),
                List.of(new GroupSpec(G, "node1")), AutoFailback.OFF, 500, 1500, 3000, true, 1, 0));
        feed(node2, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.INIT, NodeStatus.ACTIVE));
        feed(node2, new FailoverEvent.CommUp());
        resourceFromNode1(node2);

        List<FailoverAction> a = feed(node2, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.ACTIVE, NodeStatus.DEAD));
        assertTrue(a.contains(new Fence("node1")));
        // its next status packet arrives: it is back, holding its group
        feed(node2, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.DEAD, NodeStatus.ACTIVE));
        a = resourceFromNode1(node2);
        assertFalse(a.contains(new StartGroup(G)));

        a = feed(node2, new FailoverEvent.FenceCompleted("node1", true, "powered off"));
        assertTrue(a.contains(new StartGroup(G)), "node1 is off: its group runs here now: " + a);
        feed(node2, new FailoverEvent.GroupCompleted(G, GroupOp.START, true, "ok"));
        // membership notices the silence a deadtime later: no second fence
        a = feed(node2, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.ACTIVE, NodeStatus.DEAD));
        assertFalse(a.contains(new Fence("node1")));
    }
}
