package io.vigil.notify;

import io.vigil.resource.ProcessRunner;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Runs notification scripts one after the other on a thread of its own, so that no script, however slow, delays a
 * failover: {@link #submit} never blocks (a full queue drops the batch, logs it and counts it), each script gets
 * {@code timeout} before its whole process tree is killed, and every failure is logged and counted. One thread keeps
 * the order in which the transitions happened.
 */
public final class ScriptQueue implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger("vigil");
    /** One "queue full" line at most every 10 s: a hung script must not flood the log as well. */
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** One script run: what kind of hook, a label for the log, the command and its extra environment. */
    public record Job(String kind, String label, List<String> argv, Map<String, String> env) {
        public Job {
            argv = List.copyOf(argv);
            env = Map.copyOf(env);
        }
    }

    /** How each run ended: {@code kind} is notify or rc.d; outcome ok, failed, timeout or dropped. */
    public interface Outcomes {
        void outcome(String kind, String outcome);
    }

    private record Batch(String kind, String what, Supplier<List<Job>> jobs) {
    }

    private static final Batch STOP = new Batch("", "", List::of);

    private final BlockingQueue<Batch> queue;
    private final Duration timeout;
    private final Outcomes outcomes;
    private final ProcessRunner runner = new ProcessRunner(5);
    private final Thread worker;
    private final AtomicLong dropped = new AtomicLong();
    private long droppedLoggedAt = System.nanoTime() - DROP_LOG_INTERVAL_NANOS;
    private volatile boolean closed;

    public ScriptQueue(int capacity, Duration timeout, Outcomes outcomes) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.outcomes = Objects.requireNonNull(outcomes, "outcomes");
        this.worker = new Thread(this::work, "vigil-notify");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Queues the scripts of one transition; {@code jobs} is called on the queue's thread (it may read directories).
     * Returns false when the queue was full and the batch was dropped.
     */
    public boolean submit(String kind, String what, Supplier<List<Job>> jobs) {
        if (closed || queue.offer(new Batch(kind, what, jobs))) {
            return !closed;
        }
        long n = dropped.incrementAndGet();
        outcomes.outcome(kind, "dropped");
        synchronized (this) {
            long now = System.nanoTime();
            if (now - droppedLoggedAt >= DROP_LOG_INTERVAL_NANOS) {
                LOG.errorf("Notification queue full (%d waiting; a script is slow or hangs): %s not notified"
                        + " (%d dropped since start)", queue.size(), what, n);
                droppedLoggedAt = now;
            }
        }
        return false;
    }

    /** Batches dropped because the queue was full, since start. */
    public long dropped() {
        return dropped.get();
    }

    private void work() {
        while (true) {
            Batch b;
            try {
                b = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (b == STOP) {
                return;
            }
            List<Job> jobs;
            try {
                jobs = b.jobs().get();
            } catch (RuntimeException e) {
                LOG.errorf("Cannot prepare the notification of %s: %s", b.what(), e.toString());
                outcomes.outcome(b.kind(), "failed");
                continue;
            }
            for (Job job : jobs) {
                run(job, b.what());
            }
        }
    }

    private void run(Job job, String what) {
        ProcessRunner.Outcome o = runner.run(job.argv(), job.env(), timeout);
        String tail = o.lastLines().isEmpty() ? "" : ": " + String.join(" | ", o.lastLines());
        if (o.timedOut()) {
            LOG.errorf("%s %s for %s timed out after %d ms and was killed%s", job.kind(), job.label(), what,
                    timeout.toMillis(), tail);
            outcomes.outcome(job.kind(), "timeout");
        } else if (!o.ok()) {
            LOG.warnf("%s %s for %s failed (exit %d)%s", job.kind(), job.label(), what, o.exitCode(), tail);
            outcomes.outcome(job.kind(), "failed");
        } else {
            LOG.debugf("%s %s for %s: ok in %d ms", job.kind(), job.label(), what, o.duration().toMillis());
            outcomes.outcome(job.kind(), "ok");
        }
    }

    /**
     * Stops taking batches and lets the worker finish what is queued, waiting at most {@code drain} (the daemon's
     * exit: the last group-stopped should still reach the scripts); whatever is left after that is abandoned.
     */
    public void close(Duration drain) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!queue.offer(STOP, drain.toMillis(), TimeUnit.MILLISECONDS)) {
                worker.interrupt();
            }
            worker.join(Math.max(1, drain.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            LOG.warnf("Notifications still running after %d ms at exit: abandoned (%d queued)", drain.toMillis(),
                    queue.size());
            worker.interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
