package io.vigil.resource;

import io.vigil.testsupport.Netns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The built-in IPaddr in network namespaces, over netlink and a packet socket (the default): node A (192.0.2.1/24,
 * 2001:db8::1/64) and a neighbour B (192.0.2.2/24, 2001:db8::2/64) on one bridge; B runs tcpdump to see the
 * announcements leave A, and its neighbour table shows that it took them. {@link IpAddrCommandNetnsTest} runs the
 * same checks through the fallback (real {@code ip}, {@code arping} and {@code send_ua} processes).
 */
@Tag("netns")
class IpAddrNetnsTest {

    static final String A = "vt-res-a";
    static final String B = "vt-res-b";
    static final String SW = "vt-res-sw";
    static Netns net;

    @TempDir
    Path dir;

    @BeforeAll
    static void network() {
        Netns.assumeAvailable();
        assumeTrue(Netns.run(List.of("sh", "-c", "command -v tcpdump && command -v arping")).exitCode() == 0,
                "tcpdump and arping (iputils-arping) are needed");
        net = new Netns();
        net.add(SW);
        net.add(A);
        net.add(B);
        net.bridge(SW);
        net.plug(SW, A, "eth0", "192.0.2.1/24", "02:00:00:00:0a:01");
        net.plug(SW, B, "eth0", "192.0.2.2/24", "02:00:00:00:0b:01");
        net.must("ip", "-n", A, "addr", "add", "2001:db8::1/64", "dev", "eth0", "nodad");
        net.must("ip", "-n", B, "addr", "add", "2001:db8::2/64", "dev", "eth0", "nodad");
    }

    @AfterAll
    static void teardown() {
        if (net != null) {
            net.close();
        }
    }

    /** How the start's output names the announcement of this backend. */
    String announcedWith() {
        return "(packet socket)";
    }

    /** B's neighbour entry for {@code ip}, made stale with a wrong MAC so that only an announcement can correct it. */
    private static void staleNeighbour(String ip) {
        Netns.run(List.of("ip", "-n", B, "neigh", "del", ip, "dev", "eth0"));
        net.must("ip", "-n", B, "neigh", "add", ip, "lladdr", "02:00:00:00:00:99", "dev", "eth0", "nud", "stale");
    }

    /** B's neighbour entry for {@code ip} names A's MAC (within 5 s). */
    private static void neighbourLearnt(String ip) throws Exception {
        String shown = "";
        for (int i = 0; i < 50; i++) {
            shown = Netns.run(List.of("ip", "-n", B, "neigh", "show", ip, "dev", "eth0")).output();
            if (shown.contains("02:00:00:00:0a:01")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("B did not take A's announcement of " + ip + ": " + shown);
    }

    private ResourceManager manager() {
        return new ResourceManager(TestScripts.settings(dir, dir).withNetworkNamespace(A));
    }

    /** tcpdump in B, ready when it says it listens. */
    private Path capture(String filter) throws Exception {
        Path log = dir.resolve("tcpdump-" + System.nanoTime());
        net.start(B, log, "tcpdump", "-n", "-l", "-i", "eth0", filter);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && !(Files.exists(log) && Files.readString(log).contains("listening on"))) {
            Thread.sleep(50);
        }
        assertTrue(Files.readString(log).contains("listening on"), "tcpdump did not start");
        return log;
    }

    private static long count(Path log, String needle, int atLeast) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long n = 0;
        while (System.nanoTime() < deadline) {
            n = Files.readString(log).lines().filter(l -> l.contains(needle)).count();
            if (n >= atLeast) {
                break;
            }
            Thread.sleep(100);
        }
        return n;
    }

    private static String addrs(String family) {
        return Netns.run(List.of("ip", "-n", A, "-o", family, "addr", "show", "dev", "eth0")).output();
    }

    @Test
    void ipv4UpWithAliasLabelAndGratuitousArpSeenByTheNeighbour() throws Exception {
        Path log = capture("arp");
        staleNeighbour("192.0.2.10");
        ResourceManager m = manager();
        ResourceAgent vip = m.agentFor(SpecSyntax.parse("192.0.2.10"));
        assertEquals(ResourceState.STOPPED, vip.status().state());
        OperationResult start = vip.start();
        assertTrue(start.ok(), start.lastLines().toString());
        assertTrue(String.join(" ", start.lastLines()).contains("5 gratuitous ARPs for 192.0.2.10 on eth0 every 200 ms "
                + announcedWith()), start.lastLines().toString());
        String shown = addrs("-4");
        assertTrue(shown.contains("inet 192.0.2.10/24 brd 192.0.2.255 scope global secondary eth0:0"), shown);
        assertEquals(ResourceState.RUNNING, vip.status().state());
        // the announcements leave in the background, spaced by the interval: 5 x 200 ms
        assertTrue(start.duration().toMillis() < 5 * 200 + 5_000, start.describe());
        assertEquals(5, count(log, "Request who-has 192.0.2.10 (ff:ff:ff:ff:ff:ff) tell 192.0.2.10", 5), Files.readString(log));
        neighbourLearnt("192.0.2.10");

        // a second address takes the next free label; starting twice is fine
        ResourceAgent vip2 = m.agentFor(SpecSyntax.parse("IPaddr::192.0.2.11/24/eth0"));
        assertTrue(vip2.start().ok());
        assertTrue(vip2.start().ok());
        assertTrue(addrs("-4").contains("192.0.2.11/24 brd 192.0.2.255 scope global secondary eth0:1"), addrs("-4"));

        // B can reach the address now
        assertEquals(0, Netns.exec(B, "ping", "-c", "1", "-W", "2", "192.0.2.10").exitCode());

        assertTrue(vip.stop().ok());
        assertTrue(vip.stop().ok(), "stopping an absent address succeeds");
        assertEquals(ResourceState.STOPPED, vip.status().state());
        assertTrue(vip2.stop().ok());
        assertFalse(addrs("-4").contains("192.0.2.10/"), addrs("-4"));
    }

