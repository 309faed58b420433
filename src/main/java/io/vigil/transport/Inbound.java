package io.vigil.transport;

import java.net.InetSocketAddress;

/**
 * One datagram received from another node: its bytes, the link (medium name = device, as Heartbeat names links)
 * it was attributed to, the sender's address and port, and whether that source may speak on the port: false when the
 * port carries only ucast media and the source is none of their peers.
 */
public record Inbound(byte[] data, String link, InetSocketAddress sender, boolean listedSource) {

    /** A datagram from a source the port accepts. */
    public Inbound(byte[] data, String link, InetSocketAddress sender) {
        this(data, link, sender, true);
    }
}
