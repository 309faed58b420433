package io.vigil.live;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.control.ControlClient;
import io.vigil.control.StatusReport;
import io.vigil.control.StatusTable;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vigil status --watch}: the live view in a terminal, like {@code crm_mon}. It long-polls the daemon's control
 * socket ({@code GET /v1/live}), so it redraws as soon as something changes and, for the ages, every
 * {@link #REFRESH_MS} otherwise. On a terminal each frame overwrites the last in place (plain ANSI, fine over SSH);
 * piped, a frame is printed only when the view changed. Ctrl-C ends it with exit 0, the last frame left on screen.
 */
public final class StatusWatch {

    /** The longest time between two frames on a terminal (ages move on). */
    static final long REFRESH_MS = 2_000;
    /** Events shown under the tables. */
    static final int EVENTS_SHOWN = 12;
    /** Keepalive samples in a sparkline. */
    static final int SPARK_WIDTH = 40;
    private static final String HOME = "\u001b[H";
    private static final String CLEAR_SCREEN = "\u001b[2J";
    private static final String CLEAR_LINE = "\u001b[K";
    private static final String CLEAR_BELOW = "\u001b[J";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final ControlClient client;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean terminal;
    private final boolean unicode;
    private final ZoneId zone;
    private volatile boolean stopped;

    public StatusWatch(Path socket, PrintWriter out, PrintWriter err, boolean terminal, boolean unicode, ZoneId zone) {
        this.client = new ControlClient(socket);
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.unicode = unicode;
        this.zone = zone;
    }

    /** What {@code vigil status --watch} runs: a terminal when there is a console, UTF-8 blocks when it can show them. */
    public static int watch(Path socket, PrintWriter out, PrintWriter err) {
        Charset cs = Charset.forName(System.getProperty("stdout.encoding",
                System.getProperty("sun.stdout.encoding", Charset.defaultCharset().name())));
        return new StatusWatch(socket, out, err, System.console() != null, cs.newEncoder().canEncode('\u2588'),
                ZoneId.systemDefault()).run();
    }

    /** Ends {@link #run()} from another thread (what Ctrl-C does). */
    public void stop() {
        stopped = true;
    }

    /**
     * Runs until Ctrl-C (SIGINT, handled here so the frame is finished and the exit is 0) or {@link #stop()}.
     * Returns 3 when the daemon is not running at the start (as {@code vigil status}), 1 on other errors.
     */
    public int run() {
        Thread me = Thread.currentThread();
        sun.misc.SignalHandler previous = null;
        looping = true;
        try {
            previous = sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> {
                // Interrupt the loop only while it runs: an interrupt that landed after it ended would be left on the
                // main thread for the application's shutdown (seen once: the process did not exit after Ctrl-C).
                synchronized (this) {
                    stopped = true;
                    if (looping) {
                        me.interrupt();
                    }
                }
            });
        } catch (IllegalArgumentException e) {
            // no SIGINT to take over (e.g. the JVM was started with -Xrs): Ctrl-C then ends the JVM as usual
        }
        try {
            return loop();
        } finally {
            synchronized (this) {
                looping = false;
            }
            Thread.interrupted(); // a Ctrl-C that came while the loop was ending
            if (previous != null) {
                sun.misc.Signal.handle(new sun.misc.Signal("INT"), previous);
            }
            if (terminal) {
                out.print("\n");
            }
            out.flush();
            err.flush();
        }
    }

    private int loop() {
        long version = -1;
        boolean first = true;
        String lastFrame = null;
        while (!stopped) {
            JsonObject view;
            try {
                ControlClient.Response r = client.get("/v1/live?after=" + version + "&wait=" + (first ? 0 : REFRESH_MS));
                if (r.status() != 200) {
                    err.println("vigil: the daemon answered HTTP " + r.status() + " to /v1/live: " + r.body().strip());
                    return 1;
                }
                view = new JsonObject(r.body());
            } catch (ControlClient.NotRunningException e) {
                if (first) {
                    err.println(e.getMessage());
                    return 3;
                }
                show(notRunning(e.getMessage()));
                lastFrame = null;
                pause(1000);
                continue;
            } catch (IOException | RuntimeException e) {
                if (stopped) {
                    break;
                }
                err.println("vigil: " + e.getMessage());
                return 1;
            }
            first = false;
            long v = view.getLong("version", 0L);
            boolean changed = v != version;
            version = v;
            String frame = frame(view, Instant.now(), zone, unicode);
            // Piped output gets a frame per change only; a terminal is redrawn in place, ages included.
            if (terminal || changed || lastFrame == null) {
                show(frame);
                lastFrame = frame;
            }
        }
        return 0;
    }

    private boolean cleared;
    /** The loop runs: a Ctrl-C may interrupt the thread (guarded by this). */
    private boolean looping;

    private void show(String frame) {
        if (terminal) {
            StringBuilder sb = new StringBuilder(cleared ? HOME : HOME + CLEAR_SCREEN);
            cleared = true;
            for (String line : frame.split("\n", -1)) {
                sb.append(line).append(CLEAR_LINE).append('\n');
            }
            sb.setLength(sb.length() - 1);
            sb.append(CLEAR_BELOW);
            out.print(sb);
        } else {
            out.print(frame);
            out.print("\n");
        }
        out.flush();
    }

    private void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            stopped = true;
        }
    }

    private String notRunning(String message) {
        return "vigil status --watch  " + CLOCK.format(Instant.now().atZone(zone)) + "\n\n" + message
                + "\nwaiting for the daemon to come back (Ctrl-C to quit)\n";
    }

    /** One screen: the same data as the status page, as text. */
    public static String frame(JsonObject view, Instant now, ZoneId zone, boolean unicode) {
        StringBuilder sb = new StringBuilder();
        sb.append("vigil status --watch  ").append(CLOCK.format(now.atZone(zone))).append("  (Ctrl-C to quit)\n\n");
        JsonObject status = view.getJsonObject("status");
        if (status == null) {
            return sb.append(view.getString("message", "the daemon has not started yet")).append('\n').toString();
        }
        StatusReport report = StatusReport.fromJson(status);
        String table = StatusTable.render(report, zone);
        int recent = table.indexOf("\nRecent transitions:");
        sb.append(recent < 0 ? table : table.substring(0, recent + 1));

        JsonObject keepalive = view.getJsonObject("keepalive", new JsonObject());
        JsonObject timing = view.getJsonObject("timing", new JsonObject());
        if (!keepalive.isEmpty()) {
            sb.append("\nKeepalive inter-arrival (last ").append(SPARK_WIDTH).append(", scale 0 … warntime ")
                    .append(timing.getLong("warntime_ms", 0L)).append(" ms):\n");
            int width = keepalive.fieldNames().stream().mapToInt(String::length).max().orElse(0);
            for (String node : keepalive.fieldNames()) {
                List<Long> ms = new ArrayList<>();
                for (Object o : keepalive.getJsonArray(node)) {
                    ms.add(((JsonArray) o).getLong(1));
                }
                sb.append("  ").append(node).append(" ".repeat(width - node.length() + 2))
                        .append(sparkline(ms, timing.getLong("warntime_ms", 0L), unicode));
                if (!ms.isEmpty()) {
                    sb.append("  last ").append(ms.get(ms.size() - 1)).append(" ms, max ")
                            .append(ms.stream().mapToLong(Long::longValue).max().orElse(0)).append(" ms");
                }
                sb.append('\n');
            }
        }

        JsonArray events = view.getJsonArray("events", new JsonArray());
        sb.append("\nTimeline:\n");
        if (events.isEmpty()) {
            sb.append("  no transition since the daemon started\n");
        }
        for (int i = Math.max(0, events.size() - EVENTS_SHOWN); i < events.size(); i++) {
            JsonObject e = events.getJsonObject(i);
            sb.append("  ").append(CLOCK.format(Instant.ofEpochMilli(e.getLong("time_ms", 0L)).atZone(zone)))
                    .append("  ").append(String.format("%-21s", e.getString("event", ""))).append(' ')
                    .append(subject(e));
            String detail = e.getString("detail", "");
            if (!detail.isEmpty()) {
                sb.append("  (").append(detail.length() > 100 ? detail.substring(0, 97) + "..." : detail).append(')');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String subject(JsonObject e) {
        String group = e.getString("group", "");
        String node = e.getString("node", "");
        String link = e.getString("link", "");
        String state = e.getString("state", "");
        String previous = e.getString("previous", "");
        if (!group.isEmpty()) {
            return group + (e.getString("event", "").startsWith("split") ? "  other: " + node + ", here: " + state : "");
        }
        if (!link.isEmpty()) {
            return node + ":" + link;
        }
        return node + (previous.isEmpty() ? "" : "  " + previous + " -> " + state);
    }

    /** The samples as a bar per sample, scaled from 0 to max(warntime, largest sample). */
    static String sparkline(List<Long> ms, long warntimeMs, boolean unicode) {
        String ramp = unicode ? "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588" : "_.-:=+*#";
        List<Long> shown = ms.subList(Math.max(0, ms.size() - SPARK_WIDTH), ms.size());
        long max = Math.max(warntimeMs, shown.stream().mapToLong(Long::longValue).max().orElse(1));
        StringBuilder sb = new StringBuilder(" ".repeat(SPARK_WIDTH - shown.size()));
        for (long v : shown) {
            int i = (int) Math.min(ramp.length() - 1, Math.max(0, Math.round((double) v / Math.max(1, max) * (ramp.length() - 1))));
            sb.append(ramp.charAt(i));
        }
        return sb.toString();
    }
}
