package io.vigil.daemon;

import io.vigil.config.Origin;
import io.vigil.config.StonithDevice;
import io.vigil.testsupport.StonithPlugin;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fencing through cluster-glue's real {@code stonith} tool and an {@code external/} plugin of the test's own that
 * only records what it is asked (it powers nothing off), plus the fence-script fallback.
 */
class FencingTest {

    @TempDir
    Path dir;
    Path calls;

    /** hostlist and mode (ok, fail, hang) come as stonith -p parameters; every call is appended to $calls. */
    private String plugin() {
        return "#!/bin/sh\n"
                + "echo \"$1 $2 hostlist=$hostlist mode=$mode\" >> " + calls + "\n"
                + "case $1 in\n"
                + "gethosts) for h in $(echo \"$hostlist\" | tr ',' ' '); do echo $h; done; exit 0;;\n"
                + "reset|off|on) case $mode in fail) echo \"cannot reach the power switch\" >&2; exit 1;; "
                + "hang) sleep 60;; esac; exit 0;;\n"
                + "status) exit 0;;\n"
                + "getconfignames) echo hostlist; echo mode; exit 0;;\n"
                + "getinfo-*) echo test device; exit 0;;\n"
                + "*) exit 1;;\nesac\n";
    }

    @BeforeEach
    void setUp() {
        StonithPlugin.assumeAvailable();
        calls = dir.resolve("calls");
    }

    private static StonithDevice device(String type, String params) {
        return new StonithDevice(type, Optional.empty(), params, Origin.of("ha.cf:9"));
    }

    private List<String> calls() throws Exception {
        return Files.exists(calls) ? Files.readAllLines(calls).stream().filter(l -> !l.startsWith("getconfignames")).toList()
                : List.of();
    }

    @Test
    void aDeviceThatControlsTheNodeResetsIt() throws Exception {
        try (StonithPlugin p = StonithPlugin.install("rec", plugin())) {
            Fencing f = new Fencing(List.of(device(p.type(), "linux1,linux2 ok")), Optional.empty(), "linux2", Duration.ofSeconds(20));
            assertTrue(f.configured());
            Fencing.Result r = f.fence("linux1");
            assertTrue(r.ok(), r.summary());
            assertEquals("OK", r.result());
            assertEquals(List.of("gethosts  hostlist=linux1,linux2 mode=ok", "reset linux1 hostlist=linux1,linux2 mode=ok"), calls());
        }
    }

    @Test
    void aDeviceThatDoesNotControlTheNodeIsNotAskedToResetIt() throws Exception {
        try (StonithPlugin p = StonithPlugin.install("rec", plugin())) {
            Fencing f = new Fencing(List.of(device(p.type(), "linux2 ok")), Optional.empty(), "linux2", Duration.ofSeconds(20));
            Fencing.Result r = f.fence("linux1");
            assertFalse(r.ok());
            assertEquals("badhost", r.result());
            assertTrue(r.summary().contains("does not control linux1"), r.summary());
            assertEquals(List.of("gethosts  hostlist=linux2 mode=ok"), calls());
        }
    }

    @Test
    void devicesAreTriedInOrderThenTheScript() throws Exception {
        Path script = dir.resolve("fence");
        Files.writeString(script, "#!/bin/sh\necho \"script $1 $HA_CURHOST\" >> " + calls + "\nexit ${FENCE_RC:-0}\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        try (StonithPlugin p = StonithPlugin.install("rec", plugin())) {
            Fencing f = new Fencing(List.of(device(p.type(), "linux1 fail"), device(p.type(), "linux1 ok")), Optional.of(script),
                    "linux2", Duration.ofSeconds(20));
            Fencing.Result r = f.fence("linux1");
            assertTrue(r.ok(), r.summary());
            assertEquals(List.of("gethosts  hostlist=linux1 mode=fail", "reset linux1 hostlist=linux1 mode=fail",
                    "gethosts  hostlist=linux1 mode=ok", "reset linux1 hostlist=linux1 mode=ok"), calls());
            Files.delete(calls);
            Fencing failing = new Fencing(List.of(device(p.type(), "linux1 fail")), Optional.of(script), "linux2",
                    Duration.ofSeconds(20));
            r = failing.fence("linux1");
            assertTrue(r.ok(), "the script fences when the device fails: " + r.summary());
            assertEquals("script linux1 linux2", calls().get(calls().size() - 1));
        }
    }

    @Test
    void aFailingOrHangingDeviceIsAFailureNamingWhy() throws Exception {
        try (StonithPlugin p = StonithPlugin.install("rec", plugin())) {
            Fencing.Result r = new Fencing(List.of(device(p.type(), "linux1 fail")), Optional.empty(), "linux2",
                    Duration.ofSeconds(20)).fence("linux1");
            assertFalse(r.ok());
            assertEquals("bad", r.result());
            assertTrue(r.summary().contains("failed to reset linux1") && r.summary().contains("cannot reach the power switch"),
                    r.summary());
            long t0 = System.nanoTime();
            r = new Fencing(List.of(device(p.type(), "linux1 hang")), Optional.empty(), "linux2", Duration.ofSeconds(2))
                    .fence("linux1");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertFalse(r.ok());
            assertTrue(r.summary().contains("timed out after 2000 ms"), r.summary());
            System.out.println("hanging STONITH device given up after " + ms + " ms (fence-timeout 2 s)");
        }
    }

    @Test
    void clusterGluesOwnNullDeviceWorksToo() {
        Fencing f = new Fencing(List.of(device("null", "linux1")), Optional.empty(), "linux2", Duration.ofSeconds(20));
        Fencing.Result r = f.fence("linux1");
        assertTrue(r.ok(), r.summary());
        assertEquals("badhost", f.fence("linux3").result());
    }

    @Test
    void nothingConfigured() {
        Fencing f = new Fencing(List.of(), Optional.empty(), "linux2", Duration.ofSeconds(1));
        assertFalse(f.configured());
        assertEquals("nothing", f.describe());
    }
}
