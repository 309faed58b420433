package io.vigil.failover.sim;

import io.vigil.config.AutoFailback;
import io.vigil.config.StopFailurePolicy;
import io.vigil.failover.FailoverEvent.OperatorKind;
import io.vigil.failover.FailoverSettings;
import io.vigil.failover.GroupSpec;
import io.vigil.failover.ResourceSet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One seeded scenario: a random cluster, a random list of faults, the invariants checked after each. The seed
 * determines everything; {@link #run()} returns null or the first violation.
 */
final class Scenario {

    enum Kind {
        BOOT, CRASH, RESTART, SHUTDOWN, PARTITION, HEAL, PING, MONITOR, START_FAILS, STANDBY, TAKEOVER, RESTORE,
        /** A node's process stalls longer than the deadtime (now, or when a standby request reaches it). */
        STALL,
        /** A node reaches fewer ping nodes for a moment. */
        PING_BLIP
    }

    /** Largest figures measured over all runs, next to the bound they were checked against. */
    static final class Stats {
        final Map<String, long[]> max = new LinkedHashMap<>(); // name -> {measured, bound at that time}
        long runs;
        long faults;
        long virtualMs;
        /** Stops made to fail (the group must then stay on that node alone). */
        long stopFailures;

        synchronized void record(String name, long measured, long bound) {
            long[] cur = max.computeIfAbsent(name, k -> new long[] {-1, 0});
            if (measured > cur[0]) {
                cur[0] = measured;
                cur[1] = bound;
            }
        }
    }

    final long seed;
    final boolean verbose;
    final Stats stats;
    final Random gen;
    SimCluster c;
    FailoverSettings fs;
    long maxMsg;
    String failure;

    // observation state
    Kind kind;
    long epochStart;
    long convergedSince = -1;
    final Map<String, Long> doubleSince = new LinkedHashMap<>();
    /** Decides the stop failures, apart from {@code gen}. */
    private Random stopGen;
    boolean stopFailuresInjected;
    /** The fault of this epoch includes a failed stop. */
    boolean stopFailedInEpoch;
    final Map<String, String> lastHolder = new LinkedHashMap<>();
    final Map<String, Integer> moves = new LinkedHashMap<>();
    final Map<String, List<String>> prevUp = new LinkedHashMap<>();
    boolean operatorFamily;
    boolean failuresInjected;
    /** The longest stall of this epoch (its bound grows by it). */
    long stallMs;

    Scenario(long seed, boolean verbose, Stats stats) {
        this.seed = seed;
        this.verbose = verbose;
        this.stats = stats;
        this.gen = new Random(seed * 0x9E3779B97F4A7C15L + 1);
    }

    String run() {
        int n = pick(new int[] {2, 2, 2, 2, 3, 3, 4, 5, 6, 8});
        List<String> nodes = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            nodes.add("node" + i);
        }
        int g = 1 + gen.nextInt(4);
        List<GroupSpec> groups = new ArrayList<>();
        for (int i = 0; i < g; i++) {
            groups.add(new GroupSpec("192.0.2." + (10 + i), nodes.get(gen.nextInt(n))));
        }
        AutoFailback af = n == 2 && gen.nextInt(10) == 0 ? AutoFailback.LEGACY
                : gen.nextBoolean() ? AutoFailback.ON : AutoFailback.OFF;
        long keepalive = pick(new int[] {200, 500, 1000, 1000});
        long deadtime = keepalive * (3 + gen.nextInt(6));
        long initdead = deadtime * 2;
        boolean legacy = af == AutoFailback.LEGACY;
        boolean fencing = gen.nextInt(4) == 0;
        int pings = !legacy && gen.nextInt(4) == 0 ? 1 + gen.nextInt(3) : 0;
        int restarts = gen.nextInt(3);
        // drawn apart from `gen`, so the scenarios of earlier seeds stay as they were
        stopGen = new Random(seed * 31 + 7);
        StopFailurePolicy onStopFailure = fencing && stopGen.nextBoolean() ? StopFailurePolicy.FENCE
                : stopGen.nextBoolean() ? StopFailurePolicy.REBOOT : StopFailurePolicy.BLOCK;
        fs = SimCluster.settings(nodes, groups, af, keepalive, deadtime, initdead, fencing, restarts, pings,
                onStopFailure);
        SimCluster.Net net = new SimCluster.Net(1 + gen.nextInt(30), gen.nextInt(3) == 0 ? gen.nextDouble() * 0.05 : 0,
                gen.nextInt(3) == 0 ? 0.03 : 0);
        SimCluster.Res res = new SimCluster.Res(20 + gen.nextInt(gen.nextInt(5) == 0 ? 3000 : 400), 20 + gen.nextInt(400),
                4000, 100);
        maxMsg = net.maxDelayMs() * 2L + SimCluster.REXMIT_MS;
        operatorFamily = !legacy && gen.nextInt(4) == 0;
        c = new SimCluster(seed, fs, net, res, verbose, cl -> observe());
        c.log("sim", "seed " + seed + ": " + n + " nodes, groups " + groups + ", auto_failback " + af + ", keepalive "
                + keepalive + " deadtime " + deadtime + " initdead " + initdead + ", fencing " + fencing + ", pings "
                + pings + ", restarts " + restarts + ", on-stop-failure " + onStopFailure + ", " + net + ", " + res);

        startEpoch(Kind.BOOT);
        for (String node : nodes) {
            long at = gen.nextInt(2000);
            c.at(at, () -> c.boot(node));
        }
        if (!settle(bound(Kind.BOOT))) {
            return failure;
        }
        int faults = operatorFamily ? 2 + gen.nextInt(3) : 1 + gen.nextInt(4);
        for (int i = 0; i < faults && failure == null; i++) {
            Kind k = operatorFamily ? operatorFault() : fault();
            if (k == null) {
                continue;
            }
            stats.faults++;
            if (!settle(bound(k))) {
                return failure;
            }
        }
        // Restore everything and check where the groups end up.
        if (!c.connected()) {
            startEpoch(Kind.HEAL);
            c.heal();
            if (!settle(bound(Kind.HEAL))) {
                return failure;
            }
        }
        startEpoch(Kind.RESTORE);
        for (SimCluster.Node node : c.byName.values()) {
            c.cleanup(node.name);
            if (!node.up) {
                c.boot(node.name);
            }
            if (fs.pingNodeCount() > 0 && node.ping != fs.pingNodeCount()) {
                c.setPing(node.name, fs.pingNodeCount());
            }
        }
        if (!settle(bound(Kind.RESTORE))) {
            return failure;
        }
        checkSettled();
        checkFinalPlacement();
        stats.virtualMs += c.now;
        return failure;
    }

    // ---------------------------------------------------------------- faults

    private Kind fault() {
        List<String> up = up();
        List<String> down = new ArrayList<>(c.nodes);
        down.removeAll(up);
        boolean legacy = fs.autoFailback() == AutoFailback.LEGACY;
        for (int attempt = 0; attempt < 10; attempt++) {
            switch (gen.nextInt(11)) {
                case 0, 1 -> {
                    if (up.size() >= 2 || (up.size() == 1 && gen.nextInt(4) == 0)) {
                        String x = any(up);
                        startEpoch(Kind.CRASH);
                        c.crash(x);
                        return Kind.CRASH;
                    }
                }
                case 2 -> {
                    if (!down.isEmpty()) {
                        startEpoch(Kind.RESTART);
                        c.boot(any(down));
                        return Kind.RESTART;
                    }
                }
                case 3 -> {
                    List<String> candidates = new ArrayList<>(up);
                    if (fs.onStopFailure() == StopFailurePolicy.BLOCK && !fs.fencing() && !c.connected()) {
                        // documented hazard, not simulated: stopping vigil with a group stop-failed here (block, no
                        // fencing) while partitioned: the other side, which took the group over and never heard
                        // stopfailed=, keeps running it after the heal. Connected, the peers heard the marker and leave
                        // the group alone (checked by (s))
                        candidates.removeIf(x -> c.byName.get(x).core.failoverView().groups()
                                .containsValue(io.vigil.failover.GroupState.STOP_FAILED));
                    }
                    if (up.size() >= 2 && !candidates.isEmpty()) {
                        startEpoch(Kind.SHUTDOWN);
                        c.shutdown(any(candidates));
                        return Kind.SHUTDOWN;
                    }
                }
                case 4 -> {
                    if (c.connected() && up.size() >= 2) {
                        Map<String, Integer> comp = new LinkedHashMap<>();
                        for (String x : c.nodes) {
                            comp.put(x, gen.nextInt(2));
                        }
                        comp.put(up.get(0), 0);
                        comp.put(up.get(1), 1);
                        startEpoch(Kind.PARTITION);
                        c.partition(comp);
                        return Kind.PARTITION;
                    }
                    if (!c.connected()) {
                        startEpoch(Kind.HEAL);
                        c.heal();
                        return Kind.HEAL;
                    }
                }
                case 5 -> {
                    if (fs.pingNodeCount() > 0 && !up.isEmpty()) {
                        String x = any(up);
                        int count = gen.nextInt(fs.pingNodeCount() + 1);
                        startEpoch(Kind.PING);
                        c.setPing(x, count);
                        return Kind.PING;
                    }
                }
                case 6 -> {
                    if (!legacy) {
                        for (String x : up) {
                            for (GroupSpec g : fs.groups()) {
                                if (c.upOn(g.key()).contains(x) && gen.nextBoolean()) {
                                    startEpoch(Kind.MONITOR);
                                    failuresInjected = true;
                                    if (stopGen.nextInt(3) == 0) {
                                        // and the stop that follows fails: the group must stay only here
                                        c.byName.get(x).brokenStop.add(g.key());
                                        stopFailuresInjected = true;
                                        stopFailedInEpoch = true;
                                        synchronized (stats) {
                                            stats.stopFailures++;
                                        }
                                    }
                                    c.monitorFail(x, g.key());
                                    return Kind.MONITOR;
                                }
                            }
                        }
                    }
                }
                case 7 -> {
                    if (!legacy && up.size() >= 2) {
                        // the holder of a group crashes and the next candidate cannot start it (fails or hangs)
                        GroupSpec g = fs.groups().get(gen.nextInt(fs.groups().size()));
                        List<String> holders = c.upOn(g.key());
                        if (holders.size() == 1) {
                            String victim = holders.get(0);
                            List<String> others = new ArrayList<>(up);
                            others.remove(victim);
                            SimCluster.Node bad = c.byName.get(any(others));
                            if (gen.nextBoolean()) {
                                bad.brokenStart.add(g.key());
                            } else {
                                bad.hangingStart.add(g.key());
                            }
                            failuresInjected = true;
                            startEpoch(Kind.START_FAILS);
                            c.crash(victim);
                            return Kind.START_FAILS;
                        }
                    }
                }
                case 9 -> {
                    if (up.size() >= 2 && c.connected()) {
                        long ms = fs.deadtimeMs() + fs.keepaliveMs() + gen.nextInt((int) fs.deadtimeMs());
                        if (!down.isEmpty() && fs.autoFailback() == AutoFailback.ON && gen.nextBoolean()) {
                            // a node comes back and stalls when the failback's request reaches it (VM lab, story)
                            String x = any(down);
                            startEpoch(Kind.STALL);
                            stallMs = ms;
                            c.boot(x);
                            c.stallOnRequest(x, ms);
                        } else {
                            startEpoch(Kind.STALL);
                            stallMs = ms;
                            c.stall(any(up), ms);
                        }
                        return Kind.STALL;
                    }
                }
                case 10 -> {
                    if (fs.pingNodeCount() > 0 && !up.isEmpty()) {
                        String x = any(up);
                        int before = c.byName.get(x).ping;
                        if (before > 0) {
                            // lost for a moment: shorter or longer than the delayed hand-off (2 keepalives), or back while
                            // the hand-off it caused runs
                            long ms = fs.keepaliveMs() / 2 + gen.nextInt((int) (4 * fs.keepaliveMs()));
                            startEpoch(Kind.PING_BLIP);
                            int lower = gen.nextInt(before);
                            if (gen.nextBoolean()) {
                                c.setPing(x, lower);
                                c.at(c.now + ms, () -> c.setPing(x, before));
                            } else {
                                // back while the hand-off runs, or after a while if there is none (VM lab, upgrade)
                                c.pingBackOnRequest(x, before);
                                c.setPing(x, lower);
                                c.at(c.now + 10 * fs.keepaliveMs() + ms, () -> {
                                    c.byName.get(x).pingBackOnRequest = -1;
                                    c.setPing(x, before);
                                });
                            }
                            return Kind.PING_BLIP;
                        }
                    }
                }
                default -> {
                    if (!legacy && up.size() >= 2 && c.connected()) {
                        return operatorFault();
                    }
                }
            }
        }
        return null;
    }

    private Kind operatorFault() {
        List<String> up = up();
        if (up.size() < 2 || !c.connected()) {
            return null;
        }
        String x = any(up);
        ResourceSet set = ResourceSet.values()[1 + gen.nextInt(3)];
        boolean takeover = c.nodes.size() == 2 && gen.nextBoolean();
        Kind k = takeover ? Kind.TAKEOVER : Kind.STANDBY;
        startEpoch(k);
        // expected movers: groups of the set (relative to x) held by x (standby) or by the other node (takeover)
        List<String> moving = new ArrayList<>();
        for (GroupSpec g : fs.groups()) {
            boolean local = g.preferredNode().equals(x);
            boolean inSet = local ? set.hasLocal() : set.hasForeign();
            List<String> holders = c.upOn(g.key());
            // a group whose stop failed on its holder stays there (never released): it does not move
            if (inSet && holders.size() == 1 && (takeover != holders.get(0).equals(x)) && c.stopFailedOn(g.key()).isEmpty()) {
                moving.add(g.key());
            }
        }
        if (c.nodes.size() == 2 && refusedForStopFailed(x, set, takeover, moving)) {
            moving = List.of(); // refused at once: rsc_hold cannot leave the stop-failed group out (docs/failover.md)
        }
        operatorUsed = true; // standby/takeover moves are sticky: (c) does not apply any more
        operatorStart = c.now;
        operatorMoving = moving;
        operatorTarget = takeover ? x : null;
        operatorFrom = takeover ? null : x;
        c.operator(x, takeover ? OperatorKind.TAKEOVER : OperatorKind.STANDBY, set);
        return k;
    }

    /**
     * Two nodes: the holder's request names its groups by rsc_hold alone (local/foreign relative to it), and a Heartbeat
     * acceptor starts every group of that set; so a standby whose narrowest set still names a group stop-failed on
     * the holder is refused, and nothing moves.
     */
    private boolean refusedForStopFailed(String x, ResourceSet set, boolean takeover, List<String> moving) {
        String holder = takeover ? c.nodes.stream().filter(n -> !n.equals(x)).findFirst().orElseThrow() : x;
        Map<String, io.vigil.failover.GroupState> states = c.byName.get(holder).core.failoverView().groups();
        boolean local = false;
        boolean foreign = false;
        for (String k : moving) {
            boolean preferred = fs.groups().stream().anyMatch(g -> g.key().equals(k) && g.preferredNode().equals(holder));
            local |= preferred;
            foreign |= !preferred;
        }
        for (GroupSpec g : fs.groups()) {
            boolean inSet = g.preferredNode().equals(x) ? set.hasLocal() : set.hasForeign();
            boolean named = g.preferredNode().equals(holder) ? local : foreign;
            if (inSet && named && states.get(g.key()) == io.vigil.failover.GroupState.STOP_FAILED) {
                return true;
            }
        }
        return false;
    }

    boolean operatorUsed;
    long operatorStart;
    List<String> operatorMoving = List.of();
    String operatorTarget;
    String operatorFrom;
    long operatorDone = -1;

    // ---------------------------------------------------------------- observation and invariants

    private void startEpoch(Kind k) {
        kind = k;
        stallMs = 0;
        epochStart = c.now;
        falseDeathsBefore = c.falseDeaths;
        stopFailedInEpoch = false;
        moves.clear();
        convergedSince = converged() ? c.now : -1;
        operatorMoving = List.of();
        operatorDone = -1;
        snapshot = new LinkedHashMap<>();
        for (GroupSpec g : fs.groups()) {
            snapshot.put(g.key(), c.upOn(g.key()));
        }
    }

    Map<String, List<String>> snapshot = new LinkedHashMap<>();
    int falseDeathsBefore;

    /** Nodes declared dead while up and reachable during this epoch (the loss model dropped their status packets). */
    private int falseDeathsInEpoch() {
        return c.falseDeaths - falseDeathsBefore;
    }

    /**
     * A false death is a fault of its own, which the bounds of the epoch's fault do not cover: a one-pair partition
     * that heals at the next status packet (resolved like a heal) or, with fencing, the crash of the fenced node.
     */
    private long falseDeathBound() {
        return Math.max(bound(Kind.HEAL), bound(Kind.CRASH));
    }

    /** Called on every change of resource state anywhere. */
    private void observe() {
        if (failure != null) {
            return;
        }
        long boundA = boundDouble();
        for (GroupSpec g : fs.groups()) {
            String k = g.key();
            List<String> active = c.activeOn(k);
            List<String> stuck = c.stopFailedOn(k);
            // taken over while connected (not a partition being resolved, nor a false death): never allowed
            // (stop-failed on two nodes: both copies were started while partitioned, see below)
            if (stuck.size() == 1 && active.size() >= 2 && c.connected() && falseDeathsInEpoch() == 0
                    && doubleSince.get(k) == null && kind != Kind.HEAL) {
                fail("(s) group " + k + " is active on " + active + " while its stop failed on " + stuck
                        + " (on-stop-failure " + fs.onStopFailure() + ")");
                return;
            }
            Long since = doubleSince.get(k);
            if (stuck.size() >= 2) {
                // stop-failed on two nodes (both sides of a partition): no node can stop either copy, only the
                // operator's cleanup (the final restore) can; the engine must not fight over it
                doubleSince.remove(k);
            } else if (active.size() >= 2 && c.connected()) {
                if (since == null) {
                    doubleSince.put(k, c.now);
                }
            } else if (since != null) {
                doubleSince.remove(k);
                long d = c.now - since;
                stats.record("(a) double ownership while connected, ms", d, boundA);
                if (d > boundA) {
                    fail("(a) group " + k + " was active on two nodes for " + d + " ms while connected (bound " + boundA + ")");
                }
            }
            List<String> upNow = c.upOn(k);
            List<String> before = prevUp.getOrDefault(k, List.of());
            for (String x : upNow) {
                String last = lastHolder.get(k);
                if (!before.contains(x)) {
                    if (last != null && !x.equals(last)) {
                        moves.merge(k, 1, Integer::sum);
                    }
                    lastHolder.put(k, x);
                }
            }
            prevUp.put(k, upNow);
        }
        boolean conv = converged();
        if (conv && convergedSince < 0) {
            convergedSince = c.now;
        } else if (!conv) {
            convergedSince = -1;
        }
        if (!operatorMoving.isEmpty() && operatorDone < 0) {
            boolean done = true;
            for (String k : operatorMoving) {
                List<String> h = c.upOn(k);
                if (h.size() != 1 || (operatorTarget != null ? !h.get(0).equals(operatorTarget) : h.get(0).equals(operatorFrom))) {
                    done = false;
                }
            }
            if (done) {
                operatorDone = c.now;
            }
        }
    }

    /** A partition heals: double ownership is measured from now on. */
    private boolean converged() {
        if (!c.connected()) {
            return false;
        }
        for (GroupSpec g : fs.groups()) {
            boolean someoneCan = false;
            for (String x : up()) {
                if (!c.failedOn(x, g.key()) && !c.byName.get(x).brokenStart.contains(g.key())
                        && !c.byName.get(x).hangingStart.contains(g.key())) {
                    someoneCan = true;
                }
            }
            if (c.stopFailedOn(g.key()).size() >= 2) {
                continue; // left to the operator (see observe)
            }
            if (markedOnDownNode(g.key())) {
                // its peers never start it while its marker stands (they may not have heard it: a partition)
                if (c.activeOn(g.key()).size() > 1) {
                    return false;
                }
                continue;
            }
            if (someoneCan && (c.upOn(g.key()).size() != 1 || c.activeOn(g.key()).size() != 1)) {
                return false;
            }
            if (!someoneCan && c.activeOn(g.key()).size() > 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * vigil.on-stop-failure=block without fencing: a node that held the group stop-failed (stopfailed= in its resource
     * messages) went down. Its peers cannot tell a crash from a partition: the group stays down until it comes back
     * (docs/failover.md, "Stop failures"), unless they never heard the marker.
     */
    private boolean markedOnDownNode(String key) {
        return fs.onStopFailure() == StopFailurePolicy.BLOCK && !fs.fencing() && !c.downStopFailed(key).isEmpty();
    }

    /** Runs the epoch to its end and checks it. */
    private boolean settle(long bound) {
        observe();
        if (kind == Kind.HEAL) {
            for (GroupSpec g : fs.groups()) {
                if (c.activeOn(g.key()).size() >= 2) {
                    doubleSince.put(g.key(), c.now);
                }
            }
        } else if (kind == Kind.PARTITION) {
            doubleSince.clear();
        }
        long end = epochStart + bound + 3000;
        c.runUntil(end);
        while (falseDeathsInEpoch() > 0 && c.lastFalseDeathAt + falseDeathBound() + 3000 > end && failure == null) {
            end = c.lastFalseDeathAt + falseDeathBound() + 3000;
            c.runUntil(end);
        }
        if (failure != null) {
            return false;
        }
        observe();
        for (Map.Entry<String, Long> e : doubleSince.entrySet()) {
            long d = c.now - e.getValue();
            if (d > boundDouble()) {
                fail("(a) group " + e.getKey() + " still active on " + c.activeOn(e.getKey()) + " after " + d + " ms while connected");
                return false;
            }
        }
        if (c.connected()) { // during a partition each side holds everything: checked by (a) after the heal
            boolean conv = converged();
            if (!conv) {
                fail("(b) not converged " + (c.now - epochStart) + " ms after " + kind + ": " + holders());
                return false;
            }
            long t = Math.max(0, convergedSince - epochStart);
            long lastFalseDeath = -1; // the last one before the cluster converged
            for (long f : c.falseDeathTimes) {
                if (f >= epochStart && f <= convergedSince) {
                    lastFalseDeath = f;
                }
            }
            boolean withinFalseDeathBound = false;
            if (lastFalseDeath >= 0) {
                long tf = convergedSince - lastFalseDeath;
                stats.record("(b) time to single ownership after a false death, ms", tf, falseDeathBound());
                withinFalseDeathBound = tf <= falseDeathBound();
            }
            if (!withinFalseDeathBound) {
                stats.record("(b) time to single ownership after " + kind + ", ms", t, bound);
            }
            if (t > bound && !withinFalseDeathBound) {
                fail("(b) converged only " + t + " ms after " + kind + " (bound " + bound + ")");
                return false;
            }
        }
        for (Map.Entry<String, Integer> e : moves.entrySet()) {
            stats.record("(d) moves of one group after one fault", e.getValue(), 1);
            // a false death, like a partition, may add one move (undone without a move when the next status arrives);
            // a ping blip is two faults: the count drops (a hand-off) and comes back (the failback);
            // a failed stop ending in a reboot or a fence is a crash and a restart: the group may come back (failback)
            int rebooted = stopFailedInEpoch && fs.onStopFailure() != StopFailurePolicy.BLOCK ? 1 : 0;
            int allowed = (kind == Kind.PING_BLIP ? 2 : 1) + rebooted + falseDeathsInEpoch();
            if (e.getValue() > allowed && kind != Kind.PARTITION) {
                fail("(d) group " + e.getKey() + " moved " + e.getValue() + " times after one " + kind);
                return false;
            }
        }
        if (fs.autoFailback() == AutoFailback.OFF && kind == Kind.RESTART && falseDeathsInEpoch() == 0) {
            for (Map.Entry<String, List<String>> e : snapshot.entrySet()) {
                for (String x : e.getValue()) {
                    if (c.byName.get(x).up && !c.upOn(e.getKey()).contains(x) && !betterConnected(c.upOn(e.getKey()), x)) {
                        fail("(c) auto_failback off: group " + e.getKey() + " left " + x + " when a node restarted");
                        return false;
                    }
                }
            }
        }
        if ((kind == Kind.STANDBY || kind == Kind.TAKEOVER) && !operatorMoving.isEmpty() && eligibleAcceptor()) {
            long be = boundOperator();
            if (operatorDone < 0) {
                fail("(e) operator " + kind + " did not move " + operatorMoving + ": " + holders());
                return false;
            }
            stats.record("(e) operator standby/takeover, ms", operatorDone - operatorStart, be);
            if (operatorDone - operatorStart > be) {
                fail("(e) operator " + kind + " took " + (operatorDone - operatorStart) + " ms (bound " + be + ")");
                return false;
            }
        }
        return failure == null;
    }

    /**
     * The connectivity rule (docs/failover.md, ipfail built in) hands a node's groups to a peer that reaches more ping
     * nodes, also when that peer has just restarted: such a move is not a failback.
     */
    private boolean betterConnected(List<String> holders, String from) {
        return fs.pingNodeCount() > 0 && holders.size() == 1
                && c.byName.get(holders.get(0)).ping > c.byName.get(from).ping;
    }

    private boolean eligibleAcceptor() {
        for (String k : operatorMoving) {
            for (String x : up()) {
                if (!x.equals(operatorFrom) && (operatorTarget == null || x.equals(operatorTarget))
                        && (c.failedOn(x, k) || c.byName.get(x).brokenStart.contains(k) || c.byName.get(x).hangingStart.contains(k))) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * (f) Liveness: once the faults have stopped and the network is whole, no node is still in transition (an
     * operation, a standby exchange, start-up) when the restore's bound is over. A node left waiting on an exchange
     * its partner had given up reported `transition` for Heartbeat's 1 h standby limit (VM lab, failback after a
     * false death).
     */
    private void checkSettled() {
        if (failure != null) {
            return;
        }
        for (SimCluster.Node n : c.byName.values()) {
            if (n.up && n.core.failoverView().transition()) {
                fail("(f) " + n.name + " still in transition after the faults stopped: " + n.core.failoverView());
                return;
            }
        }
    }

    private void checkFinalPlacement() {
        if (failure != null || fs.autoFailback() == AutoFailback.OFF || operatorUsed) {
            return;
        }
        for (GroupSpec g : fs.groups()) {
            String p = g.preferredNode();
            SimCluster.Node pn = c.byName.get(p);
            if (!pn.up || c.failedOn(p, g.key()) || pn.brokenStart.contains(g.key()) || pn.hangingStart.contains(g.key())
                    || failuresInjected) {
                continue;
            }
            if (!c.upOn(g.key()).equals(List.of(p))) {
                fail("(c) auto_failback " + fs.autoFailback() + ": group " + g.key() + " is on " + c.upOn(g.key())
                        + ", not on its preferred node " + p);
                return;
            }
        }
    }

    // ---------------------------------------------------------------- bounds

    long boundDouble() {
        // heal detected at the next status (keepalive, maybe one lost), announcements, one stop; the holder that releases
        // may be in the middle of a start (an orphan taken at the heal before the other side was heard), which runs to
        // its end first: a hanging one until its timeout, once such starts were injected (seed 101)
        long startInFlight = failuresInjected ? Math.max(c.res.maxStartMs(), c.res.hangTimeoutMs()) : c.res.maxStartMs();
        return fs.deadtimeMs() + 2 * fs.keepaliveMs() + startInFlight + c.res.maxStopMs() + 4 * maxMsg
                + 2 * SimCluster.TIMER_SLACK_MS;
    }

    long boundOperator() {
        // ask_resources me / other / done: one round trip and a half, then stop and start
        return 3 * maxMsg + c.res.maxStopMs() + c.res.maxStartMs() + 2 * SimCluster.TIMER_SLACK_MS;
    }

    long bound(Kind k) {
        long start = Math.max(c.res.maxStartMs(), c.res.hangTimeoutMs());
        long stop = c.res.maxStopMs();
        long detect = fs.deadtimeMs() + fs.keepaliveMs() + 2 * SimCluster.TIMER_SLACK_MS + maxMsg;
        long slack = 6 * maxMsg + 2 * fs.keepaliveMs();
        return switch (k) {
            case BOOT -> 2000 + fs.initdeadMs() + 2000 + start + slack;
            // once starts that fail or hang were injected, the next node may be such a one (START_FAILS's bound)
            case CRASH -> detect + c.res.fenceMs() + (failuresInjected ? 2 * start + stop : c.res.maxStartMs()) + slack;
            case START_FAILS -> detect + c.res.fenceMs() + 2 * start + stop + slack;
            case HEAL -> boundDouble() + start + stop + slack + refusedExchangeRetry();
            // the stall, then what follows a partition's heal, after whatever the stall interrupted (a restart)
            case STALL -> stallMs + bound(Kind.HEAL) + fs.initdeadMs() + detect + 2 * (start + stop) + slack;
            default -> fs.initdeadMs() + detect + 2 * (start + stop) + slack;
        };
    }

    /**
     * After a heal, a failback or connectivity hand-off may be asked of a peer that is still resolving the split brain
     * (stopping a group): as in Heartbeat it ignores the request without a word ("local resources in flux") and the
     * requester retries after the 10 s standby reply timeout, then the group moves (stop, start, three messages).
     */
    private long refusedExchangeRetry() {
        boolean exchanges = fs.autoFailback() == AutoFailback.ON || fs.pingNodeCount() > 0;
        return exchanges ? 10_000 + c.res.maxStopMs() + Math.max(c.res.maxStartMs(), c.res.hangTimeoutMs()) + 3 * maxMsg
                : 0;
    }

    // ---------------------------------------------------------------- helpers

    private String holders() {
        StringBuilder b = new StringBuilder();
        for (GroupSpec g : fs.groups()) {
            b.append(g.key()).append("@").append(c.upOn(g.key())).append("/active").append(c.activeOn(g.key())).append(' ');
        }
        return b.toString();
    }

    private void fail(String what) {
        if (failure == null) {
            failure = what + " [t=" + c.now + " ms]";
        }
    }

    private List<String> up() {
        List<String> r = new ArrayList<>();
        for (SimCluster.Node n : c.byName.values()) {
            if (n.up) {
                r.add(n.name);
            }
        }
        return r;
    }

    private String any(List<String> l) {
        return l.get(gen.nextInt(l.size()));
    }

    private int pick(int[] a) {
        return a[gen.nextInt(a.length)];
    }
}
