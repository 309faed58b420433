package io.vigil.failover;

import io.vigil.failover.FailoverEvent.OperatorKind;
import io.vigil.failover.ResourceMessage.AskResources;
import io.vigil.failover.ResourceMessage.HbTakeover;
import io.vigil.failover.ResourceMessage.IpRequest;
import io.vigil.failover.ResourceMessage.IpRequestResp;
import io.vigil.failover.ResourceMessage.Resource;

/**
 * How groups find their node, chosen once from {@code auto_failback}: Heartbeat's nice_failback protocol
 * ({@code starting}/{@code resource}/standby, for on and off: {@link NiceFailback}) or its legacy one
 * ({@code ip-request}: {@link LegacyFailback}). The engine calls these at fixed points of each event; a policy does
 * nothing where it has nothing to do.
 */
abstract class FailbackPolicy {

    protected final EngineState s;

    FailbackPolicy(EngineState state) {
        this.s = state;
    }

    /** Before every event. */
    void beforeEvent() {
    }

    /** Communication is up: enter the policy's first phase. */
    abstract void commUpBegins();

    /** After the peers dead at comm-up were handled. */
    void commUpEnds() {
    }

    /** In phase STARTING: true once start-up is settled and the reconciliation may go on. */
    boolean settleStart() {
        return true;
    }

    /**
     * A peer is alive again; {@code forgotten}: what it had told us was forgotten (it must tell us again), else it is
     * current (said in this incarnation, before membership noticed).
     */
    void peerAlive(Peer p, boolean forgotten) {
    }

    /** A peer is back after a partition (membership's heal). */
    void healed(Peer p) {
    }

    /** A peer died. */
    void peerDied(String node) {
    }

    /** A peer's groups are free (it died or left): take what is ours to take. */
    void peerGone() {
    }

    /** The groups a settled peer may be given: it can be a placement. */
    abstract boolean settled(Peer p);

    void starting(Peer p, boolean overtaken) {
    }

    void resource(Peer p, Resource m) {
    }

    void askResources(Peer p, AskResources m, boolean overtakenByResource) {
    }

    void hbTakeover(Peer p, HbTakeover m) {
    }

    void ipRequest(Peer p, IpRequest m) {
    }

    void ipRequestResp(Peer p, IpRequestResp m) {
    }

    abstract void operator(OperatorKind kind, ResourceSet set);

    /** A peer we waited for is gone (its answers will not come). */
    void cancelRequestsTo(String node) {
    }

    /** A stop of a local group completed. */
    void groupStopped(String key) {
    }

    /** Shutdown: before every group is stopped. */
    void givingUp() {
    }

    /** The reconciliation once stable: what moves where. */
    abstract void reconcileStable();

    /** When the policy next acts by the clock alone (a time-out, a grace), or {@link Long#MAX_VALUE}. */
    long nextDeadline() {
        return Long.MAX_VALUE;
    }

    /** The end of the reconciliation: what we announce. */
    void reconcileEnd() {
    }
}
