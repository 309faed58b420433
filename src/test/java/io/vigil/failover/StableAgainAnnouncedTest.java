package io.vigil.failover;

import io.vigil.config.AutoFailback;
import io.vigil.failover.FailoverAction.StartGroup;
import io.vigil.membership.NodeStatus;
import io.vigil.wire.Message;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node that told the cluster {@code isstable=0} must say {@code isstable=1} again once it is stable, even when its
 * holdings did not change: the peers otherwise take it for in flux for ever, and nothing is failed back to it.
 * Found by the simulation, seed 636: after a partition healed, node3 accepted a failback from node1 for a group that
 * node2 (the other side of the split) still ran, so it started nothing; it had answered a query with
 * {@code isstable=0} meanwhile and never announced itself stable again, so node2 never failed the group back to it.
 */
class StableAgainAnnouncedTest extends EngineDriver {

    private static final String G = "192.0.2.10";

    private List<FailoverAction> receive(FailoverEngine e, String src, Message m) {
        return feed(e, new FailoverEvent.MessageReceived(m.add("src", src).add("seq", Integer.toHexString(seq++))
                .add("hg", "3")));
    }

    private static Message resource(String rscHold, String stable, String groups) {
        return Message.of("resource").add("rsc_hold", rscHold).add("rtype", "full").add("isstable", stable)
                .add("groups", groups);
    }

    @Test
    void theAcceptorOfAnExchangeThatStartedNothingAnnouncesItselfStableAgain() {
        FailoverEngine node3 = new FailoverEngine(new FailoverSettings("node3", List.of("node1", "node2", "node3"),
                List.of(new GroupSpec(G, "node3")), AutoFailback.ON, 200, 1400, 2800, false, 1, 0));
        feed(node3, new FailoverEvent.CommUp());
        // both sides of a healed split brain still run our group
        receive(node3, "node1", resource("foreign", "1", G));
        List<FailoverAction> a = receive(node3, "node2", resource("foreign", "1", G));
        assertTrue(a.stream().noneMatch(x -> x instanceof StartGroup));
        assertEquals("STABLE", node3.view().phase());
        feed(node3, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.INIT, NodeStatus.ACTIVE));
        feed(node3, new FailoverEvent.NodeStatusChanged("node2", NodeStatus.INIT, NodeStatus.ACTIVE));

        // node1 fails the group back to us
        a = receive(node3, "node1", Message.of("ask_resources").add("rsc_hold", "foreign").add("info", "me")
                .add("groups", G).add("dest", "node3"));
        assertEquals(List.of("[t=ask_resources, rsc_hold=foreign, info=other, groups=" + G + ", dest=node1]"), sent(a));
        // meanwhile node2 asks for our state: we are in an exchange, so in flux
        a = receive(node3, "node2", resource("foreign", "1", G).add("info", "query"));
        assertEquals(List.of("[t=resource, rsc_hold=none, rtype=full, isstable=0, groups=]"), sent(a));

        // node1 stopped it; node2 still runs it, so there is nothing to start here, but we are stable again
        a = receive(node3, "node1", Message.of("ask_resources").add("rsc_hold", "foreign").add("info", "done")
                .add("groups", G).add("dest", "node3"));
        assertTrue(a.stream().noneMatch(x -> x instanceof StartGroup));
        assertEquals(List.of("[t=ask_resources, rsc_hold=foreign, info=done, groups=" + G + ", dest=node1]",
                "[t=resource, rsc_hold=none, rtype=full, isstable=1, groups=]"), sent(a));
    }
}
