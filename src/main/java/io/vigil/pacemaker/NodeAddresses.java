package io.vigil.pacemaker;

import io.vigil.config.Medium;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The address of each node on each heartbeat link, which Corosync's nodelist needs and ha.cf does not always say
 * (with {@code bcast} it says nothing). In order of precedence:
 * <ol>
 *   <li>{@code --node-address NAME=ADDR[,ADDR2…]} (one address per link; nothing is added to them);</li>
 *   <li>for this node, the IPv4 address of each media interface on this host ({@code bcast eth0} → eth0's address);</li>
 *   <li>{@code /etc/hosts}: the first non-loopback IPv4 address listed for the node's name (Debian maps the host's own
 *       name to 127.0.1.1: that one is skipped); no DNS query is made;</li>
 *   <li>{@code ucast DEV ADDR} lines: an address that /etc/hosts names after a node is that node's; otherwise, when
 *       exactly one node still lacks an address on that link and exactly one ucast address of it is left, they
 *       belong together.</li>
 * </ol>
 * A knet cluster needs the same links on every node: the nodelist gets as many links as the node with the fewest.
 */
public final class NodeAddresses {

    /** A node's addresses, link 0 first, and where they came from. */
    public record Resolved(List<String> addresses, String source) {
        public Resolved {
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * @param byNode  every node that has at least one address, in ha.cf order, trimmed to the common link count
     * @param missing nodes without any address
     * @param notes   what was dropped or guessed, for the report
     */
    public record Result(Map<String, Resolved> byNode, List<String> missing, List<String> notes) {
        public Result {
            byNode = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byNode));
            missing = List.copyOf(missing);
            notes = List.copyOf(notes);
        }
    }

    private NodeAddresses() {
    }

    /**
     * @param nodes      ha.cf nodes in order (lower-case)
     * @param localNode  this node
     * @param media      ha.cf media
     * @param explicit   {@code --node-address} values by node name (lower-case)
     * @param hostsLines the lines of /etc/hosts
     * @param localIpv4  the IPv4 addresses of this host by interface name
     */
    public static Result resolve(List<String> nodes, String localNode, List<Medium> media, Map<String, List<String>> explicit,
                                 List<String> hostsLines, Map<String, List<String>> localIpv4) {
        Map<String, List<String>> hosts = hosts(hostsLines);
        List<String> links = media.stream().map(Medium::device).map(d -> d.contains(":") ? d.substring(0, d.indexOf(':')) : d)
                .distinct().toList();
        Map<String, List<String>> found = new LinkedHashMap<>();
        Map<String, String> source = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        Set<String> local = new LinkedHashSet<>();
        localIpv4.values().forEach(local::addAll);

        for (String node : nodes) {
            if (explicit.containsKey(node)) {
                found.put(node, new ArrayList<>(explicit.get(node)));
                source.put(node, "--node-address");
            } else if (node.equals(localNode)) {
                List<String> own = new ArrayList<>();
                List<String> devices = new ArrayList<>();
                for (String dev : links) {
                    List<String> a = localIpv4.getOrDefault(dev, List.of());
                    if (!a.isEmpty()) {
                        own.add(a.get(0));
                        devices.add(dev);
                    }
                }
                if (!own.isEmpty()) {
                    found.put(node, own);
                    source.put(node, "address of " + String.join(", ", devices) + " on this host");
                }
            }
            if (!found.containsKey(node) && hosts.containsKey(node)) {
                found.put(node, new ArrayList<>(List.of(hosts.get(node).get(0))));
                source.put(node, "/etc/hosts");
            }
        }

        // ucast lines: the peer addresses of each link that are neither ours nor taken yet
        for (int link = 0; link < links.size(); link++) {
            String dev = links.get(link);
            Set<String> candidates = new LinkedHashSet<>();
            for (Medium m : media) {
                if (m instanceof Medium.Ucast u && u.device().startsWith(dev)) {
                    String a = u.peer().getHostAddress();
                    if (!local.contains(a) && found.values().stream().noneMatch(l -> l.contains(a))) {
                        candidates.add(a);
                    }
                }
            }
            for (String a : List.copyOf(candidates)) {
                Optional<String> named = hosts.entrySet().stream().filter(e -> e.getValue().contains(a))
                        .map(Map.Entry::getKey).filter(nodes::contains).findFirst();
                if (named.isPresent() && !explicit.containsKey(named.get()) && found.getOrDefault(named.get(), List.of()).size() == link) {
                    found.computeIfAbsent(named.get(), k -> new ArrayList<>()).add(a);
                    source.merge(named.get(), "ucast " + dev + " " + a + " (named in /etc/hosts)", (x, y) -> x + "; " + y);
                    candidates.remove(a);
                }
            }
            final int l = link;
            List<String> lacking = nodes.stream().filter(n -> !explicit.containsKey(n) && found.getOrDefault(n, List.of()).size() == l)
                    .toList();
            if (lacking.size() == 1 && candidates.size() == 1) {
                String a = candidates.iterator().next();
                found.computeIfAbsent(lacking.get(0), k -> new ArrayList<>()).add(a);
                source.merge(lacking.get(0), "ucast " + dev + " " + a, (x, y) -> x + "; " + y);
            }
        }

        List<String> missing = nodes.stream().filter(n -> !found.containsKey(n)).toList();
        int common = found.values().stream().mapToInt(List::size).min().orElse(0);
        if (common > 0 && links.size() > common) {
            notes.add("ha.cf has " + links.size() + " heartbeat interfaces (" + String.join(", ", links) + ") but corosync.conf gets "
                    + common + " knet link" + (common == 1 ? "" : "s") + ": give every node's address on each with "
                    + "--node-address NAME=ADDR1,ADDR2 for redundant links");
        }
        Map<String, Resolved> out = new LinkedHashMap<>();
        for (String node : nodes) {
            List<String> a = found.get(node);
            if (a == null) {
                continue;
            }
            if (a.size() > common) {
                notes.add("node " + node + ": only the first " + common + " of its addresses (" + String.join(", ", a)
                        + ") are used: knet needs the same links on every node; give every node's addresses with "
                        + "--node-address NAME=ADDR1,ADDR2");
            }
            out.put(node, new Resolved(a.subList(0, common), source.get(node)));
        }
        return new Result(out, missing, notes);
    }

