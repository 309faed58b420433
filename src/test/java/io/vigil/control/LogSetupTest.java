package io.vigil.control;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogSetupTest {

    static final Logger LOG = Logger.getLogger("io.vigil.test.LogSetupTest");
    static final String HEADER = "vigil\\[" + ProcessHandle.current().pid() + "\\]: \\d{4}/\\d{2}/\\d{2}_\\d{2}:\\d{2}:\\d{2} ";

    @AfterEach
    void reset() {
        LogSetup.reset();
    }

    @Test
    void heartbeatFileFormatAndDebugSplit(@TempDir Path tmp) throws Exception {
        Path logfile = tmp.resolve("ha-log");
        Path debugfile = tmp.resolve("ha-debug");
        LogSetup.apply(logfile.toString(), debugfile.toString(), "none", 1);
        LOG.warn("node linux1: is dead");
        LOG.info("Link linux1:eth0 dead.");
        LOG.debug("debug detail");
        LOG.trace("too fine for debug 1");
        LogSetup.flush();
        List<String> log = Files.readAllLines(logfile);
        assertEquals(2, log.size(), log.toString());
        assertTrue(log.get(0).matches(HEADER + "WARN: node linux1: is dead"), log.get(0));
        assertTrue(log.get(1).matches(HEADER + "info: Link linux1:eth0 dead\\."), log.get(1));
        List<String> debug = Files.readAllLines(debugfile);
        assertEquals(3, debug.size(), debug.toString());
        assertTrue(debug.get(2).matches(HEADER + "debug: debug detail"), debug.get(2));
    }

    @Test
    void survivesLogrotateAndDevNullDisables(@TempDir Path tmp) throws Exception {
        Path logfile = tmp.resolve("ha-log");
        LogSetup.apply(logfile.toString(), "/dev/null", null, 0);
        LOG.info("before rotation");
        LogSetup.flush();
        Files.move(logfile, tmp.resolve("ha-log.1"));
        LOG.info("after rotation");
        LOG.debug("not at debug 0");
        LogSetup.flush();
        assertEquals(1, Files.readAllLines(logfile).size());
        assertTrue(Files.readString(logfile).contains("info: after rotation"));
        LogSetup.reset();
        LOG.info("after reset");
        assertFalse(Files.readString(logfile).contains("after reset"));
    }

    /**
     * Issue 14: a log line costs the thread that logs (the event loop) no file write. A log file on a FIFO that
     * nobody reads would block any writer forever: logging must still return at once, and once the queue is full
     * further lines are dropped (counted), never waited for.
     */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void theLoggingThreadNeverWaitsForTheFile(@TempDir Path tmp) throws Exception {
        Path fifo = tmp.resolve("ha-log");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        var handler = new LogSetup.AppendingFileHandler(fifo, java.util.logging.Level.ALL,
                new LogSetup.HeartbeatFormatter(1, true));
        long t0 = System.nanoTime();
        int lines = LogSetup.AppendingFileHandler.QUEUE_LINES + 1000;
        for (int i = 0; i < lines; i++) {
            handler.publish(new org.jboss.logmanager.ExtLogRecord(org.jboss.logmanager.Level.INFO, "line " + i,
                    LogSetupTest.class.getName()));
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("published " + lines + " lines to a log file nobody can write, in " + ms + " ms");
        assertTrue(ms < 5_000, "logging waited for the file: " + ms + " ms");
        try (var in = Files.newInputStream(fifo)) {   // unblocks the writer, stuck opening the FIFO
            handler.flush();
            handler.close();
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(text.contains("log lines dropped: the log file could not keep up")
                    || text.split("\n").length == lines, "neither all lines nor the drop count: " + text.length() + " chars");
        }
    }

    @Test
    void facilities() {
        assertEquals(org.jboss.logmanager.handlers.SyslogHandler.Facility.LOCAL_USE_0, LogSetup.facility("local0"));
        assertEquals(org.jboss.logmanager.handlers.SyslogHandler.Facility.SYSTEM_DAEMONS, LogSetup.facility("daemon"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogSetup.apply(null, null, "bogus", 0));
        assertTrue(e.getMessage().startsWith("Log facility(bogus) not valid"), e.getMessage());
        LogSetup.apply(null, null, "local7", 0);   // UDP to localhost:514: sending needs no listener
        LOG.info("to syslog");
    }

    @Test
    void priorityWords() {
        assertEquals("CRIT", LogSetup.priority(org.jboss.logmanager.Level.FATAL));
        assertEquals("ERROR", LogSetup.priority(org.jboss.logmanager.Level.ERROR));
        assertEquals("WARN", LogSetup.priority(org.jboss.logmanager.Level.WARN));
        assertEquals("info", LogSetup.priority(org.jboss.logmanager.Level.INFO));
        assertEquals("debug", LogSetup.priority(org.jboss.logmanager.Level.TRACE));
    }
}
