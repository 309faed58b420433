package io.vigil.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * ha.cf {@code watchdog}: a regular file stands in for the device (a real /dev/watchdog is never opened by a test:
 * an armed kernel watchdog that is not fed resets the machine).
 */
class KernelWatchdogTest {

    @TempDir
    Path dir;

    @Test
    void beatsThenMagicCloseOnACleanStop() throws Exception {
        Path dev = Files.createFile(dir.resolve("watchdog"));
        assertFalse(Preflight.isCharacterDevice(dev));
        KernelWatchdog w = KernelWatchdog.open(dev, 10_000);
        w.beat();
        w.beat();
        w.beat();
        w.close();
        assertEquals("\n\n\nV", Files.readString(dev));
    }

    @Test
    void anUncleanStopLeavesItArmed() throws Exception {
        Path dev = Files.createFile(dir.resolve("watchdog"));
        KernelWatchdog w = KernelWatchdog.open(dev, 10_000);
        w.beat();
        w.abandon();
        assertEquals("\n", Files.readString(dev));
    }

    @Test
    void heartbeatsTimeoutIsDeadtimePlusTenMillisecondsRoundedUp() {
        assertEquals(11, KernelWatchdog.timeoutSeconds(10_000));
        assertEquals(3, KernelWatchdog.timeoutSeconds(2_000));
        assertEquals(1, KernelWatchdog.timeoutSeconds(300));
        assertEquals(true, Preflight.isCharacterDevice(Path.of("/dev/null")));
    }
}
