package io.vigil.resource;

import io.vigil.config.ResourceSpec;
import io.vigil.netlink.LinkFrames;
import io.vigil.netlink.PacketSocket;
import io.vigil.netlink.RtNetlink;
import io.vigil.testsupport.Netns;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A benchmark, not a test: latency of adding, removing and announcing an address through each candidate — one
 * {@code ip}/{@code arping}/{@code send_ua} process per operation (the fallback), one long-lived {@code ip -force
 * -batch -} helper, and netlink plus a packet socket from the JVM (the default) — and of the whole IPaddr start and
 * stop through both backends. Prints a table; asserts only that each operation worked. Run it alone, under the
 * machine-wide lock: {@code flock /tmp/vigil-ns.lock ./mvnw -o test -Dtest=AddressOpsBench}
 * (docs/performance.md, "Address changes").
 */
@Tag("netns")
class AddressOpsBench {

    static final String NS = "ln-bench-a";
    static final String PEER = "ln-bench-b";
    static final String SW = "ln-bench-sw";
    static final int N = Integer.getInteger("bench.n", 200);

    @TempDir
    Path dir;

    record Row(String what, String how, long[] micros) {
        String line() {
            long[] s = micros.clone();
            Arrays.sort(s);
            return String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %.0f | %.0f | %.0f |", what, how, s.length, s[0] / 1.0,
                    s[s.length / 2] / 1.0, s[(int) (s.length * 0.9)] / 1.0, s[s.length - 1] / 1.0);
        }
    }

    interface Op {
        void run(int i) throws Exception;
    }

    static long[] time(int n, Op op, Op undo) throws Exception {
        long[] us = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            op.run(i);
            us[i] = (System.nanoTime() - t0) / 1000;
            if (undo != null) {
                undo.run(i);
            }
        }
        return us;
    }

    @Test
    void measure() throws Exception {
        Netns.assumeAvailable();
        List<Row> rows = new ArrayList<>();
        try (Netns net = new Netns()) {
            net.add(SW);
            net.add(NS);
            net.add(PEER);
            net.bridge(SW);
            net.plug(SW, NS, "eth0", "198.51.100.1/24", "02:00:00:00:0c:01");
            net.plug(SW, PEER, "eth0", "198.51.100.2/24", "02:00:00:00:0c:02");
            net.must("ip", "-n", NS, "addr", "add", "2001:db8::1/64", "dev", "eth0", "nodad");
            InetAddress vip = InetAddress.getByName("198.51.100.10");
            Inet6Address vip6 = (Inet6Address) InetAddress.getByName("2001:db8::10");

            long t0 = System.nanoTime();
            RtNetlink rt = RtNetlink.open(NS);
            PacketSocket packets = PacketSocket.open(NS);
            long firstOpen = (System.nanoTime() - t0) / 1000;
            int eth0 = rt.link("eth0").orElseThrow().index();
            byte[] mac = rt.link("eth0").orElseThrow().mac();

            // ---- add / delete
            ProcessRunner runner = new ProcessRunner(50);
            Map<String, String> env = Map.of();
            List<String> ip = List.of("ip", "-n", NS);
            rows.add(new Row("add 198.51.100.10/24", "`ip addr add` process",
                    time(N, i -> must(runner.run(with(ip, "addr", "add", "198.51.100.10/24", "brd", "198.51.100.255", "dev", "eth0",
                            "label", "eth0:0"), env, Duration.ofSeconds(10))), i -> rt.deleteAddress(eth0, vip, 24))));
            rt.addAddress(eth0, vip, 24, null, null);
            rows.add(new Row("delete 198.51.100.10/24", "`ip addr del` process",
                    time(N, i -> must(runner.run(with(ip, "addr", "del", "198.51.100.10/24", "dev", "eth0"), env, Duration.ofSeconds(10))),
                            i -> rt.addAddress(eth0, vip, 24, null, null))));
            rt.deleteAddress(eth0, vip, 24);

            try (BatchHelper batch = new BatchHelper()) {
                rows.add(new Row("add 198.51.100.10/24", "`ip -batch` helper",
                        time(N, i -> batch.run("address add 198.51.100.10/24 brd 198.51.100.255 dev eth0 label eth0:0"),
                                i -> rt.deleteAddress(eth0, vip, 24))));
                rt.addAddress(eth0, vip, 24, null, null);
                rows.add(new Row("delete 198.51.100.10/24", "`ip -batch` helper",
                        time(N, i -> batch.run("address del 198.51.100.10/24 dev eth0"), i -> rt.addAddress(eth0, vip, 24, null, null))));
                rt.deleteAddress(eth0, vip, 24);
            }

            InetAddress brd = InetAddress.getByName("198.51.100.255");
            rows.add(new Row("add 198.51.100.10/24", "netlink (JNA)",
                    time(N, i -> rt.addAddress(eth0, vip, 24, brd, "eth0:0"), i -> rt.deleteAddress(eth0, vip, 24))));
            rt.addAddress(eth0, vip, 24, null, null);
            rows.add(new Row("delete 198.51.100.10/24", "netlink (JNA)",
                    time(N, i -> rt.deleteAddress(eth0, vip, 24), i -> rt.addAddress(eth0, vip, 24, null, null))));
            rows.add(new Row("list eth0's addresses", "`ip -o addr show` process",
                    time(N, i -> must(runner.run(with(ip, "-o", "-f", "inet", "addr", "show", "dev", "eth0"), env, Duration.ofSeconds(10))), null)));
            rows.add(new Row("list eth0's addresses", "netlink (JNA)", time(N, i -> rt.addresses(false, "eth0"), null)));

            // ---- announce: one gratuitous ARP / unsolicited NA
            String arping = Announcer.findExecutable("arping").orElseThrow().toString();
            List<String> nsExec = List.of("ip", "netns", "exec", NS);
            rows.add(new Row("one gratuitous ARP", "`arping -U -c 1` process",
                    time(Math.min(N, 50), i -> must(runner.run(with(nsExec, arping, "-q", "-U", "-c", "1", "-I", "eth0", "198.51.100.10"),
                            env, Duration.ofSeconds(10))), null)));
            byte[] arp = LinkFrames.gratuitousArp(mac, (Inet4Address) vip);
            rows.add(new Row("one gratuitous ARP", "packet socket (JNA)",
                    time(N, i -> packets.send(eth0, LinkFrames.ETH_P_ARP, LinkFrames.BROADCAST, arp), null)));
            Path sendUa = Announcer.SEND_UA.stream().filter(Files::isExecutable).findFirst().orElse(null);
            rt.addAddress(eth0, vip6, 64, null, null);
            if (sendUa != null) {
                rows.add(new Row("one unsolicited NA", "`send_ua -c 1` process",
                        time(Math.min(N, 50), i -> must(runner.run(with(nsExec, sendUa.toString(), "-i", "0", "-c", "1", "2001:db8::10", "64",
                                "eth0"), env, Duration.ofSeconds(10))), null)));
            }
            byte[] na = LinkFrames.unsolicitedNeighbourAdvert(mac, vip6);
            rows.add(new Row("one unsolicited NA", "packet socket (JNA)",
                    time(N, i -> packets.send(eth0, LinkFrames.ETH_P_IPV6, LinkFrames.ALL_NODES_MAC, na), null)));
            rt.deleteAddress(eth0, vip6, 64);
            rt.deleteAddress(eth0, vip, 24);

            // ---- the whole IPaddr start and stop, as the failover runs them (placement, addresses, add, first ARP)
            for (boolean netlink : new boolean[] {false, true}) {
                System.setProperty("vigil.ipaddr.netlink", Boolean.toString(netlink));
                try {
                    ResourceManager m = new ResourceManager(TestScripts.settings(dir, dir).withNetworkNamespace(NS));
                    ResourceAgent agent = m.agentFor(io.vigil.resource.SpecSyntax.parse("198.51.100.10"));
                    assertEquals(ResourceState.STOPPED, agent.status().state());
                    int n = Math.min(N, 50);
                    long[] start = new long[n];
                    long[] stop = new long[n];
                    for (int i = 0; i < n; i++) {
                        long a = System.nanoTime();
                        mustOk(agent.start());
                        start[i] = (System.nanoTime() - a) / 1000;
                        long b = System.nanoTime();
                        mustOk(agent.stop());
                        stop[i] = (System.nanoTime() - b) / 1000;
                    }
                    String how = netlink ? "netlink + packet socket" : "`ip` + `arping` processes";
                    rows.add(new Row("IPaddr start (route, addresses, add, link, 1st ARP)", how, start));
                    rows.add(new Row("IPaddr stop (cancel ARPs, addresses, delete)", how, stop));
                    m.awaitAnnouncements(Duration.ofSeconds(10));
                } finally {
                    System.clearProperty("vigil.ipaddr.netlink");
                }
            }
            rt.close();
            packets.close();

            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "%nAddress operations in a network namespace, Java %s, load %s, first netlink and "
                    + "packet socket open (JNA load included) %d us%n%n", Runtime.version(), Files.readString(Path.of("/proc/loadavg")).strip(),
                    firstOpen));
            out.append("| operation | how | n | min (us) | median (us) | p90 (us) | max (us) |\n|---|---|---:|---:|---:|---:|---:|\n");
            rows.forEach(r -> out.append(r.line()).append('\n'));
            System.out.println(out);
            Path report = Path.of(System.getProperty("bench.out", "target/address-ops.md"));
            Files.writeString(report, out.toString(), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
    }

    private static void must(ProcessRunner.Outcome o) {
        if (!o.ok()) {
            throw new AssertionError("rc " + o.exitCode() + ": " + o.lastLines());
        }
    }

    private static void mustOk(OperationResult r) {
        if (!r.ok()) {
            throw new AssertionError(r.describe() + " " + r.lastLines());
        }
    }

    private static List<String> with(List<String> prefix, String... args) {
        List<String> l = new ArrayList<>(prefix);
        l.addAll(List.of(args));
        return l;
    }

    /**
     * The `ip -batch` candidate: one `ip -force -batch -` per daemon, fed a command line then `link show dev lo` as
     * a sentinel; ip flushes its output after each command, so the sentinel's line marks the end of the command.
     */
    static final class BatchHelper implements AutoCloseable {
        private final Process p;
        private final OutputStream in;
        private final BufferedReader out;

        BatchHelper() throws Exception {
            p = new ProcessBuilder("ip", "-n", NS, "-o", "-force", "-batch", "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            in = p.getOutputStream();
            out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        }

        void run(String command) throws Exception {
            in.write((command + "\nlink show dev lo\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("1: lo:")) {
                // output of the command itself
            }
        }

        @Override
        public void close() throws Exception {
            in.close();
            p.waitFor();
        }
    }
}
