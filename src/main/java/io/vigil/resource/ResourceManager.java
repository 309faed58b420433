package io.vigil.resource;

import io.vigil.config.ConfigProblem;
import io.vigil.config.Origin;
import io.vigil.config.ResourceGroup;
import io.vigil.config.ResourceSpec;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Starts, stops and probes haresources groups the way Heartbeat's ResourceManager does (§3.3): start left to right
 * skipping what already runs, on a failure stop what was started right to left; stop right to left with retries;
 * statgroup NONE/SOME/ALL. Every method blocks on processes: call it from a worker thread, never a Vert.x event loop
 * (it refuses). Starts and stops of one group are serialized; different groups run concurrently, so a stop that hangs
 * until its timeout (and retries) holds its own group only. Heartbeat ran one resource child at a time: there, one
 * hanging script delayed every other group's takeover for (retries + 1) × timeout.
 */
public final class ResourceManager {

    private static final Logger LOG = Logger.getLogger("io.vigil.resource");

    private final ResourceSettings settings;
    private final ProcessRunner runner = new ProcessRunner(20);
    /** One lock per group key: a group's operations never overlap, other groups' are not held up. */
    private final Map<String, ReentrantLock> changes = new ConcurrentHashMap<>();
    /** Opened with the first IPaddr resource (the daemon's start-up status check), kept for the manager's life. */
    private AddressBackend addresses;
    private Announcer announcer;

    public ResourceManager(ResourceSettings settings) {
        this.settings = settings;
    }

    public ResourceSettings settings() {
        return settings;
    }

    /**
     * The agent for one resource: built-in IPaddr/IPaddr2, {@code ocf:provider:type}, else the first script of that
     * name in the script directories; a {@link MissingAgent} when none exists.
     */
    public ResourceAgent agentFor(ResourceSpec spec) {
        String agent = spec.agent();
        if (IpAddrAgent.handles(agent)) {
            return ipAddr(spec);
        }
        if (agent.startsWith("ocf:")) {
            try {
                OcfAgent ocf = new OcfAgent(spec, settings, runner);
                if (!java.nio.file.Files.isExecutable(ocf.path())) {
                    return new MissingAgent(spec, spec.canonical() + ": OCF agent " + ocf.path() + " not found (is the package "
                            + "providing " + agent + " installed, and OCF_ROOT " + settings.ocfRoot() + " right?)");
                }
                return ocf;
            } catch (IllegalArgumentException e) {
                return new MissingAgent(spec, e.getMessage());
            }
        }
        return LsbAgent.locate(agent, settings.scriptDirs())
                .<ResourceAgent>map(p -> new LsbAgent(spec, p, settings, runner))
                .orElseGet(() -> new MissingAgent(spec, notFound(agent)));
    }

    /** Why a script cannot be used: absent from every directory, or present but not an executable file. */
    private String notFound(String agent) {
        if (!agent.contains("/")) {
            for (Path dir : settings.scriptDirs()) {
                Path p = dir.resolve(agent);
                if (Files.exists(p)) {
                    return "Resource script " + p + " is not an executable file (chmod 755 " + p + ")";
                }
            }
        }
        return "Cannot locate resource script " + agent + " (looked in " + settings.scriptDirs().stream().map(Path::toString)
                .reduce((a, b) -> a + ", " + b).orElse("no directory") + ")";
    }

    private synchronized IpAddrAgent ipAddr(ResourceSpec spec) {
        if (addresses == null) {
            addresses = AddressBackend.open(settings);
            announcer = new Announcer(addresses);
            LOG.debugf("IPaddr works through %s", addresses.describe());
        }
        return new IpAddrAgent(spec, settings, addresses, announcer);
    }

    /** Left to right, skipping resources already running; on the first failure the group is rolled back. */
    public GroupResult start(ResourceGroup g) {
        requireWorkerThread();
        ReentrantLock lock = lockOf(g);
        lock.lock();
        try {
            List<OperationResult> ops = new ArrayList<>();
            for (ResourceSpec spec : g.resources()) {
                ResourceAgent agent = agentFor(spec);
                if (!agent.startChecksRunning()) {
                    ResourceAgent.Status st = agent.status();
                    ops.add(st.probe());
                    if (st.state() == ResourceState.RUNNING) {
                        LOG.debugf("%s is already running: not started again", agent.name());
                        continue;
                    }
                }
                OperationResult r = agent.start();
                ops.add(r);
                if (!r.ok()) {
                    LOG.fatalf("Giving up resources due to failure of %s", agent.name());
                    // Heartbeat gives up the whole group; the resources right of the failing one never ran.
                    List<ResourceAgent> rollback = new ArrayList<>();
                    for (ResourceSpec s : g.resources()) {
                        rollback.add(s == spec ? agent : agentFor(s));
                        if (s == spec) {
                            break;
                        }
                    }
                    stopAll(rollback, ops);
                    return new GroupResult(g.key(), false, ops);
                }
            }
            return new GroupResult(g.key(), true, ops);
        } finally {
            lock.unlock();
        }
    }

    /** Right to left; a failing stop is retried, and forgiven only when status then says the resource is stopped. */
    public GroupResult stop(ResourceGroup g) {
        requireWorkerThread();
        ReentrantLock lock = lockOf(g);
        lock.lock();
        try {
            List<OperationResult> ops = new ArrayList<>();
            List<ResourceAgent> agents = g.resources().stream().map(this::agentFor).toList();
            boolean ok = stopAll(agents, ops);
            return new GroupResult(g.key(), ok, ops);
        } finally {
            lock.unlock();
        }
    }

    private ReentrantLock lockOf(ResourceGroup g) {
        return changes.computeIfAbsent(g.key(), k -> new ReentrantLock());
    }

