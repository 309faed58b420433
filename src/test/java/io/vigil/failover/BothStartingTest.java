package io.vigil.failover;

import io.vigil.config.AutoFailback;
import io.vigil.membership.NodeStatus;
import io.vigil.wire.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both nodes start together (Heartbeat's BOTHSTARTING): each node acquires only its own local groups. Seen in the
 * lab: the non-preferred node also started the preferred node's group at comm-up, then released it again
 * ("Split brain: … linux1 keeps it"), because a peer that was not yet stable did not count as a placement.
 */
class BothStartingTest {

    private static final String VIP = "192.0.2.253";
    private long seq;

    private FailoverEngine engine(String me) {
        return new FailoverEngine(new FailoverSettings(me, List.of("linux1", "linux2"),
                List.of(new GroupSpec(VIP, "linux1")), AutoFailback.ON, 500, 3000, 30_000, false, 0, 0));
    }

    private Message from(String node, Message m) {
        return m.add("src", node).add("hg", "10").add("seq", Long.toHexString(++seq));
    }

    private static List<String> starts(List<FailoverAction> actions) {
        List<String> keys = new ArrayList<>();
        for (FailoverAction a : actions) {
            if (a instanceof FailoverAction.StartGroup s) {
                keys.add(s.key());
            }
        }
        return keys;
    }

    @Test
    void theNonPreferredNodeLeavesTheGroupToItsStartingPreferredNode() {
        FailoverEngine linux2 = engine("linux2");
        List<FailoverAction> all = new ArrayList<>();
        all.addAll(linux2.handle(0, new FailoverEvent.NodeStatusChanged("linux1", NodeStatus.INIT, NodeStatus.ACTIVE)));
        all.addAll(linux2.handle(1, new FailoverEvent.CommUp()));
        all.addAll(linux2.handle(50, new FailoverEvent.MessageReceived(from("linux1", Message.of("starting")))));
        // linux1 answers our `starting` while it is itself starting: holds nothing, not stable
        all.addAll(linux2.handle(80, new FailoverEvent.MessageReceived(from("linux1", Message.of("resource")
                .add("rsc_hold", "none").add("rtype", "full").add("isstable", "0")))));
        for (long t = 250; t <= 12_000; t += 250) {
            all.addAll(linux2.handle(t, new FailoverEvent.Tick()));
        }
        assertEquals(List.of(), starts(all), "linux2 must not start linux1's group while linux1 settles");

        // linux1 settles with its group: still nothing to do here
        List<FailoverAction> later = linux2.handle(12_100, new FailoverEvent.MessageReceived(from("linux1",
                Message.of("resource").add("rsc_hold", "local").add("rtype", "full").add("isstable", "1"))));
        assertEquals(List.of(), starts(later));
    }

    @Test
    void thePreferredNodeTakesItsOwnGroupWhenBothStart() {
        FailoverEngine linux1 = engine("linux1");
        List<FailoverAction> all = new ArrayList<>();
        all.addAll(linux1.handle(0, new FailoverEvent.NodeStatusChanged("linux2", NodeStatus.INIT, NodeStatus.ACTIVE)));
        all.addAll(linux1.handle(1, new FailoverEvent.CommUp()));
        all.addAll(linux1.handle(50, new FailoverEvent.MessageReceived(from("linux2", Message.of("starting")))));
        all.addAll(linux1.handle(80, new FailoverEvent.MessageReceived(from("linux2", Message.of("resource")
                .add("rsc_hold", "none").add("rtype", "full").add("isstable", "0")))));
        for (long t = 250; t <= 12_000; t += 250) {
            all.addAll(linux1.handle(t, new FailoverEvent.Tick()));
        }
        assertEquals(List.of(VIP), starts(all));
    }

    @Test
    void aDeadPreferredNodeStillLosesItsGroupToTheSurvivor() {
        FailoverEngine linux2 = engine("linux2");
        List<FailoverAction> all = new ArrayList<>();
        all.addAll(linux2.handle(0, new FailoverEvent.NodeStatusChanged("linux1", NodeStatus.INIT, NodeStatus.DEAD)));
        all.addAll(linux2.handle(1, new FailoverEvent.CommUp()));
        for (long t = 250; t <= 12_000; t += 250) {
            all.addAll(linux2.handle(t, new FailoverEvent.Tick()));
        }
        assertTrue(starts(all).contains(VIP), "a lone node takes every group");
    }

    /**
     * Seen in the lab: the preferred node restarts while the other holds its group; the other's {@code resource}
     * (answering the restart) overtakes its first {@code status}, so comm-up comes while the peer is still INIT.
     * The preferred node must not start the group the peer announced (no double ownership, no "Split brain").
     */
    @Test
    void aResourceAnnouncementThatOvertakesThePeersFirstStatusCounts() {
        FailoverEngine linux1 = engine("linux1");
        List<FailoverAction> all = new ArrayList<>();
        Message holdsIt = Message.of("resource").add("rsc_hold", "foreign").add("rtype", "full").add("isstable", "1")
                .add("info", "query");
        all.addAll(linux1.handle(0, new FailoverEvent.MessageReceived(from("linux2", holdsIt))));
        all.addAll(linux1.handle(1, new FailoverEvent.CommUp()));
        all.addAll(linux1.handle(300, new FailoverEvent.NodeStatusChanged("linux2", NodeStatus.INIT, NodeStatus.ACTIVE)));
        for (long t = 500; t <= 12_000; t += 250) {
            all.addAll(linux1.handle(t, new FailoverEvent.Tick()));
        }
        assertEquals(List.of(), starts(all), "linux1 started the group linux2 holds");
    }

    @Test
    void aStableAnswerWhileThePeerIsStillInitAlsoCounts() {
        FailoverEngine linux1 = engine("linux1");
        List<FailoverAction> all = new ArrayList<>();
        all.addAll(linux1.handle(0, new FailoverEvent.CommUp()));
        all.addAll(linux1.handle(40, new FailoverEvent.MessageReceived(from("linux2", Message.of("resource")
                .add("rsc_hold", "foreign").add("rtype", "full").add("isstable", "1")))));
        all.addAll(linux1.handle(300, new FailoverEvent.NodeStatusChanged("linux2", NodeStatus.INIT, NodeStatus.ACTIVE)));
        for (long t = 500; t <= 12_000; t += 250) {
            all.addAll(linux1.handle(t, new FailoverEvent.Tick()));
        }
        assertEquals(List.of(), starts(all), "linux1 started the group linux2 holds");
    }
}
