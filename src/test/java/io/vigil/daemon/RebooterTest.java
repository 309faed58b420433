package io.vigil.daemon;

import io.vigil.resource.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rebooter. The default command is NEVER run here: every case that could reach it uses a recording runner, and
 * the real runner only ever gets a harmless command.
 */
class RebooterTest {

    @TempDir
    Path dir;

    private final List<List<String>> ran = new ArrayList<>();
    private final BiFunction<List<String>, Map<String, String>, ProcessRunner.Outcome> recording = (argv, env) -> {
        ran.add(argv);
        return new ProcessRunner.Outcome(0, Duration.ZERO, List.of(), List.of(), false);
    };

    private static Rebooter.Host host(boolean marker, Optional<String> netns, Optional<Boolean> cap) {
        return new Rebooter.Host() {
            @Override
            public boolean labMarker() {
                return marker;
            }

            @Override
            public Optional<String> foreignNetworkNamespace() {
                return netns;
            }

            @Override
            public Optional<Boolean> canReboot() {
                return cap;
            }
        };
    }

    private Rebooter defaultOn(Rebooter.Host h) {
        return new Rebooter("reboot -nf", true, "linux1", h, recording);
    }

    @Test
    void theDefaultRebootIsRefusedInALab() {
        for (Rebooter.Host h : List.of(host(true, Optional.empty(), Optional.of(true)),
                host(false, Optional.of("this process runs in the network namespace sf-linux1 (ip netns)"), Optional.of(true)),
                host(false, Optional.empty(), Optional.of(false)))) {
            Rebooter.Outcome o = defaultOn(h).reboot("stop of group g failed");
            assertFalse(o.ran());
            assertTrue(o.refused().isPresent());
            assertTrue(o.detail().startsWith("REFUSING to run the real reboot command 'reboot -nf' (stop of group g failed)"),
                    o.detail());
        }
        assertEquals(List.of(), ran, "nothing was run");
        assertTrue(defaultOn(host(true, Optional.empty(), Optional.of(false))).refusal().orElseThrow()
                .contains("lab marker lab-node"));
    }

    @Test
    void theDefaultRebootRunsOnARealHost() {
        Rebooter.Outcome o = defaultOn(host(false, Optional.empty(), Optional.of(true))).reboot("stop failed");
        assertTrue(o.ran());
        assertEquals(List.of(List.of("/bin/sh", "-c", "reboot -nf")), ran, "the recording runner stood in for reboot");
    }

    @Test
    void aConfiguredCommandIsAlwaysRunEvenInALab() throws Exception {
        Path out = dir.resolve("rebooted");
        Rebooter r = new Rebooter("echo \"$VIGIL_NODE\" > " + out, false, "linux1", host(true, Optional.of("lab"), Optional.of(false)),
                (argv, env) -> new ProcessRunner().run(argv, env, Duration.ofSeconds(10)));
        assertTrue(r.refusal().isEmpty());
        Rebooter.Outcome o = r.reboot("test");
        assertTrue(o.ran());
        assertEquals("linux1\n", Files.readString(out));
    }

    @Test
    void readsTheCapabilityAndTheNamespaceFromProc() throws Exception {
        Path status = Files.writeString(dir.resolve("status"), "Name:\tjava\nCapEff:\t000001fffebfffff\n");
        assertEquals(Optional.of(false), Rebooter.effectiveCapability(status, Rebooter.CAP_SYS_BOOT));
        Files.writeString(status, "CapEff:\t000001fffeffffff\n");
        assertEquals(Optional.of(true), Rebooter.effectiveCapability(status, Rebooter.CAP_SYS_BOOT));
        assertEquals(Optional.empty(), Rebooter.effectiveCapability(dir.resolve("none"), Rebooter.CAP_SYS_BOOT));
        // this JVM: whatever the answer, it is an answer (a capability line exists)
        assertTrue(Rebooter.effectiveCapability(Path.of("/proc/self/status"), Rebooter.CAP_SYS_BOOT).isPresent());
        // a namespace directory holding our own namespace file: recognised as a named namespace
        Path named = Files.createDirectories(dir.resolve("netns"));
        Files.createSymbolicLink(named.resolve("sf-test"), Path.of("/proc/self/ns/net"));
        Optional<String> why = Rebooter.foreignNetworkNamespace(Path.of("/proc/self/ns/net"), dir.resolve("no-init"), named);
        assertTrue(why.isPresent() && why.get().contains("sf-test"), why.toString());
        assertEquals(Optional.empty(), Rebooter.foreignNetworkNamespace(Path.of("/proc/self/ns/net"), dir.resolve("no-init"),
                dir.resolve("empty")));
    }
}
