package io.vigil.daemon;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestartWindowTest {

    @Test
    void windowIsDeadtimeLessOneKeepalive() {
        assertEquals(9_000, RestartWindow.windowMs(10_000, 1_000)); // the tutorial's ha.cf
    }

    @Test
    void aStartUpThatFitsTheWindowAddsNothing() {
        assertEquals("", RestartWindow.warning(3_000, 9_000));
        assertEquals("", RestartWindow.warning(5_400, 9_000)); // 60 % of the window: still room
        assertEquals("", RestartWindow.warning(-1, 9_000)); // launch time unknown: no guess
    }

    @Test
    void aSlowStartUpIsWarnedAboutWithBothFigures() {
        String w = RestartWindow.warning(17_000, 9_500);
        assertTrue(w.contains("took 17000 ms to start") && w.contains("has 9500 ms"), w);
        assertTrue(w.contains("Raise deadtime"), w);
    }

    @Test
    void thisProcessKnowsWhenItWasLaunched() {
        long ms = RestartWindow.startupMs(System.currentTimeMillis());
        assertTrue(ms > 0 && ms < 3_600_000, "startup " + ms);
    }
}
