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
 * auto_failback legacy: a peer that restarted may have booted alone behind a partition and taken every group after
 * initdead. When it shows up we ask for our groups with {@code ip-request}, as for any reappearing peer. Found by the
 * simulation, seed 1625: a restarted peer was skipped, so both nodes kept the group after the heal.
 */
class LegacyRestartedPeerTest extends EngineDriver {

    private static final String G = "192.0.2.10";

    private List<FailoverAction> receive(FailoverEngine e, String hg, Message m) {
        return feed(e, new FailoverEvent.MessageReceived(m.add("src", "node2").add("seq", Integer.toHexString(seq++))
                .add("hg", hg)));
    }

    @Test
    void aRestartedPeerIsAskedForOurGroups() {
        FailoverEngine node1 = new FailoverEngine(new FailoverSettings("node1", List.of("node1", "node2"),
                List.of(new GroupSpec(G, "node1")), AutoFailback.LEGACY, 1000, 7000, 14_000, false, 2, 0));
        feed(node1, new FailoverEvent.NodeStatusChanged("node2", NodeStatus.INIT, NodeStatus.ACTIVE));
        assertTrue(sent(feed(node1, new FailoverEvent.CommUp())).contains("[t=ip-request, ipaddr=" + G + "]"));
        List<FailoverAction> a = receive(node1, "1", Message.of("ip-request-resp").add("dest", "node1")
                .add("ipaddr", G).add("weown", "no").add("ok", "OK"));
        assertTrue(a.contains(new StartGroup(G)));
        feed(node1, new FailoverEvent.GroupCompleted(G, GroupOp.START, true, "ok"));

        // node2 stops; later it boots alone behind a partition (and takes G); the partition heals
        receive(node1, "1", Message.of("shutdone").add("st", "dead"));
        feed(node1, new FailoverEvent.NodeStatusChanged("node2", NodeStatus.ACTIVE, NodeStatus.DEAD));
        feed(node1, new FailoverEvent.NodeRestarted("node2"));
        a = feed(node1, new FailoverEvent.NodeStatusChanged("node2", NodeStatus.DEAD, NodeStatus.ACTIVE));
        assertTrue(sent(a).contains("[t=ip-request, ipaddr=" + G + "]"), sent(a).toString());
    }
}
