package io.vigil.control;

import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.List;

/**
 * What a command prints on stdout and stderr and the exit code it returns. Rendered in one place for each command,
 * and reached two ways: the daemon renders it for the shell relays that only print its answer ({@code cl_status},
 * and {@code vigil status|standby|takeover|reload} through {@code deploy/bin/vigil-client}), and the JVM client
 * renders the same from the daemon's JSON. So both print the same bytes.
 */
public record CommandOutput(String stdout, String stderr, int exitCode) {

    /** {@code vigil status}: the table (or the report as JSON); exit 1 with a warning when a group is stop-failed here. */
    public static CommandOutput status(StatusReport report, boolean json, ZoneId zone) {
        String out = json ? report.toJson().encodePrettily() + "\n" : StatusTable.render(report, zone);
        List<String> stopFailed = report.groups().stream().filter(g -> "stop_failed".equals(g.state()))
                .map(StatusReport.GroupInfo::key).toList();
        if (stopFailed.isEmpty()) {
            return new CommandOutput(out, "", 0);
        }
        return new CommandOutput(out, "vigil: resource groups stop-failed here (maybe still active, not released): "
                + stopFailed + "; fix the cause, then `vigil resource cleanup <group>`\n", 1);
    }

    /** An operator request's answer: the daemon's message on stdout when it accepted (exit 0), on stderr when not. */
    public static CommandOutput reply(boolean ok, String message) {
        String line = message == null || message.isEmpty() ? "" : message + "\n";
        return ok ? new CommandOutput(line, "", 0) : new CommandOutput("", line, 1);
    }

    /** The daemon could not take the request (bad parameter, not allowed, failed): its reason, exit 1. */
    public static CommandOutput error(String message) {
        return new CommandOutput("", "vigil: " + message + "\n", 1);
    }

    /** Prints both streams (flushed) and returns the exit code. */
    public int printTo(PrintWriter out, PrintWriter err) {
        out.print(stdout);
        err.print(stderr);
        out.flush();
        err.flush();
        return exitCode;
    }
}
