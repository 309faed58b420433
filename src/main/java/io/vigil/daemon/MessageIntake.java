package io.vigil.daemon;

import io.vigil.node.NodeCore;
import io.vigil.wire.Message;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Every authenticated message (decoded on the receive thread by {@link io.vigil.intake.PacketIntake}): counted,
 * handed to the node's core; what the core drops (unknown node, replay, stale) is counted too.
 */
final class MessageIntake {

    private final DaemonObserver observer;
    private final String localNode;
    /** Sends a message of ours (the answer to a Heartbeat peer's query that the core does not handle). */
    private final Consumer<Message> reply;

    MessageIntake(DaemonObserver observer, String localNode, Consumer<Message> reply) {
        this.observer = observer;
        this.localNode = localNode;
        this.reply = reply;
    }

    /** On the daemon's context. Returns whether the core took the message (a new snapshot is worth publishing). */
    boolean receive(NodeCore core, long now, Message message, String link, String sender) {
        if (core.finished()) {
            return false;
        }
        observer.packetReceived(link);
        Optional<NodeCore.Dropped> drop = core.packet(now, message, link);
        if (drop.isPresent()) {
            observer.packetDropped(drop.get().reason(), sender, drop.get().detail());
            return false;
        }
        String from = message.get("src").orElse("").toLowerCase(Locale.ROOT);
        if (from.equalsIgnoreCase(localNode)) {
            return true; // our own broadcast come back: the core ignored it, and so do the hooks
        }
        String dest = message.get("dest").orElse("");
        if ((dest.isEmpty() || localNode.equalsIgnoreCase(dest)) && !"status".equals(message.type())) {
            observer.messageAccepted(message);
        }
        if (localNode.equalsIgnoreCase(dest)) {
            ClientStatusQuery.answer(message, from).ifPresent(reply); // a Heartbeat peer's cl_status clientstatus
        }
        return true;
    }
}
