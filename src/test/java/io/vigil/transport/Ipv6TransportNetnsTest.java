package io.vigil.transport;

import io.vigil.testsupport.Netns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Heartbeat's IPv6 media, mcast6 and ucast6, between two IPv6-only namespaces cp-v6-a / cp-v6-b: link hb0 carries
 * 2001:db8:6::1/64 and ::2/64 (the documentation prefix) plus the link-local fe80::a / fe80::b, and no IPv4 address
 * at all, so nothing can fall back to IPv4. Each test runs {@link UdpProbeMain} in both namespaces at once.
 */
@Tag("netns")
class Ipv6TransportNetnsTest {

    private static final String A = "cp-v6-a";
    private static final String B = "cp-v6-b";
    private static final int COUNT = 5;

    private static Netns netns;

    @TempDir
    static Path dir;

    @BeforeAll
    static void network() {
        Netns.assumeAvailable();
        netns = new Netns();
        String sw = netns.add("cp-v6-sw");
        netns.bridge(sw);
        for (String ns : List.of(A, B)) {
            netns.add(ns);
            // no duplicate address detection (the addresses are usable at once) and no automatic link-local address
            // (fe80::a and fe80::b below are the only ones, so the sender of a link-local datagram is known)
            netns.must("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                    "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.default.addr_gen_mode=1");
        }
        netns.plug(sw, A, "hb0", null, "02:00:00:00:06:01");
        netns.plug(sw, B, "hb0", null, "02:00:00:00:06:02");
        netns.must("ip", "-n", A, "addr", "add", "2001:db8:6::1/64", "dev", "hb0", "nodad");
        netns.must("ip", "-n", B, "addr", "add", "2001:db8:6::2/64", "dev", "hb0", "nodad");
        netns.must("ip", "-n", A, "addr", "add", "fe80::a/64", "dev", "hb0", "nodad");
        netns.must("ip", "-n", B, "addr", "add", "fe80::b/64", "dev", "hb0", "nodad");
        for (String ns : List.of(A, B)) {
            assertEquals("", Netns.exec(ns, "ip", "-4", "-o", "addr", "show", "dev", "hb0").output().strip(),
                    "the link must be IPv6-only");
        }
    }

    @AfterAll
    static void cleanup() {
        if (netns != null) {
            netns.close();
        }
    }

    private static List<String> args(String name, String... media) {
        List<String> args = new java.util.ArrayList<>(List.of("--name", name, "--udpport", "16960",
                "--count", String.valueOf(COUNT), "--size", "3000", "--interval-ms", "50", "--linger-ms", "1000"));
        args.addAll(List.of(media));
        return args;
    }

    private static List<ProbeRun.Output> run(List<String> argsA, List<String> argsB) throws Exception {
        Map<String, List<String>> byNs = new LinkedHashMap<>();
        byNs.put(A, argsA);
        byNs.put(B, argsB);
        return ProbeRun.udpProbes(netns, dir, byNs);
    }

    private static void assertAll(ProbeRun.Output out, String sender, String from) {
        for (int i = 1; i <= COUNT; i++) {
            assertEquals(1, out.count("hb0", from, sender + "#" + i), sender + "#" + i + " from " + from + ":\n" + out.text());
        }
        assertEquals(COUNT, out.received().size(), out.text());
    }

    private static boolean ownUp(ProbeRun.Output out) {
        return out.text().lines().anyMatch(l -> l.startsWith("COUNTERS link=hb0 ") && l.endsWith(" ownUp=true"));
    }

    @Test
    void ucast6BothWaysTheLineToSelfMarksTheOwnLinkUp() throws Exception {
        // the same ha.cf on both nodes: one ucast6 line per node, ourselves included
        String[] media = {"--ucast6", "hb0 2001:db8:6::1", "--ucast6", "hb0 2001:db8:6::2"};
        List<ProbeRun.Output> out = run(args("A", media), args("B", media));
        assertAll(out.get(1), "A", "2001:db8:6:0:0:0:0:1");
        assertAll(out.get(0), "B", "2001:db8:6:0:0:0:0:2");
        assertEquals(new ProbeRun.Counters(COUNT, COUNT, 0, 0, false), out.get(0).counters().get("hb0"), out.get(0).text());
        assertTrue(ownUp(out.get(0)), out.get(0).text());
        assertTrue(ownUp(out.get(1)), out.get(1).text());
    }

    @Test
    void ucast6ToLinkLocalPeersScopedToTheLine() throws Exception {
        List<ProbeRun.Output> out = run(args("A", "--ucast6", "hb0 fe80::b"), args("B", "--ucast6", "hb0 fe80::a"));
        assertAll(out.get(1), "A", "fe80:0:0:0:0:0:0:a");
        assertAll(out.get(0), "B", "fe80:0:0:0:0:0:0:b");
    }

    @Test
    void mcast6BothWaysLoopFlagHonoured() throws Exception {
        List<ProbeRun.Output> out = run(args("A", "--mcast6", "hb0 ff15::694 16961 1 1"),
                args("B", "--mcast6", "hb0 ff15::694 16961 1 0"));
        ProbeRun.Output a = out.get(0);
        ProbeRun.Output b = out.get(1);
        assertAll(b, "A", "fe80:0:0:0:0:0:0:a");
        assertAll(a, "B", "fe80:0:0:0:0:0:0:b");
        // loop 1: A hears its own multicasts (dropped, own link up); loop 0: B does not
        assertEquals(new ProbeRun.Counters(COUNT, COUNT, 0, COUNT, true), a.counters().get("hb0"), a.text());
        assertEquals(new ProbeRun.Counters(COUNT, COUNT, 0, 0, false), b.counters().get("hb0"), b.text());
    }
}
