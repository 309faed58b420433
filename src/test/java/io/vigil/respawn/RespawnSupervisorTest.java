package io.vigil.respawn;

import io.vigil.config.Origin;
import io.vigil.config.RespawnClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ha.cf's respawn children with real processes: restarted when they exit, not after exit code 100, given up after
 * more than 10 quick restarts, stopped last-first with their descendants, run as their user with ha.cf's env.
 */
class RespawnSupervisorTest {

    @TempDir
    Path dir;

    private final List<RespawnSupervisor> supervisors = new ArrayList<>();
    private final List<String> launched = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopAll() {
        supervisors.forEach(s -> s.stop(Duration.ofSeconds(5)));
    }

    private static RespawnClient client(String command) {
        int uid = (int) SystemLauncher.ownUid();
        return new RespawnClient("me", uid, uid, command, Path.of(command.split(" ")[0]), false, Origin.DEFAULT);
    }

    /** The real launcher, recording each launch. */
    private RespawnSupervisor supervisor(Duration restartDelay, Map<String, String> env, RespawnClient... clients) {
        SystemLauncher real = new SystemLauncher(env);
        RespawnSupervisor s = new RespawnSupervisor(List.of(clients), c -> {
            launched.add(c.command());
            return real.launch(c);
        }, restartDelay, System::nanoTime);
        supervisors.add(s);
        return s;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting for: " + what);
            Thread.sleep(20);
        }
    }

    private Path script(String name, String body) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    @Test
    void aChildThatExitsIsStartedAgainButNotAfterExitCode100() throws Exception {
        Path runs = dir.resolve("runs");
        // exits 1 on its first run, then 100
        Path child = script("child", "echo x >> " + runs + "\n[ $(wc -l < " + runs + ") -ge 2 ] && exit 100\nexit 1");
        RespawnSupervisor s = supervisor(Duration.ofMillis(10), Map.of(), client(child.toString()));
        s.start();
        await("two runs", () -> launched.size() == 2 && s.pids().isEmpty());
        Thread.sleep(500);
        assertEquals(2, launched.size(), "restarted after exit code 100");
    }

    @Test
    void moreThanTenQuickRestartsAndTheChildIsGivenUp() throws Exception {
        RespawnSupervisor s = supervisor(Duration.ofMillis(10), Map.of(), client("/bin/false"));
        s.start();
        await("11 launches", () -> launched.size() >= 11);
        Thread.sleep(1000);
        // Heartbeat: the 11th quick restart in a row is not made ("respawning too fast")
        assertEquals(11, launched.size());
        assertTrue(s.pids().isEmpty());
    }

    @Test
    void stopTerminatesChildrenAndTheirDescendantsAndNothingIsRestarted() throws Exception {
        Path pids = dir.resolve("pids");
        Path tree = script("tree", "sleep 300 &\necho $! >> " + pids + "\nexec sleep 300");
        RespawnSupervisor s = supervisor(Duration.ofMillis(10), Map.of(), client(tree.toString()), client("/bin/sleep 300"));
        s.start();
        // the shell creates the file before it writes the pid: wait for the line itself
        await("both running", () -> s.pids().size() == 2 && Files.exists(pids) && readQuietly(pids).endsWith("\n"));
        List<Long> running = s.pids();
        long grandchild = Long.parseLong(Files.readString(pids).strip());
        s.stop(Duration.ofSeconds(5));
        for (long pid : running) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "child " + pid + " still runs");
        }
        await("grandchild gone", () -> !ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false));
        Thread.sleep(300);
        assertEquals(2, launched.size(), "a child was restarted during the stop");
        s.start(); // a stopped supervisor starts nothing
        Thread.sleep(300);
        assertEquals(2, launched.size());
    }

    @Test
    void heartbeatApiClientsAreNeverStarted() {
        RespawnClient ipfail = new RespawnClient("hacluster", 102, 105, "/usr/lib/heartbeat/ipfail",
                Path.of("/usr/lib/heartbeat/ipfail"), false, Origin.DEFAULT);
        RespawnSupervisor s = supervisor(Duration.ofMillis(10), Map.of(), ipfail);
        assertTrue(s.isEmpty());
        s.start();
        assertTrue(launched.isEmpty());
    }

    @Test
    void runsAsTheLinesUserWithTheEnvVariables() throws Exception {
        assumeTrue(SystemLauncher.ownUid() == 0, "switching users needs root");
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path out = shared.resolve("out");
        Path child = script("who", "echo \"$(id -u) $(id -g) $HA_SITE\" > " + out + "\nexec sleep 300");
        RespawnClient nobody = new RespawnClient("nobody", 65534, 65534, child.toString(), child, false, Origin.DEFAULT);
        RespawnSupervisor s = supervisor(Duration.ofMillis(10), Map.of("HA_SITE", "paris"), nobody);
        s.start();
        await("child wrote its identity", () -> Files.exists(out) && !read(out).isBlank());
        assertEquals("65534 65534 paris", read(out).strip());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
