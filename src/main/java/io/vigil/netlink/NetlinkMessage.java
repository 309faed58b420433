package io.vigil.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Netlink messages as bytes (netlink(7), rtnetlink(7)): a 16-byte header, a fixed family header, then attributes
 * ({@code rtattr}: length, type, value, padded to 4 bytes). Host byte order, except addresses, which are in network
 * order. Pure code: the encoding is tested without a kernel.
 */
final class NetlinkMessage {

    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;

    static final int RTM_NEWLINK = 16;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_GETROUTE = 26;

    static final int HEADER = 16;

    private NetlinkMessage() {
    }

    /** A request being written: header, family header fields, attributes. */
    static final class Builder {
        private final ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());

        Builder(int type, int flags) {
            b.putInt(0).putShort((short) type).putShort((short) flags).putInt(0).putInt(0);
        }

        Builder u8(int v) {
            b.put((byte) v);
            return this;
        }

        Builder u16(int v) {
            b.putShort((short) v);
            return this;
        }

        Builder u32(int v) {
            b.putInt(v);
            return this;
        }

        Builder attr(int type, byte[] value) {
            b.putShort((short) (4 + value.length)).putShort((short) type).put(value);
            align();
            return this;
        }

        Builder attr(int type, String value) {
            byte[] s = value.getBytes(StandardCharsets.US_ASCII);
            return attr(type, Arrays.copyOf(s, s.length + 1));
        }

        private void align() {
            while (b.position() % 4 != 0) {
                b.put((byte) 0);
            }
        }

        /** The finished message with its length and sequence number filled in. */
        byte[] build(int seq) {
            align();
            b.putInt(0, b.position());
            b.putInt(8, seq);
            return Arrays.copyOf(b.array(), b.position());
        }
    }

    /** One received message: its type, flags, sequence number and body (the bytes after the 16-byte header). */
    record Received(int type, int flags, int seq, ByteBuffer body) {

        /** For NLMSG_ERROR: 0 for an acknowledgement, else a negative errno. */
        int error() {
            return body.getInt(0);
        }

        /** The attributes after a family header of {@code fixed} bytes, by type (the last of a repeated type). */
        Map<Integer, byte[]> attributes(int fixed) {
            Map<Integer, byte[]> attrs = new HashMap<>();
            int p = align(fixed);
            while (p + 4 <= body.limit()) {
                int len = Short.toUnsignedInt(body.getShort(p));
                int type = body.getShort(p + 2) & 0x3fff; // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
                if (len < 4 || p + len > body.limit()) {
                    break;
                }
                byte[] v = new byte[len - 4];
                body.get(p + 4, v);
                attrs.put(type, v);
                p += align(len);
            }
            return attrs;
        }
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }

    /** Splits one datagram from the kernel into messages. */
    static List<Received> parse(byte[] data, int length) {
        ByteBuffer all = ByteBuffer.wrap(data, 0, length).order(ByteOrder.nativeOrder());
        List<Received> out = new ArrayList<>();
        int p = 0;
        while (p + HEADER <= length) {
            int len = all.getInt(p);
            if (len < HEADER || p + len > length) {
                break;
            }
            ByteBuffer body = all.slice(p + HEADER, len - HEADER).order(ByteOrder.nativeOrder());
            out.add(new Received(Short.toUnsignedInt(all.getShort(p + 4)), Short.toUnsignedInt(all.getShort(p + 6)),
                    all.getInt(p + 8), body));
            p += align(len);
        }
        return out;
    }

    /** A NUL-terminated string attribute. */
    static String string(byte[] v) {
        int n = 0;
        while (n < v.length && v[n] != 0) {
            n++;
        }
        return new String(v, 0, n, StandardCharsets.US_ASCII);
    }

    static int u32(byte[] v) {
        return ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt();
    }
}
