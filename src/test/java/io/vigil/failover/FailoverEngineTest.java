package io.vigil.failover;

import io.vigil.config.AutoFailback;
import io.vigil.failover.FailoverAction.Announce;
import io.vigil.failover.FailoverAction.Log;
import io.vigil.failover.FailoverAction.Send;
import io.vigil.failover.FailoverAction.ShutdownComplete;
import io.vigil.failover.FailoverAction.StartGroup;
import io.vigil.failover.FailoverAction.StopGroup;
import io.vigil.failover.FailoverEvent.GroupOp;
import io.vigil.membership.NodeStatus;
import io.vigil.wire.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two-node behaviour against Heartbeat's messages and log wording (reference §5, §9.9). */
class FailoverEngineTest {

    private static final GroupSpec VIP = new GroupSpec("192.0.2.253", "alice");

    private final List<FailoverAction> all = new ArrayList<>();
    private long now = 1000;
    private int seq = 1;

    private FailoverEngine engine(AutoFailback af, String local) {
        return new FailoverEngine(new FailoverSettings(local, List.of("alice", "bob"), List.of(VIP), af, 1000, 10000,
                20000, false, 1, 0));
    }

    private List<FailoverAction> feed(FailoverEngine e, FailoverEvent ev) {
        now += 10;
        List<FailoverAction> a = e.handle(now, ev);
        all.addAll(a);
        return a;
    }

