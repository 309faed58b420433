package io.vigil.resource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComplianceCheckerTest {

    @TempDir
    Path dir;

    @Test
    void flagsEveryDeviationOfABrokenScript() throws Exception {
        Path scripts = dir.resolve("s");
        java.nio.file.Files.createDirectories(scripts);
        Path state = dir.resolve("state");
        // start fails when already started, stop fails when already stopped, status says "up"/"down" and exits 0 always
        TestScripts.write(scripts, "Broken", "case $1 in\n"
                + " start) [ -f " + state + " ] && exit 1; touch " + state + ";;\n"
                + " stop) [ -f " + state + " ] || exit 1; rm " + state + ";;\n"
                + " status) if [ -f " + state + " ]; then echo up; else echo down; fi;;\n"
                + "esac\nexit 0\n");
        ComplianceChecker.Report r = new ComplianceChecker(new ResourceManager(TestScripts.settings(dir, scripts)))
                .check(SpecSyntax.parse("Broken"));
        assertFalse(r.compliant());
        List<String> lines = r.deviations().stream().map(ComplianceChecker.Deviation::line).toList();
        assertTrue(lines.contains("DEVIATION 1 status (before start): status of a stopped resource exits 0, LSB requires 3"), lines.toString());
        assertTrue(lines.contains("DEVIATION 1 status (before start): status of a stopped resource prints 'down': "
                + "print 'stopped' (or '<name> is not running')"), lines.toString());
        assertTrue(lines.contains("DEVIATION 3 start again: start of a started resource must succeed (idempotent start): exit code 1"),
                lines.toString());
        assertTrue(lines.contains("DEVIATION 4 status (started): status of a started resource prints 'up': Heartbeat needs "
                + "'running' (or 'OK') on stdout, and would judge it not running"), lines.toString());
        assertTrue(lines.contains("DEVIATION 6 stop again: stop of a stopped resource must succeed: exit code 1"), lines.toString());
        assertEquals(7, lines.size(), lines.toString());
    }

    @Test
    void flagsAHangingStart() throws Exception {
        Path scripts = dir.resolve("h");
        java.nio.file.Files.createDirectories(scripts);
        TestScripts.write(scripts, "Hangs", "case $1 in start) sleep 60;; status) echo stopped; exit 3;; esac\nexit 0\n");
        ResourceSettings s = TestScripts.settings(dir, scripts).withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(5),
                Duration.ofSeconds(5));
        ComplianceChecker.Report r = new ComplianceChecker(new ResourceManager(s)).check(SpecSyntax.parse("Hangs"));
        assertTrue(r.deviations().stream().anyMatch(d -> d.step().equals("2 start") && d.problem().startsWith("hangs")),
                r.deviations().toString());
    }

    @Test
    void aMissingScriptIsOneDeviation() {
        ComplianceChecker.Report r = new ComplianceChecker(new ResourceManager(TestScripts.settings(dir, dir)))
                .check(SpecSyntax.parse("vt-res-none"));
        assertEquals(1, r.deviations().size());
        assertTrue(r.deviations().get(0).problem().startsWith("Cannot locate resource script vt-res-none"));
    }
}
