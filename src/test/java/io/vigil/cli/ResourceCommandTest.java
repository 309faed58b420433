package io.vigil.cli;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `vigil resource …` end to end, with the shipped Dummy script. */
@QuarkusMainTest
class ResourceCommandTest {

    @Test
    void statusStartStopCheckAndTheDaemonGuard(QuarkusMainLauncher launcher) throws Exception {
        Path base = Files.createTempDirectory("vt-res-cli");
        Path conf = Files.createDirectories(base.resolve("conf"));
        Path run = Files.createDirectories(base.resolve("run"));
        System.setProperty("vigil.resource-dir", Path.of("resource.d").toAbsolutePath().toString());
        System.setProperty("vigil.resource.tmp-dir", base.resolve("rsctmp").toString());
        System.setProperty("vigil.resource.script-dirs", Path.of("resource.d").toAbsolutePath().toString());
        String[] where = {"--config-dir", conf.toString(), "--run-dir", run.toString()};

        LaunchResult r = launcher.launch(args("status", "Dummy::vt-res-cli", where));
        assertEquals(3, r.exitCode(), r.getOutput() + r.getErrorOutput());
        assertTrue(r.getOutput().contains("Dummy::vt-res-cli: stopped"), r.getOutput());

        // the daemon runs (this JVM stands in for it) and haresources names the resource: refuse
        Files.writeString(run.resolve("vigil.pid"), ProcessHandle.current().pid() + "\n");
        Files.writeString(conf.resolve("haresources"), "alice 192.0.2.10 \\\n  Dummy::vt-res-cli\n");
        r = launcher.launch(args("start", "Dummy::vt-res-cli", where));
        assertEquals(1, r.exitCode());
        assertTrue(r.getErrorOutput().contains("is managed by the running daemon"), r.getErrorOutput());

        r = launcher.launch(args("start", "Dummy::vt-res-cli", where, "--force"));
        assertEquals(0, r.exitCode(), r.getOutput() + r.getErrorOutput());
        assertTrue(Files.exists(base.resolve("rsctmp/vigil-Dummy-vt-res-cli.state")));
        r = launcher.launch(args("check", "vt-res-missing", where));
        assertEquals(1, r.exitCode());
        assertTrue(r.getOutput().contains("DEVIATION validate: Cannot locate resource script vt-res-missing"), r.getOutput());
    }

    private static String[] args(String action, String spec, String[] where, String... more) {
        String[] a = new String[3 + where.length + more.length];
        a[0] = "resource";
        a[1] = action;
        a[2] = spec;
        System.arraycopy(where, 0, a, 3, where.length);
        System.arraycopy(more, 0, a, 3 + where.length, more.length);
        return a;
    }
}
