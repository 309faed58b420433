package io.vigil.netlink;

import com.sun.jna.LastErrorException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A link-layer socket ({@code AF_PACKET}, {@code SOCK_DGRAM}: the kernel writes the Ethernet header) that only sends:
 * created with protocol 0, it receives nothing, so no frame ever queues up in it.
 */
public final class PacketSocket implements AutoCloseable {

    private final int fd;

    private PacketSocket(int fd) {
        this.fd = fd;
    }

    /** In network namespace {@code namespace}, or this process' own when empty. Needs CAP_NET_RAW. */
    public static PacketSocket open(String namespace) throws IOException {
        return new PacketSocket(Libc.socketIn(namespace, Libc.AF_PACKET, Libc.SOCK_DGRAM, 0));
    }

    /** Sends {@code payload} as an {@code ethertype} frame to {@code dstMac} out of interface {@code ifindex}. */
    public void send(int ifindex, int ethertype, byte[] dstMac, byte[] payload) throws IOException {
        // struct sockaddr_ll: family, protocol (network order), ifindex, hatype, pkttype, halen, addr[8]
        ByteBuffer sll = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        sll.putShort((short) Libc.AF_PACKET);
        sll.order(ByteOrder.BIG_ENDIAN).putShort((short) ethertype).order(ByteOrder.nativeOrder());
        sll.putInt(ifindex).putShort((short) 0).put((byte) 0).put((byte) dstMac.length).put(dstMac);
        try {
            Libc.sendto(fd, payload, payload.length, 0, sll.array(), sll.capacity());
        } catch (LastErrorException e) {
            throw Libc.failure("sending on interface " + ifindex, e);
        }
    }

    @Override
    public void close() {
        Libc.close(fd);
    }
}
