package io.vigil.interop;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 3 item 7: a Vigil node (linux1) and a real Heartbeat 3.0.6 node (linux2), started together with the same
 * ha.cf, authkeys and haresources, show each other {@code active}: {@code cl_status nodestatus linux1} on the
 * Heartbeat side, {@code vigil status} on ours. Vigil sends no {@code protocol=1}, so Heartbeat must not wait for a
 * {@code repnodes} answer to its {@code reqnodes} (§4.9): it logs the flow-control downgrade and goes active.
 * Run once per authkeys method.
 */
@Tag("netns")
class HeartbeatPeerIT {

    @ParameterizedTest(name = "authkeys {0}")
    @ValueSource(strings = {"sha1", "md5", "crc"})
    void vigilAndHeartbeatSeeEachOtherActive(String method) {
        InteropLab.assumeAvailable();
        try (InteropLab lab = new InteropLab("vigil", "heartbeat", method)) {
            lab.up();
            lab.ok(Duration.ofSeconds(90), "start", "all");
            lab.measured("start-up, both started together: VIP on linux1 (preferred, Vigil) after",
                    lab.waitVip("linux1", 90));

            String hb = lab.clStatus("linux2", "active"::equals, Duration.ofSeconds(20), "nodestatus", "linux1");
            assertEquals("active", hb, () -> "cl_status nodestatus linux1 on the Heartbeat node" + lab.diagnostics());
            assertEquals("active", lab.clStatus("linux2", "active"::equals, Duration.ofSeconds(10), "nodestatus", "linux2"));

            String ours = lab.vigilStatus("linux1");
            assertEquals("active", InteropLab.vigilRowStatus(ours, "linux2"), () -> "vigil status on linux1:\n" + ours);

            String hbLog = lab.log("linux2");
            assertTrue(hbLog.contains("flow control disabled due to different version heartbeat"), hbLog);
            assertTrue(hbLog.contains("Status update for node linux1: status active"), hbLog);
            assertFalse(hbLog.contains("node linux1: is dead"), () -> "Heartbeat declared the Vigil node dead:\n" + hbLog);
            assertFalse(hbLog.contains("Both machines own"), hbLog);
            // nothing of ours was rejected: a bad signature or a malformed packet would be logged by Heartbeat
            assertFalse(hbLog.matches("(?s).*(authentication failed|failed authentication|Invalid authentication|bad node \\[linux1\\]|process_clustermsg).*"), hbLog);
            assertFalse(lab.vipOn("linux2"), "the VIP is on the Heartbeat node too");
        }
    }
}
