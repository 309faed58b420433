package io.vigil.failover;

import io.vigil.config.AutoFailback;
import io.vigil.failover.FailoverAction.Log;
import io.vigil.failover.FailoverAction.StartGroup;
import io.vigil.failover.FailoverAction.StopGroup;
import io.vigil.failover.FailoverEvent.GroupOp;
import io.vigil.membership.NodeStatus;
import io.vigil.wire.Message;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Double ownership is judged once the other holder is alive for us. Found by the simulation, seed 3907: node1 rebooted
 * alone behind a partition and took every group; at the heal its {@code resource} reached node2 before the status
 * packet that makes membership report it back. node2 judged the conflict with node1 still dead (so it alone "kept" the
 * group) and never judged it again: both ran the group.
 */
class SplitBrainJudgedWhenPeerAliveTest extends EngineDriver {

    private static final String G = "192.0.2.11";

    private List<FailoverAction> receive(FailoverEngine e, String hg, Message m) {
        return feed(e, new FailoverEvent.MessageReceived(m.add("src", "node1").add("seq", Integer.toHexString(seq++))
                .add("hg", hg)));
    }

    @Test
    void aConflictSeenWhileThePeerWasDeadForUsIsJudgedWhenItIsBack() {
        FailoverEngine node2 = new FailoverEngine(new FailoverSettings("node2", List.of("node1", "node2"),
                List.of(new GroupSpec(G, "node1")), AutoFailback.OFF, 500, 4000, 8000, false, 0, 0));
        feed(node2, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.INIT, NodeStatus.ACTIVE));
        feed(node2, new FailoverEvent.CommUp());
        receive(node2, "1", Message.of("resource").add("rsc_hold", "local").add("rtype", "full").add("isstable", "1"));
        // node1 stops gracefully: its group comes here
        List<FailoverAction> a = receive(node2, "1", Message.of("shutdone").add("st", "dead"));
        a.addAll(feed(node2, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.ACTIVE, NodeStatus.DEAD)));
        assertTrue(a.contains(new StartGroup(G)));
        feed(node2, new FailoverEvent.GroupCompleted(G, GroupOp.START, true, "ok"));

        // node1 booted alone behind a partition and runs G too; at the heal its resource comes first
        a = receive(node2, "2", Message.of("resource").add("rsc_hold", "local").add("rtype", "full")
                .add("isstable", "1").add("info", "query"));
        assertFalse(a.contains(new StopGroup(G)));
        assertTrue(a.stream().noneMatch(x -> x instanceof Log l && l.text().startsWith("Split brain: group")),
                "no verdict while node1 is still dead for us: " + a);
        feed(node2, new FailoverEvent.NodeRestarted("node1"));
        a = feed(node2, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.DEAD, NodeStatus.ACTIVE));
        assertTrue(a.contains(new StopGroup(G)), "node1, the preferred node, keeps it: " + a);
        assertTrue(a.stream().anyMatch(x -> x instanceof Log l && l.text().equals(
                "Split brain: group " + G + " is held by node1 and node2; node1 keeps it, releasing it here")));
    }
}
