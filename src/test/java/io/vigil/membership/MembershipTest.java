package io.vigil.membership;

import io.vigil.membership.MembershipEvent.CommUp;
import io.vigil.membership.MembershipEvent.LateHeartbeat;
import io.vigil.membership.MembershipEvent.LinkStatusChanged;
import io.vigil.membership.MembershipEvent.Log;
import io.vigil.membership.MembershipEvent.NodeRestarted;
import io.vigil.membership.MembershipEvent.NodeStatusChanged;
import io.vigil.membership.MembershipEvent.ReturnedAfterPartition;
import io.vigil.membership.MembershipEvent.Send;
import io.vigil.wire.Message;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.vigil.membership.NodeStatus.ACTIVE;
import static io.vigil.membership.NodeStatus.DEAD;
import static io.vigil.membership.NodeStatus.INIT;
import static io.vigil.membership.NodeStatus.PING;
import static io.vigil.membership.NodeStatus.UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The failure detector on virtual time: every clock value is passed in, nothing sleeps. */
class MembershipTest {

    static final long T0 = 1_000_000L; // arbitrary monotonic origin: nothing may assume the clock starts at 0
    static final String ETH0 = "eth0";
    static final String ETH1 = "eth1";

    /** alice (us) and bob; keepalive 1 s, deadtime 10 s, warntime 5 s, initdead 20 s, deadping 10 s. */
    static MembershipSettings pair() {
        return new MembershipSettings("alice", List.of("alice", "bob"), List.of(), List.of(ETH0),
                1000, 10_000, 5000, 20_000, 10_000, 250);
    }

    /** {@link #pair()} with one ping node, 192.0.2.1. */
    static MembershipSettings pairPinging() {
        return new MembershipSettings("alice", List.of("alice", "bob"), List.of("192.0.2.1"), List.of(ETH0),
                1000, 10_000, 5000, 20_000, 10_000, 250);
    }

    /** A peer that numbers its packets like Heartbeat does (seq from 1, fixed generation until restart). */
    static final class Peer {
        final String name;
        long generation;
        long seq;

        Peer(String name, long generation) {
            this.name = name;
            this.generation = generation;
        }

        Message status(String st) {
            return status(st, 10_000);
        }

        Message status(String st, long dtMs) {
            return stamp(Message.of("status").add("st", st).add("dt", Long.toHexString(dtMs)));
        }

        Message of(String type) {
            return stamp(Message.of(type));
        }

        Message stamp(Message m) {
            return m.add("src", name).add("seq", Long.toHexString(++seq)).add("hg", Long.toHexString(generation))
                    .add("ts", "6b05b70a");
        }

        void restart() {
            generation++;
            seq = 0;
        }
    }

    static List<String> logs(List<MembershipEvent> events) {
        List<String> out = new ArrayList<>();
        for (MembershipEvent e : events) {
            if (e instanceof Log l) {
                out.add(l.text());
            }
        }
        return out;
    }

    /** The events without log lines, keepalive metrics and incarnations to keep ({@code IncarnationReplayTest}). */
    static List<MembershipEvent> nonLogs(List<MembershipEvent> events) {
        return events.stream().filter(e -> !(e instanceof Log || e instanceof MembershipEvent.KeepaliveArrived
                || e instanceof MembershipEvent.PeerIncarnationNoted)).toList();
    }

    static Level levelOf(List<MembershipEvent> events, String text) {
        for (MembershipEvent e : events) {
            if (e instanceof Log l && l.text().equals(text)) {
                return l.level();
            }
        }
        fail("no log line [" + text + "] in " + events);
        return null;
    }

    /** Runs ticks every {@code stepMs} from {@code fromMs} (exclusive) to {@code toMs} (inclusive), collecting events. */
    static List<MembershipEvent> tickUntil(Membership m, long fromMs, long toMs, long stepMs) {
        List<MembershipEvent> all = new ArrayList<>();
        for (long t = fromMs + stepMs; t <= toMs; t += stepMs) {
            all.addAll(m.tick(t));
        }
        return all;
    }

    /** alice + bob, bob heard once at T0 so that comm is up. */
    static Membership upPair(Peer bob) {
        Membership m = new Membership(pair(), T0, new Random(1));
        m.onMessage(T0, bob.status("active"), ETH0);
        assertTrue(m.commUp());
        return m;
    }

    @Nested
    class StatusMessage {
        @Test
        void startsUpWithStartupDeadtimeThenAdvertisesPlainDeadtime() {
            MembershipSettings s = new MembershipSettings("alice", List.of("alice", "bob"), List.of(), List.of(ETH0),
                    1000, 30_000, 15_000, 30_000, 30_000, 250);
            Membership m = new Membership(s, T0, new Random(1));
            Message first = m.statusMessage(T0);
            assertEquals(List.of("t", "st", "dt"), first.fields().stream().map(Message.Field::name).toList());
            assertEquals("status", first.type());
            assertEquals("up", first.get("st").orElseThrow());
            assertEquals("7d00", first.get("dt").orElseThrow(), "30 s + 2 s during the first 5 s (reference §9.9)");
            assertTrue(first.get("protocol").isEmpty(), "no flow control: no protocol field");
            assertEquals("7d00", m.statusMessage(T0 + 4999).get("dt").orElseThrow());
            assertEquals("7530", m.statusMessage(T0 + 5000).get("dt").orElseThrow());
        }

        @Test
        void goesActiveAfterCommUp() {
            Peer bob = new Peer("bob", 0x65a1b2c3L);
            Membership m = new Membership(pair(), T0, new Random(1));
            assertEquals(UP, m.localStatus());
            m.onMessage(T0 + 800, bob.status("up"), ETH0);
            assertEquals("active", m.statusMessage(T0 + 900).get("st").orElseThrow());
            assertEquals(ACTIVE, m.view().localStatus());
        }

        @Test
        void firstCallReportsLocalStatusUp() {
            Membership m = new Membership(pair(), T0, new Random(1));
            List<MembershipEvent> ev = m.tick(T0 + 250);
            assertEquals(List.of("Local status now set to: 'up'"), logs(ev));
            assertEquals(List.of(), m.tick(T0 + 500));
        }
    }

    @Nested
    class CommUpHandshake {
        @Test
        void hearingEveryNodeBringsCommUpOnceInHeartbeatOrder() {
            Peer bob = new Peer("bob", 7);
            Membership m = new Membership(pair(), T0, new Random(1));
            m.tick(T0 + 1);
            List<MembershipEvent> ev = m.onMessage(T0 + 700, bob.status("up"), ETH0);
            assertEquals(List.of("Link bob:eth0 up.", "Status update for node bob: status up",
                    "Comm_now_up(): updating status to active", "Local status now set to: 'active'"), logs(ev));
            assertEquals(List.of(new LinkStatusChanged("bob", ETH0, true), new NodeStatusChanged("bob", INIT, UP),
                    new CommUp()), nonLogs(ev));
            List<MembershipEvent> later = m.onMessage(T0 + 1700, bob.status("active"), ETH0);
            assertEquals(List.of(new NodeStatusChanged("bob", UP, ACTIVE)), nonLogs(later));
            assertEquals(List.of(), nonLogs(m.tick(T0 + 2000)), "CommUp is reported once");
        }