    /**
     * The primary IPv4 addresses of this host's interfaces, by interface name ({@code ip -o -4 addr show}): a
     * secondary address, such as a service address this node holds right now, is not the node's own.
     */
    public static Map<String, List<String>> thisHostIpv4() {
        io.vigil.resource.ProcessRunner.Outcome o = new io.vigil.resource.ProcessRunner(10_000)
                .run(List.of("ip", "-o", "-4", "addr", "show"), Map.of(), java.time.Duration.ofSeconds(10));
        return o.ok() ? primaryIpv4(o.stdout()) : Map.of();
    }

    /** Parses {@code ip -o -4 addr show}: interface → its primary, non-loopback addresses. */
    static Map<String, List<String>> primaryIpv4(List<String> lines) {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (String line : lines) {
            String head = line.contains("\\") ? line.substring(0, line.indexOf('\\')) : line;
            String[] w = head.trim().split("\\s+");
            if (w.length < 4 || !w[2].equals("inet") || head.contains(" secondary ") || w[3].startsWith("127.")) {
                continue;
            }
            String dev = w[1].contains("@") ? w[1].substring(0, w[1].indexOf('@')) : w[1];
            byName.computeIfAbsent(dev, k -> new ArrayList<>()).add(w[3].substring(0, w[3].indexOf('/')));
        }
        return byName;
    }

    /** /etc/hosts: name (lower-case) → its non-loopback IPv4 addresses in file order. */
    static Map<String, List<String>> hosts(List<String> lines) {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (String raw : lines) {
            String line = raw.contains("#") ? raw.substring(0, raw.indexOf('#')) : raw;
            String[] w = line.trim().split("\\s+");
            if (w.length < 2 || !w[0].matches("\\d{1,3}(\\.\\d{1,3}){3}") || w[0].startsWith("127.")) {
                continue;
            }
            for (int i = 1; i < w.length; i++) {
                byName.computeIfAbsent(w[i].toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(w[0]);
            }
        }
        return byName;
    }

    /** {@code NAME=ADDR[,ADDR…]}: throws IllegalArgumentException naming what is wrong. */
    public static Map.Entry<String, List<String>> parseOption(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
            throw new IllegalArgumentException("--node-address " + text + ": write NAME=ADDRESS, e.g. linux2=192.0.2.12");
        }
        List<String> addresses = new ArrayList<>();
        for (String a : text.substring(eq + 1).split(",")) {
            Optional<InetAddress> ip = io.vigil.config.HaresourcesParser.parseLiteral(a.trim());
            if (ip.isEmpty()) {
                throw new IllegalArgumentException("--node-address " + text + ": '" + a.trim() + "' is not an IP address");
            }
            addresses.add(ip.get().getHostAddress());
        }
        return Map.entry(text.substring(0, eq).trim().toLowerCase(Locale.ROOT), addresses);
    }
}
