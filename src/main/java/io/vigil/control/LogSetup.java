package io.vigil.control;

import org.jboss.logmanager.ExtFormatter;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;
import org.jboss.logmanager.handlers.SyslogHandler;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;

/**
 * Applies ha.cf's {@code logfile}, {@code debugfile}, {@code logfacility} and {@code debug} to the running daemon's
 * logging (JBoss LogManager, which Quarkus logs through), with Heartbeat's line format so existing log watchers and
 * habits keep working:
 * <pre>
 *   files:  vigil[1234]: 2026/11/24_15:54:09 WARN: node linux1: is dead
 *   syslog: info: Link linux1:eth0 dead.      (app name vigil, facility from logfacility)
 * </pre>
 * Priority words are Heartbeat's: {@code ERROR}, {@code WARN}, {@code info}, {@code debug} ({@code CRIT} for FATAL).
 * Like Heartbeat, lines are appended with an open/append/close, so logrotate needs no copytruncate and no
 * signal; the writes happen on a thread of their own, never on the thread that logs (the event loop). {@code logfile} gets everything but debug; {@code debugfile} gets everything; {@code /dev/null} disables a
 * file. Syslog goes through JBoss LogManager's {@link SyslogHandler} — the handler behind Quarkus'
 * {@code quarkus.log.syslog.*} — over UDP to {@code vigil.log.syslog-endpoint} (default {@code localhost:514}).
 * When systemd connects the console to the journal, the console switches to {@link JournalConsole}'s format.
 */
public final class LogSetup {

    private static final DateTimeFormatter HA_TIMESTAMP = DateTimeFormatter.ofPattern("yyyy/MM/dd_HH:mm:ss");

    /** Heartbeat (syslog(3)) facility names → JBoss facilities. */
    static final Map<String, SyslogHandler.Facility> FACILITIES = Map.ofEntries(
            Map.entry("kern", SyslogHandler.Facility.KERNEL), Map.entry("user", SyslogHandler.Facility.USER_LEVEL),
            Map.entry("mail", SyslogHandler.Facility.MAIL_SYSTEM), Map.entry("daemon", SyslogHandler.Facility.SYSTEM_DAEMONS),
            Map.entry("auth", SyslogHandler.Facility.SECURITY), Map.entry("security", SyslogHandler.Facility.SECURITY),
            Map.entry("syslog", SyslogHandler.Facility.SYSLOGD), Map.entry("lpr", SyslogHandler.Facility.LINE_PRINTER),
            Map.entry("news", SyslogHandler.Facility.NETWORK_NEWS), Map.entry("uucp", SyslogHandler.Facility.UUCP),
            Map.entry("cron", SyslogHandler.Facility.CLOCK_DAEMON), Map.entry("authpriv", SyslogHandler.Facility.SECURITY2),
            Map.entry("ftp", SyslogHandler.Facility.FTP_DAEMON),
            Map.entry("local0", SyslogHandler.Facility.LOCAL_USE_0), Map.entry("local1", SyslogHandler.Facility.LOCAL_USE_1),
            Map.entry("local2", SyslogHandler.Facility.LOCAL_USE_2), Map.entry("local3", SyslogHandler.Facility.LOCAL_USE_3),
            Map.entry("local4", SyslogHandler.Facility.LOCAL_USE_4), Map.entry("local5", SyslogHandler.Facility.LOCAL_USE_5),
            Map.entry("local6", SyslogHandler.Facility.LOCAL_USE_6), Map.entry("local7", SyslogHandler.Facility.LOCAL_USE_7));

    private static final List<Handler> INSTALLED = new ArrayList<>();

    private LogSetup() {
    }

