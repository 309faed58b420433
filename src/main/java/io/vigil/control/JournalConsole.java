package io.vigil.control;

import org.jboss.logmanager.ExtFormatter;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.handlers.ConsoleHandler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.Level;

/**
 * Journal-friendly console output when systemd connects the daemon's stdout or stderr to the journal (it says so in
 * {@code JOURNAL_STREAM=<device>:<inode>}, which must match the descriptor, as sd_journal_stream_fd(3) advises):
 * each line starts with the sd-daemon(3) priority prefix ({@code <4>} for a warning; the unit keeps
 * {@code SyslogLevelPrefix=yes}) so {@code journalctl -p warning} works, and carries no timestamp of its own
 * (the journal has one). The text is that of syslog: {@code WARN: node linux1: is dead}.
 */
public final class JournalConsole {

    private JournalConsole() {
    }

    /**
     * Switches the console handlers under {@code root} (Quarkus' console handler sits inside its delayed handler) to
     * the journal format when stdout or stderr is the journal. Returns whether it did.
     */
    public static boolean adapt(Handler[] rootHandlers, long pid) {
        if (!toJournal(System.getenv("JOURNAL_STREAM"))) {
            return false;
        }
        boolean any = false;
        for (Handler h : rootHandlers) {
            any |= adapt(h, pid);
        }
        return any;
    }

    private static boolean adapt(Handler h, long pid) {
        boolean any = false;
        if (h instanceof ConsoleHandler c) {
            c.setFormatter(new JournalFormatter(new LogSetup.HeartbeatFormatter(pid, false)));
            any = true;
        }
        if (h instanceof ExtHandler ext) {
            for (Handler child : ext.getHandlers()) {
                any |= adapt(child, pid);
            }
        }
        return any;
    }

    /** True when {@code journalStream} names the device and inode of this process's stdout or stderr. */
    static boolean toJournal(String journalStream) {
        if (journalStream == null || !journalStream.matches("\\d+:\\d+")) {
            return false;
        }
        return journalStream.equals(deviceInode(Path.of("/proc/self/fd/1")))
                || journalStream.equals(deviceInode(Path.of("/proc/self/fd/2")));
    }

    /** {@code <st_dev>:<st_ino>} of what the descriptor points to, or "" when it cannot be read. */
    static String deviceInode(Path fd) {
        try {
            return Files.getAttribute(fd, "unix:dev") + ":" + Files.getAttribute(fd, "unix:ino");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "";
        }
    }

    /** syslog(3) priority of a record: the number journald reads from the {@code <N>} prefix. */
    static int syslogPriority(Level level) {
        int v = level.intValue();
        if (v >= org.jboss.logmanager.Level.FATAL.intValue()) {
            return 2;
        }
        if (v >= org.jboss.logmanager.Level.ERROR.intValue()) {
            return 3;
        }
        if (v >= org.jboss.logmanager.Level.WARN.intValue()) {
            return 4;
        }
        if (v >= org.jboss.logmanager.Level.INFO.intValue()) {
            return 6;
        }
        return 7;
    }

    /** {@code <N>text}, every line of a multi-line record (a stack trace) with the prefix: each is a journal entry. */
    static final class JournalFormatter extends ExtFormatter {
        private final ExtFormatter text;

        JournalFormatter(ExtFormatter text) {
            this.text = text;
        }

        @Override
        public String format(ExtLogRecord record) {
            String prefix = "<" + syslogPriority(record.getLevel()) + ">";
            StringBuilder sb = new StringBuilder();
            for (String line : text.format(record).split("\n")) {
                sb.append(prefix).append(line).append('\n');
            }
            return sb.toString();
        }
    }
}
