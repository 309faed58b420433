package io.vigil.failover;

import io.vigil.failover.ResourceMessage.AskResources;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Heartbeat's three-phase standby exchange, one at a time per node, from either side (docs/failover.md):
 * <pre>
 * requester R                                   acceptor P
 *   ME ── ask_resources info=me ─────────────────▶ OTHER
 *   ◀──────────────────────── ask_resources info=other ──
 *   STOPPING: resource … isstable=0 info=standby; stop the groups
 *   DONE ── ask_resources info=done ─────────────▶ ACQUIRING: start the groups
 *   ◀───────────────────────── ask_resources info=done ──   (then both announce resource … isstable=1)
 * </pre>
 * No {@code other} within 10 s cancels the request; the death of the partner cancels the exchange; 1 h at most.
 * <p>
 * A partner that left the exchange without telling us (it declared us dead meanwhile, or its request timed out before
 * our {@code other} reached it) is noticed by what it says next: a stable {@code resource} (nobody announces
 * {@code isstable=1} from its request to its end) or a new request of its own. Waiting on for the 1 h limit instead
 * kept the acceptor in transition and the groups on the wrong node (VM lab, failback after a false death).
 */
final class StandbyExchange {

    /** Heartbeat's standby reply timeout. */
    static final long REPLY_MS = 10_000;
    /** Heartbeat's overall standby limit. */
    static final long LIMIT_MS = 3_600_000;

    /** Why we ask a peer to take groups from us. */
    enum Why { OPERATOR, FAILBACK, CONNECTIVITY, TAKEOVER_REQUEST }

    /** Where an exchange stands. */
    enum Step {
        /** Requester: asked, waiting for {@code other}. */
        ME(true),
        /** Requester: stopping the groups. */
        STOPPING(true),
        /** Requester: stopped, said {@code done}, waiting for the acceptor's {@code done}. */
        DONE(true),
        /** Acceptor: answered {@code other}, waiting for the requester's {@code done}. */
        OTHER(false),
        /** Acceptor: starting the groups. */
        ACQUIRING(false);

        final boolean requester;

        Step(boolean requester) {
            this.requester = requester;
        }
    }

    /** The exchange in progress. */
    private static final class Exchange {
        final String peer;
        final ResourceSet set;          // relative to the requester
        final List<String> groups;      // the groups that move
        /** Acceptor: the groups a connectivity hand-off must give back once the counts are equal (Vigil extension). */
        final Set<String> failback;
        Step step;
        long deadline;
        /** Acceptor: the requester reached fewer ping nodes than we did at some moment of the exchange. */
        boolean lessConnected;

        Exchange(String peer, ResourceSet set, List<String> groups, Set<String> failback, Step step, long deadline) {
            this.peer = peer;
            this.set = set;
            this.groups = List.copyOf(groups);
            this.failback = Set.copyOf(failback);
            this.step = step;
            this.deadline = deadline;
        }
    }

    private final EngineState s;
    private Exchange x;

    StandbyExchange(EngineState state) {
        this.s = state;
    }

    boolean active() {
        return x != null;
    }

    /** For the view: "requester ME [all] with bob [key]", or "". */
    String describe() {
        return x == null ? "" : (x.step.requester ? "requester " : "acceptor ") + x.step + " [" + x.set.wire()
                + "] with " + x.peer + " " + x.groups;
    }

    /** The group is part of the exchange (with {@code peer}; any peer: null). */
    boolean involves(String key, String peer) {
        return x != null && x.groups.contains(key) && (peer == null || x.peer.equals(peer));
    }

    /**
     * The group is being handed over between us and {@code peer} right now: the acceptor starts it while the
     * requester's last `resource` still names it. Before that (request sent, not answered) both holding it is a real
     * double ownership: waiting for the exchange kept it up to the 10 s reply timeout when the request was refused.
     */
    boolean movingNow(String key, String peer) {
        return involves(key, peer) && x.step != Step.ME && x.step != Step.OTHER;
    }

    /** vigil standby: give the groups of the set to the natural acceptor. */
    void operatorStandby(ResourceSet set) {
        s.out.info("Going standby [" + set.wire() + "].");
        if (canRequest()) {
            request(set, s.groups.heldIn(s.groups.derive(set, s.me)), Why.OPERATOR, null);
        }
    }

