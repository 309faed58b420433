package io.vigil.daemon;

import io.vigil.config.ClusterConfig;
import io.vigil.config.StonithDevice;
import io.vigil.resource.ProcessRunner;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How this node fences a dead peer before taking over its groups (reference §5.4): the ha.cf STONITH devices
 * ({@code stonith}, {@code stonith_host}) through cluster-glue's {@code stonith} tool, as Heartbeat did, then
 * {@code vigil.fence-script} ({@code <script> <dead-node>}, exit 0 = the node is off). Devices are tried in ha.cf
 * order; a device resets the node only if its host list ({@code stonith -l}) names it, because {@code stonith -T reset}
 * itself does not check (its {@code null} plugin "resets" any name). The first success wins. Blocking: run it on a
 * worker thread. The engine retries a failure every deadtime and never takes over before a success.
 */
public final class Fencing {

    private static final Logger LOG = Logger.getLogger("vigil");

    /**
     * One attempt's outcome.
     *
     * @param ok      the node is known to be off (or cut off)
     * @param summary what was tried and what each said, for the log and {@code vigil status}
     * @param result  the word Heartbeat puts in {@code t=stonith result=}: {@code OK}, {@code bad}, or {@code badhost}
     *                when no device covers the node and there is no fence script
     */
    public record Result(boolean ok, String summary, String result) {
    }

    private final List<StonithDevice> devices;
    private final Optional<Path> script;
    private final String localNode;
    private final Duration timeout;

    public Fencing(List<StonithDevice> devices, Optional<Path> script, String localNode, Duration timeout) {
        this.devices = List.copyOf(devices);
        this.script = script;
        this.localNode = localNode;
        this.timeout = timeout;
    }

    public static Fencing of(ClusterConfig config) {
        return new Fencing(config.stonith(), config.vigil().fenceScript(), config.localNode(), config.vigil().fenceTimeout());
    }

    public boolean configured() {
        return !devices.isEmpty() || script.isPresent();
    }

    /** {@code stonith external/ipmi (ha.cf:12), fence script /usr/local/sbin/fence}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        devices.forEach(d -> parts.add("stonith " + d.describe()));
        script.ifPresent(s -> parts.add("fence script " + s));
        return parts.isEmpty() ? "nothing" : String.join(", ", parts);
    }

    /** The cluster-glue tool, when installed. */
    public static Optional<Path> stonithTool() {
        return ProcessRunner.findExecutable("stonith");
    }

    /** Fences {@code node}: every applicable device in turn, then the script; stops at the first success. */
    public Result fence(String node) {
        List<String> notes = new ArrayList<>();
        boolean covered = false;
        Optional<Path> tool = devices.isEmpty() ? Optional.empty() : stonithTool();
        if (!devices.isEmpty() && tool.isEmpty()) {
            notes.add("the stonith tool is not installed (apt-get install cluster-glue)");
        }
        for (StonithDevice d : tool.isPresent() ? devices : List.<StonithDevice>of()) {
            ProcessRunner.Outcome hosts = stonith(tool.get(), d, List.of("-l"));
            if (!hosts.ok()) {
                notes.add(d.type() + ": cannot list its hosts (" + outcome(hosts) + ")");
                continue;
            }
            boolean covers = hosts.stdout().stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).anyMatch(node::equals);
            if (!covers) {
                notes.add(d.type() + " does not control " + node + " (its hosts: " + String.join(" ", hosts.stdout()).strip() + ")");
                continue;
            }
            covered = true;
            LOG.infof("Resetting node %s with STONITH device %s", node, d.describe());
            ProcessRunner.Outcome reset = stonith(tool.get(), d, List.of("-T", "reset", node));
            if (reset.ok()) {
                return new Result(true, "node " + node + " reset by " + d.type() + " in " + reset.duration().toMillis() + " ms", "OK");
            }
            notes.add(d.type() + " failed to reset " + node + " (" + outcome(reset) + ")");
        }
        if (script.isPresent()) {
            ProcessRunner.Outcome o = new ProcessRunner().run(List.of(script.get().toString(), node),
                    Map.of("HA_CURHOST", localNode, "VIGIL_FENCE_NODE", node), timeout);
            if (o.ok()) {
                return new Result(true, "node " + node + " fenced by " + script.get() + " in " + o.duration().toMillis() + " ms", "OK");
            }
            notes.add(script.get() + " " + outcome(o));
        }
        return new Result(false, String.join("; ", notes), covered || script.isPresent() ? "bad" : "badhost");
    }

    private ProcessRunner.Outcome stonith(Path tool, StonithDevice d, List<String> op) {
        List<String> argv = new ArrayList<>();
        argv.add(tool.toString());
        argv.addAll(d.deviceArgs());
        argv.addAll(op);
        return new ProcessRunner().run(argv, Map.of("HA_CURHOST", localNode), timeout);
    }

    private String outcome(ProcessRunner.Outcome o) {
        String what = o.timedOut() ? "timed out after " + timeout.toMillis() + " ms" : "exit " + o.exitCode();
        return o.lastLines().isEmpty() ? what : what + ": " + String.join(" | ", o.lastLines());
    }
}
