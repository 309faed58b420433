package io.vigil.failover;

/** Where this node's engine stands (docs/failover.md, "States"). */
enum Phase {
    /** Before communication is up. */
    INIT,
    /** {@code starting} sent: waiting for every live peer's answer (at most RQSTDELAY). */
    STARTING,
    STABLE,
    /** Giving everything up before exiting. */
    SHUTDOWN,
    /** Everything given up, {@code shutdone} sent: nothing more is processed. */
    STOPPED
}