    /**
     * Installs the handlers (replacing those of an earlier call, so a reload can re-apply). Null or blank means
     * "not set". The Quarkus console handler is left as it is (under systemd it feeds the journal).
     *
     * @param debugLevel ha.cf {@code debug}: 0 → io.vigil at INFO, 1 → DEBUG, 2 and more → TRACE
     * @throws IllegalArgumentException {@code Log facility(<x>) not valid} for an unknown facility (Heartbeat's wording)
     */
    public static synchronized void apply(String logfile, String debugfile, String logfacility, int debugLevel) {
        SyslogHandler.Facility facility = null;
        if (set(logfacility) && !logfacility.trim().equalsIgnoreCase("none")) {
            facility = facility(logfacility);
        }
        Logger root = LogContext.getLogContext().getLogger("");
        for (Handler h : INSTALLED) {
            root.removeHandler(h);
            h.close();
        }
        INSTALLED.clear();

        Level vigilLevel = debugLevel <= 0 ? org.jboss.logmanager.Level.INFO
                : debugLevel == 1 ? org.jboss.logmanager.Level.DEBUG : org.jboss.logmanager.Level.TRACE;
        LogContext.getLogContext().getLogger("io.vigil").setLevel(vigilLevel);

        long pid = ProcessHandle.current().pid();
        if (set(logfile) && !isDevNull(logfile)) {
            install(root, new AppendingFileHandler(Path.of(logfile.trim()), org.jboss.logmanager.Level.INFO,
                    new HeartbeatFormatter(pid, true)));
        }
        if (set(debugfile) && !isDevNull(debugfile)) {
            install(root, new AppendingFileHandler(Path.of(debugfile.trim()), Level.ALL, new HeartbeatFormatter(pid, true)));
        }
        if (facility != null) {
            install(root, syslogHandler(facility, pid));
        }
        JournalConsole.adapt(root.getHandlers(), pid);
    }

    /** Removes what {@link #apply} installed (used by tests, and at shutdown to flush). */
    public static synchronized void reset() {
        apply(null, null, null, 0);
    }

    static SyslogHandler.Facility facility(String name) {
        SyslogHandler.Facility f = FACILITIES.get(name.trim().toLowerCase(Locale.ROOT));
        if (f == null) {
            throw new IllegalArgumentException("Log facility(" + name.trim() + ") not valid: use one of "
                    + String.join(", ", new java.util.TreeSet<>(FACILITIES.keySet())) + ", or none");
        }
        return f;
    }

    private static Handler syslogHandler(SyslogHandler.Facility facility, long pid) {
        String endpoint = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("vigil.log.syslog-endpoint", String.class).orElse("localhost:514");
        int colon = endpoint.lastIndexOf(':');
        String host = colon > 0 ? endpoint.substring(0, colon) : endpoint;
        int port = colon > 0 ? Integer.parseInt(endpoint.substring(colon + 1)) : 514;
        try {
            SyslogHandler h = new SyslogHandler(host, port, facility, SyslogHandler.SyslogType.RFC3164,
                    SyslogHandler.Protocol.UDP, null);
            h.setAppName("vigil");
            h.setFormatter(new HeartbeatFormatter(pid, false));
            return h;
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot set up syslog to " + endpoint + " (vigil.log.syslog-endpoint): " + e, e);
        }
    }

    private static void install(Logger root, Handler h) {
        root.addHandler(h);
        INSTALLED.add(h);
    }

    private static boolean set(String s) {
        return s != null && !s.isBlank();
    }

    private static boolean isDevNull(String s) {
        return s.trim().equals("/dev/null");
    }

    /** Heartbeat's priority words (cl_log.c log_prio[]). */
    static String priority(Level level) {
        int v = level.intValue();
        if (v >= org.jboss.logmanager.Level.FATAL.intValue()) {
            return "CRIT";
        }
        if (v >= org.jboss.logmanager.Level.ERROR.intValue()) {
            return "ERROR";
        }
        if (v >= org.jboss.logmanager.Level.WARN.intValue()) {
            return "WARN";
        }
        if (v >= org.jboss.logmanager.Level.INFO.intValue()) {
            return "info";
        }
        return "debug";
    }

    /** {@code vigil[pid]: 2026/11/24_15:54:09 info: text} (files) or {@code info: text} (syslog). */
    static final class HeartbeatFormatter extends ExtFormatter {
        private final long pid;
        private final boolean fileHeader;
        private final ZoneId zone = ZoneId.systemDefault();

