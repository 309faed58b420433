package io.vigil.resource;

import io.vigil.config.ResourceSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code vigil resource check}: runs status, start, start again, status, stop, stop again, status on one resource and
 * reports every deviation from the contract of docs/resource-scripts.md — a start or stop that fails (also when
 * repeated: both must be idempotent), a status whose exit code or text is wrong (LSB: 0 and {@code running} when
 * started, 3 and {@code stopped}/{@code not running} when stopped; OCF monitor: 0 / 7), and any action that hangs
 * past its timeout.
 */
public final class ComplianceChecker {

    private final ResourceManager manager;

    public ComplianceChecker(ResourceManager manager) {
        this.manager = manager;
    }

    /** One way the resource breaks the contract. */
    public record Deviation(String step, String problem) {
        public String line() {
            return "DEVIATION " + step + ": " + problem;
        }
    }

    public record Report(String resource, String agent, List<Deviation> deviations, List<OperationResult> operations) {
        public boolean compliant() {
            return deviations.isEmpty();
        }
    }

    public Report check(ResourceSpec spec) {
        ResourceManager.requireWorkerThread();
        ResourceAgent agent = manager.agentFor(spec);
        List<Deviation> devs = new ArrayList<>();
        List<OperationResult> ops = new ArrayList<>();
        for (String p : agent.validate()) {
            devs.add(new Deviation("validate", p));
        }
        if (agent instanceof MissingAgent || (agent instanceof IpAddrAgent ip && ip.argument().isEmpty())) {
            return new Report(agent.name(), agent.describe(), devs, ops);
        }
        boolean ocf = agent instanceof OcfAgent;

        ResourceAgent.Status before = agent.status();
        ops.add(before.probe());
        // only when it says so in words: a status that merely exits 0 is examined below, not trusted
        boolean sure = !(agent instanceof LsbAgent) || StatusRule.byText(before.stdout()).isPresent();
        if (before.state() == ResourceState.RUNNING && sure) {
            devs.add(new Deviation("1 status", "the resource is already running: stop it first, the check starts from stopped"));
            return new Report(agent.name(), agent.describe(), devs, ops);
        }
        expectStopped("1 status (before start)", before, ocf, devs);
        expectOk("2 start", agent.start(), ops, devs, "start failed");
        expectOk("3 start again", agent.start(), ops, devs, "start of a started resource must succeed (idempotent start)");
        ResourceAgent.Status during = agent.status();
        ops.add(during.probe());
        expectRunning("4 status (started)", during, ocf, devs);
        expectOk("5 stop", agent.stop(), ops, devs, "stop failed");
        expectOk("6 stop again", agent.stop(), ops, devs, "stop of a stopped resource must succeed");
        ResourceAgent.Status after = agent.status();
        ops.add(after.probe());
        expectStopped("7 status (stopped)", after, ocf, devs);
        return new Report(agent.name(), agent.describe(), devs, ops);
    }

    private static void expectOk(String step, OperationResult r, List<OperationResult> ops, List<Deviation> devs, String what) {
        ops.add(r);
        if (r.timedOut()) {
            devs.add(new Deviation(step, "hangs: killed after " + r.duration().toMillis() + " ms (its timeout)"));
        } else if (r.exitCode() != 0) {
            devs.add(new Deviation(step, what + ": exit code " + r.exitCode() + tail(r)));
        }
    }

    private static void expectRunning(String step, ResourceAgent.Status st, boolean ocf, List<Deviation> devs) {
        OperationResult r = st.probe();
        if (r.timedOut()) {
            devs.add(new Deviation(step, "status hangs: killed after " + r.duration().toMillis() + " ms"));
            return;
        }
        if (r.exitCode() != 0) {
            devs.add(new Deviation(step, (ocf ? "monitor" : "status") + " of a started resource exits " + r.exitCode()
                    + (ocf ? ", OCF requires 0" : ", LSB requires 0")));
        }
        if (!ocf) {
            Optional<ResourceState> text = StatusRule.byText(st.stdout());
            if (text.orElse(null) != ResourceState.RUNNING) {
                devs.add(new Deviation(step, "status of a started resource prints '" + oneLine(st.stdout())
                        + "': Heartbeat needs 'running' (or 'OK') on stdout, and would judge it not running"));
            }
        }
    }

    private static void expectStopped(String step, ResourceAgent.Status st, boolean ocf, List<Deviation> devs) {
        OperationResult r = st.probe();
        if (r.timedOut()) {
            devs.add(new Deviation(step, "status hangs: killed after " + r.duration().toMillis() + " ms"));
            return;
        }
        if (ocf) {
            if (r.exitCode() != OcfAgent.OCF_NOT_RUNNING) {
                devs.add(new Deviation(step, "monitor of a stopped resource exits " + r.exitCode() + ", OCF requires 7"));
            }
            return;
        }
        if (r.exitCode() != 3) {
            devs.add(new Deviation(step, "status of a stopped resource exits " + r.exitCode() + ", LSB requires 3"));
        }
        Optional<ResourceState> text = StatusRule.byText(st.stdout());
        if (text.isEmpty()) {
            devs.add(new Deviation(step, "status of a stopped resource prints '" + oneLine(st.stdout())
                    + "': print 'stopped' (or '<name> is not running')"));
        } else if (text.get() == ResourceState.RUNNING) {
            devs.add(new Deviation(step, "status of a stopped resource prints '" + oneLine(st.stdout())
                    + "', which Heartbeat reads as running"));
        }
    }

    private static String tail(OperationResult r) {
        return r.lastLines().isEmpty() ? "" : " (" + r.lastLines().get(r.lastLines().size() - 1) + ")";
    }

    private static String oneLine(String s) {
        String t = s.strip().replace('\n', ' ');
        return t.length() > 80 ? t.substring(0, 77) + "..." : t;
    }
}
