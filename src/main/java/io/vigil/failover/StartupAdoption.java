package io.vigil.failover;

import io.vigil.failover.FailoverEvent.GroupOp;
import io.vigil.membership.NodeStatus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Groups found running here at start-up, left by a predecessor that exited keeping them (a restart, a package
 * upgrade): adopted — kept running, no start, announced as ours — when every live peer has answered with a stable
 * {@code resource} that does not hold them; otherwise stopped before anything else is decided (a peer holds them, may
 * still claim them, or none could be heard). Until start-up settles they are announced as held, which is what they
 * are: a peer starting at the same time must not start them too.
 */
final class StartupAdoption {

    private final EngineState s;
    /** Running here, not decided yet. */
    private final Set<String> undecided = new LinkedHashSet<>();

    StartupAdoption(EngineState state) {
        this.s = state;
    }

    /** The probe at start found these groups running (before communication is up). */
    void found(Collection<String> keys) {
        for (String k : keys) {
            if (s.groups.get(k) == null) {
                continue;
            }
            if (s.phase != Phase.INIT) {
                // too late to negotiate them: they were not part of what we told the peers
                s.out.warn("Resource group " + k + " reported running after start-up: stopping it.");
                s.groups.issue(s.groups.get(k), GroupOp.STOP);
                continue;
            }
            undecided.add(k);
        }
    }

    /** Running here, waiting for the peers' answers (announced as held meanwhile). */
    boolean undecided(String key) {
        return undecided.contains(key);
    }

    /** Start-up settles (nice_failback): adopt what every peer confirms it does not hold, stop the rest first. */
    void decide() {
        if (undecided.isEmpty()) {
            return;
        }
        String unconfirmed = unconfirmedBecause();
        for (String k : List.copyOf(undecided)) {
            LocalGroup g = s.groups.get(k);
            String holder = holder(k);
            if (unconfirmed == null && holder == null) {
                g.state = GroupState.RUNNING;
                g.needsFailback = !g.preferredBy(s.me); // as an orphan taken here: auto_failback on gives it back
                g.restarts = 0;
                s.out.info("Resource group " + k + " is running here from before the restart: adopted (no peer holds it).");
            } else {
                stopFirst(g, holder != null ? holder + " holds it" : unconfirmed);
            }
        }
        undecided.clear();
    }

    /** Nothing can confirm (legacy protocol, shutdown): every group found running is stopped first. */
    void abandon(String why) {
        for (String k : List.copyOf(undecided)) {
            stopFirst(s.groups.get(k), why);
        }
        undecided.clear();
    }

    private void stopFirst(LocalGroup g, String why) {
        s.out.warn("Resource group " + g.key() + " is active at start-up and cannot be adopted (" + why
                + "): stopping it first.");
        s.groups.issue(g, GroupOp.STOP);
    }

    /** Why the peers' answers do not confirm anything, or null when every live peer answered stably. */
    private String unconfirmedBecause() {
        List<String> present = new ArrayList<>();
        for (Peer p : s.peers.all()) {
            if (p.status == NodeStatus.DEAD) {
                continue;
            }
            present.add(p.name);
            if (!p.answered) {
                return "no answer from " + p.name;
            }
            if (!p.stable()) {
                return p.name + " is " + (p.leaving() ? "leaving" : "not stable");
            }
        }
        return present.isEmpty() ? "no peer could be heard" : null;
    }

    private String holder(String key) {
        for (Peer p : s.peers.all()) {
            if (p.holdsLive(key)) {
                return p.name;
            }
        }
        return null;
    }
}
