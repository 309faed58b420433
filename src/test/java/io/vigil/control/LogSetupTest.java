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
        Files.move(logfile, tmp.resolve("ha-log.1"));
        LOG.info("after rotation");
        LOG.debug("not at debug 0");
        assertEquals(1, Files.readAllLines(logfile).size());
        assertTrue(Files.readString(logfile).contains("info: after rotation"));
        LogSetup.reset();
        LOG.info("after reset");
        assertFalse(Files.readString(logfile).contains("after reset"));
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
