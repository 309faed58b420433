package io.vigil.config;

import java.net.InetAddress;

/** A heartbeat medium from ha.cf; {@link #name()} is the link name shown per node (the device, as Heartbeat does). */
public sealed interface Medium permits Medium.Bcast, Medium.Mcast, Medium.Ucast {

    String device();

    /** Link name as Heartbeat reports it (cl_status listhblinks): the interface name. */
    default String name() {
        return device();
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
}
