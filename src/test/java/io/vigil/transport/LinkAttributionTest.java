package io.vigil.transport;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinkAttributionTest {

    private static Inet4Address ip(String text) throws Exception {
        return (Inet4Address) InetAddress.getByName(text);
    }

    private static LinkInterface link(String dev, String address, int prefix) throws Exception {
        return new LinkInterface(dev, ip(address), prefix, null);
    }

    @Test
    void senderSubnetPicksTheLink() throws Exception {
        LinkAttribution a = new LinkAttribution(List.of(link("eth0", "203.0.113.1", 24),
                link("eth1", "198.51.100.1", 24)), Map.of());
        assertEquals(new LinkAttribution.Result("eth0", false), a.linkOf(ip("203.0.113.2")));
        assertEquals(new LinkAttribution.Result("eth1", false), a.linkOf(ip("198.51.100.254")));
    }

    @Test
    void mostSpecificSubnetWins() throws Exception {
        LinkAttribution a = new LinkAttribution(List.of(link("wide", "10.0.0.1", 8), link("narrow", "10.1.2.1", 24)),
                Map.of());
        assertEquals("narrow", a.linkOf(ip("10.1.2.9")).link());
        assertEquals("wide", a.linkOf(ip("10.9.9.9")).link());
    }

    @Test
    void routedUcastPeerIsAttributedToItsLine() throws Exception {
        LinkAttribution a = new LinkAttribution(List.of(link("eth0", "203.0.113.1", 24),
                link("eth1", "198.51.100.1", 24)), Map.of(ip("192.0.2.7"), "eth1"));
        assertEquals(new LinkAttribution.Result("eth1", false), a.linkOf(ip("192.0.2.7")));
    }

    @Test
    void unknownSenderOnASingleLinkPortIsThatLink() throws Exception {
        LinkAttribution a = new LinkAttribution(List.of(link("eth1", "198.51.100.1", 24)), Map.of());
        assertEquals(new LinkAttribution.Result("eth1", false), a.linkOf(ip("192.0.2.50")));
    }

    @Test
    void unknownSenderAmongSeveralLinksIsAFlaggedGuess() throws Exception {
        LinkAttribution a = new LinkAttribution(List.of(link("eth0", "203.0.113.1", 24),
                link("eth1", "198.51.100.1", 24)), Map.of());
        assertEquals(new LinkAttribution.Result("eth0", true), a.linkOf(ip("192.0.2.50")));
    }

    @Test
    void subnetContainment() throws Exception {
        LinkInterface l = link("eth0", "203.0.113.130", 25);
        assertTrue(l.contains(ip("203.0.113.255")));
        assertTrue(l.contains(ip("203.0.113.128")));
        assertFalse(l.contains(ip("203.0.113.127")));
        assertFalse(l.contains(InetAddress.getByName("::1")));
        assertTrue(link("any", "0.0.0.0", 0).contains(ip("192.0.2.1")));
        assertTrue(link("host", "192.0.2.1", 32).contains(ip("192.0.2.1")));
        assertFalse(link("host", "192.0.2.1", 32).contains(ip("192.0.2.2")));
    }

    @Test
    void distinctKeepsFirstEntryPerDevice() throws Exception {
        List<LinkInterface> d = LinkAttribution.distinct(List.of(link("eth0", "203.0.113.1", 24),
                link("eth1", "198.51.100.1", 24), link("eth0", "203.0.113.1", 24)));
        assertEquals(List.of("eth0", "eth1"), d.stream().map(LinkInterface::device).toList());
    }
}