        @Test
        void onlyAStatusOpensANodesRecordAndCountsForCommUp() {
            Peer bob = new Peer("bob", 7);
            Membership m = new Membership(pair(), T0, new Random(1));
            List<MembershipEvent> ev = m.onMessage(T0 + 10, bob.of("resource"), ETH0);
            assertEquals(List.of(new MembershipEvent.Dropped(io.vigil.wire.DropReason.NO_STATUS_YET,
                    "src=bob seq=1 hg=7 t=resource: no status from this incarnation yet")), nonLogs(ev),
                    "a captured message played to a node that just started must not say anything of its sender");
            assertFalse(m.commUp());
            assertEquals(INIT, m.status("bob").orElseThrow());
            ev = m.onMessage(T0 + 20, bob.status("active"), ETH0);
            assertTrue(ev.contains(new CommUp()));
            assertEquals(ACTIVE, m.status("bob").orElseThrow());
            ev = m.onMessage(T0 + 30, bob.of("resource"), ETH0);
            assertTrue(ev.get(ev.size() - 1) instanceof MembershipEvent.Deliver, "once open, the message is handed on last");
        }

        @Test
        void loneNodeReachesCommUpWhenInitdeadExpiresForTheOthers() {
            Membership m = new Membership(pair(), T0, new Random(1));
            assertTrue(nonLogs(tickUntil(m, T0, T0 + 20_000, 250)).isEmpty(), "not before initdead (20 s)");
            assertFalse(m.commUp());
            List<MembershipEvent> ev = m.tick(T0 + 20_250);
            assertEquals(List.of("node bob: is dead", "Comm_now_up(): updating status to active",
                    "Local status now set to: 'active'"), logs(ev));
            assertEquals(Level.WARNING, levelOf(ev, "node bob: is dead"));
            assertEquals(List.of(new NodeStatusChanged("bob", INIT, DEAD), new CommUp()), nonLogs(ev));
            assertEquals("active", m.statusMessage(T0 + 20_300).get("st").orElseThrow());
        }

        @Test
        void singleNodeClusterIsUpAtOnce() {
            MembershipSettings s = new MembershipSettings("alice", List.of("alice"), List.of(), List.of(ETH0),
                    1000, 10_000, 5000, 20_000, 10_000, 250);
            Membership m = new Membership(s, T0, new Random(1));
            assertTrue(m.commUp());
            assertEquals("active", m.statusMessage(T0).get("st").orElseThrow());
            assertTrue(m.tick(T0 + 250).contains(new CommUp()));
        }

        @Test
        void commUpWaitsForThePingNodesFirstReply() {
            MembershipSettings s = pairPinging();
            Membership m = new Membership(s, T0, new Random(1));
            assertFalse(m.onMessage(T0 + 5, new Peer("bob", 1).status("up"), ETH0).contains(new CommUp()));
            assertFalse(m.commUp());
            assertTrue(m.onPingReply(T0 + 30, "192.0.2.1").contains(new CommUp()));
            assertEquals(1, m.reachablePingNodes());
        }

        @Test
        void aSilentPingNodeHoldsCommUpUntilInitdead() {
            MembershipSettings s = pairPinging();
            Membership m = new Membership(s, T0, new Random(1));
            Peer bob = new Peer("bob", 1);
            for (long t = 5; t < 20_000; t += 1000) {
                assertFalse(m.onMessage(T0 + t, bob.status("up"), ETH0).contains(new CommUp()), "at +" + t);
            }
            List<MembershipEvent> ev = m.tick(T0 + 20_001);
            assertTrue(ev.contains(new CommUp()), ev.toString());
            assertEquals(0, m.reachablePingNodes());
        }
    }

    @Nested
    class Deadlines {
        @Test
        void heartbeatDeadDetectionOnItsOwnTimings() {
            // reference §9.9: keepalive 1 s / deadtime 10 s, checked every 250 ms
            Peer bob = new Peer("bob", 1);
            Membership m = upPair(bob);
            long last = T0;
            for (int i = 1; i <= 5; i++) {
                last = T0 + i * 1000L;
                m.onMessage(last, bob.status("active"), ETH0);
            }
            assertTrue(nonLogs(tickUntil(m, last, last + 10_000, 250)).isEmpty());
            List<MembershipEvent> ev = m.tick(last + 10_250);
            assertEquals(List.of("node bob: is dead", "Link bob:eth0 dead."), logs(ev));
            assertEquals(List.of(new NodeStatusChanged("bob", ACTIVE, DEAD), new LinkStatusChanged("bob", ETH0, false)),
                    nonLogs(ev));
            assertEquals(List.of(), m.tick(last + 10_500), "declared once");
        }

        @Test
        void initdeadAppliesBeforeCommUpAndDeadtimeAfter() {
            MembershipSettings s = new MembershipSettings("alice", List.of("alice", "bob", "carol"), List.of(),
                    List.of(ETH0), 1000, 10_000, 5000, 30_000, 10_000, 250);
            Peer bob = new Peer("bob", 1);
            Peer carol = new Peer("carol", 1);
            Membership m = new Membership(s, T0, new Random(1));
            m.onMessage(T0 + 1000, bob.status("up"), ETH0);
            // bob silent 15 s > deadtime but < initdead: comm is not up (carol unheard), so initdead rules
            assertEquals(List.of(), nonLogs(tickUntil(m, T0 + 1000, T0 + 16_000, 250)));
            assertEquals(30_000, m.view().nodes().get("bob").deadtimeMs());
            assertEquals(UP, m.status("bob").orElseThrow());
            m.onMessage(T0 + 16_000, carol.status("up"), ETH0);
            assertTrue(m.commUp());
            assertEquals(10_000, m.view().nodes().get("bob").deadtimeMs());
            // now bob's 15 s of silence exceed its deadtime: dead at the next tick
            List<MembershipEvent> ev = m.tick(T0 + 16_250);
            assertTrue(ev.contains(new NodeStatusChanged("bob", UP, DEAD)), ev.toString());
            assertEquals(UP, m.status("carol").orElseThrow());
        }

        @Test
        void unheardNodeIsDeclaredDeadAfterInitdeadFromStart() {
            MembershipSettings s = new MembershipSettings("alice", List.of("alice", "bob", "carol"), List.of(),
                    List.of(ETH0), 1000, 10_000, 5000, 30_000, 10_000, 250);
            Membership m = new Membership(s, T0, new Random(1));
            Peer bob = new Peer("bob", 1);
            for (long t = T0 + 1000; t <= T0 + 29_000; t += 1000) {
                m.onMessage(t, bob.status("up"), ETH0);
                assertFalse(m.tick(t + 1).contains(new NodeStatusChanged("carol", INIT, DEAD)));
            }
            List<MembershipEvent> ev = m.tick(T0 + 30_250);
            assertEquals(List.of(new NodeStatusChanged("carol", INIT, DEAD), new CommUp()), nonLogs(ev));
        }

