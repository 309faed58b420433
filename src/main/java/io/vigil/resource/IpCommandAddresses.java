package io.vigil.resource;

import io.vigil.netlink.RtNetlink;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Addresses through iproute2's {@code ip}, one process per operation: the fallback where netlink is unavailable. */
final class IpCommandAddresses implements AddressBackend {

    private final String namespace;
    private final Duration timeout;
    // `ip -o addr show` lists every address of the host: keep all of its lines, not a tail
    private final ProcessRunner runner = new ProcessRunner(10_000, ProcessRunner.OutputLimit.whole(4 << 20)); // `ip -o addr show` lists every address: keep it whole

    IpCommandAddresses(String namespace, Duration timeout) {
        this.namespace = namespace;
        this.timeout = timeout;
    }

    @Override
    public List<RtNetlink.Address> addresses(boolean ipv6, String nic) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("-o", "-f", ipv6 ? "inet6" : "inet", "addr", "show"));
        if (nic != null) {
            cmd.addAll(List.of("dev", nic));
        }
        ProcessRunner.Outcome o = ip(false, cmd);
        if (!o.ok()) {
            if (nic != null && String.join(" ", o.lastLines()).contains("does not exist")) {
                return List.of();
            }
            throw new IOException("ip " + String.join(" ", cmd) + " failed: " + String.join(" ", o.lastLines()));
        }
        List<RtNetlink.Address> out = new ArrayList<>();
        for (String line : o.stdout()) {
            String head = line.contains("\\") ? line.substring(0, line.indexOf('\\')) : line;
            String[] w = head.trim().split("\\s+");
            if (w.length < 4 || !(w[2].equals("inet") || w[2].equals("inet6")) || !w[3].contains("/")) {
                continue;
            }
            String dev = w[1].contains("@") ? w[1].substring(0, w[1].indexOf('@')) : w[1];
            try {
                InetAddress addr = InetAddress.getByName(w[3].substring(0, w[3].indexOf('/')));
                int prefix = Integer.parseInt(w[3].substring(w[3].indexOf('/') + 1));
                out.add(new RtNetlink.Address(dev, addr, prefix, w[w.length - 1], head.contains("tentative"),
                        head.contains("dadfailed")));
            } catch (UnknownHostException | NumberFormatException e) {
                // not an address line
            }
        }
        return out;
    }

    @Override
    public List<RtNetlink.ConnectedRoute> connectedRoutes(InetAddress ip, int maxPrefix, String nic) throws IOException {
        boolean ipv6 = ip.getAddress().length == 16;
        List<String> cmd = new ArrayList<>(List.of("-o", "-f", ipv6 ? "inet6" : "inet", "route", "list", "match",
                ip.getHostAddress() + "/" + maxPrefix));
        if (!ipv6) {
            cmd.addAll(List.of("scope", "link"));
        }
        if (nic != null) {
            cmd.addAll(List.of("dev", nic));
        }
        ProcessRunner.Outcome o = ip(true, cmd);
        return FindIf.connectedRoutes(o.stdout(), nic);
    }

    @Override
    public void add(String nic, InetAddress ip, int prefix, InetAddress broadcast, String label) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("-f", ip.getAddress().length == 16 ? "inet6" : "inet", "addr", "add",
                ip.getHostAddress() + "/" + prefix));
        if (broadcast != null) {
            cmd.addAll(List.of("brd", broadcast.getHostAddress()));
        }
        cmd.addAll(List.of("dev", nic));
        if (label != null) {
            cmd.addAll(List.of("label", label));
        }
        ip(true, cmd);
    }

    @Override
    public void delete(String nic, InetAddress ip, int prefix) throws IOException {
        ip(true, List.of("-f", ip.getAddress().length == 16 ? "inet6" : "inet", "addr", "del",
                ip.getHostAddress() + "/" + prefix, "dev", nic));
    }

    /** As Heartbeat's IPaddr, the interface is brought up; asked of the kernel first when we are in its namespace. */
    @Override
    public void linkUp(String nic) throws IOException {
        if (namespace.isEmpty()) {
            try {
                java.net.NetworkInterface ni = java.net.NetworkInterface.getByName(nic);
                if (ni != null && ni.isUp()) {
                    return;
                }
            } catch (java.net.SocketException e) {
                // unknown: set it up below
            }
        }
        ip(true, List.of("link", "set", nic, "up"));
    }

    @Override
    public Optional<Announcement> frames(String nic, InetAddress ip) {
        return Optional.empty();
    }

    @Override
    public String describe() {
        return "ip command";
    }

    /** Runs {@code ip [-n ns] args}; with {@code must}, a non-zero exit is an IOException carrying ip's message. */
    private ProcessRunner.Outcome ip(boolean must, List<String> args) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add("ip");
        if (!namespace.isEmpty()) {
            argv.addAll(List.of("-n", namespace));
        }
        argv.addAll(args);
        ProcessRunner.Outcome o = runner.run(argv, Map.of(), timeout);
        if (must && !o.ok()) {
            throw new IOException(String.join(" ", argv) + " failed (rc " + o.exitCode() + "): " + String.join(" ", o.lastLines()));
        }
        return o;
    }
}
