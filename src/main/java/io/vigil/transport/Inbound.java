package io.vigil.transport;

import java.net.InetSocketAddress;

/**
 * One datagram received from another node: its bytes, the link (medium name = device, as Heartbeat names links)
 * it was attributed to, the sender's address and port, whether that source may speak on the port (false when the
 * port carries only ucast media and the source is none of their peers), and what to run once the receiver has found
 * the datagram authentic: the transport then gives the sender's endpoint a receive socket of its own
 * ({@link PeerSockets}), out of reach of floods.
 */
public record Inbound(byte[] data, String link, InetSocketAddress sender, boolean listedSource, Runnable onAuthenticated) {

    private static final Runnable NOTHING = () -> { };

    /** A datagram from a source the port accepts. */
    public Inbound(byte[] data, String link, InetSocketAddress sender) {
        this(data, link, sender, true, NOTHING);
    }

    public Inbound(byte[] data, String link, InetSocketAddress sender, boolean listedSource) {
        this(data, link, sender, listedSource, NOTHING);
    }
}
