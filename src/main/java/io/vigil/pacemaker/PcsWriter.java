package io.vigil.pacemaker;

import java.util.List;
import java.util.Map;

/**
 * The CIB as a shell script of {@code pcs} commands (pcs 0.10/0.11 syntax). Run without argument it edits a copy of
 * the live CIB ({@code pcs cluster cib}) and pushes it once at the end ({@code pcs cluster cib-push --config}), so the
 * cluster never acts on half a configuration; run with a file argument it only edits that file (review, tests).
 */
public final class PcsWriter {

    private PcsWriter() {
    }

    public static String write(Cib cib, List<String> comments) {
        StringBuilder b = new StringBuilder("#!/bin/sh\n");
        comments.forEach(c -> b.append(c.isEmpty() ? "#" : "# " + c).append('\n'));
        b.append("#\n");
        b.append("# Usage: sh THIS-FILE          edit a copy of the live CIB, then push it (pcs cluster cib-push --config)\n");
        b.append("#        sh THIS-FILE CIB.xml  edit CIB.xml only (e.g. a copy made with `cibadmin --empty`)\n");
        b.append("# lsb: resources are created with --force: their init scripts may not be installed on this node yet.\n");
        b.append("set -eu\n");
        b.append("if [ $# -ge 1 ]; then CIB=$1; PUSH=no; else CIB=$(mktemp); PUSH=yes; pcs cluster cib \"$CIB\"; fi\n");
        b.append("run() { pcs -f \"$CIB\" \"$@\"; }\n\n");
        b.append("run property set").append(pairs(cib.properties())).append('\n');
        b.append("run resource defaults update").append(pairs(cib.resourceDefaults())).append('\n');
        for (Cib.Group g : cib.groups()) {
            b.append("# ").append(g.origin()).append('\n');
            for (Cib.Primitive p : g.members()) {
                create(b, "resource create", p, " --group " + g.id());
            }
        }
        for (Cib.Clone c : cib.clones()) {
            b.append("# ").append(c.primitive().origin()).append('\n');
            create(b, "resource create", c.primitive(), " clone " + c.id());
        }
        for (Cib.Primitive f : cib.fencing()) {
            b.append("# ").append(f.origin()).append('\n');
            create(b, "stonith create", f, "");
        }
        for (Cib.Location l : cib.locations()) {
            if (l instanceof Cib.Prefers p) {
                boolean ban = p.score().equals("-INFINITY");
                b.append("run constraint location ").append(p.resource()).append(ban ? " avoids " : " prefers ")
                        .append(p.node()).append(ban ? "" : "=" + p.score());
            } else if (l instanceof Cib.ScoreFromAttribute a) {
                b.append("run constraint location ").append(a.resource()).append(" rule constraint-id=").append(a.id())
                        .append(" score-attribute=").append(a.attribute()).append(" defined ").append(a.attribute());
            } else if (l instanceof Cib.ScoreIfPositive s) {
                b.append("run constraint location ").append(s.resource()).append(" rule constraint-id=").append(s.id())
                        .append(" score=").append(s.score()).append(' ').append(s.attribute()).append(" gt integer 0");
            }
            b.append('\n');
        }
        b.append("\nif [ \"$PUSH\" = yes ]; then pcs cluster cib-push \"$CIB\" --config; rm -f \"$CIB\"; fi\n");
        return b.toString();
    }

    private static void create(StringBuilder b, String what, Cib.Primitive p, String suffix) {
        // pcs names LHA stonith plugins without their class (external/ssh); the others with it (ocf:heartbeat:IPaddr2)
        String agent = p.standard().equals("stonith") ? p.type() : p.agent();
        b.append("run ").append(what).append(' ').append(p.id()).append(' ').append(agent).append(pairs(p.params()));
        if (!p.ops().isEmpty()) {
            b.append(" op");
            for (Cib.Op op : p.ops()) {
                b.append(' ').append(op.name()).append(" interval=").append(op.interval()).append(" timeout=").append(op.timeout());
            }
        }
        b.append(suffix);
        if (what.startsWith("resource")) {
            b.append(" --no-default-ops");   // only Vigil's operations, not those pcs reads from the agent's meta-data
        }
        if (p.standard().equals("lsb")) {
            b.append(" --force");
        }
        b.append('\n');
    }

    private static String pairs(Map<String, String> values) {
        StringBuilder b = new StringBuilder();
        values.forEach((k, v) -> b.append(' ').append(shellQuote(k + "=" + v)));
        return b.toString();
    }

    /** A POSIX shell word: bare when safe, else single-quoted. */
    static String shellQuote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_.:/@%+,=-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
