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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Issue 8, mirror image of {@code MixedClusterIT}: the real Heartbeat 3.0.6 runs the preferred node (linux1) and
 * Vigil replaces linux2; authkeys md5. Start-up must leave the group on the Heartbeat node without Vigil ever
 * starting it (BOTHSTARTING: each node takes only its local groups); crash and return of the Heartbeat node move it
 * to Vigil and back; {@code vigil takeover} / {@code vigil standby} on the non-preferred node move it both ways.
 */
@Tag("netns")
@Tag("slow") // left out of `make test` for CI's time budget: `make test-slow`
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HeartbeatPreferredIT {

    private InteropLab lab;

    @BeforeAll
    void up() {
        InteropLab.assumeAvailable();
        lab = new InteropLab("heartbeat", "vigil", "md5");
        lab.up();
    }

    @AfterAll
    void down() {
        if (lab != null) {
            lab.close();
        }
    }

    private void assertBothActive() {
        assertEquals("active", lab.clStatus("linux1", "active"::equals, Duration.ofSeconds(30), "nodestatus", "linux2"),
                () -> "cl_status nodestatus linux2 on linux1" + lab.diagnostics());
        String ours = lab.vigilStatus("linux2");
        assertEquals("active", InteropLab.vigilRowStatus(ours, "linux1"), () -> "vigil status on linux2:\n" + ours);
    }

    @Test
    @Order(1)
    void startUpLeavesTheGroupOnThePreferredHeartbeatNode() {
        lab.start("all");
        lab.measured("start-up: VIP on linux1 (preferred, Heartbeat) after", lab.waitVip("linux1", 90));
        assertBothActive();
        InteropLab.sleep(3000);
        assertFalse(lab.vipOn("linux2"));
        String ours = lab.log("linux2");
        assertFalse(ours.contains("starting " + InteropLab.VIP), () -> "Vigil started linux1's group at start-up:\n" + ours);
        assertFalse(ours.contains("Split brain"), ours);
    }

    @Test
    @Order(2)
    void crashOfTheHeartbeatNodeThenFailback() {
        lab.ok(Duration.ofSeconds(30), "crash", "linux1");
        lab.measured("crash of linux1 (Heartbeat): VIP on linux2 (Vigil) after", lab.waitVip("linux2", 3 * InteropLab.DEADTIME_S + 30));
        InteropLab.sleep(3000);
        lab.ok(Duration.ofSeconds(30), "revive", "linux1");
        lab.start("linux1");
        lab.measured("linux1 (Heartbeat) restarted: failback, VIP on linux1 after", lab.waitVip("linux1", 90));
        assertBothActive();
        InteropLab.sleep(3000);
    }

    @Test
    @Order(3)
    void vigilTakeoverAndStandbyOnTheOtherNode() {
        lab.ok(Duration.ofSeconds(60), "takeover", "linux2");
        lab.measured("vigil takeover on linux2: VIP on linux2 after", lab.waitVip("linux2", 30));
        InteropLab.sleep(3000);
        lab.ok(Duration.ofSeconds(60), "standby", "linux2");
        lab.measured("vigil standby on linux2: VIP on linux1 after", lab.waitVip("linux1", 30));
    }
}