        @Test
        void deadtimeAdvertisedByPeerIsHonoured() {
            Peer bob = new Peer("bob", 1);
            Membership m = new Membership(pair(), T0, new Random(1));
            m.onMessage(T0, bob.status("active", 20_000), ETH0); // dt=4e20
            assertEquals(20_000, m.view().nodes().get("bob").deadtimeMs());
            assertEquals(List.of(), nonLogs(tickUntil(m, T0, T0 + 20_000, 250)), "our own deadtime is 10 s");
            assertTrue(m.tick(T0 + 20_250).contains(new NodeStatusChanged("bob", ACTIVE, DEAD)));
        }

        @Test
        void shorterAdvertisedDeadtimeIsHonouredToo() {
            Peer bob = new Peer("bob", 1);
            Membership m = new Membership(pair(), T0, new Random(1));
            m.onMessage(T0, bob.status("active", 4000), ETH0);
            assertEquals(List.of(), nonLogs(tickUntil(m, T0, T0 + 4000, 250)));
            assertTrue(m.tick(T0 + 4250).contains(new NodeStatusChanged("bob", ACTIVE, DEAD)));
        }

        @Test
        void startupDeadtimeOfPeerIsUsedThenItsPlainOne() {
            Peer bob = new Peer("bob", 1);
            Membership m = new Membership(pair(), T0, new Random(1));
            m.onMessage(T0, bob.status("up", 12_000), ETH0); // 2ee0: bob's first 5 s
            assertEquals(12_000, m.view().nodes().get("bob").deadtimeMs());
            m.onMessage(T0 + 6000, bob.status("active", 10_000), ETH0);
            assertEquals(10_000, m.view().nodes().get("bob").deadtimeMs());
        }

        @Test
        void onlyStatusMessagesKeepANodeAlive() {
            Peer bob = new Peer("bob", 1);
            Membership m = upPair(bob);
            List<MembershipEvent> all = new ArrayList<>();
            for (long t = T0 + 250; t <= T0 + 12_000; t += 250) {
                all.addAll(m.onMessage(t, bob.of("resource"), ETH0));
                all.addAll(m.tick(t));
            }
            assertTrue(all.contains(new NodeStatusChanged("bob", ACTIVE, DEAD)));
            assertFalse(all.contains(new LinkStatusChanged("bob", ETH0, false)), "the link carries packets: up");
        }

        @Test
        void invalidDeadtimeFieldKeepsThePreviousValue() {
            Peer bob = new Peer("bob", 1);
            Membership m = upPair(bob);
            m.onMessage(T0 + 1000, bob.stamp(Message.of("status").add("st", "active").add("dt", "zz")), ETH0);
            m.onMessage(T0 + 2000, bob.stamp(Message.of("status").add("st", "active").add("dt", "0")), ETH0);
            assertEquals(10_000, m.view().nodes().get("bob").deadtimeMs());
        }
    }

    @Nested
    class LateHeartbeats {
        @Test
        void warnsPastWarntimeWithHeartbeatWording() {
            Peer bob = new Peer("bob", 1);
            Membership m = upPair(bob);
            assertEquals(List.of(), nonLogs(m.onMessage(T0 + 5000, bob.status("active"), ETH0)),
                    "exactly warntime is not late");
            List<MembershipEvent> ev = m.onMessage(T0 + 11_000, bob.status("active"), ETH0);
            assertEquals(List.of("Late heartbeat: Node bob: interval 6000 ms"), logs(ev));
            assertEquals(Level.WARNING, levelOf(ev, "Late heartbeat: Node bob: interval 6000 ms"));
            assertEquals(List.of(new LateHeartbeat("bob", 6000, false)), nonLogs(ev));
            assertEquals(ACTIVE, m.status("bob").orElseThrow());
        }

        @Test
        void beyondDeadtimeUndetectedIsCriticalAndMarksDeadThenBackUp() {
            Peer bob = new Peer("bob", 1);
            Membership m = upPair(bob);
            // no tick ran (e.g. the daemon was stalled): the next status arrives 12 s later
            List<MembershipEvent> ev = m.onMessage(T0 + 12_000, bob.status("active"), ETH0);
            assertEquals(List.of("Late heartbeat: Node bob: interval 12000 ms (> deadtime)", "node bob: is dead",
                    "Status update for node bob: status active"), logs(ev));
            assertEquals(Level.ERROR, levelOf(ev, "Late heartbeat: Node bob: interval 12000 ms (> deadtime)"));
            assertEquals(List.of(new LateHeartbeat("bob", 12_000, true), new NodeStatusChanged("bob", ACTIVE, DEAD),
                    new NodeStatusChanged("bob", DEAD, ACTIVE)), nonLogs(ev));
            assertFalse(ev.stream().anyMatch(e -> e instanceof ReturnedAfterPartition));
        }

        @Test
        void firstStatusAndStatusAfterRestartAreNeverLate() {
            Peer bob = new Peer("bob", 1);
            Membership m = new Membership(pair(), T0, new Random(1));
            assertFalse(m.onMessage(T0 + 15_000, bob.status("up"), ETH0).stream()
                    .anyMatch(e -> e instanceof LateHeartbeat));
            bob.restart();
            List<MembershipEvent> ev = m.onMessage(T0 + 23_000, bob.status("init"), ETH0);
            assertFalse(ev.stream().anyMatch(e -> e instanceof LateHeartbeat), ev.toString());
            assertTrue(ev.contains(new NodeRestarted("bob")));
        }
    }

    @Nested
    class Generations {
        @Test
        void firstGenerationSeenIsNotARestart() {
            Membership m = new Membership(pair(), T0, new Random(1));
            List<MembershipEvent> ev = m.onMessage(T0, new Peer("bob", 0x6b05b70aL).status("up"), ETH0);
            assertFalse(ev.stream().anyMatch(e -> e instanceof NodeRestarted));
        }

        @Test
        void higherGenerationIsARestartLoggedLikeHeartbeat() {
            Peer bob = new Peer("bob", 41);
            Membership m = upPair(bob);
            m.onMessage(T0 + 1000, bob.status("active"), ETH0);
            bob.restart();
            List<MembershipEvent> ev = m.onMessage(T0 + 2000, bob.status("init"), ETH0);
            assertEquals(List.of("Heartbeat restart on node bob", "Status update for node bob: status init"), logs(ev));
            assertEquals(Level.INFO, levelOf(ev, "Heartbeat restart on node bob"));
            assertEquals(List.of(new NodeRestarted("bob"), new NodeStatusChanged("bob", ACTIVE, INIT)), nonLogs(ev));
            ev = m.onMessage(T0 + 2100, bob.status("up"), ETH0);
            assertEquals(List.of(new NodeStatusChanged("bob", INIT, UP)), nonLogs(ev));
        }

        @Test
        void restartAfterDeathIsNotAPartition() {
            Peer bob = new Peer("bob", 41);
            Membership m = upPair(bob);
            tickUntil(m, T0, T0 + 10_250, 250);
            assertEquals(DEAD, m.status("bob").orElseThrow());
            bob.restart();
            List<MembershipEvent> ev = m.onMessage(T0 + 17_000, bob.status("init"), ETH0);
            assertEquals(List.of("Heartbeat restart on node bob", "Link bob:eth0 up.",
                    "Status update for node bob: status init"), logs(ev), "order of crash-and-failback.log");
            assertFalse(ev.stream().anyMatch(e -> e instanceof ReturnedAfterPartition));
        }

