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

    /** Re-read authkeys (Heartbeat's SIGHUP); ha.cf and haresources changes need a restart. */
    Reply reload();
}
