package io.vigil.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lexical pass over ha.cf, as Heartbeat's parse_config does it: comments, directive names, splitting into one
 * entry per handler call. Values are checked later ({@link HaCfInterpreter}), once overrides are known.
 */
public final class HaCfParser {

    /** One handler call: a token (option and per-token media directives) or the rest of a line (whole-line ones). */
    public record Entry(Directive directive, String value, int line) {
    }

    public record Result(List<Entry> entries, List<ConfigProblem> problems) {
    }

    private HaCfParser() {
    }

    public static Result parse(Path file, List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        List<ConfigProblem> problems = new ArrayList<>();
        int firstMediumLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            Origin at = Origin.at(file, lineNo);
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = HeartbeatSyntax.stripLeading(line);
            if (line.isBlank()) {
                continue;
            }
            int end = 0;
            while (end < line.length() && HeartbeatSyntax.WHITESPACE.indexOf(line.charAt(end)) < 0) {
                end++;
            }
            String name = line.substring(0, end);
            String rest = HeartbeatSyntax.stripLeading(line.substring(end)).stripTrailing();
            if (name.equals("udp")) {
                problems.add(at.warning("directive 'udp' replaced by 'bcast'", "write `bcast` instead of `udp`"));
                name = "bcast";
            }
            var directive = Directive.byName(name);
            if (directive.isEmpty()) {
                problems.add(at.error("Illegal directive [" + name + "] in " + file,
                        "check the spelling (directive names are case-sensitive); docs/configuration.md lists every directive"));
                continue;
            }
            Directive d = directive.get();
            if (!d.actedOn()) {
                problems.add(at.warning("'" + name + "' is accepted for Heartbeat compatibility but ignored by Vigil", d.hint()));
            }
            if (d.isMedium() && firstMediumLine == 0 && d.actedOn()) {
                firstMediumLine = lineNo;
            }
            if (name.equals("udpport") && firstMediumLine > 0) {
                problems.add(at.warning("udpport setting must precede media statements: the media from line "
                                + firstMediumLine + " up keep the port in effect there, as in Heartbeat",
                        "move the udpport line above line " + firstMediumLine));
            }
            if (d.wholeLine()) {
                entries.add(new Entry(d, rest, lineNo));
                continue;
            }
            List<String> tokens = HeartbeatSyntax.split(rest, HeartbeatSyntax.DELIMS);
            if (tokens.isEmpty()) {
                problems.add(at.warning("directive '" + name + "' has no value and does nothing", "give it a value or remove the line"));
            }
            for (String token : tokens) {
                entries.add(new Entry(d, token, lineNo));
            }
        }
        return new Result(List.copyOf(entries), List.copyOf(problems));
    }
}
