package io.vigil.netlink;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Netlink requests, replies and link-layer frames as bytes; no kernel (IpAddrNetnsTest sends them for real). */
class NetlinkMessageTest {

    static final HexFormat HEX = HexFormat.of();

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    }

    @Test
    void addressRequestIsHeaderIfaddrmsgAndPaddedAttributes() {
        byte[] ip = {(byte) 192, 0, 2, 10};
        byte[] m = new NetlinkMessage.Builder(NetlinkMessage.RTM_NEWADDR, 0x605)
                .u8(2).u8(24).u8(0).u8(0).u32(7)
                .attr(2, ip).attr(1, ip).attr(4, new byte[] {(byte) 192, 0, 2, (byte) 255}).attr(3, "eth0:0")
                .build(42);
        assertEquals(16 + 8 + 8 + 8 + 8 + 12, m.length);
        ByteBuffer b = le(m);
        assertEquals(m.length, b.getInt(0));
        assertEquals(NetlinkMessage.RTM_NEWADDR, b.getShort(4));
        assertEquals(0x605, b.getShort(6));
        assertEquals(42, b.getInt(8));
        assertEquals(0, b.getInt(12));
        assertEquals("02180000", HEX.formatHex(m, 16, 20));
        assertEquals(7, b.getInt(20));
        // IFA_LOCAL: length 8, type 2, the address in network order
        assertEquals(8, b.getShort(24));
        assertEquals(2, b.getShort(26));
        assertEquals("c000020a", HEX.formatHex(m, 28, 32));
        // IFA_LABEL: 4 + "eth0:0\0" = 11 bytes, padded to 12
        assertEquals(11, b.getShort(48));
        assertEquals(3, b.getShort(50));
        assertEquals("657468303a300000", HEX.formatHex(m, 52, 60));
    }

    /** Two messages in one datagram, the second an error (-EEXIST), then the attributes of the first. */
    @Test
    void repliesAreSplitAndAttributesRead() {
        byte[] first = new NetlinkMessage.Builder(NetlinkMessage.RTM_NEWLINK, NetlinkMessage.NLM_F_MULTI)
                .u8(0).u8(0).u16(1).u32(3).u32(1).u32(0)
                .attr(3, "eth0").attr(1, new byte[] {2, 0, 0, 0, 0x0a, 1})
                .build(9);
        byte[] second = new NetlinkMessage.Builder(NetlinkMessage.NLMSG_ERROR, 0).u32(-17).build(9);
        byte[] both = new byte[first.length + second.length + 5];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        List<NetlinkMessage.Received> r = NetlinkMessage.parse(both, first.length + second.length);
        assertEquals(2, r.size());
        assertEquals(NetlinkMessage.RTM_NEWLINK, r.get(0).type());
        assertEquals(NetlinkMessage.NLM_F_MULTI, r.get(0).flags());
        assertEquals(9, r.get(0).seq());
        Map<Integer, byte[]> a = r.get(0).attributes(16);
        assertEquals("eth0", NetlinkMessage.string(a.get(3)));
        assertEquals("02000000 0a01".replace(" ", ""), HEX.formatHex(a.get(1)));
        assertEquals(3, r.get(0).body().getInt(4));
        assertEquals(NetlinkMessage.NLMSG_ERROR, r.get(1).type());
        assertEquals(-17, r.get(1).error());
        // a truncated message is not read past the data
        assertEquals(1, NetlinkMessage.parse(both, first.length + 10).size());
    }

    @Test
    void prefixMatch() {
        byte[] a = {(byte) 192, 0, 2, (byte) 253};
        assertTrue(RtNetlink.within(a, new byte[] {(byte) 192, 0, 2, 0}, 24));
        assertTrue(RtNetlink.within(a, new byte[] {(byte) 192, 0, 2, (byte) 128}, 25));
        assertFalse(RtNetlink.within(a, new byte[] {(byte) 192, 0, 2, 0}, 25));
        assertFalse(RtNetlink.within(a, new byte[] {(byte) 198, 51, 100, 0}, 24));
        assertFalse(RtNetlink.within(a, new byte[16], 0), "families differ");
    }

    @Test
    void gratuitousArpAsArpingSendsIt() throws Exception {
        byte[] mac = {2, 0, 0, 0, 0x0a, 1};
        byte[] f = LinkFrames.gratuitousArp(mac, (Inet4Address) InetAddress.getByName("192.0.2.10"));
        assertEquals("0001" + "0800" + "06" + "04" + "0001" + "02000000" + "0a01" + "c000020a" + "ffffffffffff" + "c000020a",
                HEX.formatHex(f));
    }

    @Test
    void neighbourAdvertHasAValidChecksumAndTheRequiredFields() throws Exception {
        byte[] mac = {2, 0, 0, 0, 0x0a, 1};
        Inet6Address ip = (Inet6Address) InetAddress.getByName("2001:db8::10");
        byte[] p = LinkFrames.unsolicitedNeighbourAdvert(mac, ip);
        assertEquals(72, p.length);
        assertEquals("60000000" + "0020" + "3a" + "ff", HEX.formatHex(p, 0, 8));
        assertArrayEquals(ip.getAddress(), java.util.Arrays.copyOfRange(p, 8, 24));
        assertArrayEquals(LinkFrames.ALL_NODES, java.util.Arrays.copyOfRange(p, 24, 40));
        byte[] icmp = java.util.Arrays.copyOfRange(p, 40, 72);
        assertEquals(136, icmp[0] & 0xff);
        assertEquals("20000000", HEX.formatHex(icmp, 4, 8));
        assertArrayEquals(ip.getAddress(), java.util.Arrays.copyOfRange(icmp, 8, 24));
        assertEquals("0201" + "02000000" + "0a01", HEX.formatHex(icmp, 24, 32));
        // a receiver sums the message with its checksum in place and must get 0
        assertEquals(0, LinkFrames.checksum(ip.getAddress(), LinkFrames.ALL_NODES, icmp));
        icmp[31] ^= 1;
        assertTrue(LinkFrames.checksum(ip.getAddress(), LinkFrames.ALL_NODES, icmp) != 0);
    }
}
