package io.vigil.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The daemon keeps its guardian: one that is killed is started again; after close() it is not. */
class GuardianTest {

    @TempDir
    Path dir;

    @Test
    void aKilledGuardianIsStartedAgain() throws Exception {
        Path pidFile = Files.writeString(dir.resolve("vigil.pid"), ProcessHandle.current().pid() + "\n");
        Path cleaned = dir.resolve("cleaned");
        // the guardian watches this test JVM, which outlives the test: its cleanup never runs here
        Guardian g = Guardian.keep(pidFile, dir.resolve("handover"), List.of("/bin/sh", "-c", "echo cleaned > " + cleaned), dir.resolve("guardian.log"));
        Process first = g.process();
        try {
            assertTrue(first.isAlive());
            List<ProcessHandle> orphans = new java.util.ArrayList<>(first.descendants().toList());
            first.destroyForcibly().waitFor();
            orphans.forEach(ProcessHandle::destroyForcibly); // none: it waits on a pipe, not in a child
            long deadline = System.currentTimeMillis() + 10_000;
            while ((g.restarts() == 0 || !g.process().isAlive()) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, g.restarts());
            Process second = g.process();
            assertNotEquals(first.pid(), second.pid());
            assertTrue(second.isAlive(), "a new guardian watches the daemon");
            assertFalse(Files.exists(cleaned), "the daemon is alive: nothing to clean");

            g.close();
            second.descendants().forEach(ProcessHandle::destroyForcibly);
            second.destroyForcibly().waitFor();
            Thread.sleep(500);
            assertEquals(1, g.restarts(), "closed: not started again");
        } finally {
            g.close();
            g.process().descendants().forEach(ProcessHandle::destroyForcibly);
            g.process().destroyForcibly();
        }
    }
}
