package io.vigil.resource;

import org.jboss.logging.Logger;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command: argv (never a shell), stdin from /dev/null, stdout and stderr drained on their own threads
 * into bounded buffers, and on timeout the whole process tree killed (TERM, then KILL after a grace period).
 * {@link Process} has no process-group kill, so the descendants are walked with {@link ProcessHandle#descendants()};
 * they are snapshotted before the first signal, because a child whose parent dies is re-parented and no longer shows.
 *
 * <p>Output is kept by bytes, not lines: of each stream the first and the last {@link OutputLimit} bytes, and of both
 * together the last {@code keepLines} lines, each cut at {@link #MAX_LINE_BYTES}. A script that prints tens of MB
 * without a newline costs a few KB (issue 13: it used to exhaust the daemon's 32 MB heap).
 */
public final class ProcessRunner {

    private static final Logger LOG = Logger.getLogger(ProcessRunner.class);

    /** How long a tree gets between TERM and KILL. */
    static final Duration KILL_GRACE = Duration.ofSeconds(2);
    /** After the main process exits, how long to wait for pipes held open by a daemon it left behind. */
    private static final long DRAIN_GRACE_MS = 300;
    /** A line of the interleaved tail longer than this is cut (and says how much was cut). */
    static final int MAX_LINE_BYTES = 1024;
    private static final int READ_CHUNK = 16 * 1024;

    /**
     * Bytes kept of each stream: the first {@code headBytes} and the last {@code tailBytes}.
     */
    public record OutputLimit(int headBytes, int tailBytes) {
        /** What a resource script's call keeps: status text is judged on it, logs show it. */
        public static final OutputLimit SCRIPT = new OutputLimit(8 * 1024, 8 * 1024);

        /** For output that is parsed as a whole (OCF meta-data, {@code ip addr} listings): up to {@code bytes}. */
        public static OutputLimit whole(int bytes) {
            return new OutputLimit(bytes, 0);
        }
    }

    private final int keepLines;
    private final OutputLimit limit;

    public ProcessRunner(int keepLines, OutputLimit limit) {
        this.keepLines = keepLines;
        this.limit = limit;
    }

    public ProcessRunner(int keepLines) {
        this(keepLines, OutputLimit.SCRIPT);
    }

    public ProcessRunner() {
        this(20);
    }

    /**
     * What a run produced.
     *
     * @param exitCode      the exit code; -1 when it could not be started, 137/143-style codes are not invented: a killed
     *                      process reports what the JDK gives
     * @param stdout        the kept stdout (head and tail, see {@link OutputCapture#text()}) split into lines; status
     *                      text is judged on these, as Heartbeat does
     * @param lastLines     the last lines of stdout and stderr interleaved in arrival order
     * @param omittedBytes  stdout bytes that were printed but not kept (between the kept head and tail)
     */
    public record Outcome(int exitCode, Duration duration, List<String> stdout, List<String> lastLines, boolean timedOut,
                          long omittedBytes) {
        public Outcome {
            stdout = List.copyOf(stdout);
            lastLines = List.copyOf(lastLines);
        }

        public Outcome(int exitCode, Duration duration, List<String> stdout, List<String> lastLines, boolean timedOut) {
            this(exitCode, duration, stdout, lastLines, timedOut, 0);
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
            return new Running(argv, pb.start(), t0, keepLines, limit, null);
        } catch (IOException e) {
            return new Running(argv, null, t0, keepLines, limit, "cannot run " + argv.get(0) + ": " + e.getMessage());
        }
    }

    /** A started process whose output is being drained. */
    public static final class Running {
        private final List<String> argv;
        private final Process process;
        private final long startNanos;
        private final String launchError;
        private final LineTail merged;
        private final OutputCapture out;
        private final OutputCapture err;
        private final Thread outThread;
        private final Thread errThread;

        private Running(List<String> argv, Process process, long startNanos, int keepLines, OutputLimit limit,
                        String launchError) {
            this.argv = List.copyOf(argv);
            this.process = process;
            this.startNanos = startNanos;
            this.launchError = launchError;
            this.merged = new LineTail(keepLines);
            this.out = new OutputCapture(limit.headBytes(), limit.tailBytes());
            // stderr is only shown, never parsed: the interleaved tail is what is read of it
            this.err = new OutputCapture(0, 0);
            if (process != null) {
                outThread = drain(process.getInputStream(), out, merged, "out", process.pid());
                errThread = drain(process.getErrorStream(), err, merged, "err", process.pid());
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
            long omitted = out.omitted();
            if (omitted > 0 || merged.cutBytes() > 0) {
                LOG.warnf("%s printed %d bytes on stdout and %d on stderr: only the first and last bytes and lines are kept",
                        argv.get(0), out.total(), err.total());
            }
            String text = out.text();
            List<String> stdout = text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
            if (!stdout.isEmpty() && stdout.get(stdout.size() - 1).isEmpty()) {
                stdout = stdout.subList(0, stdout.size() - 1);
            }
            return new Outcome(rc, Duration.ofNanos(System.nanoTime() - startNanos), stdout, merged.lines(), timedOut, omitted);
        }
    }

    /** {@code name} in PATH, then the sbin directories (which a non-login PATH may miss). */
    public static Optional<Path> findExecutable(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
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

    /** Reads a stream in chunks to its end: bytes into the capture, complete lines into the shared tail. */
    private static Thread drain(InputStream in, OutputCapture capture, LineTail merged, String name, long pid) {
        Thread t = new Thread(() -> {
            LineTail.Splitter lines = merged.splitter();
            byte[] buf = new byte[READ_CHUNK];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    capture.add(buf, 0, n);
                    lines.feed(buf, n);
                }
            } catch (IOException e) {
                // the stream closes when the process dies; nothing to report
            }
            lines.finish();
        }, "vigil-proc-" + pid + "-" + name);
        // A daemon started by a script may keep the pipe open for ever: the drainer must not keep the JVM alive.
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * The last N lines of one or more streams, thread-safe; each stream feeds it through its own {@link Splitter},
     * which holds at most {@link #MAX_LINE_BYTES} of an unfinished line.
     */
    static final class LineTail {
        private final int max;
        private final Deque<String> lines = new ArrayDeque<>();
        private long cut;

        LineTail(int max) {
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

        /** Bytes left out of over-long lines. */
        synchronized long cutBytes() {
            return cut;
        }

        private synchronized void cut(long bytes) {
            cut += bytes;
        }

        Splitter splitter() {
            return new Splitter();
        }

        /** Turns one stream's bytes into lines (newline-terminated; the last one may be unterminated). */
        final class Splitter {
            private final byte[] line = new byte[MAX_LINE_BYTES];
            private int length;
            private long dropped;
            private boolean any;

            void feed(byte[] b, int n) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (b[i] == '\n') {
                        append(b, start, i - start);
                        emit();
                        start = i + 1;
                    }
                }
                append(b, start, n - start);
            }

            private void append(byte[] b, int off, int len) {
                int room = Math.min(len, line.length - length);
                System.arraycopy(b, off, line, length, room);
                length += room;
                dropped += len - room;
                any |= len > 0;
            }

            private void emit() {
                String text = new String(line, 0, length, StandardCharsets.UTF_8);
                if (dropped > 0) {
                    text += " [… " + dropped + " more bytes on this line]";
                    cut(dropped);
                }
                add(text);
                length = 0;
                dropped = 0;
                any = false;
            }

            void finish() {
                if (any) {
                    emit();
                }
            }
        }
    }
}