        @Test
        void sameGenerationFromADeadNodeIsAReturnAfterPartition() {
            Peer bob = new Peer("bob", 41);
            Membership m = upPair(bob);
            m.onMessage(T0 + 1000, bob.status("active"), ETH0);
            tickUntil(m, T0 + 1000, T0 + 11_250, 250);
            assertEquals(DEAD, m.status("bob").orElseThrow());
            List<MembershipEvent> ev = m.onMessage(T0 + 30_000, bob.status("active"), ETH0);
            assertEquals(List.of("Cluster node bob returning after partition.",
                    "For information on cluster partitions, See URL: http://linux-ha.org/wiki/Split_Brain",
                    "Deadtime value may be too small.",
                    "See FAQ for information on tuning deadtime.",
                    "URL: http://linux-ha.org/wiki/FAQ#Heavy_Load",
                    "Link bob:eth0 up.",
                    "Status update for node bob: status active"), logs(ev));
            assertEquals(Level.ERROR, levelOf(ev, "Cluster node bob returning after partition."), "CRIT in Heartbeat");
            assertEquals(Level.WARNING, levelOf(ev, "Deadtime value may be too small."));
            assertEquals(List.of(new ReturnedAfterPartition("bob"), new LinkStatusChanged("bob", ETH0, true),
                    new NodeStatusChanged("bob", DEAD, ACTIVE)), nonLogs(ev));
            assertFalse(ev.stream().anyMatch(e -> e instanceof LateHeartbeat), "a dead node is not 'late'");
            // the next status is ordinary again
            assertEquals(List.of(), nonLogs(m.onMessage(T0 + 31_000, bob.status("active"), ETH0)));
        }

        @Test
        void staleStatusFromADeadNodeDoesNotRevive() {
            Peer bob = new Peer("bob", 41);
            Membership m = upPair(bob);
            Message old = bob.status("active"); // seq 2, will arrive late (a retransmission)
            m.onMessage(T0 + 1000, bob.status("active"), ETH0); // seq 3
            tickUntil(m, T0 + 1000, T0 + 11_250, 250);
            List<MembershipEvent> ev = m.onMessage(T0 + 12_000, old, ETH0);
            assertEquals(List.of(new MembershipEvent.Dropped(io.vigil.wire.DropReason.STALE, "src=bob seq=2 hg=29")),
                    nonLogs(ev), "no longer missing once bob died: an old packet");
            assertEquals(DEAD, m.status("bob").orElseThrow());
        }

        @Test
        void olderStatusArrivingLateDoesNotUndoANewerOne() {
            Peer bob = new Peer("bob", 41);
            Membership m = new Membership(pair(), T0, new Random(1));
            Message up = bob.status("up");          // seq 1, delayed (a retransmitted gap)
            m.onMessage(T0 + 100, bob.status("active"), ETH0); // seq 2
            List<MembershipEvent> ev = m.onMessage(T0 + 150, up, ETH0);
            assertEquals(List.of(), nonLogs(ev), "taken (reordered at first contact) but not applied");
            assertEquals(ACTIVE, m.status("bob").orElseThrow());
            assertEquals(T0 + 100, m.view().nodes().get("bob").lastHeardMs());
        }

        @Test
        void olderGenerationIsIgnored() {
            Peer bob = new Peer("bob", 41);
            Membership m = upPair(bob);
            Peer ghost = new Peer("bob", 40);
            List<MembershipEvent> ev = m.onMessage(T0 + 500, ghost.status("dead"), ETH0);
            assertEquals(List.of(new MembershipEvent.Dropped(io.vigil.wire.DropReason.REPLAY, "src=bob seq=1 hg=28")),
                    nonLogs(ev));
            assertEquals(List.of("should_drop_message: attempted replay attack [bob]? [gen = 40, curgen = 41]"), logs(ev));
            assertEquals(ACTIVE, m.status("bob").orElseThrow());
            ev = m.onMessage(T0 + 600, ghost.of("resource"), ETH0);
            assertEquals(MembershipEvent.Dropped.class, nonLogs(ev).get(0).getClass(), "every type, not only status");
        }
    }

    /** No polling (issue 16): the daemon calls tick at nextDeadline only; earlier calls change nothing. */
    @Nested
    class NextDeadline {
        @Test
        void theStartLineIsReportedAtOnce() {
            Membership m = new Membership(pair(), T0, new Random(1));
            assertEquals(T0, m.nextDeadline());
            assertEquals(List.of("Local status now set to: 'up'"), logs(m.tick(T0)));
            assertEquals(T0 + 20_001, m.nextDeadline(), "then initdead for the silent peer");
        }

        @Test
        void aSilentPeerDiesAtItsDeadlineNotBefore() {
            Peer bob = new Peer("bob", 41);
            Membership m = upPair(bob);
            long deadline = m.nextDeadline();
            assertEquals(T0 + 10_001, deadline, "its advertised deadtime after its last status");
            assertEquals(List.of(), nonLogs(m.tick(deadline - 1)));
            assertTrue(m.tick(deadline).contains(new NodeStatusChanged("bob", ACTIVE, DEAD)));
            assertEquals(Long.MAX_VALUE, m.nextDeadline(), "nothing left to wait for");
        }

        @Test
        void aStatusMovesTheDeadline() {
            Peer bob = new Peer("bob", 41);
            Membership m = upPair(bob);
            m.onMessage(T0 + 1000, bob.status("active"), ETH0);
            assertEquals(T0 + 11_001, m.nextDeadline());
        }

        @Test
        void aGapArmsItsRetransmissionRequest() {
            Peer bob = new Peer("bob", 41);
            Membership m = upPair(bob);
            bob.of("resource"); // lost
            m.onMessage(T0 + 100, bob.status("active"), ETH0);
            long deadline = m.nextDeadline();
            assertTrue(deadline > T0 + 100 && deadline <= T0 + 350, "50-250 ms after the gap: " + deadline);
            assertEquals(List.of(), nonLogs(m.tick(deadline - 1)));
            assertTrue(m.tick(deadline).stream().anyMatch(e -> e instanceof MembershipEvent.Send s
                    && s.message().type().equals("NS_rexmit")));
        }
    }

    /** Membership judges every message, not only statuses, before it hands it on (issue 12). */
    @Nested
    class IncarnationOfEveryMessage {
        private List<MembershipEvent> kinds(List<MembershipEvent> events) {
            return nonLogs(events).stream().map(e -> e instanceof MembershipEvent.Deliver d
                    ? new MembershipEvent.Deliver(d.node(), Message.of(d.message().type()), d.arrival()) : e).toList();
        }

