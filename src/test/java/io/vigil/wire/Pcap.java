package io.vigil.wire;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Just enough of libpcap's file format to pull Heartbeat payloads out of a capture: classic pcap (µs or ns, either
 * byte order), link types Ethernet (1, with 802.1Q tags), Linux cooked v1 (113) and v2 (276); IPv4 only, unfragmented;
 * UDP payloads to or from a port, and ICMP echo request/reply payloads (the ping medium).
 */
final class Pcap {

    /** One Heartbeat payload and where it came from. */
    record Payload(String source, String kind, byte[] data) {
    }

    static final int LINKTYPE_ETHERNET = 1;
    static final int LINKTYPE_LINUX_SLL = 113;
    static final int LINKTYPE_LINUX_SLL2 = 276;

    private Pcap() {
    }

    static List<Payload> heartbeatPayloads(InputStream in, int udpPort) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] header = new byte[24];
        data.readFully(header);
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int magic = h.getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            h.order(ByteOrder.BIG_ENDIAN);
            magic = h.getInt(0);
            if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
                throw new IOException("not a classic pcap file (magic " + Integer.toHexString(magic) + ")");
            }
        }
        ByteOrder order = h.order();
        int linkType = h.getInt(20) & 0x0fffffff;
        List<Payload> out = new ArrayList<>();
        byte[] recordHeader = new byte[16];
        while (true) {
            try {
                data.readFully(recordHeader);
            } catch (EOFException e) {
                return out;
            }
            int captured = ByteBuffer.wrap(recordHeader).order(order).getInt(8);
            byte[] frame = new byte[captured];
            data.readFully(frame);
            Payload p = extract(frame, linkType, udpPort);
            if (p != null) {
                out.add(p);
            }
        }
    }

    private static Payload extract(byte[] f, int linkType, int udpPort) throws IOException {
        int ip;
        int etherType;
        switch (linkType) {
            case LINKTYPE_ETHERNET -> {
                ip = 14;
                etherType = u16(f, 12);
                while (etherType == 0x8100 || etherType == 0x88a8) {
                    etherType = u16(f, ip + 2);
                    ip += 4;
                }
            }
            case LINKTYPE_LINUX_SLL -> {
                ip = 16;
                etherType = u16(f, 14);
            }
            case LINKTYPE_LINUX_SLL2 -> {
                ip = 20;
                etherType = u16(f, 0);
            }
            default -> throw new IOException("unsupported pcap link type " + linkType);
        }
        if (etherType != 0x0800 || f.length < ip + 20 || (f[ip] >> 4) != 4) {
            return null;
        }
        int ihl = (f[ip] & 0x0f) * 4;
        int totalLength = u16(f, ip + 2);
        boolean fragment = (u16(f, ip + 6) & 0x3fff) != 0;
        int protocol = f[ip + 9] & 0xff;
        String src = (f[ip + 12] & 0xff) + "." + (f[ip + 13] & 0xff) + "." + (f[ip + 14] & 0xff) + "." + (f[ip + 15] & 0xff);
        int l4 = ip + ihl;
        int end = Math.min(f.length, ip + totalLength);
        if (fragment || end < l4 + 8) {
            return null;
        }
        if (protocol == 17) {
            int sport = u16(f, l4);
            int dport = u16(f, l4 + 2);
            int udpEnd = Math.min(end, l4 + u16(f, l4 + 4));
            if (sport != udpPort && dport != udpPort) {
                return null;
            }
            return new Payload(src + ":" + sport, "udp", Arrays.copyOfRange(f, l4 + 8, udpEnd));
        }
        if (protocol == 1) {
            int type = f[l4] & 0xff;
            if (type != 8 && type != 0) {
                return null;
            }
            return new Payload(src, type == 8 ? "icmp-request" : "icmp-reply", Arrays.copyOfRange(f, l4 + 8, end));
        }
        return null;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }
}
