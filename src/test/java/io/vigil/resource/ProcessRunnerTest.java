package io.vigil.resource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessRunnerTest {

    @TempDir
    Path dir;

    @Test
    void keepsTheLastLinesAndSeparatesStdout() throws Exception {
        Path s = TestScripts.write(dir, "talk", "i=1; while [ $i -le 30 ]; do echo \"line $i\"; i=$((i+1)); done; echo oops >&2; exit 4\n");
        ProcessRunner.Outcome o = new ProcessRunner(20).run(List.of(s.toString()), Map.of("X", "1"), Duration.ofSeconds(10));
        assertEquals(4, o.exitCode());
        assertFalse(o.timedOut());
        assertEquals(20, o.stdout().size());
        assertEquals("line 30", o.stdout().get(19));
        assertFalse(o.stdoutText().contains("oops"));
        assertEquals(20, o.lastLines().size());
        // stderr is kept in the interleaved tail (its position relative to stdout depends on thread timing)
        Path s2 = TestScripts.write(dir, "short", "echo out; echo oops >&2; exit 1\n");
        ProcessRunner.Outcome o2 = new ProcessRunner(20).run(List.of(s2.toString()), Map.of(), Duration.ofSeconds(10));
        assertEquals(List.of("out"), o2.stdout());
        assertTrue(o2.lastLines().containsAll(List.of("out", "oops")), o2.lastLines().toString());
    }

    @Test
    void passesArgumentsVerbatimAndTheEnvironment() throws Exception {
        Path s = TestScripts.write(dir, "args", "printf '[%s]' \"$@\"; echo; echo \"$VT_RES_X\"\n");
        ProcessRunner.Outcome o = new ProcessRunner().run(List.of(s.toString(), "a b", "$HOME", ";ls"), Map.of("VT_RES_X", "y"),
                Duration.ofSeconds(10));
        assertEquals(List.of("[a b][$HOME][;ls]", "y"), o.stdout());
    }

    @Test
    void aHangingScriptIsKilledWithItsWholeTreeAtItsTimeout() throws Exception {
        Path pids = dir.resolve("pids");
        // a child that ignores TERM (needs KILL), a grandchild, and the script itself waiting on them
        Path s = TestScripts.write(dir, "hang",
                "(trap '' TERM; sleep 300 & echo $! >> " + pids + "; wait) &\n"
                        + "echo $! >> " + pids + "\n"
                        + "sleep 300 &\necho $! >> " + pids + "\n"
                        + "echo started\nwait\n");
        long t0 = System.nanoTime();
        ProcessRunner.Outcome o = new ProcessRunner().run(List.of(s.toString()), Map.of(), Duration.ofMillis(800));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(o.timedOut());
        assertEquals(-1, o.exitCode());
        assertTrue(o.lastLines().contains("started"));
        assertTrue(ms >= 800 && ms < 8000, "took " + ms + " ms");
        List<String> lines = Files.readAllLines(pids);
        assertEquals(3, lines.size(), lines.toString());
        for (String pid : lines) {
            assertFalse(TestScripts.alive(Long.parseLong(pid.trim())), "orphan left: pid " + pid);
        }
    }

    @Test
    void aMissingProgramIsReportedNotThrown() {
        ProcessRunner.Outcome o = new ProcessRunner().run(List.of("/nonexistent/vt-res-x"), Map.of(), Duration.ofSeconds(1));
        assertEquals(-1, o.exitCode());
        assertTrue(o.lastLines().get(0).contains("cannot run"));
    }
}