        @Test
        void aRestartSeenInAnyMessageIsReportedBeforeTheMessage() {
            Peer bob = new Peer("bob", 41);
            Membership m = upPair(bob);
            tickUntil(m, T0, T0 + 11_000, 250); // bob dies
            bob.restart();
            bob.seq = 1; // its first status is still on the way
            List<MembershipEvent> ev = m.onMessage(T0 + 12_000, bob.of("starting"), ETH0);
            assertEquals(List.of(new NodeRestarted("bob"), new LinkStatusChanged("bob", ETH0, true),
                    new NodeStatusChanged("bob", DEAD, ACTIVE),
                    new MembershipEvent.Deliver("bob", Message.of("starting"), new Arrival(2, java.util.Set.of()))),
                    kinds(ev));
            assertEquals(List.of("Heartbeat restart on node bob", "Link bob:eth0 up.",
                    "Status update for node bob: status active"), logs(ev), "logged once");
        }

        @Test
        void aHealSeenInAnyMessageIsReportedBeforeTheMessage() {
            Peer bob = new Peer("bob", 41);
            Membership m = upPair(bob);
            tickUntil(m, T0, T0 + 11_000, 250);
            List<MembershipEvent> ev = m.onMessage(T0 + 12_000, bob.of("resource"), ETH0);
            assertEquals(List.of(new ReturnedAfterPartition("bob"), new LinkStatusChanged("bob", ETH0, true),
                    new NodeStatusChanged("bob", DEAD, ACTIVE)), kinds(ev).subList(0, 3));
            assertEquals("Cluster node bob returning after partition.", logs(ev).get(0));
            assertEquals(List.of(), nonLogs(m.tick(T0 + 12_500)), "its silence counts from the message");
        }

        @Test
        void messagesOfAGoodbyeDoNotRevive() {
            Peer bob = new Peer("bob", 41);
            Membership m = upPair(bob);
            Message trailing = bob.stamp(Message.of("resource").add("info", "shutdown"));
            m.onMessage(T0 + 1000, bob.stamp(Message.of("shutdone").add("st", "dead")), ETH0);
            List<MembershipEvent> ev = m.onMessage(T0 + 1010, trailing, ETH0);
            assertEquals(DEAD, m.status("bob").orElseThrow());
            assertTrue(nonLogs(ev).get(nonLogs(ev).size() - 1) instanceof MembershipEvent.Deliver,
                    "the engine still hears what it said");
        }

        @Test
        void aMessageOvertakenByLaterOnesSaysWhich() {
            Peer bob = new Peer("bob", 41);
            Membership m = upPair(bob);
            Message starting = bob.of("starting");
            Message resource = bob.of("resource");
            m.onMessage(T0 + 10, resource, ETH0);
            List<MembershipEvent> ev = m.onMessage(T0 + 20, starting, ETH0);
            MembershipEvent.Deliver d = (MembershipEvent.Deliver) ev.get(ev.size() - 1);
            assertTrue(d.arrival().overtakenBy("resource"));
            assertFalse(d.arrival().overtakenBy("starting"));
            bob.restart();
            ev = m.onMessage(T0 + 30, bob.of("starting"), ETH0);
            d = (MembershipEvent.Deliver) ev.get(ev.size() - 1);
            assertEquals(java.util.Set.of(), d.arrival().overtakenBy(), "a new incarnation starts afresh");
        }

        @Test
        void anOlderGenerationIsDroppedWhateverItsType() {
            Peer bob = new Peer("bob", 41);
            Membership m = upPair(bob);
            Peer ghost = new Peer("bob", 40);
            List<MembershipEvent> ev = m.onMessage(T0 + 500, ghost.of("ask_resources"), ETH0);
            assertEquals(List.of(new MembershipEvent.Dropped(io.vigil.wire.DropReason.REPLAY, "src=bob seq=1 hg=28")),
                    nonLogs(ev));
        }

        @Test
        void retransmissionRequestsFollowAGap() {
            Peer bob = new Peer("bob", 41);
            Membership m = upPair(bob);
            bob.of("resource"); // seq 2 lost
            m.onMessage(T0 + 100, bob.status("active"), ETH0);
            List<MembershipEvent> ev = m.tick(T0 + 400);
            assertTrue(ev.contains(new MembershipEvent.Send(Message.of("NS_rexmit").add("dest", "bob")
                    .add("firstseq", "2").add("lastseq", "2"))), ev.toString());
        }
    }

    @Nested
    class ShutdownNotice {
        @Test
        void shutdoneKillsAtOnceAndTrailingStatusesDoNotRevive() {
            Peer bob = new Peer("bob", 41);
            Membership m = upPair(bob);
            List<MembershipEvent> ev = m.onMessage(T0 + 1000, bob.stamp(Message.of("shutdone").add("st", "dead")),
                    ETH0);
            assertEquals(List.of("Received shutdown notice from 'bob'."), logs(ev));
            assertEquals(Level.INFO, levelOf(ev, "Received shutdown notice from 'bob'."));
            assertEquals(List.of(new NodeStatusChanged("bob", ACTIVE, DEAD)), nonLogs(ev).subList(0, 1));
            assertTrue(nonLogs(ev).get(1) instanceof MembershipEvent.Deliver, "the failover engine hears it too");
            // Heartbeat keeps sending status for ~2 s after shutdone (graceful-and-failback.log)
            for (long t = T0 + 1500; t <= T0 + 3000; t += 500) {
                List<MembershipEvent> trailing = m.onMessage(t, bob.status("active"), ETH0);
                assertEquals(List.of(), nonLogs(trailing), "no partition, no revival");
            }
            assertEquals(DEAD, m.status("bob").orElseThrow());
            List<MembershipEvent> later = tickUntil(m, T0 + 3000, T0 + 13_250, 250);
            assertEquals(List.of("Link bob:eth0 dead."), logs(later), "no second 'is dead'");
            bob.restart();
            ev = m.onMessage(T0 + 15_000, bob.status("init"), ETH0);
            assertEquals(List.of(new NodeRestarted("bob"), new LinkStatusChanged("bob", ETH0, true),
                    new NodeStatusChanged("bob", DEAD, INIT)), nonLogs(ev));
        }

        @Test
        void shutdoneBeforeAnyStatusIsDroppedAndChangesNothing() {
            Peer bob = new Peer("bob", 41);
            Membership m = new Membership(pair(), T0, new Random(1));
            List<MembershipEvent> ev = m.onMessage(T0 + 100, bob.stamp(Message.of("shutdone").add("st", "dead")),
                    ETH0);
            assertEquals(List.of(new MembershipEvent.Dropped(io.vigil.wire.DropReason.NO_STATUS_YET,
                    "src=bob seq=1 hg=29 t=shutdone: no status from this incarnation yet")), nonLogs(ev),
                    "a replayed goodbye must not declare a node gone to a node that just started");
            assertEquals(INIT, m.status("bob").orElseThrow());
            assertFalse(m.commUp());
        }
    }

    @Nested
    class Links {
        MembershipSettings twoLinks() {
            return new MembershipSettings("alice", List.of("alice", "bob"), List.of(), List.of(ETH0, ETH1),
                    1000, 10_000, 5000, 20_000, 10_000, 250);
        }