    /** vigil takeover: ask the holders to go standby. */
    void operatorTakeover(ResourceSet set) {
        // operator intent: the groups may run here again even if they failed before
        for (String k : s.groups.derive(set, s.me)) {
            s.groups.get(k).failedHere = false;
            s.groups.get(k).restarts = 0;
        }
        s.out.info("Taking over [" + set.wire() + "] resources: asking the holders to go standby.");
        s.out.send(new ResourceMessage.HbTakeover(set,
                s.multi ? Optional.of(List.copyOf(s.groups.derive(set, s.me))) : Optional.empty()));
    }

    /** A peer's hb_takeover: we go standby with the mirrored set, towards it. */
    void takeoverRequested(Peer p, ResourceMessage.HbTakeover m) {
        List<String> wanted = s.groups.known(m.groups().orElseGet(() -> List.copyOf(s.groups.derive(m.hold(), p.name))));
        ResourceSet mine = mirror(m.hold());
        List<String> moving = s.groups.heldIn(wanted);
        if (s.multi && moving.isEmpty()) {
            return;
        }
        s.out.info("Going standby [" + mine.wire() + "].");
        if (canRequest()) {
            request(mine, moving.isEmpty() ? wanted : moving, Why.TAKEOVER_REQUEST, p.name);
        }
    }

    private boolean canRequest() {
        return accepting(s.me);
    }

    /** Heartbeat's refusals: one exchange at a time, and only while our resources are settled. */
    private boolean accepting(String requester) {
        if (x != null) {
            s.out.info("Standby in progress- new request from " + requester + " ignored ["
                    + Math.max(0, (x.deadline - s.now) / 1000) + " seconds left]");
            return false;
        }
        if (s.phase != Phase.STABLE || !s.locallyStable()) {
            s.out.info("standby message [me] from " + requester + " ignored.  local resources in flux.");
            return false;
        }
        return true;
    }

    /** Starts a request as requester; {@code target} null = the natural acceptor. */
    void request(ResourceSet set, List<String> moving, Why why, String target) {
        List<String> candidates = moving.isEmpty() ? List.copyOf(s.groups.derive(set, s.me)) : moving;
        List<String> stuck = candidates.stream().filter(k -> s.groups.get(k).stopFailed()).toList();
        if (!stuck.isEmpty()) {
            // A group whose stop failed here does not move: asking anyway stopped the others and then cancelled the
            // exchange for it, so they went down and came back here for nothing (simulation seed 3713).
            List<String> rest = candidates.stream().filter(k -> !stuck.contains(k) && s.groups.get(k).held()).toList();
            s.out.warn("Standby [" + set.wire() + "]: " + stuck + " failed to stop here and stay here (`vigil resource"
                    + " cleanup` once the cause is fixed).");
            if (rest.isEmpty()) {
                s.out.info("Standby [" + set.wire() + "]: nothing else to hand over.");
                return;
            }
            ResourceSet narrower = s.groups.setOf(rest);
            if (!s.multi && s.groups.derive(narrower, s.me).stream().anyMatch(stuck::contains)) {
                // rsc_hold cannot leave them out, and a Heartbeat acceptor ignores groups=: it would start them too
                s.out.error("Standby [" + set.wire() + "] refused: " + rest + " cannot be handed over without "
                        + stuck + " (rsc_hold=" + narrower.wire() + " names them); clean those up first.");
                return;
            }
            set = s.multi ? set : narrower;
            moving = rest;
        }
        if (moving.isEmpty() && s.multi) {
            s.out.info("Standby [" + set.wire() + "]: we hold none of these resources; nothing to hand over.");
            return;
        }
        String peer = target != null ? target : Placement.acceptor(s, moving);
        if (peer == null) {
            s.out.info("No reply to standby request.  Standby request cancelled.");
            return;
        }
        x = new Exchange(peer, set, moving.isEmpty() ? List.copyOf(s.groups.derive(set, s.me)) : moving, Set.of(),
                Step.ME, s.now + REPLY_MS);
        s.out.info(s.me + " wants to go standby [" + set.wire() + "]");
        List<String> failback = List.of();
        if (why == Why.CONNECTIVITY) {
            // The groups that must come back once the counts are equal again: ours, and those adopted from a dead
            // preferred node (more nodes). Named, because the acceptor cannot tell from the counts: ours may be back
            // up by the time it reads our request (VM lab: one ping lost, the groups never came back).
            failback = x.groups.stream().filter(k -> s.groups.get(k).preferredBy(s.me) || s.groups.get(k).needsFailback)
                    .toList();
        }
        s.out.send(ask("me", failback));
    }

