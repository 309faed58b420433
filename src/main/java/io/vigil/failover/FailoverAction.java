package io.vigil.failover;

/** Outputs of the engine, executed by the daemon in order. */
public sealed interface FailoverAction {

    void dispatch(Handler h);

    /** One method per action: a new action cannot be left unexecuted. */
    interface Handler {
        void startGroup(StartGroup a);

        void stopGroup(StopGroup a);

        void announce(Announce a);

        void fence(Fence a);

        void send(Send a);

        void log(Log a);

        void shutdownComplete(ShutdownComplete a);

        void silence(Silence a);

        void reboot(Reboot a);
    }

    /** Start the group's resources left to right; answer with GroupCompleted(START). */
    record StartGroup(String key) implements FailoverAction {
        @Override
        public void dispatch(Handler h) {
            h.startGroup(this);
        }
    }

    /** Stop the group's resources right to left; answer with GroupCompleted(STOP). */
    record StopGroup(String key) implements FailoverAction {
        @Override
        public void dispatch(Handler h) {
            h.stopGroup(this);
        }
    }

    /** Re-announce the group's addresses (gratuitous ARP / unsolicited NA), e.g. after a split brain heals. */
    record Announce(String key) implements FailoverAction {
        @Override
        public void dispatch(Handler h) {
            h.announce(this);
        }
    }

    /** Run the fence hook against a node; answer with FenceCompleted. */
    record Fence(String node) implements FailoverAction {
        @Override
        public void dispatch(Handler h) {
            h.fence(this);
        }
    }

    /** Broadcast (or, with a {@code dest}, address) a resource-protocol message; the daemon stamps src/seq/hg/... */
    record Send(ResourceMessage message) implements FailoverAction {
        @Override
        public void dispatch(Handler h) {
            h.send(this);
        }
    }

    record Log(System.Logger.Level level, String text) implements FailoverAction {
        @Override
        public void dispatch(Handler h) {
            h.log(this);
        }
    }

    /** All groups are stopped and {@code shutdone} sent: the daemon may exit. */
    record ShutdownComplete() implements FailoverAction {
        @Override
        public void dispatch(Handler h) {
            h.shutdownComplete(this);
        }
    }

    /**
     * {@code on}: send nothing any more (no keepalive, no message), so the peers see this node dead and take its groups
     * over as after a crash, fencing it first where fencing is configured; off again: speak as before.
     */
    record Silence(boolean on, String reason) implements FailoverAction {
        @Override
        public void dispatch(Handler h) {
            h.silence(this);
        }
    }

    /** Reboot this node ({@code vigil.reboot-command}); if that returns or is refused, answer with RebootFailed. */
    record Reboot(String reason) implements FailoverAction {
        @Override
        public void dispatch(Handler h) {
            h.reboot(this);
        }
    }
}