        @Test
        void eachMediumIsTrackedOnItsOwn() {
            Peer bob = new Peer("bob", 1);
            Membership m = new Membership(twoLinks(), T0, new Random(1));
            Message first = bob.status("active");
            m.onMessage(T0, first, ETH0);
            List<MembershipEvent> dup = m.onMessage(T0 + 2, first, ETH1);
            assertEquals(List.of("Link bob:eth1 up."), logs(dup), "a duplicate refreshes its link only");
            assertEquals(Map.of(ETH0, true, ETH1, true), m.view().nodes().get("bob").links());
            // eth0 goes quiet, eth1 keeps carrying everything
            List<MembershipEvent> all = new ArrayList<>();
            for (long t = T0 + 1000; t <= T0 + 12_000; t += 1000) {
                all.addAll(m.onMessage(t, bob.status("active"), ETH1));
                all.addAll(m.tick(t + 250));
            }
            assertEquals(List.of("Link bob:eth0 dead."), logs(all));
            assertEquals(List.of(new LinkStatusChanged("bob", ETH0, false)), nonLogs(all));
            assertEquals(ACTIVE, m.status("bob").orElseThrow());
            assertEquals(Map.of(ETH0, false, ETH1, true), m.view().nodes().get("bob").links());
            List<MembershipEvent> back = m.onMessage(T0 + 12_500, bob.of("resource"), ETH0);
            assertEquals(List.of("Link bob:eth0 up."), logs(back), "any message type brings a link up");
        }

        @Test
        void duplicateStatusDoesNotChangeNodeStatusOrLiveness() {
            Peer bob = new Peer("bob", 1);
            Membership m = new Membership(pair(), T0, new Random(1));
            Message up = bob.status("up");
            m.onMessage(T0, up, ETH0);
            List<MembershipEvent> ev = m.onMessage(T0 + 9000, up, ETH0);
            assertEquals(List.of(), ev);
            assertTrue(m.tick(T0 + 10_250).contains(new NodeStatusChanged("bob", UP, DEAD)),
                    "a duplicate is not a heartbeat");
        }

        @Test
        void ownPacketsOnlyMarkOurLinkUpAndItNeverDies() {
            Peer self = new Peer("alice", 5);
            Membership m = new Membership(pair(), T0, new Random(1));
            List<MembershipEvent> ev = m.onMessage(T0 + 10, self.status("up"), ETH0);
            assertEquals(List.of("Local status now set to: 'up'", "Link alice:eth0 up."), logs(ev));
            assertEquals(List.of(new LinkStatusChanged("alice", ETH0, true)), nonLogs(ev));
            assertFalse(m.commUp());
            assertEquals(UP, m.status("alice").orElseThrow());
            assertEquals(List.of(), m.onMessage(T0 + 20, self.of("reqnodes").add("dest", "alice"), ETH0),
                    "our own requests are not answered");
            List<MembershipEvent> later = tickUntil(m, T0, T0 + 60_000, 250);
            assertFalse(later.contains(new LinkStatusChanged("alice", ETH0, false)));
            assertTrue(m.view().nodes().get("alice").links().get(ETH0));
        }

        @Test
        void unconfiguredLinkNameIsTrackedToo() {
            Membership m = new Membership(pair(), T0, new Random(1));
            m.onMessage(T0, new Peer("bob", 1).status("up"), "eth9");
            assertEquals(true, m.view().nodes().get("bob").links().get("eth9"));
        }
    }

    @Nested
    class Inputs {
        @Test
        void unknownSourceIsLoggedOnceAndIgnored() {
            Membership m = new Membership(pair(), T0, new Random(1));
            m.tick(T0);
            Peer mallory = new Peer("mallory", 1);
            List<MembershipEvent> ev = m.onMessage(T0 + 1, mallory.status("active"), ETH0);
            MembershipEvent dropped = new MembershipEvent.Dropped(io.vigil.wire.DropReason.UNKNOWN_NODE,
                    "bad node [mallory] in message");
            assertEquals(List.of(new Log(Level.ERROR, "process_status_message: bad node [mallory] in message"), dropped),
                    ev);
            assertEquals(List.of(dropped), m.onMessage(T0 + 2, mallory.status("active"), ETH0), "logged once");
            assertFalse(m.view().nodes().containsKey("mallory"));
        }

        @Test
        void sourceNamesAreCaseInsensitive() {
            Membership m = new Membership(pair(), T0, new Random(1));
            List<MembershipEvent> ev = m.onMessage(T0, new Peer("BoB", 1).status("up"), ETH0);
            assertTrue(ev.contains(new NodeStatusChanged("bob", INIT, UP)));
        }

        @Test
        void statusWithoutStIsRejectedWithHeartbeatWording() {
            Membership m = new Membership(pair(), T0, new Random(1));
            m.tick(T0);
            List<MembershipEvent> ev = m.onMessage(T0, new Peer("bob", 1).of("status"), ETH0);
            assertTrue(logs(ev).contains("HBDoMsg_T_STATUS: status update without st field"));
            assertEquals(INIT, m.status("bob").orElseThrow());
        }

        @Test
        void unknownStatusValueIsLoggedOnceAndIgnored() {
            Membership m = new Membership(pair(), T0, new Random(1));
            m.tick(T0);
            Peer bob = new Peer("bob", 1);
            List<MembershipEvent> ev = m.onMessage(T0, bob.stamp(Message.of("status").add("st", "bogus")), ETH0);
            assertEquals(List.of("Link bob:eth0 up.",
                    "HBDoMsg_T_STATUS: node bob sent unknown status [bogus]; its status messages are ignored",
                    "Comm_now_up(): updating status to active", "Local status now set to: 'active'"), logs(ev));
            ev = m.onMessage(T0 + 1000, bob.stamp(Message.of("status").add("st", "bogus")), ETH0);
            assertEquals(List.of(), nonLogs(ev));
            assertEquals(INIT, m.status("bob").orElseThrow());
            ev = m.onMessage(T0 + 2000, bob.stamp(Message.of("status").add("st", "ACTIVE")), ETH0);
            assertEquals(List.of(new NodeStatusChanged("bob", INIT, ACTIVE)), nonLogs(ev), "case-insensitive");
        }

        @Test
        void messagesForAnotherNodeAreNotActedUpon() {
            MembershipSettings s = new MembershipSettings("alice", List.of("alice", "bob", "carol"), List.of(),
                    List.of(ETH0), 1000, 10_000, 5000, 20_000, 10_000, 250);
            Membership m = new Membership(s, T0, new Random(1));
            List<MembershipEvent> ev = m.onMessage(T0, new Peer("bob", 1).of("reqnodes").add("dest", "carol"), ETH0);
            assertFalse(ev.stream().anyMatch(e -> e instanceof Send));
        }

        @Test
        void rejectsSettingsWithoutTheLocalNode() {
            assertThrows(IllegalArgumentException.class, () -> new Membership(new MembershipSettings("zed",
                    List.of("alice", "bob"), List.of(), List.of(ETH0), 1000, 10_000, 5000, 20_000, 10_000, 250), T0, new Random(1)));
            assertThrows(IllegalArgumentException.class, () -> new Membership(new MembershipSettings("alice",
                    List.of("alice", "bob"), List.of(), List.of(ETH0), 0, 10_000, 5000, 20_000, 10_000, 250), T0, new Random(1)));
        }
    }