    /** A step of a peer's exchange with us. */
    void onAsk(Peer p, AskResources m, boolean overtakenByResource) {
        switch (m.info()) {
            case "me" -> asked(p, m);
            case "other" -> {
                if (x != null && x.step == Step.ME && x.peer.equals(p.name)) {
                    s.out.info("standby: " + p.name + " can take our " + x.set.wire() + " resources");
                    x.step = Step.STOPPING;
                    x.deadline = s.now + LIMIT_MS;
                    s.announcements.send(false, "standby");
                    s.out.info("give up " + x.set.wire() + " HA resources (standby).");
                    for (String k : x.groups) {
                        LocalGroup g = s.groups.get(k);
                        g.needsFailback = false;
                        s.groups.requestStop(g);
                    }
                }
            }
            case "done" -> {
                if (x == null || !x.peer.equals(p.name)) {
                    return;
                }
                if (x.step == Step.OTHER) {
                    acquire(p);
                } else if (x.step == Step.DONE) {
                    s.out.info("Other node completed standby takeover of " + x.set.wire() + " resources.");
                    // Its `resource` follows its `done` but may overtake it: a newer snapshot (which also says which
                    // of the groups failed to start there) is not overwritten. Otherwise assume what it acquired.
                    if (!overtakenByResource) {
                        p.holds.addAll(x.groups);
                    }
                    x = null;
                    s.announcements.pending(null);
                }
            }
            default -> { }
        }
    }

    private void asked(Peer p, AskResources m) {
        if (s.multi && m.dest().isEmpty()) {
            s.out.warn("standby message [me] from " + p.name + " ignored: not addressed to one node (more than two nodes).");
            return;
        }
        if (x != null && x.step == Step.OTHER && x.peer.equals(p.name)) {
            // a node runs one exchange at a time: asking again, it has given up the one we answered
            abandoned(p.name + " asks again");
        }
        if (!accepting(p.name)) {
            return;
        }
        if (!p.known()) {
            s.out.info("standby message [me] from " + p.name + " ignored.  Other side is in flux.");
            return;
        }
        List<String> moving = s.groups.known(m.groups().orElseGet(() -> List.copyOf(s.groups.derive(m.hold(), p.name))));
        x = new Exchange(p.name, m.hold(), moving, Set.copyOf(m.failback()), Step.OTHER, s.now + LIMIT_MS);
        noteCounts();
        s.out.info(p.name + " wants to go standby [" + m.hold().wire() + "]");
        s.out.send(ask("other", List.of()));
    }

    private void acquire(Peer p) {
        p.holds.removeAll(x.groups);
        s.out.info("standby: acquire [" + x.set.wire() + "] resources from " + p.name);
        s.out.info("acquire " + mirror(x.set).wire() + " HA resources (standby).");
        x.step = Step.ACQUIRING;
        // A connectivity hand-off whose cause went away while it ran (the requester's ping node answered again
        // before its done) is still one: its groups must go back once the counts are equal (VM lab, one ping lost).
        noteCounts();
        boolean connectivity = x.lessConnected;
        for (String k : x.groups) {
            LocalGroup g = s.groups.get(k);
            if (g.failedHere) {
                s.out.warn("standby: not acquiring " + k + ": it failed here before.");
                continue;
            }
            if (s.peers.heldByOtherThan(k, p.name)) {
                continue; // a third node runs it: not ours to start
            }
            // handed over for connectivity: named by the requester (Vigil), or (a Heartbeat peer's ipfail, which
            // names nothing) it belongs to the requester
            g.needsFailback = x.failback.contains(k) || (connectivity && g.preferredBy(p.name));
            g.restarts = 0;
            s.groups.requestStart(g);
        }
    }

    /** When the exchange times out, or {@link Long#MAX_VALUE}. */
    long deadline() {
        return x == null ? Long.MAX_VALUE : EngineState.later(Long.MAX_VALUE, x.deadline, s.now);
    }