    private Message from(String src, Message m) {
        return m.add("src", src).add("seq", Integer.toHexString(seq++)).add("hg", "5");
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

    /** Both up, alice active; bob's engine is given alice's view as events. */
    private FailoverEngine upWithPeer(FailoverEngine e, String peer) {
        feed(e, new FailoverEvent.NodeStatusChanged(peer, NodeStatus.INIT, NodeStatus.ACTIVE));
        return e;
    }

    @Test
    void restartAgainstStablePeerHoldingEverythingAcquiresNothing() {
        FailoverEngine alice = upWithPeer(engine(AutoFailback.OFF, "alice"), "bob");
        assertEquals(List.of("[t=starting]"), sent(feed(alice, new FailoverEvent.CommUp())));
        assertEquals("STARTING", alice.view().phase());
        List<FailoverAction> a = feed(alice, new FailoverEvent.MessageReceived(from("bob",
                Message.of("resource").add("rsc_hold", "all").add("rtype", "full").add("isstable", "1"))));
        assertTrue(a.stream().noneMatch(x -> x instanceof StartGroup));
        assertTrue(logged("remote resource transition completed."));
        assertTrue(logged("Local Resource acquisition completed. (none)"));
        assertEquals(List.of("[t=resource, rsc_hold=none, rtype=full, isstable=1, info=req_our_resources()]"), sent(a));
        assertEquals("STABLE", alice.view().phase());
        assertEquals(ResourceSet.NONE, alice.view().holding());
    }

    @Test
    void answersStartingWithItsHoldingsAndStableFlag() {
        FailoverEngine bob = holdingAll("bob");
        List<FailoverAction> a = feed(bob, new FailoverEvent.MessageReceived(from("alice", Message.of("starting"))));
        assertEquals(List.of("[t=resource, rsc_hold=foreign, rtype=full, isstable=1]"), sent(a));
    }

    /** bob alone: alice declared dead before comm-up, so bob takes alice's group. */
    private FailoverEngine holdingAll(String me) {
        FailoverEngine e = engine(AutoFailback.ON, me);
        String peer = me.equals("alice") ? "bob" : "alice";
        feed(e, new FailoverEvent.NodeStatusChanged(peer, NodeStatus.INIT, NodeStatus.DEAD));
        List<FailoverAction> a = feed(e, new FailoverEvent.CommUp());
        assertTrue(a.contains(new StartGroup(VIP.key())));
        feed(e, new FailoverEvent.GroupCompleted(VIP.key(), GroupOp.START, true, "ok"));
        assertTrue(logged("No STONITH device configured."));
        assertTrue(logged("Shared disks are not protected."));
        assertTrue(logged("Resources being acquired from " + peer + "."));
        assertTrue(logged("mach_down takeover complete."));
        assertTrue(logged("Initial resource acquisition complete (mach_down)"));
        feed(e, new FailoverEvent.NodeStatusChanged(peer, NodeStatus.DEAD, NodeStatus.UP));
        return e;
    }

    @Test
    void autoFailbackOnHandsTheGroupBackWithTheThreePhaseExchange() {
        FailoverEngine bob = holdingAll("bob");
        feed(bob, new FailoverEvent.MessageReceived(from("alice", Message.of("starting"))));
        List<FailoverAction> a = feed(bob, new FailoverEvent.MessageReceived(from("alice",
                Message.of("resource").add("rsc_hold", "none").add("rtype", "full").add("isstable", "1"))));
        assertEquals(List.of("[t=ask_resources, rsc_hold=foreign, info=me]"), sent(a));
        assertTrue(logged("bob wants to go standby [foreign]"));
        a = feed(bob, new FailoverEvent.MessageReceived(from("alice",
                Message.of("ask_resources").add("rsc_hold", "foreign").add("info", "other"))));
        assertTrue(logged("standby: alice can take our foreign resources"));
        assertTrue(logged("give up foreign HA resources (standby)."));
        assertTrue(a.contains(new StopGroup(VIP.key())));
        assertEquals(List.of("[t=resource, rsc_hold=foreign, rtype=full, isstable=0, info=standby]"), sent(a));
        a = feed(bob, new FailoverEvent.GroupCompleted(VIP.key(), GroupOp.STOP, true, "ok"));
        assertTrue(logged("foreign HA resource release completed (standby)."));
        assertEquals(List.of("[t=ask_resources, rsc_hold=foreign, info=done]"), sent(a));
        a = feed(bob, new FailoverEvent.MessageReceived(from("alice",
                Message.of("ask_resources").add("rsc_hold", "foreign").add("info", "done"))));
        assertTrue(logged("Other node completed standby takeover of foreign resources."));
        assertEquals(List.of("[t=resource, rsc_hold=none, rtype=full, isstable=1]"), sent(a));
    }

    @Test
    void acceptorSideOfStandbyStartsTheGroupsAfterDone() {
        FailoverEngine alice = upWithPeer(engine(AutoFailback.OFF, "alice"), "bob");
        feed(alice, new FailoverEvent.CommUp());
        feed(alice, new FailoverEvent.MessageReceived(from("bob",
                Message.of("resource").add("rsc_hold", "all").add("rtype", "full").add("isstable", "1"))));
        List<FailoverAction> a = feed(alice, new FailoverEvent.MessageReceived(from("bob",
                Message.of("ask_resources").add("rsc_hold", "all").add("info", "me"))));
        assertTrue(logged("bob wants to go standby [all]"));
        assertEquals(List.of("[t=ask_resources, rsc_hold=all, info=other]"), sent(a));
        a = feed(alice, new FailoverEvent.MessageReceived(from("bob",
                Message.of("ask_resources").add("rsc_hold", "all").add("info", "done"))));
        assertTrue(logged("standby: acquire [all] resources from bob"));
        assertTrue(a.contains(new StartGroup(VIP.key())));
        a = feed(alice, new FailoverEvent.GroupCompleted(VIP.key(), GroupOp.START, true, "ok"));
        assertTrue(logged("Standby resource acquisition done [all]."));
        assertEquals(List.of("[t=ask_resources, rsc_hold=all, info=done]",
                "[t=resource, rsc_hold=local, rtype=full, isstable=1]"), sent(a));
    }

    @Test
    void standbyWithoutReplyIsCancelledAfterTenSeconds() {
        FailoverEngine bob = holdingAll("bob");
        feed(bob, new FailoverEvent.MessageReceived(from("alice",
                Message.of("resource").add("rsc_hold", "none").add("rtype", "full").add("isstable", "0"))));
        feed(bob, new FailoverEvent.OperatorRequest(FailoverEvent.OperatorKind.STANDBY, ResourceSet.ALL));
        assertTrue(logged("Going standby [all]."));
        now += 10_001;
        feed(bob, new FailoverEvent.Tick());
        assertTrue(logged("No reply to standby request.  Standby request cancelled."));
        assertEquals("", bob.view().standby());
    }

    @Test
    void hbTakeoverFromThePeerMakesUsGoStandbyWithTheMirroredSet() {
        FailoverEngine bob = holdingAll("bob");
        feed(bob, new FailoverEvent.MessageReceived(from("alice",
                Message.of("resource").add("rsc_hold", "none").add("rtype", "full").add("isstable", "0"))));
        List<FailoverAction> a = feed(bob, new FailoverEvent.MessageReceived(from("alice",
                Message.of("hb_takeover").add("rsc_hold", "local"))));
        assertEquals(List.of("[t=ask_resources, rsc_hold=foreign, info=me]"), sent(a));
    }

    @Test
    void shutdownGivesEverythingUpThenSendsShutdone() {
        FailoverEngine bob = holdingAll("bob");
        List<FailoverAction> a = feed(bob, new FailoverEvent.ShutdownRequested());
        assertEquals(List.of("[t=resource, rsc_hold=none, rtype=full, isstable=0, info=shutdown]"), sent(a));
        assertTrue(logged("Giving up all HA resources."));
        assertTrue(a.contains(new StopGroup(VIP.key())));
        a = feed(bob, new FailoverEvent.GroupCompleted(VIP.key(), GroupOp.STOP, true, "ok"));
        assertTrue(logged("All HA resources relinquished."));
        assertEquals(List.of("[t=shutdone, st=dead]"), sent(a));
        assertTrue(a.get(a.size() - 1) instanceof ShutdownComplete);
        assertEquals("STOPPED", bob.view().phase());
    }

    @Test
    void peerShutdownIsTakenOverAtOnceWithoutFencing() {
        FailoverEngine alice = upWithPeer(engine(AutoFailback.ON, "alice"), "bob");
        feed(alice, new FailoverEvent.CommUp());
        feed(alice, new FailoverEvent.MessageReceived(from("bob",
                Message.of("resource").add("rsc_hold", "all").add("rtype", "full").add("isstable", "1"))));
        feed(alice, new FailoverEvent.MessageReceived(from("bob",
                Message.of("resource").add("rsc_hold", "none").add("rtype", "full").add("isstable", "0").add("info", "shutdown"))));
        feed(alice, new FailoverEvent.NodeStatusChanged("bob", NodeStatus.ACTIVE, NodeStatus.DEAD));
        List<FailoverAction> a = feed(alice, new FailoverEvent.MessageReceived(from("bob", Message.of("shutdone").add("st", "dead"))));
        assertTrue(logged("Dead node bob gave up resources."));
        assertTrue(logged("Resources being acquired from bob."));
        assertTrue(all.contains(new StartGroup(VIP.key())));
        assertTrue(!logged("No STONITH device configured."));
    }

    @Test
    void splitBrainHealKeepsTheGroupOnThePreferredNodeAndReannouncesIt() {
        FailoverEngine alice = upWithPeer(engine(AutoFailback.OFF, "alice"), "bob");
        feed(alice, new FailoverEvent.CommUp());
        feed(alice, new FailoverEvent.MessageReceived(from("bob",
                Message.of("resource").add("rsc_hold", "none").add("rtype", "full").add("isstable", "0"))));
        feed(alice, new FailoverEvent.GroupCompleted(VIP.key(), GroupOp.START, true, "ok"));
        feed(alice, new FailoverEvent.NodeStatusChanged("bob", NodeStatus.ACTIVE, NodeStatus.DEAD));
        feed(alice, new FailoverEvent.PartitionHealed("bob"));
        List<FailoverAction> a = feed(alice, new FailoverEvent.MessageReceived(from("bob",
                Message.of("resource").add("rsc_hold", "foreign").add("rtype", "full").add("isstable", "1"))));
        assertTrue(a.contains(new Announce(VIP.key())));
        assertTrue(a.stream().noneMatch(x -> x instanceof StopGroup));
        // and the other side releases it
        FailoverEngine bob = holdingAll("bob");
        a = feed(bob, new FailoverEvent.MessageReceived(from("alice",
                Message.of("resource").add("rsc_hold", "local").add("rtype", "full").add("isstable", "1"))));
        assertTrue(a.contains(new StopGroup(VIP.key())));
    }

    @Test
    void failedMonitorRestartsLocallyThenFailsOver() {
        FailoverEngine bob = holdingAll("bob");
        List<FailoverAction> a = feed(bob, new FailoverEvent.MonitorFailed(VIP.key(), "exit 7"));
        assertTrue(a.contains(new StopGroup(VIP.key())));
        a = feed(bob, new FailoverEvent.GroupCompleted(VIP.key(), GroupOp.STOP, true, "ok"));
        assertTrue(a.contains(new StartGroup(VIP.key())), "restart 1 of 1");
        feed(bob, new FailoverEvent.GroupCompleted(VIP.key(), GroupOp.START, true, "ok"));
        a = feed(bob, new FailoverEvent.MonitorFailed(VIP.key(), "exit 7"));
        assertTrue(a.contains(new StopGroup(VIP.key())));
        a = feed(bob, new FailoverEvent.GroupCompleted(VIP.key(), GroupOp.STOP, true, "ok"));
        assertTrue(sent(a).stream().anyMatch(m -> m.contains("failed=" + VIP.key())), sent(a).toString());
        assertEquals(GroupState.FAILED, bob.view().groups().get(VIP.key()));
    }

    @Test
    void aFailureHereIsForgivenWhenTheClusterChanges() {
        FailoverEngine bob = holdingAll("bob");
        for (int i = 0; i < 2; i++) {
            feed(bob, new FailoverEvent.MonitorFailed(VIP.key(), "exit 7"));
            feed(bob, new FailoverEvent.GroupCompleted(VIP.key(), GroupOp.STOP, true, "ok"));
            if (i == 0) {
                feed(bob, new FailoverEvent.GroupCompleted(VIP.key(), GroupOp.START, true, "ok"));
            }
        }
        assertEquals(GroupState.FAILED, bob.view().groups().get(VIP.key()));
        feed(bob, new FailoverEvent.NodeStatusChanged("alice", NodeStatus.ACTIVE, NodeStatus.DEAD));
        assertEquals(GroupState.FAILED, bob.view().groups().get(VIP.key()), "no retry while nothing changed for the better");
        feed(bob, new FailoverEvent.NodeStatusChanged("alice", NodeStatus.DEAD, NodeStatus.ACTIVE));
        assertTrue(logged("Group " + VIP.key() + " may start here again (alice is back)."));
        assertTrue(bob.view().groups().get(VIP.key()) != GroupState.FAILED);
    }

    @Test
    void legacyWarnsAndRefusesStandby() {
        FailoverEngine alice = engine(AutoFailback.LEGACY, "alice");
        feed(alice, new FailoverEvent.NodeStatusChanged("bob", NodeStatus.INIT, NodeStatus.ACTIVE));
        assertTrue(logged("Deprecated 'legacy' auto_failback option selected."));
        assertTrue(logged("Please convert to 'auto_failback on'."));
        assertTrue(logged("See documentation for conversion details."));
        List<FailoverAction> a = feed(alice, new FailoverEvent.CommUp());
        assertEquals(List.of("[t=ip-request, ipaddr=192.0.2.253]"), sent(a));
        a = feed(alice, new FailoverEvent.MessageReceived(from("bob", new Message().add("t", "ip-request-resp")
                .add("dest", "alice").add("ipaddr", VIP.key()).add("weown", "yes").add("ok", "OK"))));
        assertTrue(a.contains(new StartGroup(VIP.key())));
        feed(alice, new FailoverEvent.OperatorRequest(FailoverEvent.OperatorKind.STANDBY, ResourceSet.ALL));
        assertTrue(logged("Standby mode only implemented when nice_failback on"));
    }
}
