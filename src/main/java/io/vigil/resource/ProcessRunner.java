package io.vigil.resource;

import org.jboss.logging.Logger;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command: argv (never a shell), stdin from /dev/null, stdout and stderr drained on their own threads
 * keeping the last lines, and on timeout the whole process tree killed (TERM, then KILL after a grace period).
 * {@link Process} has no process-group kill, so the descendants are walked with {@link ProcessHandle#descendants()};
 * they are snapshotted before the first signal, because a child whose parent dies is re-parented and no longer shows.
 */
public final class ProcessRunner {

    private static final Logger LOG = Logger.getLogger(ProcessRunner.class);

    /** How long a tree gets between TERM and KILL. */
    static final Duration KILL_GRACE = Duration.ofSeconds(2);
    /** After the main process exits, how long to wait for pipes held open by a daemon it left behind. */
    private static final long DRAIN_GRACE_MS = 300;

    private final int keepLines;

    public ProcessRunner(int keepLines) {
        this.keepLines = keepLines;
    }

    public ProcessRunner() {
        this(20);
    }

    /**
     * What a run produced.
     *
     * @param exitCode  the exit code; -1 when it could not be started, 137/143-style codes are not invented: a killed
     *                  process reports what the JDK gives
     * @param stdout    the last stdout lines (status text is judged on these, as Heartbeat does)
     * @param lastLines the last lines of stdout and stderr interleaved in arrival order
     */
    public record Outcome(int exitCode, Duration duration, List<String> stdout, List<String> lastLines, boolean timedOut) {
        public Outcome {
            stdout = List.copyOf(stdout);
            lastLines = List.copyOf(lastLines);
        }

        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        public String stdoutText() {
            return String.join("\n", stdout);
        }
    }

    /** Runs {@code argv} with the JVM's environment plus {@code extraEnv}, waiting at most {@code timeout}. */
    public Outcome run(List<String> argv, Map<String, String> extraEnv, Duration timeout) {
        return launch(argv, extraEnv).await(timeout);
    }

    /** Starts {@code argv} without waiting; {@link Running#await} collects it, {@link Running#kill} ends its tree. */
    public Running launch(List<String> argv, Map<String, String> extraEnv) {
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(extraEnv);
        try {
            return new Running(argv, pb.start(), t0, keepLines, null);
        } catch (IOException e) {
            return new Running(argv, null, t0, keepLines, "cannot run " + argv.get(0) + ": " + e.getMessage());
        }
    }

    /** A started process whose output is being drained. */
    public static final class Running {
        private final List<String> argv;
        private final Process process;
        private final long startNanos;
        private final String launchError;
        private final Tail merged;
        private final Tail out;
        private final Thread outThread;
        private final Thread errThread;

        private Running(List<String> argv, Process process, long startNanos, int keepLines, String launchError) {
            this.argv = List.copyOf(argv);
            this.process = process;
            this.startNanos = startNanos;
            this.launchError = launchError;
            this.merged = new Tail(keepLines);
            this.out = new Tail(keepLines);
            if (process != null) {
                outThread = drain(process.getInputStream(), out, merged, "out", process.pid());
                errThread = drain(process.getErrorStream(), null, merged, "err", process.pid());
            } else {
                outThread = null;
                errThread = null;
            }
        }

        public boolean isAlive() {
            return process != null && process.isAlive();
        }

        /** Ends the process and all its descendants (TERM, then KILL). */
        public void kill() {
            if (process != null) {
                killTree(process.toHandle());
            }
        }

        /** Waits at most {@code timeout}; past it the whole tree is killed and the outcome says {@code timedOut}. */
        public Outcome await(Duration timeout) {
            if (process == null) {
                return new Outcome(-1, Duration.ofNanos(System.nanoTime() - startNanos), List.of(), List.of(launchError), false);
            }
            boolean timedOut = false;
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    timedOut = true;
                    LOG.errorf("%s timed out after %d ms: killing its process tree (pid %d)", argv.get(0), timeout.toMillis(),
                            process.pid());
                    killTree(process.toHandle());
                }
                outThread.join(DRAIN_GRACE_MS);
                errThread.join(DRAIN_GRACE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                killTree(process.toHandle());
                timedOut = true;
            }
            int rc = timedOut || process.isAlive() ? -1 : process.exitValue();
            return new Outcome(rc, Duration.ofNanos(System.nanoTime() - startNanos), out.lines(), merged.lines(), timedOut);
        }
    }

    /** TERM to the process and every descendant, then KILL to whatever is left after {@link #KILL_GRACE}. */
    public static void killTree(ProcessHandle root) {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        tree.add(root);
        root.descendants().forEach(tree::add);
        // TERM children first so a parent shell cannot respawn them after its own death goes unnoticed.
        List<ProcessHandle> order = new ArrayList<>(tree);
        java.util.Collections.reverse(order);
        order.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + KILL_GRACE.toNanos();
        while (System.nanoTime() < deadline && tree.stream().anyMatch(ProcessRunner::isRunning)) {
            // New children forked between the snapshot and the TERM are caught here.
            tree.stream().filter(ProcessRunner::isRunning).toList().forEach(h -> h.descendants().forEach(tree::add));
            sleep(50);
        }
        for (ProcessHandle h : new ArrayList<>(tree)) {
            if (isRunning(h)) {
                h.descendants().forEach(tree::add);
            }
        }
        tree.stream().filter(ProcessRunner::isRunning).forEach(ProcessHandle::destroyForcibly);
        long killDeadline = System.nanoTime() + KILL_GRACE.toNanos();
        while (System.nanoTime() < killDeadline && tree.stream().anyMatch(ProcessRunner::isRunning)) {
            sleep(20);
        }
    }

    /**
     * Alive and not a zombie. {@link ProcessHandle#isAlive()} counts zombies, and an orphan's zombie lingers until
     * PID 1 reaps it, which can take seconds in a container.
     */
    public static boolean isRunning(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(h.pid()), "stat"));
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            return h.isAlive();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread drain(InputStream in, Tail own, Tail merged, String name, long pid) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (own != null) {
                        own.add(line);
                    }
                    merged.add(line);
                }
            } catch (IOException e) {
                // the stream closes when the process dies; nothing to report
            }
        }, "vigil-proc-" + pid + "-" + name);
        // A daemon started by a script may keep the pipe open for ever: the drainer must not keep the JVM alive.
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The last N lines, thread-safe. */
    private static final class Tail {
        private final int max;
        private final Deque<String> lines = new ArrayDeque<>();

        Tail(int max) {
            this.max = Math.max(1, max);
        }

        synchronized void add(String line) {
            if (lines.size() == max) {
                lines.removeFirst();
            }
            lines.addLast(line);
        }

        synchronized List<String> lines() {
            return List.copyOf(lines);
        }
    }
}
