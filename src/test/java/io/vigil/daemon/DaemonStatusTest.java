package io.vigil.daemon;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** cl_status rscstatus as Heartbeat 3.0.6 words it. */
class DaemonStatusTest {

    @ParameterizedTest(name = "holding {0}, own groups {1} -> {2}")
    @CsvSource({"none, true, none", "local, true, local", "foreign, true, foreign", "all, true, all",
            // a node that is no group's preferred node: Heartbeat counts its empty local set as held
            "none, false, local", "foreign, false, all"})
    void rscstatusAsHeartbeatPrintsIt(String held, boolean ownGroups, String printed) {
        assertEquals(printed, DaemonStatus.heartbeatRscstatus(held, ownGroups));
    }
}
