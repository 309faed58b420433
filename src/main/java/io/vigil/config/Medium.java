package io.vigil.config;

import java.net.Inet6Address;
import java.net.InetAddress;

/** A heartbeat medium from ha.cf; {@link #name()} is the link name shown per node (the device, as Heartbeat does). */
public sealed interface Medium permits Medium.Bcast, Medium.Mcast, Medium.Ucast, Medium.Mcast6, Medium.Ucast6 {

    String device();

    /** Link name as Heartbeat reports it (cl_status listhblinks): the interface name. */
    default String name() {
        return device();
    }

    /** An IPv6 medium ({@code mcast6}, {@code ucast6}): opened on IPv6 sockets, needs no IPv4 address on the device. */
    default boolean ipv6() {
        return false;
    }

    /** {@code bcast <dev>}: UDP broadcast on the device's broadcast address, port {@code udpport}. */
    record Bcast(String device, int port) implements Medium {
    }

    /** {@code mcast <dev> <group> <port> <ttl> <loop>}. */
    record Mcast(String device, InetAddress group, int port, int ttl, boolean loop) implements Medium {
    }

    /** {@code ucast <dev> <peer>}: one line per peer; port {@code udpport}. */
    record Ucast(String device, InetAddress peer, int port) implements Medium {
    }

    /** {@code mcast6 <dev> <group> <port> <hops> <loop>}: IPv6 multicast (Heartbeat's mcast6 plugin). */
    record Mcast6(String device, Inet6Address group, int port, int hops, boolean loop) implements Medium {
        @Override
        public boolean ipv6() {
            return true;
        }
    }

    /** {@code ucast6 <dev> <peer>[%scope]}: IPv6 unicast, one line per peer; port {@code udpport}. */
    record Ucast6(String device, Inet6Address peer, int port) implements Medium {
        @Override
        public boolean ipv6() {
            return true;
        }
    }
}
