package io.vigil.membership;

import io.vigil.membership.MembershipEvent.Deliver;
import io.vigil.membership.MembershipEvent.Dropped;
import io.vigil.membership.MembershipEvent.NodeStatusChanged;
import io.vigil.membership.MembershipEvent.PeerIncarnationNoted;
import io.vigil.membership.MembershipEvent.RetransmitRequest;
import io.vigil.membership.MembershipEvent.Send;
import io.vigil.membership.MembershipTest.Peer;
import io.vigil.wire.DropReason;
import io.vigil.wire.Fields;
import io.vigil.wire.Message;
import io.vigil.wire.NsRateLimiter;
import io.vigil.wire.PeerIncarnation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static io.vigil.membership.MembershipTest.ETH0;
import static io.vigil.membership.MembershipTest.T0;
import static io.vigil.membership.MembershipTest.pair;
import static io.vigil.membership.NodeStatus.ACTIVE;
import static io.vigil.membership.NodeStatus.DEAD;
import static io.vigil.membership.NodeStatus.INIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 item 2, attacked: captured packets played to a node, above all just after it restarted. Every replay must
 * be refused and change nothing (the peer is not declared gone, nothing is handed to the engine); the peer's real
 * traffic, its restarts and a lossy first contact must still work.
 */
class IncarnationReplayTest {

    private static Optional<DropReason> dropReason(List<MembershipEvent> ev) {
        return ev.stream().filter(e -> e instanceof Dropped).map(e -> ((Dropped) e).reason()).findFirst();
    }

    private static List<PeerIncarnation> noted(List<MembershipEvent> ev) {
        return ev.stream().filter(e -> e instanceof PeerIncarnationNoted).map(e -> ((PeerIncarnationNoted) e).incarnation())
                .toList();
    }

    private static boolean delivered(List<MembershipEvent> ev) {
        return ev.stream().anyMatch(e -> e instanceof Deliver);
    }

    private static boolean statusChanged(List<MembershipEvent> ev) {
        return ev.stream().anyMatch(e -> e instanceof NodeStatusChanged c && c.node().equals("bob"));
    }

    /** Runs bob's traffic through a first alice; what alice kept when she stopped. */
    private static List<PeerIncarnation> aliceRanWith(Peer bob, int statuses, List<Message> captured) {
        Membership alice = new Membership(pair(), T0, new Random(1));
        List<PeerIncarnation> kept = new ArrayList<>();
        for (int i = 0; i < statuses; i++) {
            Message m = bob.status("active");
            captured.add(m);
            kept.addAll(noted(alice.onMessage(T0 + 1000L * i, m, ETH0)));
        }
        kept.addAll(alice.peerIncarnations()); // written once more at shutdown
        return kept;
    }

    private static Membership restarted(List<PeerIncarnation> kept) {
        Membership alice = new Membership(pair(), T0 + 100_000, new Random(2));
        // the store keeps the latest record per node
        alice.restore(List.of(kept.get(kept.size() - 1)));
        return alice;
    }

    @Test
    void aShutdoneCapturedInAnEarlierIncarnationIsAReplayAfterOurRestart() {
        Peer bob = new Peer("bob", 40);
        Membership before = new Membership(pair(), T0, new Random(1));
        before.onMessage(T0, bob.status("active"), ETH0);
        Message goodbye = bob.stamp(Message.of("shutdone"));
        List<MembershipEvent> ev = before.onMessage(T0 + 500, goodbye, ETH0);
        assertEquals(List.of(new PeerIncarnation("bob", 40, 2, 0x6b05b70aL, true)), noted(ev),
                "a goodbye is kept at once: that generation is closed");
        bob.restart();
        ev = before.onMessage(T0 + 5000, bob.status("active"), ETH0);
        PeerIncarnation kept = noted(ev).get(0);
        assertEquals(new PeerIncarnation("bob", 41, 1, 0x6b05b70aL, false), kept, "a restart is kept at once");

        Membership alice = restarted(List.of(kept));
        ev = alice.onMessage(T0 + 100_010, goodbye, ETH0);
        assertEquals(Optional.of(DropReason.REPLAY), dropReason(ev));
        assertFalse(statusChanged(ev), "bob is not declared gone");
        assertEquals(INIT, alice.status("bob").orElseThrow());
        assertFalse(alice.commUp());
    }