    @Nested
    class NodeListExchange {
        @Test
        void reqnodesAddressedToUsIsAnsweredWithEveryNormalNode() {
            MembershipSettings s = pairPinging();
            Membership m = new Membership(s, T0, new Random(1));
            Peer bob = new Peer("bob", 1);
            m.onMessage(T0, bob.status("active"), ETH0);
            Message req = bob.stamp(Message.of("reqnodes").add("dest", "alice"));
            List<MembershipEvent> ev = m.onMessage(T0, req, ETH0);
            List<Send> sends = ev.stream().filter(e -> e instanceof Send).map(e -> (Send) e).toList();
            assertEquals(1, sends.size());
            Message rep = sends.get(0).message();
            assertEquals(List.of("dest", "t", "nodelist", "delnodelist"),
                    rep.fields().stream().map(Message.Field::name).toList(), "dest before t, as heartbeat.c builds it");
            assertEquals("bob", rep.get("dest").orElseThrow());
            assertEquals("repnodes", rep.type());
            assertEquals("alice bob ", rep.get("nodelist").orElseThrow());
            assertEquals(" ", rep.get("delnodelist").orElseThrow(), "get_delnodelist writes one space when empty");
        }
    }

    @Nested
    class PingNodes {
        MembershipSettings withPing() {
            return new MembershipSettings("alice", List.of("alice", "bob"), List.of("192.0.2.1", "routers"),
                    List.of(ETH0), 1000, 10_000, 5000, 20_000, 8000, 250);
        }

        @Test
        void answeringPingNodeIsPingAndCounted() {
            Membership m = new Membership(withPing(), T0, new Random(1));
            m.tick(T0);
            assertEquals(0, m.reachablePingNodes());
            List<MembershipEvent> ev = m.onPingReply(T0 + 300, "192.0.2.1");
            assertEquals(List.of("Link 192.0.2.1:192.0.2.1 up.", "Status update for node 192.0.2.1: status ping"),
                    logs(ev), "cold-start-alone.log");
            assertEquals(List.of(new LinkStatusChanged("192.0.2.1", "192.0.2.1", true),
                    new NodeStatusChanged("192.0.2.1", INIT, PING)), nonLogs(ev));
            assertEquals(1, m.reachablePingNodes());
            assertTrue(m.isPingNode("192.0.2.1"));
            assertFalse(m.isPingNode("bob"));
            MembershipView.NodeView v = m.view().nodes().get("192.0.2.1");
            assertTrue(v.ping());
            assertEquals(PING, v.status());
        }

        @Test
        void pingNodeSilentForDeadpingIsDeadAfterCommUpInitdeadBefore() {
            Membership m = new Membership(withPing(), T0, new Random(1));
            m.onPingReply(T0, "192.0.2.1");
            m.onPingReply(T0, "routers");
            assertEquals(2, m.reachablePingNodes());
            // before comm-up: initdead (20 s), not deadping (8 s)
            assertFalse(tickUntil(m, T0, T0 + 9000, 250).contains(new NodeStatusChanged("192.0.2.1", PING, DEAD)));
            m.onPingReply(T0 + 9000, "routers");
            m.onMessage(T0 + 9000, new Peer("bob", 1).status("up"), ETH0);
            assertTrue(m.commUp());
            assertEquals(8000, m.view().nodes().get("192.0.2.1").deadtimeMs());
            List<MembershipEvent> ev = m.tick(T0 + 9250);
            assertEquals(List.of("node 192.0.2.1: is dead", "Link 192.0.2.1:192.0.2.1 dead."), logs(ev));
            assertEquals(1, m.reachablePingNodes());
            ev = m.onPingReply(T0 + 9500, "192.0.2.1");
            assertTrue(ev.contains(new NodeStatusChanged("192.0.2.1", DEAD, PING)));
            assertEquals(2, m.reachablePingNodes());
        }

        @Test
        void pingGroupStaysAliveWhileAnyMemberAnswers() {
            // the daemon reports a reply from any member of ping_group "routers" under the group name
            Membership m = new Membership(withPing(), T0, new Random(1));
            m.onMessage(T0, new Peer("bob", 1).status("up"), ETH0);
            m.onPingReply(T0, "routers");
            List<MembershipEvent> all = new ArrayList<>();
            for (long t = T0 + 250; t <= T0 + 40_000; t += 250) {
                if (t % 7000 == 0) { // members answering in turn, sparsely, but within deadping
                    all.addAll(m.onPingReply(t, "routers"));
                }
                all.addAll(m.tick(t));
            }
            assertFalse(all.contains(new NodeStatusChanged("routers", PING, DEAD)));
            assertEquals(PING, m.status("routers").orElseThrow());
        }

        @Test
        void neverAnsweringPingNodeIsDeclaredDeadAfterInitdead() {
            Membership m = new Membership(withPing(), T0, new Random(1));
            List<MembershipEvent> ev = tickUntil(m, T0, T0 + 20_250, 250);
            assertTrue(ev.contains(new NodeStatusChanged("192.0.2.1", INIT, DEAD)));
            assertTrue(ev.contains(new NodeStatusChanged("routers", INIT, DEAD)));
        }

        @Test
        void unknownPingNodeIsReportedOnce() {
            Membership m = new Membership(withPing(), T0, new Random(1));
            m.tick(T0);
            assertEquals(1, logs(m.onPingReply(T0, "203.0.113.9")).size());
            assertEquals(List.of(), m.onPingReply(T0, "203.0.113.9"));
            assertEquals(List.of("process_status_message: bad node [bob] in message"),
                    logs(m.onPingReply(T0, "bob")), "bob is a normal node, not a ping node");
            assertEquals(INIT, m.status("bob").orElseThrow());
        }
    }

    @Nested
    class SubSecond {
        /** keepalive 100 ms, deadtime 300 ms, warntime 200 ms, initdead 1 s; tick every min(250, 100/2) = 50 ms. */
        MembershipSettings fast() {
            return new MembershipSettings("alice", List.of("alice", "bob"), List.of(), List.of(ETH0),
                    100, 300, 200, 1000, 300, 250);
        }

        @Test
        void fullySupported() {
            Membership m = new Membership(fast(), T0, new Random(1));
            assertEquals("8fc", m.statusMessage(T0).get("dt").orElseThrow(), "300 + 2000 ms during start-up");
            assertEquals("12c", m.statusMessage(T0 + 5000).get("dt").orElseThrow());
            Peer bob = new Peer("bob", 1);
            List<MembershipEvent> all = new ArrayList<>();
            long t = T0;
            for (; t <= T0 + 3000; t += 50) {
                if ((t - T0) % 100 == 0) {
                    all.addAll(m.onMessage(t, bob.status("active", 300), ETH0));
                }
                all.addAll(m.tick(t));
            }
            assertFalse(all.stream().anyMatch(e -> e instanceof LateHeartbeat || e instanceof NodeStatusChanged c
                    && c.to() == DEAD), all.toString());
            long last = T0 + 3000;
            assertEquals(List.of(), nonLogs(tickUntil(m, last, last + 300, 50)));
            List<MembershipEvent> ev = m.tick(last + 350);
            assertTrue(ev.contains(new NodeStatusChanged("bob", ACTIVE, DEAD)), "dead within one tick of 300 ms");
            // bob was only silent (same generation): its next status is a return after partition
            ev = m.onMessage(last + 360, bob.status("active", 300), ETH0);
            assertTrue(ev.contains(new ReturnedAfterPartition("bob")));
        }

