package io.vigil.failover;

import io.vigil.config.AutoFailback;
import io.vigil.failover.FailoverAction.Log;
import io.vigil.failover.FailoverAction.Send;
import io.vigil.failover.FailoverAction.StartGroup;
import io.vigil.failover.FailoverEvent.GroupOp;
import io.vigil.membership.NodeStatus;
import io.vigil.wire.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer's cluster messages may arrive before its first status packet (membership reports comm-up and then
 * INIT → active a few ms later). What it told us in the meantime belongs to the same incarnation and must be kept.
 * Found by the simulation: seed 331 (a failback refused with "Other side is in flux", so the cold start converged
 * 10 s late) and seed 965 (the peer's ping count was forgotten, so groups it gave away for connectivity were not
 * marked needs-failback and never returned).
 */
class FirstStatusAfterMessagesTest {

    private final List<FailoverAction> all = new ArrayList<>();
    private long now = 1000;
    private int seq = 1;

    private List<FailoverAction> feed(FailoverEngine e, FailoverEvent ev) {
        now += 10;
        List<FailoverAction> a = e.handle(now, ev);
        all.addAll(a);
        return a;
    }

    private Message from(String src, Message m) {
        return m.add("src", src).add("seq", Integer.toHexString(seq++)).add("hg", "7");
    }

    private List<FailoverAction> receive(FailoverEngine e, String src, Message m) {
        return feed(e, new FailoverEvent.MessageReceived(from(src, m)));
    }

    private static List<String> sent(List<FailoverAction> actions) {
        List<String> r = new ArrayList<>();
        for (FailoverAction a : actions) {
            if (a instanceof Send s) {
                r.add(s.message().toString());
            }
        }
        return r;
    }

    private boolean logged(String text) {
        return all.stream().anyMatch(a -> a instanceof Log l && l.text().equals(text));
    }

    /** Seed 331: node2 boots while node1 holds node2's groups; node1's failback request follows node1's first status. */
    @Test
    void aStandbyRequestAfterThePeersFirstStatusIsAccepted() {
        FailoverEngine node2 = new FailoverEngine(new FailoverSettings("node2", List.of("node1", "node2"),
                List.of(new GroupSpec("192.0.2.10", "node2")), AutoFailback.ON, 200, 600, 1200, false, 1, 0));
        feed(node2, new FailoverEvent.CommUp());
        // node1 (still INIT for membership) holds our group and is stable: we settle holding nothing
        List<FailoverAction> a = receive(node2, "node1", Message.of("resource").add("rsc_hold", "foreign")
                .add("rtype", "full").add("isstable", "1").add("info", "query"));
        assertTrue(a.stream().noneMatch(x -> x instanceof StartGroup));
        assertEquals("STABLE", node2.view().phase());
        feed(node2, new FailoverEvent.NodeStatusChanged("node1", NodeStatus.INIT, NodeStatus.ACTIVE));

        a = receive(node2, "node1", Message.of("ask_resources").add("rsc_hold", "foreign").add("info", "me"));
        assertFalse(logged("standby message [me] from node1 ignored.  Other side is in flux."));
        assertTrue(logged("node1 wants to go standby [foreign]"));
        assertEquals(List.of("[t=ask_resources, rsc_hold=foreign, info=other]"), sent(a));
    }

    /** Seed 965: node1 restarts; node2 (holding everything, no ping node reachable) tells its count before its status. */
    @Test
    void aPingCountHeardBeforeThePeersFirstStatusMarksTheGroupsForFailback() {
        FailoverEngine node1 = new FailoverEngine(new FailoverSettings("node1", List.of("node1", "node2"),
                List.of(new GroupSpec("192.0.2.10", "node2")), AutoFailback.ON, 500, 3000, 6000, false, 1, 2));
        feed(node1, new FailoverEvent.PingReachability(2));
        receive(node1, "node2", Message.of("num_ping_nodes").add("num_ping", "0").add("dest", "node1"));
        feed(node1, new FailoverEvent.CommUp());
        receive(node1, "node2", Message.of("resource").add("rsc_hold", "local").add("rtype", "full")
                .add("isstable", "1"));
        assertEquals("STABLE", node1.view().phase());
        feed(node1, new FailoverEvent.NodeStatusChanged("node2", NodeStatus.INIT, NodeStatus.ACTIVE));
        // node2 repeats its holdings (not its ping count, which it sends only on a change)
        receive(node1, "node2", Message.of("resource").add("rsc_hold", "local").add("rtype", "full")
                .add("isstable", "1"));

        // node2 gives its group to us for connectivity
        receive(node1, "node2", Message.of("ask_resources").add("rsc_hold", "all").add("info", "me"));
        List<FailoverAction> a = receive(node1, "node2", Message.of("ask_resources").add("rsc_hold", "all")
                .add("info", "done"));
        assertTrue(a.contains(new StartGroup("192.0.2.10")));
        feed(node1, new FailoverEvent.GroupCompleted("192.0.2.10", GroupOp.START, true, "ok"));
        receive(node1, "node2", Message.of("resource").add("rsc_hold", "none").add("rtype", "full")
                .add("isstable", "1"));

        // node2 reaches both ping nodes again: auto_failback hands the group back
        a = receive(node1, "node2", Message.of("num_ping_nodes").add("num_ping", "2").add("dest", "node1"));
        assertEquals(List.of("[t=ask_resources, rsc_hold=foreign, info=me]"), sent(a));
    }
}
