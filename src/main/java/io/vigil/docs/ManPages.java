package io.vigil.docs;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Man pages (roff, man(7) macros) written from the picocli model of the {@code vigil} command, so they say exactly
 * what {@code --help} says: name, synopsis, description, options, parameters, sub-commands and exit codes come from
 * the annotations; only the top page's FILES, ENVIRONMENT and notes are fixed text here. One page per command:
 * {@code vigil(8)}, {@code vigil-status(8)}, {@code vigil-resource-check(8)}, …
 */
public final class ManPages {

    public static final String SECTION = "8";

    private final String version;

    public ManPages(String version) {
        this.version = version;
    }

    /** Page name → roff text, for the command and every sub-command, depth first. */
    public Map<String, String> render(CommandLine root) {
        Map<String, String> pages = new LinkedHashMap<>();
        collect(root, pages);
        return pages;
    }

    private void collect(CommandLine cmd, Map<String, String> pages) {
        pages.put(pageName(cmd.getCommandSpec()), page(cmd.getCommandSpec()));
        for (CommandLine sub : cmd.getSubcommands().values().stream().distinct().toList()) {
            collect(sub, pages);
        }
    }

    /** {@code vigil-resource-check} for {@code vigil resource check}. */
    public static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    String page(CommandSpec spec) {
        StringBuilder r = new StringBuilder();
        String name = pageName(spec);
        r.append(".\\\" Generated from Vigil's picocli model (io.vigil.docs.ManPages): edit the annotations, not this file.\n");
        r.append(".TH \"").append(name.toUpperCase(Locale.ROOT)).append("\" \"").append(SECTION).append("\" \"\" \"Vigil ")
                .append(version).append("\" \"Vigil Manual\"\n");
        r.append(".SH NAME\n").append(roffName(name)).append(" \\- ").append(text(firstLine(spec))).append('\n');

        r.append(".SH SYNOPSIS\n").append(synopsis(spec));

        r.append(".SH DESCRIPTION\n");
        String[] description = spec.usageMessage().description();
        for (String d : description) {
            for (String para : interpolate(spec, d).split("\n")) {
                r.append(text(para)).append("\n.PP\n");
            }
        }
        if (isTop(spec)) {
            r.append(TOP_DESCRIPTION);
        }

        List<PositionalParamSpec> params = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!params.isEmpty()) {
            r.append(".SH PARAMETERS\n");
            for (PositionalParamSpec p : params) {
                r.append(".TP\n\\fI").append(esc(p.paramLabel())).append("\\fR\n").append(describe(spec, p)).append('\n');
            }
        }

        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!options.isEmpty()) {
            r.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                r.append(".TP\n").append(optionHead(o)).append('\n').append(describe(spec, o)).append('\n');
            }
        }

        Map<String, CommandLine> subs = spec.subcommands();
        if (!subs.isEmpty()) {
            r.append(".SH COMMANDS\n");
            for (CommandLine sub : subs.values().stream().distinct().toList()) {
                CommandSpec s = sub.getCommandSpec();
                r.append(".TP\n\\fB").append(esc(s.name())).append("\\fR\n").append(text(firstLine(s)))
                        .append(".\nSee \\fB").append(roffName(pageName(s))).append("\\fR(").append(SECTION).append(").\n");
            }
        }

        Map<String, String> exits = spec.usageMessage().exitCodeList();
        if (!exits.isEmpty()) {
            r.append(".SH \"EXIT STATUS\"\n");
            exits.forEach((code, meaning) -> r.append(".TP\n\\fB").append(esc(code.strip())).append("\\fR\n")
                    .append(text(meaning)).append('\n'));
        }
        if (isTop(spec)) {
            r.append(TOP_TRAILER);
        }
        r.append(".SH \"SEE ALSO\"\n").append(seeAlso(spec)).append('\n');
        return r.toString();
    }

    private static boolean isTop(CommandSpec spec) {
        return spec.parent() == null;
    }

    private static String firstLine(CommandSpec spec) {
        String[] d = spec.usageMessage().description();
        String first = d.length == 0 ? spec.name() : interpolate(spec, d[0]).split("\n")[0];
        return first.endsWith(".") || first.endsWith(":") ? first.substring(0, first.length() - 1) : first;
    }

    private String synopsis(CommandSpec spec) {
        StringBuilder s = new StringBuilder(".SY \"").append(spec.qualifiedName(" ")).append("\"\n");
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            String head = "\\fB" + esc(o.longestName()) + "\\fR" + (o.arity().max() > 0
                    ? "=\\fI" + esc(o.paramLabel()) + "\\fR" : "");
            s.append(o.required() ? head : "[" + head + "]").append('\n');
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (!p.hidden()) {
                String label = "\\fI" + esc(p.paramLabel()) + "\\fR";
                s.append(p.arity().min() > 0 ? label : "[" + label + "]").append('\n');
            }
        }
        if (!spec.subcommands().isEmpty()) {
            s.append("\\fICOMMAND\\fR [\\fIARGS\\fR]\n");
        }
        return s.append(".YS\n").toString();
    }

    private static String optionHead(OptionSpec o) {
        List<String> names = new ArrayList<>();
        for (String n : o.names()) {
            names.add("\\fB" + esc(n) + "\\fR");
        }
        return String.join(", ", names) + (o.arity().max() > 0 ? "=\\fI" + esc(o.paramLabel()) + "\\fR" : "");
    }

    private static String describe(CommandSpec spec, ArgSpec a) {
        List<String> lines = new ArrayList<>();
        for (String d : a.description()) {
            lines.add(text(interpolate(spec, d).replace("\n", " ")));
        }
        return String.join("\n", lines);
    }

    /** picocli's own rendering of %n, %% and ${…} variables. */
    private static String interpolate(CommandSpec spec, String text) {
        return text.replace("%n", "\n").replace("%%", "%");
    }

    private String seeAlso(CommandSpec spec) {
        List<String> refs = new ArrayList<>();
        if (spec.parent() != null) {
            refs.add(ref(pageName(spec.parent()), SECTION));
        }
        for (CommandLine sub : spec.subcommands().values().stream().distinct().toList()) {
            refs.add(ref(pageName(sub.getCommandSpec()), SECTION));
        }
        if (isTop(spec)) {
            for (String[] p : new String[][] {{"cl_status", "8"}, {"hb_standby", "8"}, {"hb_takeover", "8"},
                    {"ha.cf", "5vigil"}, {"haresources", "5"}, {"authkeys", "5vigil"}, {"systemd.service", "5"}}) {
                refs.add(ref(p[0], p[1]));
            }
        } else {
            refs.add(ref("ha.cf", "5vigil"));
        }
        return String.join(",\n", refs);
    }

    private static String ref(String page, String section) {
        return "\\fB" + roffName(page) + "\\fR(" + section + ")";
    }

    static String roffName(String name) {
        return esc(name);
    }

    /** Escapes roff: backslashes, and a leading dot or quote that would start a request. */
    static String esc(String s) {
        return s.replace("\\", "\\e").replace("-", "\\-");
    }

    /** Running text: backslashes escaped, lines that would begin a request protected, `code` made bold. */
    static String text(String s) {
        String t = s.replace("\\", "\\e");
        t = t.replaceAll("`([^`]+)`", "\\\\fB$1\\\\fR");
        if (t.startsWith(".") || t.startsWith("'")) {
            t = "\\&" + t;
        }
        return t;
    }

    private static final String TOP_DESCRIPTION = """
            Vigil keeps a service address (and the resources that go with it) alive on two or a few Linux servers. \
            It reads Heartbeat's \\fIha.cf\\fR, \\fIauthkeys\\fR and \\fIharesources\\fR unchanged, speaks Heartbeat \
            3.0.6's wire protocol, and moves resource groups to a surviving node when one dies.
            .PP
            \\fBvigil run\\fR is the daemon (under systemd: \\fBvigil.service\\fR); the other commands ask it over its \
            control socket or work on the configuration. \\fBcl_status\\fR, \\fBhb_standby\\fR and \\fBhb_takeover\\fR \
            keep Heartbeat's command line.
            .PP
            """;

    private static final String TOP_TRAILER = """
            .SH FILES
            .TP
            \\fI/etc/ha.d/ha.cf\\fR, \\fI/etc/heartbeat/ha.cf\\fR
            Nodes, timings, media, ping nodes, auto_failback; see \\fBha.cf\\fR(5vigil).
            .TP
            \\fI/etc/ha.d/authkeys\\fR
            The key that signs every packet; must be mode 600. See \\fBauthkeys\\fR(5vigil).
            .TP
            \\fI/etc/ha.d/haresources\\fR
            One resource group per line. See \\fBharesources\\fR(5).
            .TP
            \\fI/etc/ha.d/vigil.properties\\fR
            Vigil's own settings (fencing, monitoring, timeouts, metrics address, notifications).
            .TP
            \\fI/etc/ha.d/notify.d/\\fR
            Notification scripts, run on every transition with the event, node, group and state.
            .TP
            \\fI/etc/ha.d/rc.d/\\fR
            Heartbeat's notification hooks, run through \\fI/etc/ha.d/harc\\fR when it exists.
            .TP
            \\fI/run/vigil/vigil.sock\\fR
            The daemon's control socket (mode 600); \\fI/run/vigil/vigil.pid\\fR its PID file.
            .TP
            \\fI/var/lib/vigil/\\fR
            Generation counter, node UUID and the peers' generations (peer_generations).
            .SH ENVIRONMENT
            .TP
            \\fBVIGIL_CONFIG_DIR\\fR
            Configuration directory when \\fB\\-\\-config\\-dir\\fR is not given.
            .TP
            \\fBVIGIL_RUN_DIR\\fR
            Directory of the control socket and PID file (default \\fI/run/vigil\\fR).
            .TP
            \\fBVIGIL_JAVA\\fR, \\fBVIGIL_JAVA_OPTS\\fR
            The Java runtime to use, and extra JVM options.
            .TP
            \\fBVIGIL_METRICS_HOST\\fR, \\fBVIGIL_METRICS_PORT\\fR
            Address of the metrics, health and live status page (default 127.0.0.1:9694; port 0 turns them off).
            """;
}
