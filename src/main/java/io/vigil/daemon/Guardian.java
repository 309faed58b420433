package io.vigil.daemon;

import io.vigil.resource.HeldAddresses;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny shell process that outlives a daemon killed with -9 and then runs {@code vigil cleanup}, so the virtual
 * address does not stay on a node whose daemon is gone (Heartbeat and keepalived both leave it). A graceful stop
 * removes the PID file first, which tells the guardian there is nothing to clean; a stop that keeps the groups for a
 * restart leaves a {@link Handover} record, and the cleanup then runs only if no new daemon took them by its deadline. The daemon watches its guardian in
 * turn ({@link #keep}): a guardian that dies (killed, OOM) is noticed at once and started again.
 */
public final class Guardian {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger("vigil");
    /** Pause before starting a guardian again after a failed start, so a broken host is not spun on. */
    static final long RESPAWN_PAUSE_MS = 1000;

    private final Path pidFile;
    /** Written when the daemon exits keeping its groups: the cleanup then waits for the handover's deadline. */
    private final Path handover;
    /** Where the built-in IPaddr records the addresses it holds. */
    private final Path held;
    private final List<String> cleanupCommand;
    private final Path log;
    private volatile Process process;
    /** The guardian of this process: kept reachable, since the pipe it waits on closes with its Process object. */
    private static volatile Guardian kept;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicInteger restarts = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Waits for the daemon by reading its standard input, a pipe whose only writer is the daemon: the read ends at
     * end of file when the daemon's process is gone, however it died (the kernel closes its descriptors), at once and
     * without a single wake-up before (a {@code tail --pid} polled twice a second). Nothing is ever written to it;
     * the processes the daemon starts do not inherit it (the JDK closes every other descriptor in a child). Then it
     * cleans up unless the daemon removed its PID file on the way out: first the virtual addresses the daemon held
     * ({@link HeldAddresses}), from the shell with the text of the shipped {@code vigil-release-addresses} ({@code $5}),
     * then the whole clean-up, which starts a JVM. After a keeping stop the same two run side by side, each waiting
     * for the handover's deadline: the shell is not slowed by a JVM's start.
     */
    private static final String SCRIPT = """
            pidfile=$2; handover=$3; held=$4; release=$5; shift 5 # $1, the daemon's PID, only shows in ps
            while read -r _; do :; done
            if [ -e "$pidfile" ]; then
                rm -f "$pidfile"
                sh -c "$release" vigil-release-addresses "$held"
                exec "$@"
            fi
            if [ -e "$handover" ]; then
                sh -c "$release" vigil-release-addresses --after-handover "$handover" &
                "$@" --after-handover
                wait
            fi
            """;

    /** deploy/bin/vigil-release-addresses, which the build copies next to this class. */
    static final String RELEASE_SCRIPT = releaseScript();

    private static String releaseScript() {
        try (java.io.InputStream in = Guardian.class.getResourceAsStream("vigil-release-addresses")) {
            if (in == null) {
                throw new IllegalStateException("vigil-release-addresses is missing from the build (see pom.xml)");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Guardian(Path pidFile, Path handover, Path held, List<String> cleanupCommand, Path log) {
        this.pidFile = pidFile;
        this.handover = handover;
        this.held = held;
        this.cleanupCommand = List.copyOf(cleanupCommand);
        this.log = log;
    }

    /** Starts the guardian and keeps one running for the life of this process. */
    public static Guardian keep(Path pidFile, Path handover, Path held, List<String> cleanupCommand, Path log)
            throws IOException {
        Guardian g = new Guardian(pidFile, handover, held, cleanupCommand, log);
        g.watch(spawn(pidFile, handover, held, cleanupCommand, log));
        kept = g;
        return g;
    }

    /** The running guardian process. */
    public Process process() {
        return process;
    }

    /** How often it was started again. */
    public int restarts() {
        return restarts.get();
    }

    /** No more restarts (the daemon is exiting on purpose). */
    public void close() {
        closed = true;
    }

    private void watch(Process p) {
        process = p;
        p.onExit().thenRun(() -> {
            try {
                p.getOutputStream().close(); // that guardian is gone: its pipe is no longer needed
            } catch (IOException e) {
                // nothing more to release
            }
            if (closed) {
                return;
            }
            LOG.errorf("The guardian (pid %d) died (exit %d): starting it again, so a crash of this daemon is still cleaned up",
                    p.pid(), p.exitValue());
            respawn();
        });
    }

    private void respawn() {
        while (!closed) {
            try {
                Process p = spawn(pidFile, handover, held, cleanupCommand, log);
                restarts.incrementAndGet();
                LOG.infof("Guardian started again (pid %d)", p.pid());
                watch(p);
                return;
            } catch (IOException e) {
                LOG.errorf("Cannot start the guardian: %s; trying again in %d ms", e.getMessage(), RESPAWN_PAUSE_MS);
                try {
                    Thread.sleep(RESPAWN_PAUSE_MS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Starts a guardian of this process. Its standard input is a pipe from this process, which must keep the returned
     * process (and so that pipe) reachable for as long as it runs: a closed pipe reads as this process gone.
     */
    public static Process spawn(Path pidFile, Path handover, Path held, List<String> cleanupCommand, Path log)
            throws IOException {
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", SCRIPT, "vigil-guardian",
                Long.toString(ProcessHandle.current().pid()), pidFile.toString(), handover.toString(), held.toString(),
                RELEASE_SCRIPT));
        argv.addAll(cleanupCommand);
        return new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /**
     * How to run {@code vigil cleanup} again from outside: the launcher when we were started by it, else the same
     * java binary and jar as this process.
     */
    public static List<String> selfCommand() {
        String launcher = System.getProperty("vigil.launcher");
        if (launcher != null && new File(launcher).canExecute()) {
            return List.of(launcher);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = new File(System.getProperty("java.class.path").split(File.pathSeparator)[0]).getAbsolutePath();
        List<String> argv = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        // cleanup must find the same resource scripts as the daemon, else it cannot stop them.
        String resourceDir = System.getProperty("vigil.resource-dir");
        if (resourceDir != null && !resourceDir.isBlank()) {
            argv.add("-Dvigil.resource-dir=" + resourceDir);
        }
        argv.addAll(List.of("-jar", jar));
        return List.copyOf(argv);
    }
}
