package io.vigil.control;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Journal-friendly console under systemd: a real child JVM whose stdout is a file, with JOURNAL_STREAM naming that
 * file's device and inode (what systemd does for the journal's stream socket) or not.
 */
class JournalConsoleTest {

    private static List<String> probe(Path out, String journalStream) throws Exception {
        List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-cp", System.getProperty("java.class.path"),
                JournalProbeMain.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("JOURNAL_STREAM");
        if (journalStream != null) {
            pb.environment().put("JOURNAL_STREAM", journalStream);
        }
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return Files.readAllLines(out);
    }

    @Test
    void priorityPrefixesAndNoTimestampWhenTheJournalIsStdout(@TempDir Path tmp) throws Exception {
        Path out = Files.createFile(tmp.resolve("journal-stream"));
        List<String> lines = probe(out, JournalConsole.deviceInode(out));
        assertEquals("<4>WARN: node linux1: is dead", lines.get(0));
        assertEquals("<6>info: Link linux1:eth0 dead.", lines.get(1));
        assertEquals("<3>ERROR: Cannot run the fence script", lines.get(2));
        assertEquals("<3>java.lang.IllegalStateException: no such file", lines.get(3));
        assertTrue(lines.size() > 4 && lines.stream().skip(4).allMatch(l -> l.startsWith("<3>\tat ") || l.startsWith("<3>\t...")),
                "every line of the trace is one journal entry at the record's priority: " + lines);
    }

    @Test
    void unchangedOutsideTheJournal(@TempDir Path tmp) throws Exception {
        Path out = Files.createFile(tmp.resolve("console"));
        List<String> plain = probe(out, null);
        assertTrue(plain.get(0).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  \\[vigil\\] node linux1: is dead"), plain.get(0));
        Path other = Files.createFile(tmp.resolve("other"));
        List<String> elsewhere = probe(Files.createFile(tmp.resolve("console2")), JournalConsole.deviceInode(other));
        assertTrue(elsewhere.get(0).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN .*"),
                "JOURNAL_STREAM inherited from a parent whose stdout was the journal, ours is not: " + elsewhere.get(0));
    }

    @Test
    void journalStreamMustLookRight() {
        assertFalse(JournalConsole.toJournal(null));
        assertFalse(JournalConsole.toJournal(""));
        assertFalse(JournalConsole.toJournal("8:1234x"));
        assertEquals(3, JournalConsole.syslogPriority(org.jboss.logmanager.Level.ERROR));
        assertEquals(7, JournalConsole.syslogPriority(org.jboss.logmanager.Level.DEBUG));
        assertEquals(2, JournalConsole.syslogPriority(org.jboss.logmanager.Level.FATAL));
    }
}
