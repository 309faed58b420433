package io.vigil.resource;

import io.vigil.netlink.LinkFrames;
import io.vigil.netlink.PacketSocket;
import io.vigil.netlink.RtNetlink;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A benchmark, not a test: the per-operation cost of each way the built-in IPaddr can talk to the kernel — one
 * process per operation ({@code ip}, {@code arping}: the fallback), one long-lived {@code ip -force -batch -} helper,
 * and netlink plus a packet socket through JNA (the default) — on the host's loopback with read-only operations, so
 * it changes nothing and needs no namespace. Prints a table (docs/performance.md, "Address changes"):
 * {@code ./mvnw -o test -Dtest=AddressOpsBench} ({@code -Dbench.n=200}; {@code JAVA_HOME} picks the JDK).
 */
class AddressOpsBench {

    interface Op {
        void run() throws Exception;
    }

    static String row(String what, String how, int n, Op op) throws Exception {
        long[] us = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            op.run();
            us[i] = (System.nanoTime() - t) / 1000;
        }
        Arrays.sort(us);
        return String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %d |%n", what, how, Runtime.version().feature(), us[0],
                us[n / 2], us[(int) (n * 0.9)]);
    }

    static void mustRun(ProcessRunner pr, String... argv) {
        ProcessRunner.Outcome o = pr.run(List.of(argv), Map.of(), Duration.ofSeconds(10));
        if (!o.ok()) {
            throw new AssertionError(String.join(" ", argv) + ": rc " + o.exitCode() + " " + o.lastLines());
        }
    }

    @Test
    void measure() throws Exception {
        int n = Integer.getInteger("bench.n", 200);
        StringBuilder out = new StringBuilder();
        long t0 = System.nanoTime();
        try (RtNetlink rt = RtNetlink.open(""); PacketSocket packets = PacketSocket.open("")) {
            out.append(String.format(Locale.ROOT, "first netlink + packet socket (JNA loaded) %d ms; Java %s; load %s%n%n",
                    (System.nanoTime() - t0) / 1_000_000, Runtime.version(), Files.readString(Path.of("/proc/loadavg")).strip()));
            out.append("| operation | how | JDK | min (us) | median (us) | p90 (us) |\n|---|---|---|---:|---:|---:|\n");
            ProcessRunner pr = new ProcessRunner(50);
            out.append(row("list lo's IPv4 addresses", "`ip -o addr show` process", n,
                    () -> mustRun(pr, "ip", "-o", "-f", "inet", "addr", "show", "dev", "lo")));
            Process p = new ProcessBuilder("ip", "-o", "-force", "-batch", "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = p.getOutputStream();
                 BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                // ip flushes after each command: the sentinel's line ends the answer
                out.append(row("list lo's IPv4 addresses", "`ip -batch` helper", n, () -> {
                    in.write("-f inet address show dev lo\nlink show dev lo\n".getBytes(StandardCharsets.US_ASCII));
                    in.flush();
                    String l;
                    while ((l = lines.readLine()) != null && !l.startsWith("1: lo:")) {
                        // the command's own output
                    }
                }));
            }
            p.waitFor();
            out.append(row("list lo's IPv4 addresses", "netlink (JNA)", n, () -> rt.addresses(false, "lo")));
            InetAddress local = InetAddress.getByName("127.0.0.2");
            out.append(row("connected routes holding 127.0.0.2", "`ip route list match` process", n,
                    () -> mustRun(pr, "ip", "-o", "-f", "inet", "route", "list", "match", "127.0.0.2/32", "scope", "link")));
            out.append(row("connected routes holding 127.0.0.2", "netlink (JNA)", n, () -> rt.connectedRoutes(local, 32, null)));
            String arping = ProcessRunner.findExecutable("arping").map(Path::toString).orElse(null);
            if (arping != null) {
                // lo is not ARP-capable: arping refuses it at once, which leaves the cost of the process itself
                out.append(row("start one `arping -U -c 1`", "process", Math.min(n, 50),
                        () -> pr.run(List.of(arping, "-q", "-U", "-c", "1", "-I", "lo", "127.0.0.1"), Map.of(), Duration.ofSeconds(10))));
            }
            byte[] arp = LinkFrames.gratuitousArp(new byte[6], (Inet4Address) InetAddress.getByName("127.0.0.1"));
            int lo = rt.link("lo").orElseThrow().index();
            out.append(row("send one gratuitous ARP frame on lo", "packet socket (JNA)", n,
                    () -> packets.send(lo, LinkFrames.ETH_P_ARP, LinkFrames.BROADCAST, arp)));
        }
        System.out.println(out);
    }
}
