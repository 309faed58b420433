package io.vigil.config;

import java.net.InetAddress;
import java.util.List;

/**
 * A ping node: {@code ping <ip>} (name = the address text, one address) or {@code ping_group <name> <ip>...}
 * (alive while any member answers).
 */
public record PingNode(String name, List<InetAddress> addresses, boolean group) {
    public PingNode {
        addresses = List.copyOf(addresses);
    }
}