        @Test
        void lateWarningBetweenWarntimeAndDeadtime() {
            Membership m = new Membership(fast(), T0, new Random(1));
            Peer bob = new Peer("bob", 1);
            m.onMessage(T0, bob.status("active", 300), ETH0);
            List<MembershipEvent> ev = m.onMessage(T0 + 250, bob.status("active", 300), ETH0);
            assertEquals(List.of("Late heartbeat: Node bob: interval 250 ms"), logs(ev));
        }
    }

    @Test
    void viewListsNodesInOrderThenPingNodes() {
        MembershipSettings s = new MembershipSettings("alice", List.of("bob", "alice"), List.of("192.0.2.1"),
                List.of(ETH0), 1000, 10_000, 5000, 20_000, 10_000, 250);
        Membership m = new Membership(s, T0, new Random(1));
        m.onMessage(T0 + 40, new Peer("bob", 1).status("active", 12_000), ETH0);
        m.onPingReply(T0 + 45, "192.0.2.1");
        MembershipView v = m.view();
        assertEquals(List.of("bob", "alice", "192.0.2.1"), List.copyOf(v.nodes().keySet()));
        assertTrue(v.commUp());
        assertEquals(ACTIVE, v.localStatus());
        MembershipView.NodeView bob = v.nodes().get("bob");
        assertEquals(new MembershipView.NodeView("bob", false, ACTIVE, T0 + 40, 12_000, Map.of(ETH0, true)), bob);
        MembershipView.NodeView alice = v.nodes().get("alice");
        assertEquals(ACTIVE, alice.status());
        assertEquals(-1, alice.lastHeardMs());
        assertEquals(10_000, alice.deadtimeMs());
        MembershipView.NodeView ping = v.nodes().get("192.0.2.1");
        assertEquals(new MembershipView.NodeView("192.0.2.1", true, PING, T0 + 45, 10_000,
                Map.of("192.0.2.1", true)), ping);
        assertThrows(UnsupportedOperationException.class, () -> v.nodes().clear());
    }

    /** Property: jitter below the deadtime never kills; silence beyond it always does, within one tick. */
    @Test
    void randomizedJitterAndSilence() {
        Random random = new Random(20261124L);
        for (int round = 0; round < 120; round++) {
            long keepalive = 50 + random.nextInt(2000);
            long deadtime = keepalive * (3 + random.nextInt(20));
            long tickEvery = Math.min(250, keepalive / 2);
            MembershipSettings s = new MembershipSettings("alice", List.of("alice", "bob"), List.of(), List.of(ETH0),
                    keepalive, deadtime, deadtime / 2, deadtime * 2, deadtime, 250);
            long start = random.nextInt(1_000_000);
            Membership m = new Membership(s, start, new Random(1));
            Peer bob = new Peer("bob", 1 + random.nextInt(1000));
            long now = start;
            long nextTick = start + tickEvery;
            long lastArrival = now;
            m.onMessage(now, bob.status("active", deadtime), ETH0);
            int arrivals = 20 + random.nextInt(60);
            for (int i = 0; i < arrivals; i++) {
                long gap = random.nextLong(deadtime) + 1; // 1 .. deadtime ms: never beyond the deadtime
                long arrival = lastArrival + gap;
                while (nextTick < arrival) {
                    assertNoDeath(m.tick(nextTick), round);
                    nextTick += tickEvery;
                }
                assertNoDeath(m.onMessage(arrival, bob.status("active", deadtime), ETH0), round);
                lastArrival = arrival;
            }
            // silence: the first tick strictly past lastArrival + deadtime declares bob dead, none before
            while (true) {
                List<MembershipEvent> ev = m.tick(nextTick);
                boolean died = ev.contains(new NodeStatusChanged("bob", ACTIVE, DEAD));
                if (nextTick - lastArrival > deadtime) {
                    assertTrue(died, "round " + round + ": silence of " + (nextTick - lastArrival)
                            + " ms > deadtime " + deadtime + " ms not detected");
                    assertTrue(nextTick - lastArrival <= deadtime + tickEvery);
                    break;
                }
                assertFalse(died, "round " + round + ": declared dead early");
                nextTick += tickEvery;
            }
        }
    }

    @Nested
    class Reload {
        /** keepalive 1 s, deadtime 5 s (was 10 s), media eth1 (was eth0). */
        MembershipSettings reloaded(List<String> links) {
            return new MembershipSettings("alice", List.of("alice", "bob"), List.of(), links,
                    1000, 5000, 2500, 20_000, 10_000, 250);
        }

        @Test
        void newDeadtimeIsAdvertisedAndThePeerIsStillJudgedByItsOwn() {
            Peer bob = new Peer("bob", 5);
            Membership m = upPair(bob);
            m.reconfigure(reloaded(List.of(ETH0)));
            assertEquals(Long.toHexString(5000), m.statusMessage(T0 + 10_000).get("dt").orElseThrow());
            // bob advertises 10 s: 8 s of silence does not kill it, even though our own deadtime is now 5 s
            assertNoDeath(m.tick(T0 + 8000), 0);
            assertEquals(ACTIVE, m.status("bob").orElseThrow());
        }

        @Test
        void linksAddedAndRemovedOnEveryNode() {
            Peer bob = new Peer("bob", 5);
            Membership m = upPair(bob);
            List<MembershipEvent> ev = m.reconfigure(reloaded(List.of(ETH1)));
            assertTrue(logs(ev).contains("Link eth0 removed from the configuration."), logs(ev).toString());
            assertEquals(List.of(ETH1), List.copyOf(m.view().nodes().get("bob").links().keySet()));
            // a packet still in flight on the removed link does not bring it back; the new link comes up
            m.onMessage(T0 + 500, bob.status("active"), ETH0);
            assertEquals(List.of(ETH1), List.copyOf(m.view().nodes().get("bob").links().keySet()));
            m.onMessage(T0 + 1000, bob.status("active"), ETH1);
            assertTrue(m.view().nodes().get("bob").links().get(ETH1));
            assertEquals(ACTIVE, m.status("bob").orElseThrow());
        }

        @Test
        void nodesCannotChange() {
            Membership m = upPair(new Peer("bob", 5));
            assertThrows(IllegalArgumentException.class, () -> m.reconfigure(new MembershipSettings("alice",
                    List.of("alice", "bob", "carol"), List.of(), List.of(ETH0), 1000, 10_000, 5000, 20_000, 10_000, 250)));
        }
    }

    private static void assertNoDeath(List<MembershipEvent> events, int round) {
        for (MembershipEvent e : events) {
            if (e instanceof NodeStatusChanged c && c.to() == DEAD
                    || e instanceof LateHeartbeat l && l.beyondDeadtime()) {
                fail("round " + round + ": " + e);
            }
        }
    }
}
