package io.vigil.control;

import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * A process with a console handler like Quarkus' (same pattern), which applies LogSetup as `vigil run` does and logs
 * three lines: JournalConsoleTest runs it with stdout in a file and JOURNAL_STREAM set or not.
 */
public final class JournalProbeMain {
    public static void main(String[] args) {
        org.jboss.logmanager.Logger root = LogContext.getLogContext().getLogger("");
        ConsoleHandler console = new ConsoleHandler(ConsoleHandler.Target.SYSTEM_OUT,
                new PatternFormatter("%d{HH:mm:ss.SSS} %-5p [%c{1.}] %s%e%n"));
        console.setLevel(org.jboss.logmanager.Level.INFO);
        root.addHandler(console);
        LogSetup.apply(null, null, null, 0);
        org.jboss.logging.Logger log = org.jboss.logging.Logger.getLogger("vigil");
        log.warn("node linux1: is dead");
        log.info("Link linux1:eth0 dead.");
        log.error("Cannot run the fence script", new IllegalStateException("no such file"));
        System.out.flush();
    }
}
