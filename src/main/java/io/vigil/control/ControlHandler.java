package io.vigil.control;

import io.vigil.failover.ResourceSet;

/**
 * What the control socket asks of the running daemon. Implemented by the daemon; called on a worker thread of the
 * control server (never on an event loop), one request at a time per connection, so implementations may block briefly
 * (hand the request to the daemon's own loop and wait for its answer) but should answer within a second.
 */
public interface ControlHandler {

    /** A consistent snapshot of everything {@code vigil status} and {@code cl_status} show. */
    StatusReport status();

    /** hb_standby: give the groups of {@code set} (relative to this node) to the peer. Asynchronous: ok = queued. */
    Reply standby(ResourceSet set);

    /** hb_takeover: ask the peer to give us the groups of {@code set} (relative to this node). */
    Reply takeover(ResourceSet set);

    /**
     * {@code vigil resource cleanup GROUP}: probe the group, stop it again if needed, probe again; a stop-failed group
     * found stopped is released. Blocks until done (at most the group's stop time).
     */
    Reply cleanup(String group);

    /**
     * Re-read ha.cf, haresources, authkeys and vigil.properties and apply the changes in place (Heartbeat's SIGHUP
     * re-read authkeys only); refused as a whole, the running configuration kept, when any change cannot be applied.
     */
    Reply reload();

    /**
     * {@code vigil stop --keep-resources}: exit without releasing the groups, so the next start adopts them (a
     * restart or an upgrade that moves nothing). Ok = the daemon is exiting; refused while groups move.
     */
    default Reply stopKeepingResources() {
        return Reply.refused("this daemon cannot stop keeping its resources");
    }

    /** The accepted answer of {@link #stopKeepingResources()} was written to the client (or it is gone): exit now. */
    default void stopKeepingResourcesAnswered() {
    }

    /** What {@link #reload()} would do now, without doing it ({@code vigil check-config --diff}); ok = it would apply. */
    default Reply reloadPlan() {
        return Reply.refused("this daemon cannot tell what a reload would do");
    }
}