    /** No answer in time, or the overall limit. */
    void checkTimeout() {
        if (x == null || s.now < x.deadline) {
            return;
        }
        if (x.step == Step.ME) {
            s.out.info("No reply to standby request.  Standby request cancelled.");
        } else {
            s.out.warn("Standby operation with " + x.peer + " timed out.  Standby request cancelled.");
        }
        x = null;
    }

    /** Moves on once our groups are stopped (requester) or started (acceptor). */
    void progress() {
        if (x == null) {
            return;
        }
        noteCounts();
        if (x.step == Step.STOPPING) {
            for (String k : x.groups) {
                if (s.groups.get(k).stopFailed()) {
                    // never `done`: the acceptor must not start a group that may still be active here
                    s.out.warn("Standby with " + x.peer + " cancelled: group " + k + " failed to stop here.");
                    x = null;
                    return;
                }
            }
            for (String k : x.groups) {
                LocalGroup g = s.groups.get(k);
                if (g.inFlight() || g.held()) {
                    return;
                }
            }
            s.out.info(x.set.wire() + " HA resource release completed (standby).");
            s.out.info("Local standby process completed [" + x.set.wire() + "].");
            x.step = Step.DONE;
            s.out.send(ask("done", List.of()));
        } else if (x.step == Step.ACQUIRING) {
            for (String k : x.groups) {
                if (s.groups.get(k).inFlight()) {
                    return;
                }
            }
            s.out.info(mirror(x.set).wire() + " HA resource acquisition completed (standby).");
            s.out.info("Standby resource acquisition done [" + x.set.wire() + "].");
            Peer from = s.peers.get(x.peer);
            if (s.connectivity.configured() && from != null && s.connectivity.of(from) > s.connectivity.mine()) {
                // Neither the connectivity rule nor a failback gives groups to a less connected node: an operator
                // did (standby there, takeover here). Giving them straight back would undo it and move them twice.
                s.connectivity.overruled(from);
            }
            s.out.send(ask("done", List.of()));
            x = null;
            s.logInitial("auto_failback");
        }
    }

    /** Acceptor waiting for the requester's done: whether it reaches fewer ping nodes than we do now. */
    private void noteCounts() {
        if (x != null && x.step == Step.OTHER && s.connectivity.configured()) {
            Peer p = s.peers.get(x.peer);
            x.lessConnected |= p != null && s.connectivity.of(p) < s.connectivity.mine();
        }
    }

    /**
     * A partner's {@code resource} that no later message of its overtook says {@code isstable=1}: it is in no exchange
     * (a node says {@code isstable=0} from its request to its end), so ours with it, if we still wait on its next
     * step, was given up on its side without a word.
     */
    void partnerStable(Peer p) {
        if (x == null || !x.peer.equals(p.name) || x.step == Step.ME || x.step == Step.ACQUIRING) {
            return; // ME: its answer may still come (10 s); ACQUIRING: ours to finish
        }
        if (x.step == Step.DONE) {
            // its done may come later (overtaken) or never (it gave up): either way its resource is what it holds now
            s.out.info("Standby operation with " + x.peer + " ended on its side: its resource state is current.");
            x = null;
        } else {
            abandoned(p.name + " says it is stable");
        }
    }

    private void abandoned(String why) {
        s.out.warn("Standby operation with " + x.peer + " abandoned on its side (" + why + ").  Standby request cancelled.");
        x = null;
    }

    /** The partner died, left or restarted. */
    void cancelWith(String node) {
        if (x != null && x.peer.equals(node)) {
            cancel();
        }
    }

    void cancel() {
        if (x != null) {
            s.out.info("Cancelling pending standby operation");
            x = null;
        }
    }

    private AskResources ask(String info, List<String> failback) {
        String requester = x.step.requester ? s.me : x.peer;
        boolean exact = s.multi || !Set.copyOf(x.groups).equals(s.groups.derive(x.set, requester));
        return new AskResources(x.set, info, exact ? Optional.of(x.groups) : Optional.empty(),
                s.multi ? Optional.of(x.peer) : Optional.empty(), failback);
    }

    static ResourceSet mirror(ResourceSet set) {
        return switch (set) {
            case LOCAL -> ResourceSet.FOREIGN;
            case FOREIGN -> ResourceSet.LOCAL;
            default -> set;
        };
    }
}
