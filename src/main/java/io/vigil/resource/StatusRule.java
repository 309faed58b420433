package io.vigil.resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How Vigil reads an LSB/Heartbeat script's {@code status}: the stdout text first, as Heartbeat's ResourceManager does
 * (so a mixed Heartbeat/Vigil pair agrees), then the LSB exit code when the text says nothing.
 * <ol>
 *   <li>A probe that timed out, or could not be run, is UNKNOWN.</li>
 *   <li>Text: stdout matching {@code [Nn][Oo][Tt] *[Rr]unning} → STOPPED; else {@code [Rr]unning} or {@code OK} → RUNNING;
 *       else the word {@code stopped} (any case) → STOPPED.</li>
 *   <li>Exit code (LSB): 0 → RUNNING; 1, 2, 3 (dead with pid file, dead with lock file, not running) → STOPPED;
 *       anything else (4 = unknown) → no verdict.</li>
 *   <li>The text verdict wins; without one the code verdict is used; without either the state is UNKNOWN (which a
 *       group start treats as not running, as Heartbeat does).</li>
 *   <li>A warning is produced when text and code disagree, and when only the code (0) says running: Heartbeat would
 *       judge that script not running.</li>
 * </ol>
 */
public final class StatusRule {

    private static final Pattern NOT_RUNNING = Pattern.compile("[Nn][Oo][Tt] *[Rr]unning");
    private static final Pattern RUNNING = Pattern.compile("[Rr]unning|OK");

    private StatusRule() {
    }

    public record Verdict(ResourceState state, List<String> warnings) {
    }

    /** The text verdict alone, as Heartbeat 3.0.6 would decide (STOPPED for "no verdict", since it is boolean). */
    public static Optional<ResourceState> byText(String stdout) {
        if (NOT_RUNNING.matcher(stdout).find()) {
            return Optional.of(ResourceState.STOPPED);
        }
        if (RUNNING.matcher(stdout).find()) {
            return Optional.of(ResourceState.RUNNING);
        }
        if (stdout.toLowerCase(Locale.ROOT).contains("stopped")) {
            return Optional.of(ResourceState.STOPPED);
        }
        return Optional.empty();
    }

    public static Optional<ResourceState> byExitCode(int rc) {
        return switch (rc) {
            case 0 -> Optional.of(ResourceState.RUNNING);
            case 1, 2, 3 -> Optional.of(ResourceState.STOPPED);
            default -> Optional.empty();
        };
    }

    public static Verdict judge(String resource, int rc, String stdout, boolean timedOut) {
        if (timedOut || rc < 0) {
            return new Verdict(ResourceState.UNKNOWN, List.of());
        }
        Optional<ResourceState> text = byText(stdout);
        Optional<ResourceState> code = byExitCode(rc);
        List<String> warnings = new ArrayList<>();
        ResourceState state;
        if (text.isPresent()) {
            state = text.get();
            if (code.isPresent() && code.get() != state) {
                warnings.add("status of " + resource + " contradicts itself: prints '" + firstLine(stdout) + "' but exits "
                        + rc + " (LSB: 0 running, 3 stopped); following the text, as Heartbeat does");
            }
        } else if (code.isPresent()) {
            state = code.get();
            if (state == ResourceState.RUNNING) {
                warnings.add("status of " + resource + " exits 0 but prints neither 'running' nor 'OK': "
                        + "Vigil follows the exit code, Heartbeat would judge it not running");
            }
        } else {
            state = ResourceState.UNKNOWN;
        }
        return new Verdict(state, warnings);
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
