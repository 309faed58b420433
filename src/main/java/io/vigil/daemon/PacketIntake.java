package io.vigil.daemon;

import io.vigil.node.NodeCore;
import io.vigil.wire.Decoded;
import io.vigil.wire.PacketCodec;

import java.util.Optional;

/** Every datagram: decoded and authenticated, counted, handed to the node's core; what it drops is counted too. */
final class PacketIntake {

    private final PacketCodec codec;
    private final DaemonObserver observer;

    PacketIntake(PacketCodec codec, DaemonObserver observer) {
        this.codec = codec;
        this.observer = observer;
    }

    /** On the daemon's context. Returns whether the core took the packet (a new snapshot is worth publishing). */
    boolean receive(NodeCore core, long now, byte[] data, String link, String sender) {
        if (core.finished()) {
            return false;
        }
        Decoded d = codec.decode(data, 0, data.length);
        if (d instanceof Decoded.Rejected r) {
            observer.packetDropped(r.reason(), sender, r.detail());
            return false;
        }
        observer.packetReceived(link);
        Optional<NodeCore.Dropped> drop = core.packet(now, ((Decoded.Accepted) d).message(), link);
        drop.ifPresent(x -> observer.packetDropped(x.reason(), sender, x.detail()));
        return drop.isEmpty();
    }
}
