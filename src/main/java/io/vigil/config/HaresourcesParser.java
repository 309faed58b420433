package io.vigil.config;

import io.vigil.resource.IpAddrArgument;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * haresources as ResourceManager reads it: one group per logical line ({@code \} continues), {@code #} comments,
 * first column = preferred node (lower-cased, must be declared), first resource = unique group key.
 * <p>
 * Token forms: {@code script}, {@code script::a1::a2}, a bare IPv4 token = {@code IPaddr::token}, OCF agents
 * {@code ocf:provider:type::name=value}, and (Vigil extension) IPv6 in brackets: {@code IPaddr::[2001:db8::10]/64/eth0}
 * → argument {@code 2001:db8::10/64/eth0}, the brackets protecting the {@code ::} of the address.
 */
public final class HaresourcesParser {

    /** ResourceManager's glob {@code [0-9]*.[0-9]*.[0-9]*.[0-9]*}. */
    private static final Pattern LOOKS_LIKE_IPV4 = Pattern.compile("[0-9].*\\.[0-9].*\\.[0-9].*\\.[0-9].*");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    public record Result(List<ResourceGroup> groups, List<ConfigProblem> problems) {
    }

    private final List<ConfigProblem> problems = new ArrayList<>();

    private HaresourcesParser() {
    }

    /**
     * @param nodes the declared normal nodes (lower-case); an empty list skips the node check (ha.cf unusable)
     */
    public static Result parse(Path file, List<String> lines, List<String> nodes) {
        return new HaresourcesParser().run(file, lines, nodes);
    }

    /** One resource token; problems are added to {@code problems}. */
    public static Optional<ResourceSpec> parseResource(Origin at, String token, List<ConfigProblem> problems) {
        HaresourcesParser parser = new HaresourcesParser();
        Optional<ResourceSpec> spec = parser.parseResource(at, token);
        problems.addAll(parser.problems);
        return spec;
    }

    private Result run(Path file, List<String> lines, List<String> nodes) {
        List<ResourceGroup> groups = new ArrayList<>();
        Map<String, Integer> keyLines = new HashMap<>();
        StringBuilder logical = new StringBuilder();
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.stripTrailing();
            if (logical.length() == 0) {
                start = i + 1;
            }
            boolean continued = line.endsWith("\\");
            logical.append(continued ? line.substring(0, line.length() - 1) : line).append(' ');
            if (continued && i + 1 < lines.size()) {
                continue;
            }
            String text = logical.toString().strip();
            logical.setLength(0);
            if (!text.isEmpty()) {
                parseGroup(file, start, text, nodes, keyLines).ifPresent(groups::add);
            }
        }
        return new Result(List.copyOf(groups), List.copyOf(problems));
    }

    private Optional<ResourceGroup> parseGroup(Path file, int lineNo, String text, List<String> nodes,
                                                      Map<String, Integer> keyLines) {
        Origin at = Origin.at(file, lineNo);
        List<String> tokens = HeartbeatSyntax.split(text, HeartbeatSyntax.WHITESPACE);
        String node = tokens.get(0).toLowerCase(Locale.ROOT);
        boolean ok = true;
        if (!nodes.isEmpty() && !nodes.contains(node)) {
            problems.add(at.error("Bad nodename in " + file + " [" + tokens.get(0) + "]",
                    "the first column must be a node declared with `node` in ha.cf (" + String.join(", ", nodes) + ")"));
            ok = false;
        }
        if (tokens.size() < 2) {
            problems.add(at.error("Resource group of node [" + node + "] has no resources", "list the resources after the node name, e.g. `"
                    + node + " 192.0.2.10 apache`"));
            return Optional.empty();
        }
        List<ResourceSpec> resources = new ArrayList<>();
        for (String token : tokens.subList(1, tokens.size())) {
            Optional<ResourceSpec> spec = parseResource(at, token);
            if (spec.isEmpty()) {
                ok = false;
            } else {
                resources.add(spec.get());
            }
        }
        String key = tokens.get(1);
        Integer first = keyLines.putIfAbsent(key, lineNo);
        if (first != null) {
            problems.add(at.error("Resource group key [" + key + "] is already used on line " + first,
                    "each line's first resource names its group and must be unique; merge the two lines or reorder the resources"));
            ok = false;
        }
        return ok ? Optional.of(new ResourceGroup(key, node, resources, lineNo)) : Optional.empty();
    }

    /** One resource token, or empty after recording what is wrong with it. */
    private Optional<ResourceSpec> parseResource(Origin at, String token) {
        if (LOOKS_LIKE_IPV4.matcher(token).matches()) {
            return checkIpArgument(at, token, "IPaddr", token) ? Optional.of(new ResourceSpec("IPaddr", List.of(token), token))
                    : Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        int depth = 0;
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
                if (depth < 0) {
                    break;
                }
            }
            if (depth == 0 && c == ':' && i + 1 < token.length() && token.charAt(i + 1) == ':') {
                parts.add(current.toString());
                current.setLength(0);
                i++;
            } else {
                current.append(c);
            }
        }
        if (depth != 0) {
            problems.add(at.error("Unbalanced brackets in resource [" + token + "]",
                    "write an IPv6 address as IPaddr::[2001:db8::10]/64/eth0"));
            return Optional.empty();
        }
        parts.add(current.toString());
        if (parts.stream().anyMatch(String::isEmpty)) {
            problems.add(at.error("Empty name or argument in resource [" + token + "]",
                    "write `script` or `script::arg1::arg2` with no empty part around `::`"));
            return Optional.empty();
        }
        String agent = parts.get(0);
        if (agent.contains("[")) {
            problems.add(at.error("Resource name [" + agent + "] contains a bracket", "brackets are only for IPv6 arguments: IPaddr::[2001:db8::10]/64/eth0"));
            return Optional.empty();
        }
        List<String> args = new ArrayList<>();
        for (String part : parts.subList(1, parts.size())) {
            String arg = part.startsWith("[") ? unbracket(at, token, part) : part;
            if (arg == null) {
                return Optional.empty();
            }
            args.add(arg);
        }
        if (agent.startsWith("ocf:") && !checkOcf(at, agent, args, token)) {
            return Optional.empty();
        }
        if ((agent.equals("IPaddr") || agent.equals("IPaddr2") || agent.equals("IPv6addr")) && !args.isEmpty()
                && !checkIpArgument(at, args.get(0), agent, token)) {
            return Optional.empty();
        }
        return Optional.of(new ResourceSpec(agent, args, token));
    }

    /** {@code ocf:<provider>:<type>} followed by {@code name=value} parameters only. */
    private boolean checkOcf(Origin at, String agent, List<String> args, String token) {
        String[] p = agent.split(":", -1);
        if (p.length != 3 || p[1].isEmpty() || p[2].isEmpty()) {
            problems.add(at.error("OCF resource [" + token + "] does not name provider and type",
                    "write ocf:<provider>:<type>[::name=value…], e.g. ocf:heartbeat:IPaddr2::ip=192.0.2.10"));
            return false;
        }
        for (String a : args) {
            if (a.indexOf('=') <= 0) {
                problems.add(at.error("OCF parameter [" + a + "] in resource [" + token + "] is not name=value",
                        "write each OCF parameter as name=value, e.g. ::ip=192.0.2.10"));
                return false;
            }
        }
        return true;
    }

    /** {@code [2001:db8::10]/64/eth0} → {@code 2001:db8::10/64/eth0}, checking the address. */
    private String unbracket(Origin at, String token, String part) {
        int close = part.indexOf(']');
        String address = part.substring(1, close);
        if (!address.contains(":") || parseLiteral(address).isEmpty()) {
            problems.add(at.error("Invalid IPv6 address [" + address + "] in resource [" + token + "]",
                    "write a valid IPv6 address between the brackets, e.g. [2001:db8::10]"));
            return null;
        }
        String rest = part.substring(close + 1);
        if (!rest.isEmpty() && !rest.startsWith("/")) {
            problems.add(at.error("Unexpected text [" + rest + "] after the IPv6 address in resource [" + token + "]",
                    "continue with /prefix-length/interface, e.g. [2001:db8::10]/64/eth0"));
            return null;
        }
        return address + rest;
    }

    /**
     * IPaddr/IPaddr2/IPv6addr argument {@code ip[/cidr[/iface[:label]][/broadcast]]}, every form of reference §6 (a
     * dotted netmask for the prefix, a third part starting with a digit as the broadcast), parsed exactly as the
     * built-in agent will parse it.
     */
    private boolean checkIpArgument(Origin at, String arg, String agent, String token) {
        try {
            IpAddrArgument parsed = IpAddrArgument.parse(arg);
            if (agent.equals("IPv6addr") && !parsed.ipv6()) {
                problems.add(at.error("IPv6addr resource [" + token + "] has an IPv4 address",
                        "use IPaddr2::" + arg + " for an IPv4 address"));
                return false;
            }
            return true;
        } catch (IllegalArgumentException e) {
            problems.add(at.error(e.getMessage() + " in resource [" + token + "]",
                    "write " + agent + "::<ip>[/<prefix or netmask>[/<interface>[:<label>]][/<broadcast>]], e.g. 192.0.2.10/24/eth0"));
            return false;
        }
    }

    /** An IPv4 dotted quad or IPv6 literal, never a host name (no name lookup). */
    public static Optional<InetAddress> parseLiteral(String text) {
        try {
            if (IPV4.matcher(text).matches()) {
                return Optional.of(InetAddress.getByName(text));
            }
            if (text.contains(":") && text.matches("[0-9A-Fa-f:.%a-zA-Z0-9]+")) {
                return Optional.of(InetAddress.getByName(text));
            }
        } catch (java.net.UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