        HeartbeatFormatter(long pid, boolean fileHeader) {
            this.pid = pid;
            this.fileHeader = fileHeader;
        }

        @Override
        public String format(ExtLogRecord record) {
            StringBuilder sb = new StringBuilder(128);
            if (fileHeader) {
                sb.append("vigil[").append(pid).append("]: ")
                        .append(HA_TIMESTAMP.format(LocalDateTime.ofInstant(record.getInstant(), zone))).append(' ');
            }
            sb.append(priority(record.getLevel())).append(": ").append(record.getFormattedMessage());
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                sb.append('\n').append(trace.toString().stripTrailing());
            }
            if (fileHeader) {
                sb.append('\n');
            }
            return sb.toString();
        }
    }

    /**
     * Opens, appends and closes per batch of lines, as Heartbeat does per line: survives logrotate moving the file
     * away. The writing happens on a thread of its own ({@code vigil-log-writer}): the thread that logs — the event
     * loop sending keepalives among them — only formats the line and queues it. When the disk cannot keep up the queue
     * (4096 lines) overflows: lines are dropped, counted, and the count is written once the file takes lines again.
     */
    static final class AppendingFileHandler extends ExtHandler {
        static final int QUEUE_LINES = 4096;
        private static final int BATCH_LINES = 512;

        private final Path file;
        private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE_LINES);
        private final AtomicLong dropped = new AtomicLong();
        private final Thread writer;
        private long queued;     // guarded by this
        private long written;    // guarded by this
        private volatile boolean closed;
        private boolean reported;

        AppendingFileHandler(Path file, Level level, ExtFormatter formatter) {
            this.file = file;
            setLevel(level);
            setFormatter(formatter);
            writer = new Thread(this::writeLoop, "vigil-log-writer");
            writer.setDaemon(true);
            writer.start();
        }

        @Override
        protected void doPublish(ExtLogRecord record) {
            if (closed) {
                return;
            }
            String line = getFormatter().format(record);
            synchronized (this) {
                if (queue.offer(line)) {
                    queued++;
                } else {
                    dropped.incrementAndGet();
                }
            }
        }

        /** Waits (2 s at most) until every line queued so far is in the file. */
        @Override
        public void flush() {
            long deadline = System.nanoTime() + 2_000_000_000L;
            synchronized (this) {
                long target = queued;
                while (written < target && System.nanoTime() < deadline && writer.isAlive()) {
                    try {
                        wait(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        @Override
        public void close() {
            flush();
            closed = true;
            writer.interrupt();
        }

        private void writeLoop() {
            List<String> batch = new ArrayList<>(BATCH_LINES);
            while (!closed || !queue.isEmpty()) {
                try {
                    batch.add(queue.take());
                } catch (InterruptedException e) {
                    if (closed) {
                        return;
                    }
                    continue;
                }
                queue.drainTo(batch, BATCH_LINES - 1);
                StringBuilder text = new StringBuilder(batch.size() * 100);
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    text.append(getFormatter().format(new ExtLogRecord(org.jboss.logmanager.Level.WARN, lost
                            + " log lines dropped: the log file could not keep up", LogSetup.class.getName())));
                }
                batch.forEach(text::append);
                append(text.toString());
                synchronized (this) {
                    written += batch.size();
                    notifyAll();
                }
                batch.clear();
            }
        }

        private void append(String text) {
            try {
                Files.write(file, text.getBytes(StandardCharsets.UTF_8),
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
                reported = false;
            } catch (IOException | RuntimeException e) {
                if (!reported) {
                    reported = true;
                    // Heartbeat prints "Cannot open <file>: <reason>" to stderr; same here, once per outage.
                    System.err.println("Cannot open " + file + ": " + e.getMessage());
                }
            }
        }
    }

    /** Waits until the log files have every line logged so far (tests, and the last lines before exit). */
    public static void flush() {
        List<Handler> handlers;
        synchronized (LogSetup.class) {
            handlers = List.copyOf(INSTALLED);
        }
        handlers.forEach(Handler::flush);
    }
}