    @Test
    void capturesOfTheCurrentIncarnationUpToWhatWasKeptAreReplays() {
        Peer bob = new Peer("bob", 7);
        List<Message> captured = new ArrayList<>();
        List<PeerIncarnation> kept = aliceRanWith(bob, 25, captured);
        assertEquals(new PeerIncarnation("bob", 7, 25, 0x6b05b70aL, false), kept.get(kept.size() - 1));
        assertEquals(4, kept.size(), "opened at once, then at most every 10 s (seq 11, 21), and at shutdown");

        Membership alice = restarted(kept);
        for (Message m : captured) {
            List<MembershipEvent> ev = alice.onMessage(T0 + 100_010, m, ETH0);
            assertEquals(Optional.of(DropReason.REPLAY), dropReason(ev), m.toString());
            assertFalse(statusChanged(ev));
        }
        assertEquals(INIT, alice.status("bob").orElseThrow());
        // bob's next real status opens the record
        List<MembershipEvent> ev = alice.onMessage(T0 + 100_500, bob.status("active"), ETH0);
        assertEquals(Optional.empty(), dropReason(ev));
        assertEquals(ACTIVE, alice.status("bob").orElseThrow());
        // still refused once open, even those just below the first number heard (reordering tolerance)
        assertEquals(Optional.of(DropReason.REPLAY), dropReason(alice.onMessage(T0 + 100_510,
                captured.get(captured.size() - 1), ETH0)));
    }

    @Test
    void aGenerationThatSaidGoodbyeStaysClosedAfterOurRestart() {
        Membership alice = new Membership(pair(), T0, new Random(1));
        alice.restore(List.of(new PeerIncarnation("bob", 9, 30, 1000, true)));
        Peer bob = new Peer("bob", 9);
        bob.seq = 40; // statuses of generation 9 sent after its goodbye (Heartbeat keeps sending for ~2 s)
        assertEquals(Optional.of(DropReason.REPLAY), dropReason(alice.onMessage(T0 + 10, bob.status("active"), ETH0)));
        bob.restart();
        List<MembershipEvent> ev = alice.onMessage(T0 + 20, bob.status("active"), ETH0);
        assertEquals(Optional.empty(), dropReason(ev), "its next generation is welcome");
        assertEquals(ACTIVE, alice.status("bob").orElseThrow());
        assertFalse(ev.stream().anyMatch(e -> e instanceof MembershipEvent.NodeRestarted),
                "a first contact for this node: the engine never knew the old incarnation");
    }

    @Test
    void aPeersRestartWhileWeWereDownIsWelcomeWhateverItsTs() {
        Membership alice = new Membership(pair(), T0, new Random(1));
        alice.restore(List.of(new PeerIncarnation("bob", 1_700_000_000L, 500, 0x7fffffffL, false)));
        // Heartbeat with hbgenmethod time: a later start is a higher generation; its clock may say anything
        Message status = Message.of("status").add("st", "active").add("dt", "2710").add("src", "bob").add("seq", "1")
                .add("hg", Long.toHexString(1_700_000_900L)).add("ts", "1");
        assertEquals(Optional.empty(), dropReason(alice.onMessage(T0 + 10, status, ETH0)));
        assertEquals(ACTIVE, alice.status("bob").orElseThrow());
    }

    @Test
    void onlyAStatusOpensTheRecordAndWhatCameBeforeItIsAskedForAgain() {
        Peer bob = new Peer("bob", 3);
        Membership alice = new Membership(pair(), T0, new Random(1));
        bob.seq = 10;
        Message starting = bob.of("starting");       // seq 11, overtakes bob's status
        Message status = bob.status("active");        // seq 12
        List<MembershipEvent> ev = alice.onMessage(T0 + 10, starting, ETH0);
        assertEquals(Optional.of(DropReason.NO_STATUS_YET), dropReason(ev));
        assertFalse(delivered(ev));
        ev = alice.onMessage(T0 + 20, status, ETH0);
        assertEquals(ACTIVE, alice.status("bob").orElseThrow());
        List<Message> asked = new ArrayList<>();
        for (long t = T0 + 30; t <= T0 + 400; t += 10) {
            alice.tick(t).stream().filter(e -> e instanceof Send).map(e -> ((Send) e).message()).forEach(asked::add);
        }
        assertEquals(1, asked.size(), asked.toString());
        assertEquals(Fields.T_REXMIT, asked.get(0).type());
        assertEquals("11", asked.get(0).get(Fields.FIRSTSEQ).orElseThrow(), "the message dropped before the status");
        ev = alice.onMessage(T0 + 410, starting, ETH0); // bob sends it again
        assertTrue(delivered(ev), "taken when sent again: " + ev);
    }

