package io.vigil.respawn;

import io.vigil.config.RespawnClient;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The {@code respawn} children of ha.cf, supervised as Heartbeat 3.0.6 supervises them (heartbeat.c
 * start_a_child_client, ManagedChildDied, shutdown_last_client_child):
 * <ul>
 *   <li>started once communication is up, in ha.cf order, each as its user through {@code /bin/sh -c "exec …"},
 *       with stdin/stdout/stderr on /dev/null and the {@code HA_*} variables of ha.cf's {@code env} lines;</li>
 *   <li>restarted whenever it exits, except with exit code 100 or while the daemon stops; a child that ran less than
 *       30 s counts as a quick restart, the next start waits 1 s, and after more than 10 quick restarts in a row it
 *       is given up ({@code Client … "respawning too fast"});</li>
 *   <li>at shutdown, once the groups are released, sent SIGTERM last-started first, each waited for before the
 *       next (then SIGKILL after a grace period, which Heartbeat does not have).</li>
 * </ul>
 * Heartbeat's own API clients (ipfail, dopd, …) are never started: Vigil does not offer their API. Thread-safe.
 */
public final class RespawnSupervisor {

    private static final Logger LOG = Logger.getLogger("vigil");

    /** Heartbeat: a child that dies within 30 s of its start was a quick restart. */
    static final Duration QUICK = Duration.ofSeconds(30);
    /** More quick restarts in a row than this and the child is given up. */
    static final int MAX_QUICK_RESTARTS = 10;
    /** A child that exits with this code is not restarted (Heartbeat's convention). */
    static final int NO_RESPAWN_EXIT = 100;

    /** Starts one child process. */
    public interface Launcher {
        Process launch(RespawnClient client) throws IOException;
    }

    private final List<Child> children = new ArrayList<>();
    private final Launcher launcher;
    private final Duration restartDelay;
    private final LongSupplier nanoClock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vigil-respawn");
        t.setDaemon(true);
        return t;
    });
    private boolean started;
    private boolean stopping;

    private final class Child {
        final RespawnClient client;
        Process process;
        long startedNanos;
        int quickRestarts;

        Child(RespawnClient client) {
            this.client = client;
        }
    }

    /** The production supervisor: children run as their user in a session of their own. */
    public static RespawnSupervisor of(List<RespawnClient> clients, java.util.Map<String, String> haEnv) {
        return new RespawnSupervisor(clients, new SystemLauncher(haEnv), Duration.ofSeconds(1), System::nanoTime);
    }

    RespawnSupervisor(List<RespawnClient> clients, Launcher launcher, Duration restartDelay, LongSupplier nanoClock) {
        for (RespawnClient c : clients) {
            if (!c.heartbeatApiClient()) {
                children.add(new Child(c));
            }
        }
        this.launcher = launcher;
        this.restartDelay = restartDelay;
        this.nanoClock = nanoClock;
    }

    /** Whether there is anything to supervise. */
    public boolean isEmpty() {
        return children.isEmpty();
    }

    /**
     * Starts every child (once; later calls do nothing), on the supervisor's own thread: the caller may be an event
     * loop, and starting processes blocks. Called when communication comes up.
     */
    public void start() {
        synchronized (this) {
            if (started || stopping || children.isEmpty()) {
                return;
            }
            started = true;
        }
        timer.execute(() -> children.forEach(this::launch));
    }

    /** PIDs of the children running now, in ha.cf order (for tests and status). */
    public synchronized List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        for (Child c : children) {
            if (c.process != null && c.process.isAlive()) {
                pids.add(c.process.pid());
            }
        }
        return pids;
    }

    private synchronized void launch(Child c) {
        if (stopping) {
            return;
        }
        LOG.infof("Starting child client \"%s\" (%d,%d)", c.client.command(), c.client.uid(), c.client.gid());
        try {
            Process p = launcher.launch(c.client);
            c.process = p;
            c.startedNanos = nanoClock.getAsLong();
            LOG.infof("Starting \"%s\" as uid %d  gid %d (pid %d)", c.client.command(), c.client.uid(), c.client.gid(), p.pid());
            p.onExit().thenAccept(done -> died(c, done));
        } catch (IOException | RuntimeException e) {
            LOG.errorf("Cannot exec %s: %s", c.client.command(), e.getMessage());
        }
    }

    private synchronized void died(Child c, Process p) {
        if (c.process != p) {
            return;
        }
        c.process = null;
        int code = p.exitValue();
        if (stopping) {
            LOG.debugf("Client %s exited with return code %d.", c.client.command(), code);
            notifyAll();
            return;
        }
        // The JVM reports a death by signal n as 128 + n.
        if (code > 128 && code < 160) {
            LOG.errorf("Client %s (pid=%d) killed by signal %d.", c.client.command(), p.pid(), code - 128);
        } else if (code != 0) {
            LOG.errorf("Client %s exited with return code %d.", c.client.command(), code);
        }
        if (code == NO_RESPAWN_EXIT) {
            return;
        }
        long ran = nanoClock.getAsLong() - c.startedNanos;
        c.quickRestarts = ran < QUICK.toNanos() ? c.quickRestarts + 1 : 0;
        if (c.quickRestarts > MAX_QUICK_RESTARTS) {
            LOG.errorf("Client %s \"respawning too fast\"", c.client.command());
            c.quickRestarts = 0;
            return;
        }
        LOG.errorf("Respawning client \"%s\":", c.client.command());
        if (c.quickRestarts > 0) {
            timer.schedule(() -> launch(c), restartDelay.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            launch(c);
        }
    }

    /**
     * Stops every child, last started first: SIGTERM to it and its descendants, then SIGKILL to whatever is left
     * after {@code grace}. No child is restarted afterwards.
     */
    public void stop(Duration grace) {
        List<Child> reversed;
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
            reversed = new ArrayList<>(children);
        }
        timer.shutdownNow();
        java.util.Collections.reverse(reversed);
        for (Child c : reversed) {
            Process p;
            synchronized (this) {
                p = c.process;
            }
            if (p == null || !p.isAlive()) {
                LOG.infof("client [%s] is not running.", c.client.command());
                continue;
            }
            LOG.infof("killing %s process group %d with signal %d", c.client.command(), p.pid(), 15);
            List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
            p.destroy();
            tree.forEach(ProcessHandle::destroy);
            try {
                if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warnf("Client %s did not stop within %d ms of SIGTERM: killing it", c.client.command(), grace.toMillis());
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }
}
