package io.vigil.node;

import io.vigil.wire.Message;
import io.vigil.wire.PeerIncarnation;

import java.lang.System.Logger.Level;

/**
 * What {@link NodeCore} asks of the world, in the order it asks it. The daemon carries these out with sockets,
 * processes and logs; the simulation and the transcripts record them. Every effect is a method, so an
 * implementation cannot silently ignore a new one.
 */
public interface NodeEffects {

    /** Stamp (src, seq, hg, ts, ...), sign and send a message on every medium; {@code dest} addresses one node. */
    void send(Message typeFields);

    /** A peer asks us to send some of our messages again ({@code NS_rexmit} addressed to us): answer from history. */
    void retransmissionRequested(Message nsRexmit);

    /** Start the group's resources left to right; answer with {@link NodeCore#groupCompleted}. */
    void startGroup(String key);

    /** Stop the group's resources right to left; answer with {@link NodeCore#groupCompleted}. */
    void stopGroup(String key);

    /** Re-announce the group's addresses (gratuitous ARP / unsolicited NA). */
    void announce(String key);

    /** Run the fence hook against a node; answer with {@link NodeCore#fenceCompleted}. */
    void fence(String node);

    /**
     * A stop failed and {@code vigil.on-stop-failure=reboot}: reboot this node with {@code vigil.reboot-command} (never
     * the real reboot in a lab or test). If the reboot does not happen, answer with {@link NodeCore#rebootFailed}.
     */
    void reboot(String reason);

    /** The engine is done (every group stopped and {@code shutdone} sent, or stop-failed groups kept): the process may exit. */
    void shutdownComplete();

    /** A log line, worded as Heartbeat words it where Heartbeat has one. */
    void log(Level level, String text);

    /** A node's or link's status changed, communication came up, a node restarted or came back. */
    void transition(Transition t);

    /**
     * Keep what is known of a peer's incarnation across a restart of this node (the daemon writes it durably under
     * the state directory and gives it back through {@link NodeCore#restorePeers}): with it, a message captured from
     * that peer earlier stays a replay after the restart (issue 14).
     */
    void keepPeerIncarnation(PeerIncarnation incarnation);

    /** A status message from {@code node} arrived {@code intervalMs} after its previous one. */
    void keepaliveInterval(String node, long intervalMs);
}