    @Test
    void nsRexmitIsActedUponOnceAndOnlyFromTheCurrentOpenIncarnation() {
        Peer bob = new Peer("bob", 5);
        Membership alice = new Membership(pair(), T0, new Random(1));
        Message rexmit = Message.of(Fields.T_REXMIT).add("dest", "alice").add("firstseq", "3").add("lastseq", "3")
                .add("src", "bob").add("hg", "5").add("ts", "6b05b70a");
        assertEquals(Optional.of(DropReason.NO_STATUS_YET), dropReason(alice.onMessage(T0, rexmit, ETH0)),
                "no record yet: a replay to a node that just started");
        alice.onMessage(T0 + 10, bob.status("active"), ETH0);
        List<MembershipEvent> ev = alice.onMessage(T0 + 20, rexmit, ETH0);
        assertTrue(ev.stream().anyMatch(e -> e instanceof RetransmitRequest), "bob's real request is answered");
        for (int i = 0; i < 100; i++) {
            ev = alice.onMessage(T0 + 30 + i, rexmit, ETH0);
            assertFalse(ev.stream().anyMatch(e -> e instanceof RetransmitRequest), "the same request again is not");
            assertEquals(Optional.empty(), dropReason(ev), "a copy on another medium is not counted as a drop");
        }
        // bob's clock moves on (ts in seconds): the capture falls behind his newest message
        Message later = Message.of("status").add("st", "active").add("dt", "2710").add("src", "bob")
                .add("seq", Long.toHexString(++bob.seq)).add("hg", "5").add("ts", "6b05b70d");
        alice.onMessage(T0 + 3000, later, ETH0);
        assertEquals(Optional.of(DropReason.STALE), dropReason(alice.onMessage(T0 + 3010, rexmit, ETH0)));
        // an older generation's request
        Message old = Message.of(Fields.T_REXMIT).add("dest", "alice").add("firstseq", "4").add("lastseq", "4")
                .add("src", "bob").add("hg", "4").add("ts", "6b05b70d");
        assertEquals(Optional.of(DropReason.REPLAY), dropReason(alice.onMessage(T0 + 3020, old, ETH0)));
    }

    @Test
    void nsMessagesOverTheCeilingAreDroppedAndNamed() {
        Peer bob = new Peer("bob", 5);
        Membership alice = new Membership(pair(), T0, new Random(1));
        alice.onMessage(T0, bob.status("active"), ETH0);
        int answered = 0;
        int limited = 0;
        for (int i = 1; i <= 400; i++) { // distinct requests in one instant
            Message r = Message.of(Fields.T_REXMIT).add("dest", "alice").add("firstseq", Integer.toString(i))
                    .add("lastseq", Integer.toString(i)).add("src", "bob").add("hg", "5").add("ts", "6b05b70a");
            List<MembershipEvent> ev = alice.onMessage(T0 + 1, r, ETH0);
            if (ev.stream().anyMatch(e -> e instanceof RetransmitRequest)) {
                answered++;
            }
            if (dropReason(ev).equals(Optional.of(DropReason.RATE_LIMITED))) {
                limited++;
            }
        }
        assertEquals((int) NsRateLimiter.REXMIT_BURST, answered);
        assertEquals(400 - answered, limited);
    }

    @Test
    void aRestartOfTheRealPeerStillWorksAndIsKept() {
        Peer bob = new Peer("bob", 5);
        Membership alice = new Membership(pair(), T0, new Random(1));
        alice.onMessage(T0, bob.status("active"), ETH0);
        bob.restart();
        List<MembershipEvent> ev = alice.onMessage(T0 + 1000, bob.of("starting"), ETH0);
        assertTrue(ev.stream().anyMatch(e -> e instanceof MembershipEvent.NodeRestarted));
        assertEquals(List.of(new PeerIncarnation("bob", 6, 1, 0x6b05b70aL, false)), noted(ev));
        assertTrue(delivered(ev), "a known node's new incarnation may speak before its status (it cannot be a replay)");
        assertEquals(List.of(new PeerIncarnation("bob", 6, 1, 0x6b05b70aL, false)), alice.peerIncarnations());
        assertFalse(alice.status("bob").orElseThrow() == DEAD);
    }
}
