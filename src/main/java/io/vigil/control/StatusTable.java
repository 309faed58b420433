package io.vigil.control;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Renders a {@link StatusReport} as the readable text of {@code vigil status}. */
public final class StatusTable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd_HH:mm:ss");

    /** How many of the recent transitions {@code vigil status} shows ({@code --json} has them all). */
    public static final int SHOWN_TRANSITIONS = 10;

    private StatusTable() {
    }

    public static String render(StatusReport r, ZoneId zone) {
        StringBuilder sb = new StringBuilder();
        sb.append("vigil ").append(r.version()).append(" on ").append(r.node())
                .append(": ").append(r.localStatus())
                .append(", pid ").append(r.pid())
                .append(", up ").append(duration(r.uptimeMs()))
                .append(", auto_failback ").append(r.autoFailback())
                .append(", holding ").append(r.rscstatus()).append(" resources\n\n");

        List<String[]> nodeRows = new ArrayList<>();
        nodeRows.add(new String[] {"NODE", "TYPE", "STATUS", "LAST HEARD", "LINKS"});
        for (StatusReport.NodeInfo n : r.nodes()) {
            String links = n.links().isEmpty() ? "-" : n.links().stream()
                    .map(l -> l.name() + " " + l.status()).collect(Collectors.joining(", "));
            String heard = n.name().equals(r.node()) ? "(this node)"
                    : n.lastHeardMsAgo() < 0 ? "never" : millis(n.lastHeardMsAgo()) + " ago";
            nodeRows.add(new String[] {n.name(), n.type(), n.status(), heard, links});
        }
        table(sb, nodeRows);
        sb.append('\n');

        if (r.groups().isEmpty()) {
            sb.append("No resource groups (haresources is empty).\n");
        } else {
            List<String[]> groupRows = new ArrayList<>();
            groupRows.add(new String[] {"GROUP", "PREFERRED", "HELD BY", "STATE HERE", "RESOURCES"});
            for (StatusReport.GroupInfo g : r.groups()) {
                groupRows.add(new String[] {g.key(), g.preferredNode(), g.heldBy().isEmpty() ? "-" : g.heldBy(),
                        g.state(), g.resources()});
            }
            table(sb, groupRows);
        }

        List<StatusReport.Transition> recent = r.transitions();
        if (!recent.isEmpty()) {
            sb.append("\nRecent transitions:\n");
            for (StatusReport.Transition t : recent.subList(Math.max(0, recent.size() - SHOWN_TRANSITIONS), recent.size())) {
                sb.append("  ").append(TIME.format(Instant.ofEpochMilli(t.epochMs()).atZone(zone)))
                        .append("  ").append(t.text()).append('\n');
            }
        }
        return sb.toString();
    }

    private static void table(StringBuilder sb, List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] row : rows) {
            for (int c = 0; c < cols; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                line.append(row[c]);
                if (c < cols - 1) {
                    line.append(" ".repeat(width[c] - row[c].length() + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }

    static String millis(long ms) {
        return ms < 10_000 ? ms + " ms" : duration(ms);
    }

    static String duration(long ms) {
        Duration d = Duration.ofMillis(Math.max(0, ms));
        if (d.toDays() > 0) {
            return d.toDays() + "d " + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m " + d.toSecondsPart() + "s";
        }
        return d.toSeconds() + "s";
    }
}
