package io.vigil.resource;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The IPaddr/IPaddr2 argument of haresources, {@code ip[/cidr[/nic[:label]][/broadcast]]} (§3.1, §6.1): a third
 * component starting with a digit is the broadcast address, otherwise the interface (with an optional alias label),
 * and then an optional fourth component is the broadcast. The prefix may also be a dotted IPv4 netmask.
 * IPv6 addresses must be written without {@code ::} (that is the haresources argument separator).
 */
public record IpAddrArgument(InetAddress address, OptionalInt prefix, Optional<String> nic, Optional<String> label,
                             Optional<InetAddress> broadcast, String text) {

    /** Linux's IFNAMSIZ - 1: interface names and address labels are at most 15 characters. */
    public static final int MAX_NAME = 15;

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern NIC = Pattern.compile("[A-Za-z0-9_.@-]+");

    public boolean ipv6() {
        return address instanceof Inet6Address;
    }

    public String ip() {
        return address.getHostAddress();
    }

    /** Parses; throws {@link IllegalArgumentException} whose message names the argument and what is wrong. */
    public static IpAddrArgument parse(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length > 4) {
            throw bad(text, "too many '/' components; the form is ip[/cidr[/nic[:label]][/broadcast]]");
        }
        InetAddress address = address(text, parts[0]);
        boolean v6 = address instanceof Inet6Address;
        OptionalInt prefix = OptionalInt.empty();
        if (parts.length > 1 && !parts[1].isEmpty()) {
            prefix = OptionalInt.of(prefix(text, parts[1], v6));
        }
        Optional<String> nic = Optional.empty();
        Optional<String> label = Optional.empty();
        Optional<InetAddress> broadcast = Optional.empty();
        if (parts.length > 2 && !parts[2].isEmpty()) {
            if (Character.isDigit(parts[2].charAt(0))) {
                if (parts.length > 3) {
                    throw bad(text, "'" + parts[2] + "' is taken as the broadcast address (it starts with a digit), "
                            + "so nothing may follow it");
                }
                broadcast = Optional.of(broadcast(text, parts[2], v6));
            } else {
                String n = parts[2];
                int colon = n.indexOf(':');
                if (colon >= 0) {
                    String l = n.substring(colon + 1);
                    n = n.substring(0, colon);
                    if (l.isEmpty()) {
                        throw bad(text, "empty label after '" + n + ":'");
                    }
                    if (v6) {
                        throw bad(text, "address labels (" + parts[2] + ") exist only for IPv4");
                    }
                    if (n.length() + 1 + l.length() > MAX_NAME) {
                        throw bad(text, "label '" + parts[2] + "' is longer than " + MAX_NAME + " characters (Linux limit)");
                    }
                    label = Optional.of(l);
                }
                if (!NIC.matcher(n).matches() || n.length() > MAX_NAME) {
                    throw bad(text, "'" + n + "' is not an interface name");
                }
                nic = Optional.of(n);
            }
        }
        if (parts.length > 3 && !parts[3].isEmpty()) {
            broadcast = Optional.of(broadcast(text, parts[3], v6));
        }
        return new IpAddrArgument(address, prefix, nic, label, broadcast, text);
    }

    private static InetAddress address(String text, String s) {
        if (IPV4.matcher(s).matches()) {
            return literal(text, s);
        }
        if (s.contains(":") && IPV6.matcher(s).matches()) {
            InetAddress a = literal(text, s);
            if (a instanceof Inet6Address) {
                return a;
            }
        }
        throw bad(text, "'" + s + "' is not an IPv4 or IPv6 address");
    }

    private static InetAddress literal(String text, String s) {
        try {
            // a literal: no name lookup happens
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw bad(text, "'" + s + "' is not an IP address");
        }
    }

    private static int prefix(String text, String s, boolean v6) {
        int max = v6 ? 128 : 32;
        if (s.matches("\\d{1,3}")) {
            int p = Integer.parseInt(s);
            if (p >= 1 && p <= max) {
                return p;
            }
        } else if (!v6 && IPV4.matcher(s).matches()) {
            long mask = toLong(literal(text, s).getAddress());
            int p = Long.bitCount(mask);
            long expect = p == 0 ? 0 : (0xFFFFFFFFL << (32 - p)) & 0xFFFFFFFFL;
            if (mask == expect && p > 0) {
                return p;
            }
            throw bad(text, "netmask '" + s + "' is not contiguous");
        }
        throw bad(text, "'" + s + "' is not a prefix length (1-" + max + ")" + (v6 ? "" : " or a dotted netmask"));
    }

    private static InetAddress broadcast(String text, String s, boolean v6) {
        if (v6) {
            throw bad(text, "IPv6 has no broadcast address ('" + s + "')");
        }
        if (!IPV4.matcher(s).matches()) {
            throw bad(text, "'" + s + "' is not an IPv4 broadcast address");
        }
        return literal(text, s);
    }

    /** The broadcast address of {@code address/prefix} (IPv4). */
    public static String defaultBroadcast(InetAddress address, int prefix) {
        long a = toLong(address.getAddress());
        long host = prefix >= 32 ? 0 : (0xFFFFFFFFL >>> prefix);
        long b = a | host;
        return ((b >> 24) & 255) + "." + ((b >> 16) & 255) + "." + ((b >> 8) & 255) + "." + (b & 255);
    }

    private static long toLong(byte[] b) {
        return ((b[0] & 255L) << 24) | ((b[1] & 255L) << 16) | ((b[2] & 255L) << 8) | (b[3] & 255L);
    }

    private static IllegalArgumentException bad(String text, String what) {
        return new IllegalArgumentException("IPaddr argument '" + text + "': " + what);
    }
}
