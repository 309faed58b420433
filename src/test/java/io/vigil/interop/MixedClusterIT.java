package io.vigil.interop;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8: Vigil replaces the preferred node (linux1) of a Heartbeat 3.0.6 pair; linux2 runs the real Heartbeat.
 * Same ha.cf ({@code auto_failback yes}, keepalive 500 ms, deadtime 3 s), authkeys (sha1) and haresources
 * ({@code linux1 192.0.2.253}). One lab for the whole class; the steps run in order, each from the state the
 * previous one left (group on linux1, both nodes up). {@code HeartbeatPreferredIT} covers the mirror image.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MixedClusterIT {

    private static final String TAKE_IT = "starting " + InteropLab.VIP;
    private InteropLab lab;

    @BeforeAll
    void up() {
        InteropLab.assumeAvailable();
        lab = new InteropLab("vigil", "heartbeat", "sha1");
        lab.up();
    }

    @AfterAll
    void down() {
        if (lab != null) {
            lab.close();
        }
    }

    /** Both nodes see each other active on both sides. */
    private void assertBothActive() {
        assertEquals("active", lab.clStatus("linux2", "active"::equals, Duration.ofSeconds(30), "nodestatus", "linux1"),
                () -> "cl_status nodestatus linux1 on linux2" + lab.diagnostics());
        String ours = lab.vigilStatus("linux1");
        assertEquals("active", InteropLab.vigilRowStatus(ours, "linux2"), () -> "vigil status on linux1:\n" + ours);
    }

    /** Resource scripts and announcements finish before the next operator action (Heartbeat refuses requests in flux). */
    private static void settle() {
        InteropLab.sleep(3000);
    }

    @Test
    @Order(1)
    void startUpSettlesWithTheGroupOnItsPreferredVigilNode() {
        lab.start("all");
        lab.measured("start-up: VIP on linux1 (preferred) after", lab.waitVip("linux1", 90));
        assertBothActive();
        settle();
        assertFalse(lab.vipOn("linux2"));
        String hbLog = lab.log("linux2");
        assertFalse(hbLog.contains("Taking over resource group"), () -> "Heartbeat took linux1's group:\n" + hbLog);
        assertFalse(hbLog.contains("Both machines own"), hbLog);
        String ours = lab.log("linux1");
        assertFalse(ours.contains("Split brain"), ours);
    }

    @Test
    @Order(2)
    void vigilStandbyAndTakeoverMoveTheGroupBothWays() {
        lab.ok(Duration.ofSeconds(60), "standby", "linux1");
        lab.measured("vigil standby on linux1: VIP on linux2 after", lab.waitVip("linux2", 30));
        settle();
        lab.ok(Duration.ofSeconds(60), "takeover", "linux1");
        lab.measured("vigil takeover on linux1: VIP on linux1 after", lab.waitVip("linux1", 30));
        settle();
    }

    @Test
    @Order(3)
    void hbTakeoverAndHbStandbyOnTheHeartbeatNodeMoveTheGroupBothWays() {
        lab.ok(Duration.ofSeconds(30), "takeover", "linux2");
        lab.measured("hb_takeover on linux2: VIP on linux2 after", lab.waitVip("linux2", 30));
        settle();
        lab.ok(Duration.ofSeconds(30), "standby", "linux2");
        lab.measured("hb_standby on linux2: VIP on linux1 after", lab.waitVip("linux1", 30));
        settle();
    }

    @Test
    @Order(4)
    void crashOfTheVigilNodeThenFailback() {
        lab.ok(Duration.ofSeconds(30), "crash", "linux1");
        lab.measured("crash of linux1 (Vigil): VIP on linux2 (Heartbeat) after", lab.waitVip("linux2", 3 * InteropLab.DEADTIME_S + 30));
        settle();
        lab.ok(Duration.ofSeconds(30), "revive", "linux1");
        int ours = lab.haLog("linux1").length();
        int theirs = lab.haLog("linux2").length();
        lab.start("linux1");
        lab.measured("linux1 (Vigil) restarted: failback, VIP on linux1 after", lab.waitVip("linux1", 90));
        assertBothActive();
        settle();
        // the group came back through Heartbeat's auto-failback, not by the returning node starting it at once
        String back = lab.haLog("linux1").substring(ours);
        assertFalse(back.contains("Split brain"), back);
        assertTrue(lab.haLog("linux2").substring(theirs).contains("wants to go standby [foreign]"));
    }

    @Test
    @Order(5)
    void crashOfTheHeartbeatNodeHoldingTheGroup() {
        lab.ok(Duration.ofSeconds(30), "takeover", "linux2");
        lab.waitVip("linux2", 30);
        settle();
        lab.ok(Duration.ofSeconds(30), "crash", "linux2");
        lab.measured("crash of linux2 (Heartbeat, holding): VIP on linux1 (Vigil) after", lab.waitVip("linux1", 3 * InteropLab.DEADTIME_S + 30));
        settle();
        lab.ok(Duration.ofSeconds(30), "revive", "linux2");
        lab.start("linux2");
        assertBothActive();
        settle();
        assertTrue(lab.vipOn("linux1"), "the group left its preferred node when Heartbeat came back");
        assertFalse(lab.vipOn("linux2"), "both nodes hold the VIP after Heartbeat came back");
    }

    @Test
    @Order(6)
    void gracefulStopOfTheVigilNodeHandsOverWithoutFencing() throws InterruptedException {
        int before = lab.haLog("linux2").length();
        Process stop = lab.background("stop", "linux1");
        lab.measured("graceful stop of linux1 (Vigil): VIP on linux2 (Heartbeat) after", lab.waitVip("linux2", 30));
        String hbLog = lab.haLog("linux2").substring(before);
        assertTrue(stop.waitFor(60, TimeUnit.SECONDS), "vigil did not exit after SIGTERM");
        assertEquals(0, stop.exitValue());
        settle();
        lab.start("linux1");
        lab.measured("linux1 (Vigil) started again: failback, VIP on linux1 after", lab.waitVip("linux1", 90));
        assertBothActive();
        settle();

        // Heartbeat took it as a graceful stop: shutdown notice, takeover, and no STONITH decision as after a crash
        int notice = hbLog.indexOf("Received shutdown notice from 'linux1'.");
        assertTrue(notice >= 0, hbLog);
        assertTrue(hbLog.indexOf("Taking over resource group", notice) > notice, hbLog);
        assertFalse(hbLog.contains("No STONITH device configured"), () -> "handled like a crash:\n" + hbLog);
        if (hbLog.contains("node linux1: is dead")) {
            assertTrue(hbLog.contains("Dead node linux1 gave up resources."), hbLog);
        }
    }

    @Test
    @Order(7)
    void gracefulStopOfTheHeartbeatNodeHandsOverAtOnce() throws InterruptedException {
        lab.ok(Duration.ofSeconds(30), "takeover", "linux2");
        lab.waitVip("linux2", 30);
        settle();
        int before = lab.haLog("linux1").length();
        Process stop = lab.background("stop", "linux2");
        lab.measured("graceful stop of linux2 (Heartbeat, holding): VIP on linux1 (Vigil) after", lab.waitVip("linux1", 30));
        assertTrue(stop.waitFor(60, TimeUnit.SECONDS), "heartbeat -k did not return");
        String ours = lab.haLog("linux1").substring(before);
        assertTrue(ours.contains("Received shutdown notice from 'linux2'."), ours);
        // Heartbeat keeps sending heartbeats for about 2 s after shutdone, so a takeover that waited for the
        // deadtime would come after "is dead"
        assertTakenBeforeDeath(ours, TAKE_IT, "node linux2: is dead");
        assertFalse(ours.contains("No STONITH device configured"), ours);
    }

    /** The takeover after a {@code shutdone} does not wait for the deadtime: it is logged before any death. */
    static void assertTakenBeforeDeath(String log, String takeover, String death) {
        int t = log.indexOf(takeover);
        int d = log.indexOf(death);
        assertTrue(t >= 0, () -> "no '" + takeover + "' in:\n" + log);
        assertTrue(d < 0 || t < d, () -> "the takeover waited for the deadtime:\n" + log);
    }
}
