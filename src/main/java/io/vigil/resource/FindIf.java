package io.vigil.resource;

import io.vigil.netlink.RtNetlink;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * IPaddr2's {@code findif} (reference §6.2): the interface and prefix length of a service address that does not name
 * them, from the connected route with the longest prefix that matches it, read from {@code ip route} output. {@code
 * vigil export pacemaker} uses it to write the {@code nic} and {@code cidr_netmask} the agent would choose; the
 * built-in IPaddr asks its {@link AddressBackend} (netlink, or this parser over {@code ip} where netlink is absent).
 */
public final class FindIf {

    /** Where an address goes: the interface and the prefix length. */
    public record Placement(String nic, int prefix) {
    }

    private FindIf() {
    }

    /** The {@code ip} arguments that list the candidate routes ({@code ip -o -f inet route list match … scope link}). */
    public static List<String> routeQuery(IpAddrArgument arg) {
        String family = arg.ipv6() ? "inet6" : "inet";
        List<String> cmd = new ArrayList<>(List.of("-o", "-f", family, "route", "list", "match",
                arg.ip() + (arg.prefix().isPresent() ? "/" + arg.prefix().getAsInt() : "")));
        if (!arg.ipv6()) {
            cmd.addAll(List.of("scope", "link"));
        }
        if (arg.nic().isPresent()) {
            cmd.addAll(List.of("dev", arg.nic().get()));
        }
        return cmd;
    }

    /**
     * Chooses from the output lines of {@link #routeQuery}: the connected route (no gateway, not default, unreachable,
     * prohibit or blackhole) with the longest prefix; the argument's own prefix and interface win over the route's.
     */
    public static Optional<Placement> choose(IpAddrArgument arg, List<String> routeLines) {
        RtNetlink.ConnectedRoute best = null;
        for (RtNetlink.ConnectedRoute r : connectedRoutes(routeLines, arg.nic().orElse(null))) {
            if (best == null || r.prefix() > best.prefix()) {
                best = r;
            }
        }
        return best == null ? Optional.empty() : Optional.of(new Placement(best.nic(), arg.prefix().orElse(best.prefix())));
    }

    /**
     * The connected routes in {@code ip -o route list} output: no gateway, not default, unreachable, prohibit or
     * blackhole; {@code nic} is the interface of lines that name none (a query restricted to one device).
     */
    static List<RtNetlink.ConnectedRoute> connectedRoutes(List<String> routeLines, String nic) {
        List<RtNetlink.ConnectedRoute> out = new ArrayList<>();
        for (String line : routeLines) {
            String[] w = line.trim().split("\\s+");
            if (w.length < 3 || !w[0].contains("/") || line.contains(" via ") || w[0].equals("default")
                    || w[0].equals("unreachable") || w[0].equals("prohibit") || w[0].equals("blackhole")) {
                continue;
            }
            int prefix;
            try {
                prefix = Integer.parseInt(w[0].substring(w[0].indexOf('/') + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            String dev = nic;
            for (int i = 0; i + 1 < w.length; i++) {
                if (w[i].equals("dev")) {
                    dev = w[i + 1];
                }
            }
            if (prefix > 0 && dev != null) {
                out.add(new RtNetlink.ConnectedRoute(dev, prefix));
            }
        }
        return out;
    }

    /** Runs the query on this host ({@code ip}, 10 s at most) and chooses; empty when nothing matches or ip fails. */
    public static Optional<Placement> onThisHost(IpAddrArgument arg) {
        if (arg.nic().isPresent() && arg.prefix().isPresent()) {
            return Optional.of(new Placement(arg.nic().get(), arg.prefix().getAsInt()));
        }
        List<String> argv = new ArrayList<>(List.of("ip"));
        argv.addAll(routeQuery(arg));
        ProcessRunner.Outcome o = new ProcessRunner(10_000).run(argv, java.util.Map.of(), java.time.Duration.ofSeconds(10));
        return o.ok() ? choose(arg, o.stdout()) : Optional.empty();
    }
}
