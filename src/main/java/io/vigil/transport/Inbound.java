package io.vigil.transport;

import java.net.InetSocketAddress;

/**
 * One datagram received from another node: its bytes, the link (medium name = device, as Heartbeat names links)
 * it was attributed to, and the sender's address and port.
 */
public record Inbound(byte[] data, String link, InetSocketAddress sender) {
}