    @Test
    void explicitLabelAndBroadcast() throws Exception {
        ResourceAgent vip = manager().agentFor(SpecSyntax.parse("IPaddr2::192.0.2.20/25/eth0:web/192.0.2.127"));
        assertTrue(vip.start().ok());
        Path record = HeldAddresses.file(dir, "192.0.2.20");
        try {
            assertTrue(addrs("-4").contains("inet 192.0.2.20/25 brd 192.0.2.127 scope global eth0:web"), addrs("-4"));
            // what the guardian removes if the daemon dies now
            assertEquals(A + " 192.0.2.20/25 eth0\n", Files.readString(record));
        } finally {
            assertTrue(vip.stop().ok());
        }
        assertFalse(Files.exists(record), "the record outlived the address");
    }

    @Test
    void noConnectedRouteIsAClearError() {
        ResourceAgent vip = manager().agentFor(SpecSyntax.parse("198.51.100.10"));
        OperationResult r = vip.start();
        assertFalse(r.ok());
        String msg = String.join(" ", r.lastLines());
        assertTrue(msg.contains("Unable to find nic or netmask: no connected route matches 198.51.100.10"), msg);
        assertEquals(ResourceState.STOPPED, vip.status().state());
        assertTrue(vip.stop().ok());
    }

    @Test
    void ipv6UpAfterDadAndAnnouncedWithUnsolicitedNa() throws Exception {
        assumeTrue(Announcer.SEND_UA.stream().anyMatch(Files::isExecutable), "send_ua (resource-agents) not installed");
        Path log = capture("icmp6");
        staleNeighbour("2001:db8::10");
        ResourceAgent vip = manager().agentFor(SpecSyntax.parse("IPaddr2::2001:db8:0:0:0:0:0:10"));
        OperationResult start = vip.start();
        assertTrue(start.ok(), start.lastLines().toString());
        assertTrue(start.lastLines().stream().anyMatch(l -> l.contains("passed duplicate address detection")), start.lastLines().toString());
        String shown = addrs("-6");
        assertTrue(shown.contains("inet6 2001:db8::10/64 scope global"), shown);
        assertFalse(shown.contains("2001:db8::10/64 scope global tentative"), shown);
        assertEquals(ResourceState.RUNNING, vip.status().state());
        assertTrue(count(log, "neighbor advertisement, tgt is 2001:db8::10", 5) >= 5, Files.readString(log));
        neighbourLearnt("2001:db8::10");
        assertTrue(vip.stop().ok());
        assertFalse(addrs("-6").contains("2001:db8::10/"));
        assertTrue(vip.stop().ok());
    }

    @Test
    void ipv6DuplicateAddressFailsClearly() throws Exception {
        net.must("ip", "-n", B, "addr", "add", "2001:db8::20/64", "dev", "eth0", "nodad");
        try {
            ResourceAgent vip = manager().agentFor(SpecSyntax.parse("IPaddr::2001:db8:0:0:0:0:0:20/64/eth0"));
            OperationResult r = vip.start();
            assertFalse(r.ok());
            assertTrue(String.join(" ", r.lastLines()).contains("IPv6 address collision 2001:db8:0:0:0:0:0:20 [DAD]"),
                    r.lastLines().toString());
            assertFalse(addrs("-6").contains("2001:db8::20/"), "the failed address must be removed");
        } finally {
            net.must("ip", "-n", B, "addr", "del", "2001:db8::20/64", "dev", "eth0");
        }
    }

    @Test
    void announceResendsForTheGroupsAddresses() throws Exception {
        ResourceManager m = manager();
        io.vigil.config.ResourceGroup g = new io.vigil.config.ResourceGroup("192.0.2.30", "a",
                List.of(SpecSyntax.parse("192.0.2.30"), SpecSyntax.parse("Dummy::x")), 1);
        ResourceAgent vip = m.agentFor(g.resources().get(0));
        assertTrue(vip.start().ok());
        try {
            Thread.sleep(1500); // let the start's own announcements finish
            Path log = capture("arp");
            m.announce(g);
            assertEquals(5, count(log, "tell 192.0.2.30", 5), Files.readString(log));
        } finally {
            assertTrue(vip.stop().ok());
        }
    }
}
