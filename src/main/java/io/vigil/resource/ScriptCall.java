package io.vigil.resource;

import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs one action of a script with Heartbeat's log lines around it. */
final class ScriptCall {

    private static final Logger LOG = Logger.getLogger("io.vigil.resource");

    private ScriptCall() {
    }

    /** {@code <script> <args…> <action>}, logged as {@code Running …} and {@code Return code <rc> from <script>}. */
    static ProcessRunner.Outcome run(ProcessRunner runner, String resource, Path script, List<String> args, String action,
                                     Map<String, String> env, Duration timeout, boolean quiet) {
        List<String> argv = new ArrayList<>();
        argv.add(script.toString());
        argv.addAll(args);
        argv.add(action);
        if (quiet) {
            LOG.debugf("Running %s", String.join(" ", argv));
        } else {
            LOG.infof("Running %s", String.join(" ", argv));
        }
        ProcessRunner.Outcome o = runner.run(argv, env, timeout);
        if (o.timedOut()) {
            LOG.errorf("%s %s of %s timed out after %d ms and was killed", script, action, resource, timeout.toMillis());
        } else if (o.exitCode() != 0 && !quiet) {
            LOG.errorf("Return code %d from %s", o.exitCode(), script);
        }
        if (o.exitCode() != 0 && !quiet) {
            o.lastLines().forEach(l -> LOG.infof("%s: %s", resource, l));
        }
        return o;
    }
}
