package io.vigil.failover;

import io.vigil.failover.FailoverEvent.GroupOp;

/** One haresources group as this node runs it. */
final class LocalGroup {

    final GroupSpec spec;
    GroupState state = GroupState.STOPPED;
    /** The operation to run once the one in flight completes. */
    GroupOp queued;
    /** A failed status check: start it again once stopped. */
    boolean restartAfterStop;
    /** Taken from its preferred node (dead, leaving, or less connected): auto_failback gives it back. */
    boolean needsFailback;
    /** It failed here (start, or status checks past the restarts allowed): not started here again until forgiven. */
    boolean failedHere;
    int restarts;
    /** Removed from haresources by a reload: being stopped, then forgotten. */
    boolean retired;

    LocalGroup(GroupSpec spec) {
        this.spec = spec;
    }

    String key() {
        return spec.key();
    }

    /**
     * Held = running, on its way up, or stop-failed (maybe still active here): what we announce and what counts for
     * double ownership.
     */
    boolean held() {
        return state == GroupState.RUNNING || state == GroupState.STARTING || state == GroupState.STOP_FAILED;
    }

    /** Its stop failed and it may still be active here: only an operator's cleanup releases it. */
    boolean stopFailed() {
        return state == GroupState.STOP_FAILED;
    }

    /** A start or stop is running: one operation per group at a time. */
    boolean inFlight() {
        return state == GroupState.STARTING || state == GroupState.STOPPING;
    }

    boolean preferredBy(String node) {
        return spec.preferredNode().equals(node);
    }
}
