package io.vigil.daemon;

import io.vigil.resource.ProcessRunner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The fence hook ({@code vigil.fence-script}): {@code <script> <dead-node>} with {@code HA_CURHOST}; exit 0 means the
 * node is known to be off (or cut off) and its groups may be taken over.
 */
final class Fencing {

    record Result(boolean ok, String summary) {
    }

    private Fencing() {
    }

    static Result run(Path script, String deadNode, String localNode, Duration timeout) {
        ProcessRunner.Outcome o = new ProcessRunner().run(List.of(script.toString(), deadNode),
                Map.of("HA_CURHOST", localNode, "VIGIL_FENCE_NODE", deadNode), timeout);
        String summary = (o.timedOut() ? "timed out after " + timeout.toMillis() + " ms" : "exit " + o.exitCode())
                + (o.lastLines().isEmpty() ? "" : ": " + String.join(" | ", o.lastLines()));
        return new Result(o.ok(), summary);
    }
}
