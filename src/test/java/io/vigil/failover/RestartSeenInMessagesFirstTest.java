package io.vigil.failover;

import io.vigil.config.AutoFailback;
import io.vigil.failover.FailoverAction.StartGroup;
import io.vigil.failover.FailoverEvent.GroupOp;
import io.vigil.membership.NodeStatus;
import io.vigil.wire.Message;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Membership notices a restart from the node's first status packet of its new generation; the node's {@code starting}
 * and {@code resource} may arrive before it. Found by the simulation, seed 2254: the late NodeRestarted wiped what the
 * new incarnation had said (stable, holding nothing), so it stayed "starting" for us and auto_failback never gave its
 * group back.
 */
class RestartSeenInMessagesFirstTest extends EngineDriver {

    private static final String G = "192.0.2.12";

    private List<FailoverAction> receive(FailoverEngine e, String hg, Message m) {
        return feed(e, new FailoverEvent.MessageReceived(m.add("src", "node1").add("seq", Integer.toHexString(seq++))
                .add("hg", hg)));
    }

    @Test
    void messagesOfTheNewGenerationBeforeMembershipNoticesTheRestartAreKept() {
        FailoverEngine node3 = new FailoverEngine(new FailoverSettings("node3", List.of("node1", "node3"),
                List.of(new GroupSpec(G, "node1")), AutoFailback.ON, 1000, 5000, 10_000, false, 1, 0));
        feed(node3, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.INIT, NodeStatus.ACTIVE));
        feed(node3, new FailoverEvent.CommUp());
        receive(node3, "1", Message.of("resource").add("rsc_hold", "local").add("rtype", "full").add("isstable", "1"));
        // node1 crashes: its group comes here (needs failback)
        List<FailoverAction> a = feed(node3, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.ACTIVE, NodeStatus.DEAD));
        assertTrue(a.contains(new StartGroup(G)));
        feed(node3, new FailoverEvent.GroupCompleted(G, GroupOp.START, true, "ok"));

        // node1 reboots (generation 2): its starting and its stable resource come before its first status
        receive(node3, "2", Message.of("starting"));
        receive(node3, "2", Message.of("resource").add("rsc_hold", "none").add("rtype", "full").add("isstable", "1")
                .add("info", "req_our_resources()"));
        feed(node3, new FailoverEvent.NodeRestarted("node1"));
        a = feed(node3, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.DEAD, NodeStatus.ACTIVE));
        assertEquals(List.of("[t=ask_resources, rsc_hold=foreign, info=me]"), sent(a),
                "node1 is stable: its group goes back to it");
    }
}
