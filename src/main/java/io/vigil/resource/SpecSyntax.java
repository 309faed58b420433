package io.vigil.resource;

import io.vigil.config.ResourceSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The haresources resource-token syntax (§3.1), for {@code vigil resource …} until it is unified with the
 * haresources parser of {@code io.vigil.config}:
 * <ul>
 *   <li>{@code script} and {@code script::a1::a2} (the {@code ::} separators become separate arguments);</li>
 *   <li>a token that looks like an IPv4 address (Heartbeat's glob {@code [0-9]*.[0-9]*.[0-9]*.[0-9]*}) means
 *       {@code IPaddr::<token>};</li>
 *   <li>{@code ocf:<provider>:<type>::name=value::…} names an OCF agent and its parameters.</li>
 * </ul>
 */
public final class SpecSyntax {

    private static final Pattern LOOKS_LIKE_IPV4 = Pattern.compile("[0-9][^.]*\\.[0-9][^.]*\\.[0-9][^.]*\\.[0-9].*");

    private SpecSyntax() {
    }

    /** Parses one token; throws {@link IllegalArgumentException} with a message naming the token when it is malformed. */
    public static ResourceSpec parse(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("empty resource specification");
        }
        String t = token.trim();
        if (t.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("resource '" + t + "' contains white space: haresources arguments cannot");
        }
        if (LOOKS_LIKE_IPV4.matcher(t).matches()) {
            return new ResourceSpec("IPaddr", List.of(t), t);
        }
        List<String> parts = new ArrayList<>(Arrays.asList(t.split("::", -1)));
        String agent = parts.remove(0);
        if (agent.isEmpty()) {
            throw new IllegalArgumentException("resource '" + t + "' has no script name before '::'");
        }
        if (parts.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("resource '" + t + "' has an empty argument (':::' or a trailing '::')");
        }
        if (agent.startsWith("ocf:")) {
            String[] p = agent.split(":", -1);
            if (p.length != 3 || p[1].isEmpty() || p[2].isEmpty()) {
                throw new IllegalArgumentException("OCF resource '" + t + "' must be written ocf:<provider>:<type>[::name=value…]");
            }
            for (String a : parts) {
                int eq = a.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("OCF resource '" + t + "': parameter '" + a + "' is not name=value");
                }
            }
        }
        return new ResourceSpec(agent, parts, t);
    }

    /**
     * The resource tokens of every group of a haresources text (comments stripped, {@code \} continuations joined,
     * node column dropped), in file order. Malformed tokens are skipped: this serves look-ups, not validation.
     */
    public static List<List<ResourceSpec>> groupsIn(String haresources) {
        List<List<ResourceSpec>> groups = new ArrayList<>();
        StringBuilder logical = new StringBuilder();
        for (String raw : haresources.split("\n", -1)) {
            String line = raw;
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.stripTrailing();
            if (line.endsWith("\\")) {
                logical.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            logical.append(line);
            String[] words = logical.toString().trim().split("\\s+");
            logical.setLength(0);
            if (words.length < 2) {
                continue;
            }
            List<ResourceSpec> group = new ArrayList<>();
            for (int i = 1; i < words.length; i++) {
                try {
                    group.add(parse(words[i]));
                } catch (IllegalArgumentException e) {
                    // not ours to report here
                }
            }
            groups.add(group);
        }
        return groups;
    }
}
