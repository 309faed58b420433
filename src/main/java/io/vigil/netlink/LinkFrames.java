package io.vigil.netlink;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteBuffer;

/**
 * The announcements of an address that moved here, as link-layer payloads (the kernel adds the Ethernet header):
 * a gratuitous ARP request as iputils' {@code arping -U} sends it, and an unsolicited neighbour advertisement
 * (RFC 4861 §7.2.6) as resource-agents' {@code send_ua} sends it. Pure code.
 */
public final class LinkFrames {

    public static final int ETH_P_ARP = 0x0806;
    public static final int ETH_P_IPV6 = 0x86DD;
    public static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    /** The Ethernet address of ff02::1, all nodes. */
    public static final byte[] ALL_NODES_MAC = {0x33, 0x33, 0, 0, 0, 1};
    static final byte[] ALL_NODES = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    private LinkFrames() {
    }

    /** "Who has IP? Tell IP" from {@code mac}, target hardware address broadcast: every neighbour updates its entry. */
    public static byte[] gratuitousArp(byte[] mac, Inet4Address ip) {
        byte[] a = ip.getAddress();
        return ByteBuffer.allocate(28)
                .putShort((short) 1)          // Ethernet
                .putShort((short) 0x0800)     // IPv4
                .put((byte) 6).put((byte) 4)
                .putShort((short) 1)          // request
                .put(mac).put(a)
                .put(BROADCAST).put(a)
                .array();
    }

    /**
     * An IPv6 packet from {@code ip} to all nodes: a neighbour advertisement for {@code ip} with the Override flag and
     * the target link-layer address {@code mac}, hop limit 255 as neighbour discovery requires.
     */
    public static byte[] unsolicitedNeighbourAdvert(byte[] mac, Inet6Address ip) {
        byte[] src = ip.getAddress();
        ByteBuffer icmp = ByteBuffer.allocate(32)
                .put((byte) 136).put((byte) 0).putShort((short) 0)   // type, code, checksum (below)
                .putInt(0x20000000)                                    // flags: Override
                .put(src)                                              // target
                .put((byte) 2).put((byte) 1).put(mac);                 // option: target link-layer address, 8 bytes
        byte[] body = icmp.array();
        int sum = checksum(src, ALL_NODES, body);
        body[2] = (byte) (sum >> 8);
        body[3] = (byte) sum;
        return ByteBuffer.allocate(40 + body.length)
                .putInt(0x60000000)                 // version 6, no traffic class, no flow label
                .putShort((short) body.length)
                .put((byte) 58)                     // ICMPv6
                .put((byte) 255)                    // hop limit
                .put(src).put(ALL_NODES)
                .put(body)
                .array();
    }

    /** The ICMPv6 checksum: over the pseudo-header (source, destination, length, next header) and the message. */
    static int checksum(byte[] src, byte[] dst, byte[] icmp) {
        long sum = 0;
        sum += words(src) + words(dst) + icmp.length + 58;
        sum += words(icmp);
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static long words(byte[] b) {
        long sum = 0;
        for (int i = 0; i < b.length; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (i + 1 < b.length ? b[i + 1] & 0xff : 0);
        }
        return sum;
    }
}
