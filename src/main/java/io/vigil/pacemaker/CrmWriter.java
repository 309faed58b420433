package io.vigil.pacemaker;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The CIB as crm shell text, for {@code crm configure load update FILE}: nodes, primitives, groups, clones, fencing,
 * constraints, then the cluster options and resource defaults.
 */
public final class CrmWriter {

    private CrmWriter() {
    }

    public static String write(Cib cib, List<String> comments) {
        StringBuilder b = new StringBuilder();
        comments.forEach(c -> b.append(c.isEmpty() ? "#" : "# " + c).append('\n'));
        for (Cib.Node n : cib.nodes()) {
            b.append("node ").append(n.id()).append(": ").append(n.name()).append('\n');
        }
        for (Cib.Group g : cib.groups()) {
            b.append("# ").append(g.origin()).append('\n');
            for (Cib.Primitive p : g.members()) {
                primitive(b, p);
            }
            b.append("group ").append(g.id()).append(' ')
                    .append(g.members().stream().map(Cib.Primitive::id).collect(Collectors.joining(" "))).append('\n');
        }
        for (Cib.Clone c : cib.clones()) {
            b.append("# ").append(c.primitive().origin()).append('\n');
            primitive(b, c.primitive());
            b.append("clone ").append(c.id()).append(' ').append(c.primitive().id()).append('\n');
        }
        for (Cib.Primitive f : cib.fencing()) {
            b.append("# ").append(f.origin()).append('\n');
            primitive(b, f);
        }
        for (Cib.Location l : cib.locations()) {
            b.append("location ").append(l.id()).append(' ').append(l.resource()).append(' ');
            if (l instanceof Cib.Prefers p) {
                b.append(p.score()).append(": ").append(p.node());
            } else if (l instanceof Cib.ScoreFromAttribute a) {
                b.append("rule ").append(a.attribute()).append(": defined ").append(a.attribute());
            } else if (l instanceof Cib.ScoreIfPositive s) {
                b.append("rule ").append(s.score()).append(": ").append(s.attribute()).append(" number:gt 0");
            }
            b.append('\n');
        }
        b.append("property cib-bootstrap-options:").append(pairs(cib.properties())).append('\n');
        b.append("rsc_defaults rsc-options:").append(pairs(cib.resourceDefaults())).append('\n');
        return b.toString();
    }

    private static void primitive(StringBuilder b, Cib.Primitive p) {
        b.append("primitive ").append(p.id()).append(' ').append(p.agent());
        if (!p.params().isEmpty()) {
            b.append(" \\\n    params").append(pairs(p.params()));
        }
        for (Cib.Op op : p.ops()) {
            b.append(" \\\n    op ").append(op.name()).append(" interval=").append(op.interval())
                    .append(" timeout=").append(op.timeout());
        }
        b.append('\n');
    }

    private static String pairs(Map<String, String> values) {
        StringBuilder b = new StringBuilder();
        values.forEach((k, v) -> b.append(' ').append(k).append('=').append(quote(v)));
        return b.toString();
    }

    /** A value as crm's parser reads it back: bare when it is one plain word, else double-quoted. */
    static String quote(String v) {
        if (!v.isEmpty() && v.matches("[A-Za-z0-9_.:/@%+,-]+")) {
            return v;
        }
        return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
