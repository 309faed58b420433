package io.vigil.resource;

import io.vigil.config.ResourceGroup;
import io.vigil.config.ResourceSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourceManagerTest {

    @TempDir
    Path dir;
    Path calls;
    Path scripts;
    Path tmp;

    @BeforeEach
    void scripts() throws Exception {
        calls = dir.resolve("calls");
        scripts = Files.createDirectories(dir.resolve("scripts"));
        tmp = dir.resolve("tmp");
        // Rec <name> action: a compliant script that records each call; "Fail" fails its start
        String rec = "name=$1; act=$2; echo \"$name $act\" >> " + calls + "\n"
                + "st=$HA_RSCTMP/rec-$name\n"
                + "case $act in\n"
                + " start) [ \"$name\" = bad ] && { echo 'cannot start' >&2; exit 1; }; mkdir -p $HA_RSCTMP; touch $st;;\n"
                + " stop) rm -f $st;;\n"
                + " status) if [ -f $st ]; then echo running; exit 0; else echo stopped; exit 3; fi;;\n"
                + "esac\nexit 0\n";
        TestScripts.write(scripts, "Rec", rec);
    }

    private ResourceManager manager() {
        return new ResourceManager(TestScripts.settings(tmp, scripts));
    }

    private static ResourceGroup group(String... tokens) {
        return new ResourceGroup(tokens[0], "alice", java.util.Arrays.stream(tokens).map(ResourceManagerTest::spec).toList(), 7);
    }

    /** Tokens the haresources grammar already rejects (a bad address) still reach validate() when built directly. */
    private static io.vigil.config.ResourceSpec spec(String token) {
        try {
            return SpecSyntax.parse(token);
        } catch (IllegalArgumentException e) {
            String[] parts = token.split("::", -1);
            return new io.vigil.config.ResourceSpec(parts[0], java.util.List.of(parts).subList(1, parts.length), token);
        }
    }

    private List<String> calls() throws Exception {
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    /**
     * Group A's stop blocks until group B's start has returned: with one lock for every group (before issue 13) B
     * waited behind A and this test failed; per-group locks let B through while A is stuck.
     */
    @Test
    void aStuckStopOfOneGroupDoesNotHoldAnotherGroupsStart() throws Exception {
        Path release = dir.resolve("release");
        TestScripts.write(scripts, "Stuck", "case $1 in stop) while [ ! -e " + release + " ]; do sleep 0.05; done;; "
                + "status) echo running;; esac; exit 0\n");
        ResourceManager m = manager();
        ResourceGroup a = group("Stuck");
        ResourceGroup b = group("Rec::b");
        var stopA = java.util.concurrent.CompletableFuture.supplyAsync(() -> m.stop(a));
        // A's stop is running (its script polls the release file) before B starts
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ProcessHandle.current().descendants().noneMatch(h -> h.info().commandLine().orElse("").contains("Stuck"))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        var startB = java.util.concurrent.CompletableFuture.supplyAsync(() -> m.start(b));
        GroupResult rb = startB.get(8, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(rb.success(), rb.summary());
        assertFalse(stopA.isDone(), "A's stop is still stuck while B started");
        Files.writeString(release, "");
        assertTrue(stopA.get(20, java.util.concurrent.TimeUnit.SECONDS).success());
    }

    /** vigil resource cleanup's re-probe: released only when every resource says stopped. */
    @Test
    void cleanupReleasesAGroupOnlyOnceEveryResourceSaysStopped() throws Exception {
        Path fixed = dir.resolve("fixed");
        // Stubborn: its stop fails (and it keeps running) until the operator has fixed it
        TestScripts.write(scripts, "Stubborn", "st=$HA_RSCTMP/stubborn\ncase $1 in\n"
                + " start) mkdir -p $HA_RSCTMP; touch $st;;\n"
                + " stop) [ -e " + fixed + " ] || { echo 'device busy' >&2; exit 1; }; rm -f $st;;\n"
                + " status) if [ -f $st ]; then echo running; else echo stopped; exit 3; fi;;\nesac\nexit 0\n");
        ResourceManager m = manager();
        ResourceGroup g = group("Rec::a", "Stubborn");
        assertTrue(m.start(g).success());
        assertFalse(m.stop(g).success(), "the stop fails: the group would be stop-failed");

        ResourceManager.CleanupResult still = m.cleanup(g);
        assertFalse(still.released(), still.summary());
        assertTrue(still.stop().isPresent());
        assertTrue(still.summary().contains("NOT released (still Stubborn running)"), still.summary());

        Files.writeString(fixed, "");
        Files.deleteIfExists(calls);
        ResourceManager.CleanupResult done = m.cleanup(g);
        assertTrue(done.released(), done.summary());
        assertTrue(done.summary().endsWith("every resource is stopped: released"), done.summary());

        // nothing running: a pure probe, no stop
        Files.delete(calls);
        ResourceManager.CleanupResult idle = m.cleanup(g);
        assertTrue(idle.released());
        assertTrue(idle.stop().isEmpty());
        assertEquals(List.of("a status"), calls());
    }

    @Test
    void cleanupDoesNotReleaseWhatItCannotProbe() throws Exception {
        TestScripts.write(scripts, "Mute", "case $1 in status) exit 4;; esac; exit 0\n");
        ResourceManager.CleanupResult r = manager().cleanup(group("Mute"));
        assertFalse(r.released(), r.summary());
        assertTrue(r.stop().isPresent(), "an unknown state is stopped again");
        assertTrue(r.summary().contains("still Mute unknown"), r.summary());
    }

    @Test
    void startsLeftToRightAndStopsRightToLeft() throws Exception {
        ResourceManager m = manager();
        ResourceGroup g = group("Rec::a", "Rec::b", "Rec::c");
        GroupResult r = m.start(g);
        assertTrue(r.success(), r.summary());
        assertEquals(List.of("a status", "a start", "b status", "b start", "c status", "c start"), calls());
        assertEquals(GroupStatus.Overall.ALL, m.status(g).overall());
        Files.delete(calls);
        assertTrue(m.stop(g).success());
        assertEquals(List.of("c stop", "b stop", "a stop"), calls());
        assertEquals(GroupStatus.Overall.NONE, m.status(g).overall());
    }

    @Test
    void aFailingStartInTheMiddleStopsTheStartedOnesInReverseOrder() throws Exception {
        GroupResult r = manager().start(group("Rec::a", "Rec::b", "Rec::bad", "Rec::d"));
        assertFalse(r.success());
        assertEquals(List.of("a status", "a start", "b status", "b start", "bad status", "bad start",
                "bad stop", "b stop", "a stop"), calls());
        assertTrue(r.summary().contains("FAILED at start Rec::bad: rc=1"), r.summary());
        assertTrue(r.operations().stream().anyMatch(o -> o.lastLines().contains("cannot start")));
        assertEquals(GroupStatus.Overall.NONE, manager().status(group("Rec::a", "Rec::b", "Rec::d")).overall());
    }

    @Test
    void aRunningResourceIsNotStartedAgainAndStatusSaysSome() throws Exception {
        ResourceManager m = manager();
        m.start(group("Rec::b"));
        Files.delete(calls);
        ResourceGroup g = group("Rec::a", "Rec::b");
        assertEquals(GroupStatus.Overall.SOME, m.status(g).overall());
        Files.delete(calls);
        assertTrue(m.start(g).success());
        assertEquals(List.of("a status", "a start", "b status"), calls());
    }

    @Test
    void aFailingStopIsRetriedThenForgivenWhenStatusSaysStopped() throws Exception {
        TestScripts.write(scripts, "BadStop", "echo \"$1\" >> " + calls + "\n"
                + "case $1 in stop) exit 1;; status) echo stopped; exit 3;; esac\nexit 0\n");
        GroupResult r = manager().stop(group("BadStop"));
        assertTrue(r.success(), r.summary());
        // 1 stop + 2 retries (settings) + the deciding status
        assertEquals(List.of("stop", "stop", "stop", "status"), calls());
    }

    @Test
    void aFailingStopOfARunningResourceIsAFailure() throws Exception {
        TestScripts.write(scripts, "Stuck", "case $1 in stop) exit 1;; status) echo running; exit 0;; esac\nexit 0\n");
        GroupResult r = manager().stop(group("Rec::x", "Stuck"));
        assertFalse(r.success());
        assertTrue(r.summary().contains("FAILED at stop Stuck"), r.summary());
    }

    @Test
    void aHangingStartIsKilledAtItsTimeoutWithNoOrphanAndTheGroupGivenUp() throws Exception {
        Path pid = dir.resolve("pid");
        TestScripts.write(scripts, "Hang", "case $1 in\n start) sleep 300 & echo $! > " + pid + "; wait;;\n"
                + " status) echo stopped; exit 3;;\nesac\nexit 0\n");
        ResourceSettings s = TestScripts.settings(tmp, scripts).withTimeouts(Duration.ofMillis(700), Duration.ofSeconds(5),
                Duration.ofSeconds(5));
        GroupResult r = new ResourceManager(s).start(group("Rec::a", "Hang"));
        assertFalse(r.success());
        OperationResult hang = r.operations().stream().filter(o -> o.resource().equals("Hang") && o.operation().equals("start"))
                .findFirst().orElseThrow();
        assertTrue(hang.timedOut());
        assertFalse(hang.ok());
        assertFalse(TestScripts.alive(Long.parseLong(Files.readString(pid).trim())), "the script's child survived");
        assertTrue(calls().contains("a stop"), calls().toString());
    }

    @Test
    void scriptsGetHeartbeatsEnvironmentAndArguments() throws Exception {
        Path env = dir.resolve("env");
        TestScripts.write(scripts, "Env", "echo \"$# $1 $2 $3|$HA_RSCTMP|$HA_DIR|$HA_FUNCS|$OCF_ROOT|$HA_CURHOST|$VT_RES_EXTRA\" > " + env
                + "\nexit 0\n");
        ResourceSettings s = TestScripts.settings(tmp, scripts).withEnvironment(java.util.Map.of("VT_RES_EXTRA", "x"));
        ResourceAgent a = new ResourceManager(s).agentFor(SpecSyntax.parse("Env::one::two"));
        assertTrue(a.start().ok());
        String line = Files.readString(env).trim();
        assertTrue(line.startsWith("3 one two start|" + tmp + "|/etc/ha.d|/etc/ha.d/shellfuncs|/usr/lib/ocf|"), line);
        assertTrue(line.endsWith("|x"), line);
    }

    @Test
    void lookupOrderAndValidation() throws Exception {
        Path second = Files.createDirectories(dir.resolve("second"));
        TestScripts.write(second, "Rec", "exit 0\n");
        TestScripts.write(second, "Only", "exit 0\n");
        ResourceManager m = new ResourceManager(TestScripts.settings(tmp, scripts, second));
        assertEquals(scripts.resolve("Rec").toString(), m.agentFor(SpecSyntax.parse("Rec::a")).describe());
        assertEquals(second.resolve("Only").toString(), m.agentFor(SpecSyntax.parse("Only")).describe());
        assertTrue(m.agentFor(SpecSyntax.parse("192.0.2.10")) instanceof IpAddrAgent);
        assertTrue(m.agentFor(SpecSyntax.parse("IPaddr2::192.0.2.10/24")) instanceof IpAddrAgent);

        Path file = Path.of("/etc/ha.d/haresources");
        Files.writeString(second.resolve("NotExec"), "#!/bin/sh\nexit 0\n");
        List<String> problems = m.validate(group("Rec::a", "Nope", "IPaddr::192.0.2.300", "ocf:vt-res:Nothing::a=1",
                "IPaddr::192.0.2.10::extra", "NotExec"), file).stream().map(io.vigil.config.ConfigProblem::format).toList();
        assertEquals(5, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith(file + ":7: resource Nope: Cannot locate resource script Nope"), problems.get(0));
        assertTrue(problems.get(1).contains("'192.0.2.300' is not an IPv4"), problems.get(1));
        assertTrue(problems.get(2).contains("OCF agent /usr/lib/ocf/resource.d/vt-res/Nothing not found"), problems.get(2));
        assertTrue(problems.get(3).contains("exactly one argument"), problems.get(3));
        assertTrue(problems.get(4).contains("resource NotExec: Resource script " + second.resolve("NotExec")
                + " is not an executable file (chmod 755"), problems.get(4));
        // a missing script fails its start cleanly
        GroupResult r = m.start(group("Nope"));
        assertFalse(r.success());
        assertEquals(5, r.operations().get(r.operations().size() - 1).exitCode());
    }

    @Test
    void refusesToRunOnAnEventLoop() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            java.util.concurrent.CompletableFuture<Throwable> f = new java.util.concurrent.CompletableFuture<>();
            vertx.runOnContext(v -> {
                try {
                    manager().status(group("Rec::a"));
                    f.complete(null);
                } catch (Throwable t) {
                    f.complete(t);
                }
            });
            Throwable t = f.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(t instanceof IllegalStateException, String.valueOf(t));
        } finally {
            vertx.close();
        }
    }

    @Test
    void statusUnknownWhenTheProbeHangs() throws Exception {
        TestScripts.write(scripts, "SlowStatus", "case $1 in status) sleep 30;; esac\nexit 0\n");
        ResourceSettings s = TestScripts.settings(tmp, scripts).withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofMillis(500));
        GroupStatus st = new ResourceManager(s).status(group("SlowStatus", "Rec::z"));
        assertEquals(ResourceState.UNKNOWN, st.resources().get(0).state());
        assertTrue(st.resources().get(0).probe().timedOut());
        assertEquals(GroupStatus.Overall.NONE, st.overall());
        assertEquals(new ResourceSpec("SlowStatus", List.of(), "SlowStatus"), SpecSyntax.parse("SlowStatus"));
    }
}
