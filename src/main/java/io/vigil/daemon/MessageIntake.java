package io.vigil.daemon;

import io.vigil.node.NodeCore;
import io.vigil.wire.Message;

import java.util.Optional;

/**
 * Every authenticated message (decoded on the receive thread by {@link io.vigil.intake.PacketIntake}): counted,
 * handed to the node's core; what the core drops (unknown node, replay, stale) is counted too.
 */
final class MessageIntake {

    private final DaemonObserver observer;

    MessageIntake(DaemonObserver observer) {
        this.observer = observer;
    }

    /** On the daemon's context. Returns whether the core took the message (a new snapshot is worth publishing). */
    boolean receive(NodeCore core, long now, Message message, String link, String sender) {
        if (core.finished()) {
            return false;
        }
        observer.packetReceived(link);
        Optional<NodeCore.Dropped> drop = core.packet(now, message, link);
        drop.ifPresent(x -> observer.packetDropped(x.reason(), sender, x.detail()));
        return drop.isEmpty();
    }
}
