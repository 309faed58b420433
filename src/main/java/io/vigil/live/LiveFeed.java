package io.vigil.live;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.control.StatusReport;
import io.vigil.notify.ClusterEvent;
import jakarta.inject.Singleton;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the live views show — the status page ({@link StatusPage}) and {@code vigil status --watch}
 * ({@link StatusWatch}) — in one JSON document, the <em>view</em>:
 * <pre>
 *   {"version": 42, "status": {…the /v1/status report…}, "events": [{…ClusterEvent…}, …],
 *    "timing": {"keepalive_ms": 1000, "warntime_ms": 5000, "deadtime_ms": 10000},
 *    "keepalive": {"linux1": [[epoch_ms, interarrival_ms], …], …}}
 * </pre>
 * The daemon feeds it from its own context (cheap calls, nothing blocks); pushes to the page's subscribers happen on
 * a thread of the feed's, a few tens of milliseconds after the change, several changes at once. {@code version} grows
 * on every change a reader should redraw for: a transition, a node, link or group state — not on a mere keepalive,
 * which is pushed as a {@code beat} instead.
 */
@Singleton
public class LiveFeed {

    /** Transitions kept for the views (the page shows them as a timeline). */
    public static final int EVENTS_KEPT = 100;
    /** Keepalive inter-arrival samples kept per peer (the page's chart). */
    public static final int BEATS_KEPT = 120;
    /** Several changes within this window are pushed as one. */
    private static final long COALESCE_MS = 40;

    /** A subscriber (one browser's event stream). Called on the feed's thread; must not block. */
    public interface Listener {
        /** The whole view, after a change. */
        void view(String json);

        /** One keepalive inter-arrival sample: {@code {"node": …, "time_ms": …, "ms": …}}. */
        void beat(String json);
    }

    public record Timing(long keepaliveMs, long warntimeMs, long deadtimeMs) {
    }

    private final Deque<ClusterEvent> events = new ArrayDeque<>();
    private final Map<String, Deque<long[]>> beats = new LinkedHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<JsonObject> pendingBeats = new java.util.ArrayList<>();
    private volatile Supplier<StatusReport> status;
    private volatile Timing timing = new Timing(0, 0, 0);
    private long version;
    private String signature = "";
    private boolean viewDirty;
    private boolean pushScheduled;
    private ScheduledExecutorService pusher;

    /** The keepalive, warntime and deadtime the daemon applies (the page draws them on its chart). */
    public void timing(Timing timing) {
        this.timing = Objects.requireNonNull(timing, "timing");
    }

    /** Binds the daemon's status (called once the daemon runs). */
    public void bind(Supplier<StatusReport> status) {
        this.status = Objects.requireNonNull(status, "status");
        synchronized (this) {
            version++;
            viewDirty = true;
            schedulePush();
            notifyAll();
        }
    }

    public boolean bound() {
        return status != null;
    }

    /** A transition happened. */
    public synchronized void event(ClusterEvent e) {
        events.addLast(e);
        while (events.size() > EVENTS_KEPT) {
            events.removeFirst();
        }
        changed();
    }

    /**
     * The daemon published a snapshot; {@code signature} sums up what a reader would see change (states, not ages).
     * Equal to the last one: nothing to push.
     */
    public synchronized void snapshot(String signature) {
        if (!signature.equals(this.signature)) {
            this.signature = signature;
            changed();
        }
    }

    /** A status packet from {@code node} arrived {@code ms} after its previous one. */
    public synchronized void beat(String node, long epochMs, long ms) {
        Deque<long[]> d = beats.computeIfAbsent(node, n -> new ArrayDeque<>());
        d.addLast(new long[] {epochMs, ms});
        while (d.size() > BEATS_KEPT) {
            d.removeFirst();
        }
        if (!listeners.isEmpty()) {
            pendingBeats.add(new JsonObject().put("node", node).put("time_ms", epochMs).put("ms", ms));
            schedulePush();
        }
    }

    private void changed() {
        version++;
        viewDirty = true;
        schedulePush();
        notifyAll();
    }

    public synchronized long version() {
        return version;
    }

    /** The view now. */
    public JsonObject view() {
        JsonArray ev = new JsonArray();
        JsonObject keepalive = new JsonObject();
        long v;
        synchronized (this) {
            v = version;
            events.forEach(e -> ev.add(e.toJson()));
            beats.forEach((node, samples) -> {
                JsonArray a = new JsonArray();
                samples.forEach(s -> a.add(new JsonArray().add(s[0]).add(s[1])));
                keepalive.put(node, a);
            });
        }
        Supplier<StatusReport> s = status;
        JsonObject view = new JsonObject().put("version", v);
        if (s == null) {
            return view.put("status", (Object) null).put("events", ev).put("keepalive", keepalive)
                    .put("message", "the daemon has not started yet");
        }
        Timing t = timing;
        return view.put("status", s.get().toJson())
                .put("events", ev)
                .put("timing", new JsonObject().put("keepalive_ms", t.keepaliveMs()).put("warntime_ms", t.warntimeMs())
                        .put("deadtime_ms", t.deadtimeMs()))
                .put("keepalive", keepalive);
    }

    /**
     * Waits until the version exceeds {@code after} or {@code waitMs} passes (long polling for the terminal view over
     * the control socket), then returns the view.
     */
    public JsonObject awaitChange(long after, long waitMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        synchronized (this) {
            while (version <= after) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                wait(left);
            }
        }
        return view();
    }

    /** Adds a subscriber; it gets the current view at once. Returns what removes it. */
    public Runnable subscribe(Listener l) {
        listeners.add(l);
        synchronized (this) {
            viewDirty = true;
            schedulePush();
        }
        return () -> listeners.remove(l);
    }

    public int subscribers() {
        return listeners.size();
    }

    private void schedulePush() {
        if (pushScheduled || listeners.isEmpty()) {
            return;
        }
        if (pusher == null) {
            pusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "vigil-live");
                t.setDaemon(true);
                return t;
            });
        }
        pushScheduled = true;
        pusher.schedule(this::push, COALESCE_MS, TimeUnit.MILLISECONDS);
    }

    private void push() {
        boolean sendView;
        List<JsonObject> sendBeats;
        synchronized (this) {
            pushScheduled = false;
            sendView = viewDirty;
            viewDirty = false;
            sendBeats = List.copyOf(pendingBeats);
            pendingBeats.clear();
        }
        try {
            if (sendView) {
                String json = view().encode();
                listeners.forEach(l -> l.view(json));
            } else {
                for (JsonObject b : sendBeats) {
                    String json = b.encode();
                    listeners.forEach(l -> l.beat(json));
                }
            }
        } catch (RuntimeException e) {
            org.jboss.logging.Logger.getLogger(LiveFeed.class).debugf(e, "live push failed");
        }
    }
}
