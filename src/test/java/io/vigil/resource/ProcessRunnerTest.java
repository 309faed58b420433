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
    void keepsStdoutWholeWhenShortAndTheLastLinesOfBoth() throws Exception {
        Path s = TestScripts.write(dir, "talk", "i=1; while [ $i -le 30 ]; do echo \"line $i\"; i=$((i+1)); done; echo oops >&2; exit 4\n");
        ProcessRunner.Outcome o = new ProcessRunner(20).run(List.of(s.toString()), Map.of("X", "1"), Duration.ofSeconds(10));
        assertEquals(4, o.exitCode());
        assertFalse(o.timedOut());
        assertEquals(30, o.stdout().size());
        assertEquals("line 1", o.stdout().get(0));
        assertEquals("line 30", o.stdout().get(29));
        assertEquals(0, o.omittedBytes());
        assertFalse(o.stdoutText().contains("oops"));
        assertEquals(20, o.lastLines().size());
        // stderr is kept in the interleaved tail (its position relative to stdout depends on thread timing)
        Path s2 = TestScripts.write(dir, "short", "echo out; echo oops >&2; exit 1\n");
        ProcessRunner.Outcome o2 = new ProcessRunner(20).run(List.of(s2.toString()), Map.of(), Duration.ofSeconds(10));
        assertEquals(List.of("out"), o2.stdout());
        assertTrue(o2.lastLines().containsAll(List.of("out", "oops")), o2.lastLines().toString());
    }

    /** 100 MB without a newline, on stdout and on stderr: kept to the bounds, the end still seen. */
    @Test
    void aFloodWithoutNewlinesIsKeptToItsHeadAndTail() throws Exception {
        Path s = TestScripts.write(dir, "flood", "head -c 100000000 /dev/zero | tr '\\0' x; echo ' END running'\n"
                + "head -c 50000000 /dev/zero | tr '\\0' y >&2\nexit 0\n");
        long t0 = System.nanoTime();
        ProcessRunner.Outcome o = new ProcessRunner(20).run(List.of(s.toString()), Map.of(), Duration.ofSeconds(60));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("flood of 100 MB stdout + 50 MB stderr, no newline: drained in " + ms + " ms");
        assertEquals(0, o.exitCode());
        String text = o.stdoutText();
        int limit = ProcessRunner.OutputLimit.SCRIPT.headBytes() + ProcessRunner.OutputLimit.SCRIPT.tailBytes();
        assertTrue(text.length() < limit + 100, "kept " + text.length() + " chars");
        assertTrue(text.startsWith("xxxx"), text.substring(0, 10));
        assertTrue(text.endsWith("x END running"), "the tail is kept: " + text.substring(text.length() - 20));
        assertTrue(text.contains("bytes omitted"), "the cut is marked");
        assertEquals(100_000_000 + " END running\n".length() - limit, o.stdout().stream().filter(l -> l.contains("omitted"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow());
        assertEquals(100_000_000 + " END running\n".length() - limit, o.omittedBytes());
        assertTrue(o.lastLines().size() <= 2, o.lastLines().size() + " lines");
        o.lastLines().forEach(l -> assertTrue(l.length() < ProcessRunner.MAX_LINE_BYTES + 100, "a tail line is cut"));
        assertTrue(o.lastLines().stream().anyMatch(l -> l.contains("more bytes on this line")), o.lastLines().toString());
    }

    /** 99 MB of short lines (4.5 million): the kept text is bounded the same way, the last lines are the last ones printed. */
    @Test
    void aFloodOfLinesKeepsTheLastLines() throws Exception {
        Path s = TestScripts.write(dir, "lines", "yes 'some line of text' | head -n 4500000; echo last\n");
        long t0 = System.nanoTime();
        ProcessRunner.Outcome o = new ProcessRunner(20).run(List.of(s.toString()), Map.of(), Duration.ofSeconds(60));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("flood of 99 MB in lines: drained in " + ms + " ms");
        assertEquals(0, o.exitCode());
        assertTrue(o.stdoutText().length() < 17 * 1024, "kept " + o.stdoutText().length());
        assertEquals("last", o.stdout().get(o.stdout().size() - 1));
        assertEquals(20, o.lastLines().size());
        assertEquals("last", o.lastLines().get(19));
    }

    @Test
    void outputParsedWholeIsKeptUpToItsLimit() throws Exception {
        Path s = TestScripts.write(dir, "listing", "i=1; while [ $i -le 3000 ]; do echo \"entry $i\"; i=$((i+1)); done\n");
        ProcessRunner.Outcome o = new ProcessRunner(20, ProcessRunner.OutputLimit.whole(1 << 20))
                .run(List.of(s.toString()), Map.of(), Duration.ofSeconds(30));
        assertEquals(3000, o.stdout().size());
        assertEquals("entry 3000", o.stdout().get(2999));
        ProcessRunner.Outcome cut = new ProcessRunner(20, ProcessRunner.OutputLimit.whole(100))
                .run(List.of(s.toString()), Map.of(), Duration.ofSeconds(30));
        assertTrue(cut.stdoutText().length() <= 100, cut.stdoutText());
        assertTrue(cut.omittedBytes() > 0);
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
