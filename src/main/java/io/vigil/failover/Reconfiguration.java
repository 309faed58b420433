package io.vigil.failover;

import io.vigil.config.AutoFailback;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A reload while running ({@code vigil reload}, SIGHUP): when the engine may take new settings, and what becomes of the
 * groups. Groups kept are not touched. A group added is placed as at start-up: it is nobody's yet, so once every live
 * peer has told us what it holds (we ask at once) its placement node adopts it, after the orphan grace. A group
 * removed is stopped here if held here and forgotten once stopped; it is never started again. Timings and
 * auto_failback on/off are read from the settings at each use, so replacing them is all it takes.
 */
final class Reconfiguration {

    private final EngineState s;

    Reconfiguration(EngineState state) {
        this.s = state;
    }

    /** Why {@code next} cannot be applied now, or empty. Refused as a whole: nothing is half-applied. */
    Optional<String> refusal(FailoverSettings next) {
        FailoverSettings now = s.settings;
        if (!now.localNode().equals(next.localNode()) || !now.nodes().equals(next.nodes())) {
            return Optional.of("the node name and the node list cannot change while running");
        }
        if ((now.autoFailback() == AutoFailback.LEGACY) != (next.autoFailback() == AutoFailback.LEGACY)) {
            return Optional.of("auto_failback legacy is another resource protocol: it cannot change while running");
        }
        if (now.fencing() != next.fencing() || now.pingNodeCount() != next.pingNodeCount()) {
            return Optional.of("fencing and ping nodes cannot change while running");
        }
        if (now.autoFailback() == AutoFailback.LEGACY && !now.groups().equals(next.groups())) {
            return Optional.of("with auto_failback legacy groups are negotiated (ip-request) at start-up only: "
                    + "change haresources with a restart");
        }
        return switch (s.phase) {
            case INIT -> Optional.of("communication is not up yet: retry once this node is active");
            case STARTING -> Optional.of("this node is still starting (negotiating its groups): retry in a few seconds");
            case SHUTDOWN, STOPPED -> Optional.of("this node is shutting down");
            case STABLE -> stableRefusal();
        };
    }

    /** Moving groups are not reconfigured under their feet: the operation or exchange in progress ends first. */
    private Optional<String> stableRefusal() {
        if (s.standby.active()) {
            return Optional.of("a standby exchange is in progress (" + s.standby.describe() + "): retry once it ended");
        }
        List<String> moving = s.groups.all().stream().filter(LocalGroup::inFlight).map(LocalGroup::key).toList();
        if (!moving.isEmpty()) {
            return Optional.of("groups are starting or stopping here (" + String.join(", ", moving)
                    + "): retry once they are done");
        }
        if (s.fences.anyBlocked()) {
            return Optional.of("groups wait for a node to be fenced: retry once the takeover is done");
        }
        return Optional.empty();
    }

    /** Takes {@code next}; only after {@link #refusal} said nothing. */
    void apply(FailoverSettings next) {
        if (refusal(next).isPresent()) {
            throw new IllegalStateException("reconfiguration applied while refused: " + refusal(next).get());
        }
        Set<String> keep = new LinkedHashSet<>();
        next.groups().forEach(g -> keep.add(g.key()));
        List<String> removed = new ArrayList<>();
        for (LocalGroup g : new ArrayList<>(s.groups.all())) {
            if (!keep.contains(g.key())) {
                removed.add(g.key());
                s.groups.retire(g);
            }
        }
        List<String> added = new ArrayList<>();
        for (GroupSpec spec : next.groups()) {
            if (s.groups.get(spec.key()) == null) {
                added.add(spec.key());
            }
        }
        s.groups.reconfigure(next.groups());
        s.settings = next;
        if (!removed.isEmpty()) {
            s.out.info("Reload: resource groups removed from haresources: " + String.join(", ", removed)
                    + " (stopped here if held here, never started again).");
        }
        if (!added.isEmpty()) {
            s.out.info("Reload: resource groups added to haresources: " + String.join(", ", added)
                    + " (placed as at start-up once every live node told what it holds).");
            // what the peers hold was read against the old groups: ask again, and place the new ones from the answers
            s.announcements.send(s.locallyStable(), Announcements.INFO_QUERY);
        }
    }
}
