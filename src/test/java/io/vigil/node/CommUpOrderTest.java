package io.vigil.node;

import io.vigil.membership.MembershipEvent;
import io.vigil.membership.NodeStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The engine hears about the peer whose packet brought communication up before it hears "comm up". */
class CommUpOrderTest {

    @Test
    void commUpIsDeliveredAfterThePeersStatus() {
        MembershipEvent up = new MembershipEvent.CommUp();
        MembershipEvent peer = new MembershipEvent.NodeStatusChanged("linux2", NodeStatus.INIT, NodeStatus.ACTIVE);
        MembershipEvent log = new MembershipEvent.Log(System.Logger.Level.INFO, "Comm_now_up(): updating status to active");
        assertEquals(List.of(log, peer, up), NodeCore.commUpLast(List.of(log, up, peer)));
    }

    @Test
    void batchesWithoutCommUpAreUntouched() {
        List<MembershipEvent> events = List.of(new MembershipEvent.NodeStatusChanged("linux2", NodeStatus.ACTIVE, NodeStatus.DEAD));
        assertEquals(events, NodeCore.commUpLast(events));
    }
}
