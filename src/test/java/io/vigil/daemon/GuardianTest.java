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
        Guardian g = Guardian.keep(pidFile, dir.resolve("handover"), dir.resolve("held"), List.of("/bin/sh", "-c", "echo cleaned > " + cleaned), dir.resolve("guardian.log"));
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

    /**
     * The daemon dies holding a virtual address: the guardian's shell removes it at once, before the clean-up command
     * (a JVM, slow to start on a starved host; here a command that takes 5 s) has even begun. A real address on a
     * veth in a namespace of this test; the daemon's death is the guardian's pipe closing.
     */
    @Test
    void theHeldAddressesGoBeforeTheCleanupStarts() throws Exception {
        withHeldAddress((ns, held) -> {
            Path pidFile = Files.writeString(dir.resolve("vigil.pid"), "1\n"); // present: the daemon did not stop cleanly
            Path cleaned = dir.resolve("cleaned");
            Process guardian = Guardian.spawn(pidFile, dir.resolve("handover"), held,
                    List.of("/bin/sh", "-c", "sleep 5; echo cleaned > " + cleaned), dir.resolve("guardian.log"));
            try {
                long t0 = System.nanoTime();
                guardian.getOutputStream().close(); // the daemon "dies": end of file on the guardian's pipe
                long deadline = t0 + 4_000_000_000L;
                while (addressUp(ns) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertFalse(addressUp(ns), "the guardian left the address up\n" + Files.readString(dir.resolve("guardian.log")));
                assertFalse(Files.exists(cleaned), "the address went before the clean-up command finished");
                System.out.printf("guardian: address removed %d ms after the daemon's death%n", (System.nanoTime() - t0) / 1_000_000);
            } finally {
                guardian.descendants().forEach(ProcessHandle::destroyForcibly);
                guardian.destroyForcibly();
            }
        });
    }

    /** The systemd unit's ExecStopPost runs the shipped script for the same records (the guardian dies with the unit). */
    @Test
    void theShippedReleaseScriptRemovesTheHeldAddresses() throws Exception {
        withHeldAddress((ns, held) -> {
            io.vigil.testsupport.Netns.Result r = io.vigil.testsupport.Netns.run(List.of(
                    Path.of("deploy/bin/vigil-release-addresses").toAbsolutePath().toString(), held.toString()));
            assertEquals(0, r.exitCode(), r.output());
            assertFalse(addressUp(ns), "the script left the address up: " + r.output());
        });
    }

    /** The guardian runs the shipped script's text, whose glob must be the one the built-in IPaddr writes. */
    @Test
    void theGuardianRunsTheShippedScript() throws Exception {
        assertEquals(Files.readString(Path.of("deploy/bin/vigil-release-addresses")), Guardian.RELEASE_SCRIPT);
        assertTrue(Guardian.RELEASE_SCRIPT.contains("/" + io.vigil.resource.HeldAddresses.PREFIX + "*"),
                "the script's glob is not HeldAddresses.PREFIX");
    }

    /**
     * After a keeping stop the script waits for the handover's deadline and removes the addresses copied beside the
     * record ({@code handover.held}, as {@link io.vigil.resource.HeldAddresses#snapshot} leaves them) — unless a new
     * daemon took the record meanwhile.
     */
    @Test
    void afterAHandoverTheScriptReleasesAtTheDeadlineUnlessTheRecordWasTaken() throws Exception {
        withHeldAddress((ns, held) -> {
            Path record = dir.resolve("handover");
            io.vigil.resource.HeldAddresses.snapshot(held, Handover.heldDir(record));
            String script = Path.of("deploy/bin/vigil-release-addresses").toAbsolutePath().toString();

            // taken before the deadline: the address stays
            Files.writeString(record, (System.currentTimeMillis() + 600) + " boot-a\ngroup\n");
            Process taken = new ProcessBuilder(script, "--after-handover", record.toString()).start();
            Thread.sleep(200);
            Handover.take(record);
            assertTrue(taken.waitFor(5, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, taken.exitValue());
            assertTrue(addressUp(ns), "the record was taken by a new daemon: the address stays");

            // still there at the deadline: released then, not before
            io.vigil.resource.HeldAddresses.snapshot(held, Handover.heldDir(record));
            long deadline = System.currentTimeMillis() + 800;
            Files.writeString(record, deadline + " boot-a\ngroup\n");
            Process watch = new ProcessBuilder(script, "--after-handover", record.toString()).start();
            Thread.sleep(300);
            assertTrue(addressUp(ns), "released before the deadline");
            assertTrue(watch.waitFor(5, java.util.concurrent.TimeUnit.SECONDS));
            long releasedAt = System.currentTimeMillis();
            assertFalse(addressUp(ns), "not released at the deadline");
            assertTrue(releasedAt >= deadline, "released " + (deadline - releasedAt) + " ms before the deadline");
            System.out.printf("handover watch (shell): address removed %d ms after the deadline%n", releasedAt - deadline);
        });
    }

    private interface HeldCase {
        void run(String ns, Path held) throws Exception;
    }

    /** A namespace with 192.0.2.55/24 on a veth and its record in a directory, as the built-in IPaddr leaves them. */
    private void withHeldAddress(HeldCase body) throws Exception {
        io.vigil.testsupport.Netns.assumeAvailable();
        String ns = "gd-held-" + ProcessHandle.current().pid();
        io.vigil.testsupport.Netns.run(List.of("ip", "netns", "add", ns));
        try {
            assertEquals(0, io.vigil.testsupport.Netns.run(List.of("ip", "-n", ns, "link", "add", "dum0", "type", "veth",
                    "peer", "name", "dum1")).exitCode());
            assertEquals(0, io.vigil.testsupport.Netns.run(List.of("ip", "-n", ns, "addr", "add", "192.0.2.55/24", "dev",
                    "dum0")).exitCode());
            assertTrue(addressUp(ns));
            Path held = Files.createDirectories(dir.resolve("held"));
            Files.writeString(held.resolve(io.vigil.resource.HeldAddresses.PREFIX + "192.0.2.55"), ns + " 192.0.2.55/24 dum0\n");
            body.run(ns, held);
        } finally {
            io.vigil.testsupport.Netns.run(List.of("ip", "netns", "del", ns));
        }
    }

    private static boolean addressUp(String ns) {
        return io.vigil.testsupport.Netns.run(List.of("ip", "-n", ns, "-o", "addr", "show", "dev", "dum0")).output()
                .contains("192.0.2.55/");
    }
}