    /** Stops {@code agents} right to left; false when one could not be stopped. */
    private boolean stopAll(List<ResourceAgent> agents, List<OperationResult> ops) {
        boolean ok = true;
        for (int i = agents.size() - 1; i >= 0; i--) {
            ok &= stopOne(agents.get(i), ops);
        }
        return ok;
    }

    private boolean stopOne(ResourceAgent agent, List<OperationResult> ops) {
        OperationResult r = agent.stop();
        ops.add(r);
        if (agent instanceof MissingAgent) {
            return false;
        }
        for (int retry = 1; !r.ok() && retry <= settings.stopRetries(); retry++) {
            sleep(settings.stopRetryInterval());
            LOG.infof("Retrying failed stop of %s (%d/%d)", agent.name(), retry, settings.stopRetries());
            r = agent.stop();
            ops.add(r);
        }
        if (r.ok()) {
            return true;
        }
        ResourceAgent.Status st = agent.status();
        ops.add(st.probe());
        if (st.state() == ResourceState.STOPPED) {
            LOG.errorf("Resource script for %s probably not LSB-compliant.", agent.name());
            return true;
        }
        LOG.fatalf("Resource STOP failure: %s is %s after %d stop attempts", agent.name(),
                st.state() == ResourceState.RUNNING ? "still running" : "in an unknown state", settings.stopRetries() + 1);
        return false;
    }

    /** Each resource's state, and ALL / SOME / NONE. */
    public GroupStatus status(ResourceGroup g) {
        requireWorkerThread();
        List<GroupStatus.ResourceStatus> list = new ArrayList<>();
        for (ResourceSpec spec : g.resources()) {
            ResourceAgent agent = agentFor(spec);
            ResourceAgent.Status st = agent.status();
            list.add(new GroupStatus.ResourceStatus(agent.name(), st.state(), st.probe()));
        }
        return GroupStatus.of(g.key(), list);
    }

    /**
     * What {@code vigil resource cleanup <group>} does once the operator has fixed why the group's stop failed: probe
     * every resource; if any is still running or unknown, stop the group again (right to left, with retries) and probe
     * once more. The group may be released (reported stopped to the peers) only if every resource then says stopped.
     */
    public CleanupResult cleanup(ResourceGroup g) {
        requireWorkerThread();
        GroupStatus before = status(g);
        if (allStopped(before)) {
            return new CleanupResult(g.key(), before, Optional.empty(), before);
        }
        GroupResult stop = stop(g);
        return new CleanupResult(g.key(), before, Optional.of(stop), status(g));
    }

    private static boolean allStopped(GroupStatus s) {
        return s.resources().stream().allMatch(r -> r.state() == ResourceState.STOPPED);
    }

    /**
     * The outcome of a cleanup.
     *
     * @param before the first probe
     * @param stop   the stop run because something was not stopped, if one was needed
     * @param after  the last probe (the same as {@code before} when no stop was needed)
     */
    public record CleanupResult(String key, GroupStatus before, Optional<GroupResult> stop, GroupStatus after) {

        /** Every resource says stopped: the group can be reported released. */
        public boolean released() {
            return allStopped(after);
        }

        /** One line: what was found, what was done, and the verdict. */
        public String summary() {
            String found = before.resources().stream().map(r -> r.resource() + " " + r.state().name().toLowerCase(java.util.Locale.ROOT))
                    .reduce((a, b) -> a + ", " + b).orElse("no resources");
            String did = stop.map(s -> "; stopped again: " + s.summary()).orElse("");
            String still = released() ? "" : " (still " + after.resources().stream()
                    .filter(r -> r.state() != ResourceState.STOPPED)
                    .map(r -> r.resource() + " " + r.state().name().toLowerCase(java.util.Locale.ROOT))
                    .reduce((a, b) -> a + ", " + b).orElse("") + ")";
            return "group " + key + ": found " + found + did + (released() ? "; every resource is stopped: released"
                    : "; NOT released" + still);
        }
    }

    /** Re-sends gratuitous ARP / unsolicited NA for every IP address of the group that is here; returns at once. */
    public void announce(ResourceGroup g) {
        requireWorkerThread();
        for (ResourceSpec spec : g.resources()) {
            if (IpAddrAgent.handles(spec.agent())) {
                agentFor(spec).announce();
            }
        }
    }

    /**
     * Waits (at most {@code timeout}) for background announcements to finish: a short-lived process such as
     * {@code vigil resource start} must not exit before its gratuitous ARPs have left. The daemon need not call it.
     */
    public boolean awaitAnnouncements(Duration timeout) {
        Announcer a;
        synchronized (this) {
            a = announcer;
        }
        return a == null || a.awaitIdle(timeout);
    }

    /**
     * Problems that make the group unusable (unknown or non-executable scripts, bad IPaddr arguments, missing
     * ip/arping/send_ua, missing or misused OCF agents), each located at the group's line of {@code haresources}.
     */
    public List<ConfigProblem> validate(ResourceGroup g, Path haresources) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (ResourceSpec spec : g.resources()) {
            for (String p : agentFor(spec).validate()) {
                problems.add(Origin.at(haresources, g.line()).error("resource " + spec.token() + ": " + p,
                        "fix it (`vigil resource check " + spec.token() + "` tells more) or change the line"));
            }
        }
        return problems;
    }

    /** Process work never runs on the event loop: a blocked loop would stop heartbeats and look like a dead node. */
    static void requireWorkerThread() {
        if (io.vertx.core.Context.isOnEventLoopThread()) {
            throw new IllegalStateException("resource operations block: call them from a worker thread, not the event loop");
        }
    }

    static void ensureDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            LOG.warnf("cannot create %s: %s", dir, e.getMessage());
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
