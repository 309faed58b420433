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
 * A restarting node sends {@code starting} and, answering a query, a {@code resource isstable=0} right after; the
 * second may overtake the first. The late {@code starting} is stale as a state, but it still waits for our answer.
 * Found by the simulation, seed 1150: the answer was never sent, the restarted node settled after RQSTDELAY without
 * knowing that we held its group, started it, and the split-brain rule moved the group with auto_failback off.
 */
class OvertakenStartingTest extends EngineDriver {

    private static final String G = "192.0.2.10";

    private static Message from(long seq, Message m) {
        return m.add("src", "node2").add("seq", Long.toHexString(seq)).add("hg", "2");
    }

    @Test
    void aStartingOvertakenByTheSendersResourceIsStillAnswered() {
        FailoverEngine node3 = new FailoverEngine(new FailoverSettings("node3", List.of("node2", "node3"),
                List.of(new GroupSpec(G, "node2")), AutoFailback.OFF, 200, 1600, 3200, false, 2, 0));
        // node2 is dead at our start: we take its group
        feed(node3, new FailoverEvent.NodeStatusChanged("node2", NodeStatus.INIT, NodeStatus.DEAD));
        assertTrue(feed(node3, new FailoverEvent.CommUp()).contains(new StartGroup(G)));
        feed(node3, new FailoverEvent.GroupCompleted(G, GroupOp.START, true, "ok"));

        // node2 restarts (new generation)
        feed(node3, new FailoverEvent.NodeRestarted("node2"));
        feed(node3, new FailoverEvent.NodeStatusChanged("node2", NodeStatus.DEAD, NodeStatus.UP));
        List<FailoverAction> a = feed(node3, new FailoverEvent.MessageReceived(from(2, Message.of("resource")
                .add("rsc_hold", "none").add("rtype", "full").add("isstable", "0"))));
        a.addAll(feed(node3, new FailoverEvent.MessageReceived(from(1, Message.of("starting")))));
        assertEquals(List.of("[t=resource, rsc_hold=foreign, rtype=full, isstable=1]"), sent(a));
    }
}
