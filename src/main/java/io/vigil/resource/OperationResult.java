package io.vigil.resource;

import java.time.Duration;
import java.util.List;

/**
 * What one operation on one resource did.
 *
 * @param resource  the resource's canonical name ({@code agent::arg…})
 * @param operation start, stop, status, monitor, meta-data…
 * @param exitCode  the agent's exit code (built-in agents use the LSB/OCF codes); -1 when it could not be run or was killed
 * @param lastLines the last lines it printed (stdout and stderr), for logs and reports
 * @param timedOut  true when it was killed at its timeout
 */
public record OperationResult(String resource, String operation, int exitCode, Duration duration,
                              List<String> lastLines, boolean timedOut) {

    public OperationResult {
        lastLines = List.copyOf(lastLines);
    }

    public boolean ok() {
        return exitCode == 0 && !timedOut;
    }

    /** One line for logs: {@code start Dummy::a: rc=0 in 12 ms}. */
    public String describe() {
        String what = timedOut ? "timed out" : "rc=" + exitCode;
        String tail = lastLines.isEmpty() ? "" : " — " + lastLines.get(lastLines.size() - 1);
        return operation + " " + resource + ": " + what + " in " + duration.toMillis() + " ms" + tail;
    }

    static OperationResult of(String resource, String operation, ProcessRunner.Outcome o) {
        return new OperationResult(resource, operation, o.exitCode(), o.duration(), o.lastLines(), o.timedOut());
    }
}
