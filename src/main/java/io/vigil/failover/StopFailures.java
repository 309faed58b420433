package io.vigil.failover;

import io.vigil.config.StopFailurePolicy;
import io.vigil.failover.FailoverAction.Reboot;
import io.vigil.failover.FailoverAction.Silence;

import java.util.List;

/**
 * A group whose stop failed (its status after the retries still says running, or cannot tell) is never released: it
 * goes STOP_FAILED, stays in what we announce as held, and no {@code shutdone} is sent while one is. What follows is
 * {@code vigil.on-stop-failure} (docs/failover.md, "Stop failures"):
 * <ul>
 *   <li>reboot (Heartbeat's {@code Resource STOP failure. Reboot required!}): fall silent and reboot; the peers see a
 *       dead node and take over as after a crash. A reboot that does not happen (refused in a lab, failed) ends the
 *       silence and the groups stay here, blocked.</li>
 *   <li>fence: fall silent for good; the peers see a dead node that held the group, so they fence it before they take
 *       anything over (FenceGate), and never take over without a successful fence. Without fencing configured here
 *       (hence, as ha.cf is the same everywhere, on the peers) this would be a takeover without fence: blocked instead.</li>
 *   <li>block: the group stays here, announced as ours, until {@code vigil resource cleanup} finds it stopped.</li>
 * </ul>
 * A group blocked here (block, or a reboot that did not happen) is named in our {@code resource} messages
 * ({@code stopfailed=}): the peers never start it while we say so, even when we die, unless they fence us, and a peer
 * that took it over while it could not hear us (a partition) stops its copy ({@link PeerStopFailures}). Rebooting or
 * waiting to be fenced, we name nothing: the reboot or the fence takes the copy down, and the peers take over.
 */
final class StopFailures {

    private final EngineState s;
    /** We send nothing: our peers must take us for dead. */
    private boolean silent;
    /** A Reboot was asked and has not failed (yet). */
    private boolean rebootPending;
    /** Our stop-failed groups stay here until the operator's cleanup (block, or a reboot that did not happen). */
    private boolean blocked;

    StopFailures(EngineState state) {
        this.s = state;
    }

    /** The rule in force: fence needs fencing, else a silent node would be taken over unfenced. */
    StopFailurePolicy policy() {
        StopFailurePolicy p = s.settings.onStopFailure();
        return p == StopFailurePolicy.FENCE && !s.settings.fencing() ? StopFailurePolicy.BLOCK : p;
    }

    boolean silent() {
        return silent;
    }

    /** A reboot was asked and its outcome is not known: shutdown waits for it. */
    boolean rebootPending() {
        return rebootPending;
    }

    /** The stop of {@code g} failed after its retries: it may still be active here. */
    void failed(LocalGroup g, String detail) {
        g.state = GroupState.STOP_FAILED;
        g.queued = null;
        g.restartAfterStop = false;
        g.needsFailback = false;
        String key = g.key();
        s.out.error("Resource group " + key + " failed to stop (" + detail + "): it may still be active here. It stays"
                + " here, stop-failed, and is not released to any peer.");
        StopFailurePolicy p = policy();
        blocked = p == StopFailurePolicy.BLOCK; // rebooting or waiting to be fenced: the copy goes, the peers take over
        if (s.phase == Phase.SHUTDOWN) {
            s.announcements.send(false, "shutdown"); // the peers must not take it when we are gone: it is still ours
        }
        if (p != s.settings.onStopFailure()) {
            s.out.warn("vigil.on-stop-failure=fence but no fencing is configured: blocking group " + key + " here instead.");
        }
        switch (p) {
            case REBOOT -> {
                if (!rebootPending) {
                    s.out.error("Resource STOP failure. Reboot required!");
                    silence("stop of group " + key + " failed: rebooting");
                    rebootPending = true;
                    s.out.add(new Reboot("stop of resource group " + key + " failed"));
                }
            }
            case FENCE -> {
                s.out.error("Resource STOP failure: no longer sending heartbeats, so that the peers fence this node"
                        + " before they take over (vigil.on-stop-failure=fence).");
                silence("stop of group " + key + " failed: waiting to be fenced");
            }
            case BLOCK -> s.out.error("Resource group " + key + " is blocked here (vigil.on-stop-failure=block): no node"
                    + " starts it until `vigil resource cleanup " + key + "` finds it stopped.");
        }
    }

    private void silence(String why) {
        if (!silent) {
            silent = true;
            s.out.add(new Silence(true, why));
        }
    }

    /** The reboot did not happen: speak again; the stop-failed groups stay here, blocked. */
    void rebootFailed(String detail) {
        if (!rebootPending) {
            return;
        }
        rebootPending = false;
        blocked = true;
        s.out.error("Reboot did not happen (" + detail + "): the stop-failed groups " + keys()
                + " stay here, blocked, until `vigil resource cleanup`; heartbeats resume.");
        silent = false;
        s.out.add(new Silence(false, "reboot failed"));
        // What the peers said while we did not listen was not acted on: ask them again before placing anything.
        for (Peer p : s.peers.all()) {
            if (p.alive()) {
                p.forget();
                p.nextQueryMs = s.now;
            }
        }
    }

    /** The operator's cleanup probed the group: released if every resource now says stopped. */
    void cleanedUp(String key, boolean stopped, String detail) {
        LocalGroup g = s.groups.get(key);
        if (g == null) {
            return;
        }
        if (!g.stopFailed()) {
            s.out.info("Cleanup of group " + key + ": it is not stop-failed here (" + g.state + "); nothing to release.");
            return;
        }
        if (!stopped) {
            s.out.error("Cleanup of group " + key + ": it is still not stopped (" + detail + "); it stays here, stop-failed.");
            return;
        }
        s.out.info("Cleanup of group " + key + ": every resource is stopped (" + detail + "); released.");
        s.groups.released(g);
        if (silent) {
            s.out.warn("This node stays silent (it is waiting to be " + (rebootPending ? "rebooted" : "fenced")
                    + "); restart vigil to rejoin.");
        }
    }

    /** The stop-failed groups we announce as blocked here (stopfailed=): none while a reboot or a fence is awaited. */
    List<String> announced() {
        return blocked ? keys() : List.of();
    }

    /** The stop-failed groups, in haresources order. */
    List<String> keys() {
        return s.groups.all().stream().filter(LocalGroup::stopFailed).map(LocalGroup::key).toList();
    }
}
