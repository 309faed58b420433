package io.vigil.failover;

import io.vigil.wire.Message;

/** Outputs of the engine, executed by the daemon in order. */
public sealed interface FailoverAction {

    /** Start the group's resources left to right; answer with GroupCompleted(START). */
    record StartGroup(String key) implements FailoverAction {
    }

    /** Stop the group's resources right to left; answer with GroupCompleted(STOP). */
    record StopGroup(String key) implements FailoverAction {
    }

    /** Re-announce the group's addresses (gratuitous ARP / unsolicited NA), e.g. after a split brain heals. */
    record Announce(String key) implements FailoverAction {
    }

    /** Run the fence hook against a node; answer with FenceCompleted. */
    record Fence(String node) implements FailoverAction {
    }

    /** Broadcast (or, with a {@code dest} field, address) a cluster message; the daemon stamps src/seq/hg/ts/... */
    record Send(Message message) implements FailoverAction {
    }

    record Log(System.Logger.Level level, String text) implements FailoverAction {
    }

    /** All groups are stopped and {@code shutdone} sent: the daemon may exit. */
    record ShutdownComplete() implements FailoverAction {
    }
}
