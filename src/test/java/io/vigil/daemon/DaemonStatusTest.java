package io.vigil.daemon;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** cl_status rscstatus as Heartbeat 3.0.6 words it. */
class DaemonStatusTest {

    @ParameterizedTest(name = "holding {0}, own groups {1}, foreign groups {2}, peers dead {3} -> {4}")
    @CsvSource({"none, true, true, false, none", "local, true, true, false, local", "foreign, true, true, false, foreign",
            "all, true, true, false, all",
            // a node that is no group's preferred node: Heartbeat counts its empty local set as held
            "none, false, true, false, local", "foreign, false, true, false, all",
            // peers dead and no foreign group: Heartbeat has taken over the (empty) foreign set
            "local, true, false, true, all", "local, true, false, false, local", "none, false, false, true, all"})
    void rscstatusAsHeartbeatPrintsIt(String held, boolean ownGroups, boolean foreignGroups, boolean peersDead, String printed) {
        assertEquals(printed, DaemonStatus.heartbeatRscstatus(held, ownGroups, foreignGroups, peersDead));
    }
}
