package io.vigil.failover.sim;

import io.vigil.config.AutoFailback;
import io.vigil.failover.FailoverEvent;
import io.vigil.failover.FailoverSettings;
import io.vigil.failover.GroupSpec;
import io.vigil.failover.GroupState;
import io.vigil.membership.MembershipSettings;
import io.vigil.membership.NodeStatus;
import io.vigil.node.NodeCore;
import io.vigil.node.NodeEffects;
import io.vigil.node.NodeSettings;
import io.vigil.node.Transition;
import io.vigil.wire.Message;
import io.vigil.wire.PeerIncarnation;
import io.vigil.wire.SendHistory;

import java.lang.System.Logger.Level;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * A cluster of real {@link NodeCore}s (sequencing, membership and failover wired as the daemon wires them) on a
 * simulated network and simulated resources, on virtual time. Everything random comes from one seeded {@link Random}: a seed replays exactly.
 */
final class SimCluster {

    /** Network behaviour. {@code lossPct}: status packets are lost; other packets are retransmitted late (Heartbeat's rexmit). */
    record Net(int maxDelayMs, double loss, double dup) {
    }

    /** Resource behaviour. */
    record Res(int maxStartMs, int maxStopMs, int hangTimeoutMs, int fenceMs) {
    }

    static final int REXMIT_MS = 300;
    /** ha.cf max_rexmit_delay (Heartbeat's default). */
    static final long MAX_REXMIT_DELAY_MS = 250;
    static final String LINK = "eth0";

    final Random rnd;
    final FailoverSettings base;
    final List<String> nodes;
    final List<GroupSpec> groups;
    final Net net;
    final Res res;
    /** How late a timer may fire after the deadline it was armed for (ms): the daemon's one-shot timers are exact. */
    static final long TIMER_SLACK_MS = 1;
    long now;
    long events;
    private long seqNo;
    private final PriorityQueue<Ev> queue = new PriorityQueue<>();
    final Map<String, Node> byName = new LinkedHashMap<>();
    /** Partition: component id per node; messages flow only within a component. */
    final Map<String, Integer> component = new LinkedHashMap<>();
    final Deque<String> trace = new ArrayDeque<>();
    /** Nodes declared dead by a peer while up and reachable (status packets lost in a row), and the last time. */
    int falseDeaths;
    long lastFalseDeathAt = -1;
    final List<Long> falseDeathTimes = new ArrayList<>();
    final boolean verbose;
    final Observer observer;

    interface Observer {
        void holdersChanged(SimCluster c);
    }

    private record Ev(long at, long order, Runnable action) implements Comparable<Ev> {
        @Override
        public int compareTo(Ev o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
        }
    }

    /** Resource state of one group on one node, as the machine sees it (ground truth). */
    enum Rs { DOWN, STARTING, UP, STOPPING }

    final class Node {
        final String name;
        boolean up;
        int incarnation;
        long generation;
        long seq;
        /** What this incarnation sent, by sequence number (Heartbeat keeps the last 500 for retransmissions). */
        final Map<Long, Message> sent = new HashMap<>();
        /** What the node keeps of its peers' incarnations on its disk: it survives reboots, as peer_generations. */
        final Map<String, PeerIncarnation> kept = new HashMap<>();
        NodeCore core;
        final Map<String, Rs> rs = new LinkedHashMap<>();
        final Set<String> brokenStart = new HashSet<>();
        final Set<String> hangingStart = new HashSet<>();
        /** Groups whose stop fails here: they stay active (the machine's truth) until the node is powered off. */
        final Set<String> brokenStop = new HashSet<>();
        /**
         * Groups its daemon held stop-failed when the machine went down: its peers may have heard so (stopfailed=)
         * and then, without fencing, leave them down until it comes back.
         */
        final Set<String> stopFailedAtCrash = new HashSet<>();
        int ping;
        int announces;
        long bootedAt;
        /** The core's deadline the node's one timer is armed for; when its queued event comes, and its token. */
        long timerAt = Long.MAX_VALUE;
        long eventAt = Long.MAX_VALUE;
        long timerToken;
        /** The process is stalled (a JVM pause, a descheduled VM) until then: its inputs wait, in order. */
        long frozenUntil;
        /** Stall for this long when the next standby request (ask_resources info=me) reaches the node; 0: no. */
        long stallOnRequestMs;
        /** Reach this many ping nodes again just after the node sends its next standby request; -1: no. */
        int pingBackOnRequest = -1;
        /** This incarnation's inputs as transcript commands (when recording), and those of earlier incarnations. */
        List<String> inputs;
        final List<List<String>> transcripts = new ArrayList<>();

        Node(String name) {
            this.name = name;
            for (GroupSpec g : groups) {
                rs.put(g.key(), Rs.DOWN);
            }
        }

    }

    SimCluster(long seed, FailoverSettings base, Net net, Res res, boolean verbose, Observer observer) {
        this.rnd = new Random(seed);
        this.base = base;
        this.nodes = base.nodes();
        this.groups = base.groups();
        this.net = net;
        this.res = res;
        this.verbose = verbose;
        this.observer = observer;
        for (String n : nodes) {
            byName.put(n, new Node(n));
            component.put(n, 0);
        }
    }

    // ---------------------------------------------------------------- scheduling

    void at(long t, Runnable r) {
        queue.add(new Ev(Math.max(t, now), seqNo++, r));
    }

    void runUntil(long t) {
        while (!queue.isEmpty() && queue.peek().at <= t) {
            Ev e = queue.poll();
            now = e.at;
            events++;
            e.action.run();
        }
        now = t;
    }

    void log(String node, String text) {
        if (!verbose) {
            return; // a failing seed is replayed verbosely
        }
        String line = String.format("%8d %-6s %s", now, node, text);
        trace.addLast(line);
        if (trace.size() > Integer.getInteger("vigil.sim.traceLines", 300)) {
            trace.removeFirst();
        }
    }

    /** Notes an input of a node's core as a transcript command, when recording (a verbose replay). */
    private void record(Node n, String command) {
        if (n.inputs != null) {
            n.inputs.add("@" + now + " " + command);
        }
    }

    /** Writes one transcript per node incarnation into {@code dir}, each replaying what that node's core was fed. */
    void dumpTranscripts(java.nio.file.Path dir, List<String> header) throws java.io.IOException {
        for (Node n : byName.values()) {
            for (int i = 0; i < n.transcripts.size(); i++) {
                List<String> comments = new ArrayList<>(header);
                comments.add(n.name + ", incarnation " + (i + 1) + " (dumped by FailoverSimulationTest)");
                io.vigil.failover.transcript.TranscriptWriter.write(dir.resolve(n.name + "-" + (i + 1) + ".txt"),
                        comments, n.transcripts.get(i));
            }
        }
    }

    // ---------------------------------------------------------------- node life

    void boot(String name) {
        Node n = byName.get(name);
        if (n.up) {
            return;
        }
        n.up = true;
        n.stopFailedAtCrash.clear();
        n.incarnation++;
        n.generation++;
        n.seq = 0;
        n.sent.clear();
        n.bootedAt = now;
        n.frozenUntil = 0;
        n.ping = base.pingNodeCount();
        n.rs.replaceAll((k, v) -> Rs.DOWN);
        log(name, "== boot (generation " + n.generation + ")");
        FailoverSettings fs = new FailoverSettings(name, base.nodes(), base.groups(), base.autoFailback(),
                base.keepaliveMs(), base.deadtimeMs(), base.initdeadMs(), base.fencing(), base.monitorRestarts(),
                base.pingNodeCount(), base.onStopFailure());
        MembershipSettings ms = new MembershipSettings(name, nodes, List.of(), List.of(LINK), base.keepaliveMs(),
                base.deadtimeMs(), base.deadtimeMs() / 2, base.initdeadMs(), base.deadtimeMs(), MAX_REXMIT_DELAY_MS);
        int inc = n.incarnation;
        long randomSeed = rnd.nextLong();
        n.core = new NodeCore(new NodeSettings(ms, fs, MAX_REXMIT_DELAY_MS), now, new Random(randomSeed),
                new Effects(n, inc));
        n.core.restorePeers(n.kept.values());
        if (verbose) {
            n.inputs = new ArrayList<>();
            n.transcripts.add(n.inputs);
            StringBuilder groupsArg = new StringBuilder();
            for (GroupSpec g : groups) {
                groupsArg.append(groupsArg.isEmpty() ? "" : ",").append(g.key()).append('@').append(g.preferredNode());
            }
            n.inputs.add("node " + name + " nodes=" + String.join(",", nodes) + " groups=" + groupsArg
                    + " auto_failback=" + base.autoFailback().name().toLowerCase(java.util.Locale.ROOT)
                    + " keepalive=" + base.keepaliveMs() + " deadtime=" + base.deadtimeMs() + " warntime="
                    + ms.warntimeMs() + " initdead=" + base.initdeadMs() + " fencing=" + (base.fencing() ? "yes" : "no")
                    + " restarts=" + base.monitorRestarts() + " pings=" + base.pingNodeCount()
                    + " on_stop_failure=" + base.onStopFailure().word() + " start=" + now
                    + " random=" + randomSeed);
            for (PeerIncarnation p : n.kept.values()) {
                n.inputs.add("known " + p.node() + " gen=" + p.generation() + " seq=" + p.seq() + " ts=" + p.ts()
                        + (p.closed() ? " closed" : ""));
            }
        }
        n.timerAt = Long.MAX_VALUE;
        n.eventAt = Long.MAX_VALUE;
        at(now, () -> keepalive(n, inc));
        at(now, () -> rearm(n, inc));
        if (base.pingNodeCount() > 0) {
            at(now, () -> {
                if (alive(n, inc)) {
                    record(n, "ping " + n.ping);
                    n.core.pingReachability(now, n.ping);
                    rearm(n, inc);
                }
            });
        }
        observer.holdersChanged(this);
    }

    /** Power off: resources vanish with the machine. */
    void crash(String name) {
        Node n = byName.get(name);
        if (!n.up) {
            if (n.rs.values().stream().anyMatch(v -> v != Rs.DOWN)) {
                // its daemon exited with a group stop-failed, still active on the machine: a fence powers it off
                n.rs.replaceAll((k, v) -> Rs.DOWN);
                n.brokenStop.clear();
                log(name, "== powered off");
                observer.holdersChanged(this);
            }
            return;
        }
        n.up = false;
        n.core.failoverView().groups().forEach((k, st) -> {
            if (st == GroupState.STOP_FAILED) {
                n.stopFailedAtCrash.add(k);
            }
        });
        n.inputs = null;
        n.stallOnRequestMs = 0;
        n.pingBackOnRequest = -1;
        n.rs.replaceAll((k, v) -> Rs.DOWN);
        n.brokenStop.clear(); // powered off: what was stuck is down, and the test's fault is over
        log(name, "== crash");
        observer.holdersChanged(this);
    }

    void shutdown(String name) {
        Node n = byName.get(name);
        if (n.up) {
            log(name, "== graceful shutdown requested");
            record(n, "shutdown");
            n.core.shutdown(now);
            rearm(n, n.incarnation);
        }
    }

    private void keepalive(Node n, int inc) {
        if (!alive(n, inc) || deferred(n, () -> keepalive(n, inc))) {
            return;
        }
        record(n, "keepalive");
        n.core.keepalive(now);
        at(now + base.keepaliveMs(), () -> keepalive(n, inc));
    }

    /**
     * The daemon's rule: after each input, one timer armed for the core's next deadline. (In the event queue a timer
     * moved later is not queued again: the earlier event, when it comes, waits on to the deadline.)
     */
    private void rearm(Node n, int inc) {
        if (!alive(n, inc)) {
            return;
        }
        n.timerAt = n.core.nextDeadline();
        if (n.timerAt < n.eventAt) {
            schedule(n, inc, n.timerAt);
        }
    }

    private void schedule(Node n, int inc, long at) {
        long token = ++n.timerToken;
        n.eventAt = at;
        at(at, new Runnable() {
            @Override
            public void run() {
                if (!alive(n, inc) || n.timerToken != token || deferred(n, this)) {
                    return;
                }
                fire(n, inc);
            }
        });
    }

    private void fire(Node n, int inc) {
        n.eventAt = Long.MAX_VALUE;
        if (n.timerAt == Long.MAX_VALUE) {
            return;
        }
        if (now < n.timerAt) {
            schedule(n, inc, n.timerAt);
            return;
        }
        n.timerAt = Long.MAX_VALUE;
        record(n, "tick");
        n.core.timer(now);
        rearm(n, inc);
    }

    private boolean alive(Node n, int inc) {
        return n.up && n.incarnation == inc;
    }

    /**
     * A stalled process handles nothing until it resumes: the input is queued again for that moment, after those
     * already waiting (the sockets and timers of a paused JVM hand everything over at once when it runs again).
     */
    private boolean deferred(Node n, Runnable input) {
        if (n.up && n.frozenUntil > now) {
            at(n.frozenUntil, input);
            return true;
        }
        return false;
    }

    /** Stalls a node's process for {@code ms}: the machine and its resources go on, its daemon handles nothing. */
    void stall(String name, long ms) {
        Node n = byName.get(name);
        if (!n.up) {
            return;
        }
        n.frozenUntil = now + ms;
        log(name, "== stalled for " + ms + " ms");
        at(n.frozenUntil, () -> {
            log(name, "== resumes");
            observer.holdersChanged(this); // connected again: double ownership is measured from now
        });
    }

    /** Stalls the node for {@code ms} when the next standby request reaches it. */
    void stallOnRequest(String name, long ms) {
        byName.get(name).stallOnRequestMs = ms;
        log(name, "== will stall for " + ms + " ms at the next standby request it receives");
    }

    /** The node reaches {@code count} ping nodes again just after it asks a peer to take its groups. */
    void pingBackOnRequest(String name, int count) {
        byName.get(name).pingBackOnRequest = count;
        log(name, "== will reach " + count + " ping nodes again once it hands its groups over");
    }

    /** Some node's process is stalled: it hears nobody, as in a partition. */
    boolean anyStalled() {
        return byName.values().stream().anyMatch(n -> n.up && n.frozenUntil > now);
    }

    // ---------------------------------------------------------------- network

    void partition(Map<String, Integer> comp) {
        component.putAll(comp);
        log("net", "== partition " + comp);
    }

    void heal() {
        component.replaceAll((k, v) -> 0);
        log("net", "== heal");
    }

    boolean connected() {
        return component.values().stream().distinct().count() <= 1 && !anyStalled();
    }

    /**
     * Sends a message of {@code from} to every other node. A lost status is gone (its retransmission, if asked for,
     * arrives too late to say anything); another lost packet arrives {@link #REXMIT_MS} late (the receiver asks
     * again, the sender resends). {@code NS_*} control packets are not sequenced and not lost.
     */
    private void broadcast(Node from, Message m) {
        boolean control = m.type().startsWith("NS_");
        Message stamped = m.copy().add("src", from.name);
        if (!control) {
            from.seq++;
            stamped.add("seq", Long.toHexString(from.seq));
        }
        stamped.add("hg", Long.toHexString(from.generation)).add("ts", Long.toHexString(Math.max(1, now / 1000)));
        if (!control) {
            from.sent.put(from.seq, stamped);
            from.sent.remove(from.seq - SendHistory.CAPACITY);
        }
        boolean status = "status".equals(m.type());
        if (!status) {
            log(from.name, "send " + m);
        }
        if (from.pingBackOnRequest >= 0 && "ask_resources".equals(m.type()) && "me".equals(m.get("info").orElse(""))) {
            int count = from.pingBackOnRequest;
            from.pingBackOnRequest = -1;
            at(now + 1 + rnd.nextInt(net.maxDelayMs()), () -> setPing(from.name, count));
        }
        for (Node to : byName.values()) {
            if (to == from) {
                continue;
            }
            long delay = 1 + rnd.nextInt(net.maxDelayMs());
            if (!control && rnd.nextDouble() < net.loss()) {
                if (status) {
                    continue;
                }
                delay += REXMIT_MS; // the receiver asks again, the sender resends
            }
            long d = delay;
            at(now + d, () -> deliver(from.name, to, stamped));
            if (rnd.nextDouble() < net.dup()) {
                at(now + d + rnd.nextInt(net.maxDelayMs() + 1), () -> deliver(from.name, to, stamped));
            }
        }
    }

    private void deliver(String from, Node to, Message m) {
        if (!to.up || !component.get(from).equals(component.get(to.name))) {
            return;
        }
        if (to.stallOnRequestMs > 0 && "ask_resources".equals(m.type()) && "me".equals(m.get("info").orElse(""))) {
            long ms = to.stallOnRequestMs;
            to.stallOnRequestMs = 0;
            stall(to.name, ms); // it answers only when it runs again (VM lab: a failback during a JVM stall)
        }
        if (deferred(to, () -> deliver(from, to, m))) {
            return;
        }
        if (to.inputs != null) {
            to.inputs.add(io.vigil.failover.transcript.TranscriptWriter.recv(now, m));
        }
        to.core.packet(now, m, LINK);
        rearm(to, to.incarnation);
    }

    /** What one node's core asks for, carried out on the simulated machine and network. */
    private final class Effects implements NodeEffects {
        private final Node n;
        private final int inc;

        Effects(Node n, int inc) {
            this.n = n;
            this.inc = inc;
        }

        /** A powered-off or restarted machine does nothing more of what its old incarnation decided. */
        private boolean gone() {
            return !alive(n, inc);
        }

        @Override
        public void send(Message typeFields) {
            if (!gone()) {
                broadcast(n, typeFields);
            }
        }

        @Override
        public void retransmissionRequested(Message nsRexmit) {
            // Heartbeat's answer: the kept messages again, to the one who asked
            Node to = byName.get(nsRexmit.get("src").orElse(""));
            long first = Long.parseLong(nsRexmit.get("firstseq").orElse("0"));
            long last = Long.parseLong(nsRexmit.get("lastseq").orElse("-1"));
            for (long seq = first; seq <= last && to != null && !gone(); seq++) {
                Message kept = n.sent.get(seq);
                if (kept != null) {
                    at(now + 1 + rnd.nextInt(net.maxDelayMs()), () -> deliver(n.name, to, kept));
                }
            }
        }

        @Override
        public void startGroup(String k) {
            if (gone()) {
                return;
            }
            n.rs.put(k, Rs.STARTING);
            observer.holdersChanged(SimCluster.this);
            boolean hang = n.hangingStart.contains(k);
            long d = hang ? res.hangTimeoutMs() : 1 + rnd.nextInt(res.maxStartMs());
            boolean ok = !hang && !n.brokenStart.contains(k);
            SimCluster.this.log(n.name, "start " + k + (ok ? "" : hang ? " (hangs)" : " (will fail)"));
            at(now + d, new Runnable() {
                @Override
                public void run() {
                    if (!gone() && !deferred(n, this)) {
                        started(k, ok);
                    }
                }
            });
        }

        private void started(String k, boolean ok) {
            n.rs.put(k, ok ? Rs.UP : Rs.STARTING);
            SimCluster.this.log(n.name, "start " + k + (ok ? " ok" : " failed"));
            record(n, "done start " + k + (ok ? " ok ok" : " failed \"exit 1\""));
            n.core.groupCompleted(now, k, FailoverEvent.GroupOp.START, ok, ok ? "ok" : "exit 1");
            rearm(n, inc);
            observer.holdersChanged(SimCluster.this);
        }

        @Override
        public void stopGroup(String k) {
            if (gone()) {
                return;
            }
            n.rs.put(k, Rs.STOPPING);
            long d = 1 + rnd.nextInt(res.maxStopMs());
            boolean fails = n.brokenStop.contains(k);
            SimCluster.this.log(n.name, "stop " + k + (fails ? " (will fail)" : ""));
            at(now + d, new Runnable() {
                @Override
                public void run() {
                    if (!gone() && !deferred(n, this)) {
                        stopped(k, fails);
                    }
                }
            });
        }

        private void stopped(String k, boolean fails) {
            if (fails) {
                n.rs.put(k, Rs.UP); // status still says running
                SimCluster.this.log(n.name, "stop " + k + " failed");
                record(n, "done stop " + k + " failed \"exit 1, status running\"");
                n.core.groupCompleted(now, k, FailoverEvent.GroupOp.STOP, false, "exit 1, status running");
                rearm(n, inc);
                observer.holdersChanged(SimCluster.this);
                return;
            }
            n.rs.put(k, Rs.DOWN);
            SimCluster.this.log(n.name, "stop " + k + " ok");
            record(n, "done stop " + k + " ok ok");
            n.core.groupCompleted(now, k, FailoverEvent.GroupOp.STOP, true, "ok");
            rearm(n, inc);
            observer.holdersChanged(SimCluster.this);
        }

        @Override
        public void announce(String key) {
            if (!gone()) {
                n.announces++;
                SimCluster.this.log(n.name, "announce " + key);
            }
        }

        @Override
        public void fence(String node) {
            if (gone()) {
                return;
            }
            SimCluster.this.log(n.name, "fence " + node);
            at(now + res.fenceMs(), new Runnable() {
                @Override
                public void run() {
                    if (!gone() && !deferred(n, this)) {
                        fenced(node);
                    }
                }
            });
        }

        private void fenced(String node) {
            crash(node);
            record(n, "fenced " + node + " ok \"powered off\"");
            n.core.fenceCompleted(now, node, true, "powered off");
            rearm(n, inc);
        }

        @Override
        public void reboot(String reason) {
            if (gone()) {
                return;
            }
            SimCluster.this.log(n.name, "== reboot (" + reason + ")");
            crash(n.name); // reboot -nf: the machine goes down with its resources
            at(now + base.deadtimeMs() + rnd.nextInt((int) base.deadtimeMs()), () -> boot(n.name));
        }

        @Override
        public void shutdownComplete() {
            if (gone()) {
                return;
            }
            SimCluster.this.log(n.name, "== shutdown complete");
            keep(n, n.core.peerIncarnations());
            n.core.failoverView().groups().forEach((k, st) -> {
                if (st == GroupState.STOP_FAILED) {
                    n.stopFailedAtCrash.add(k);
                }
            });
            n.up = false;
            // the daemon exits; a group whose stop failed is still active on the machine
            n.rs.replaceAll((k, v) -> v == Rs.UP && n.brokenStop.contains(k) ? Rs.UP : Rs.DOWN);
            observer.holdersChanged(SimCluster.this);
        }

        @Override
        public void log(Level level, String text) {
            if (verbose && !gone()) {
                SimCluster.this.log(n.name, level + " " + text);
            }
        }

        @Override
        public void transition(Transition t) {
            if (gone()) {
                return;
            }
            if (t instanceof Transition.CommUp) {
                SimCluster.this.log(n.name, "membership: comm up");
            } else if (t instanceof Transition.NodeChanged c) {
                SimCluster.this.log(n.name, "membership: " + c.node() + " " + c.from().wire() + " -> " + c.to().wire());
                Node x = byName.get(c.node());
                if (c.to() == NodeStatus.DEAD && x != null && x.up && now - x.bootedAt > base.deadtimeMs()
                        && component.get(x.name).equals(component.get(n.name))) {
                    // the loss model dropped enough status packets in a row: a fault the scenario did not choose
                    falseDeaths++;
                    lastFalseDeathAt = now;
                    falseDeathTimes.add(now);
                    SimCluster.this.log("net", "== false death: " + n.name + " lost the status packets of " + x.name);
                }
            }
        }

        @Override
        public void keepPeerIncarnation(PeerIncarnation p) {
            if (!gone()) {
                keep(n, List.of(p));
            }
        }

        @Override
        public void keepaliveInterval(String node, long intervalMs) {
        }
    }

    /** As the daemon's peer_generations: an older generation never replaces a newer one. */
    private static void keep(Node n, List<PeerIncarnation> ps) {
        for (PeerIncarnation p : ps) {
            n.kept.merge(p.node(), p, (a, b) -> b.generation() < a.generation() ? a : b);
        }
    }

    void monitorFail(String node, String key) {
        Node n = byName.get(node);
        if (n.up && n.rs.get(key) == Rs.UP) {
            log(node, "== monitor of " + key + " fails");
            record(n, "monitor-failed " + key + " \"status exit 7\"");
            n.core.monitorFailed(now, key, "status exit 7");
            rearm(n, n.incarnation);
        }
    }

    void operator(String node, FailoverEvent.OperatorKind kind, io.vigil.failover.ResourceSet set) {
        Node n = byName.get(node);
        if (n.up) {
            log(node, "== operator " + kind + " " + set.wire());
            record(n, "operator " + kind.name().toLowerCase(java.util.Locale.ROOT) + " " + set.wire());
            n.core.operator(now, kind, set);
            rearm(n, n.incarnation);
        }
    }

    void setPing(String node, int count) {
        Node n = byName.get(node);
        n.ping = count;
        if (n.up && !deferred(n, () -> setPing(node, count))) {
            log(node, "== reaches " + count + " ping nodes");
            record(n, "ping " + count);
            n.core.pingReachability(now, count);
            rearm(n, n.incarnation);
        }
    }

    // ---------------------------------------------------------------- observation

    /**
     * Nodes on which the group's resources are (partly) active: from start issued until stop completed, and a group
     * whose stop failed until the machine is powered off (even after its daemon exited).
     */
    List<String> activeOn(String key) {
        List<String> r = new ArrayList<>();
        for (Node n : byName.values()) {
            if (n.rs.get(key) != Rs.DOWN) {
                r.add(n.name);
            }
        }
        return r;
    }

    /** Nodes on which the group runs (start completed). */
    List<String> upOn(String key) {
        List<String> r = new ArrayList<>();
        for (Node n : byName.values()) {
            if (n.up && n.rs.get(key) == Rs.UP) {
                r.add(n.name);
            }
        }
        return r;
    }

    boolean failedOn(String node, String key) {
        Node n = byName.get(node);
        return n.up && n.core.failoverView().groups().get(key) == GroupState.FAILED;
    }

    static FailoverSettings settings(List<String> nodes, List<GroupSpec> groups, AutoFailback af, long keepalive,
                                     long deadtime, long initdead, boolean fencing, int restarts, int pings,
                                     io.vigil.config.StopFailurePolicy onStopFailure) {
        return new FailoverSettings(nodes.get(0), nodes, groups, af, keepalive, deadtime, initdead, fencing, restarts,
                pings, onStopFailure);
    }

    /** Nodes on which the group is active although its stop failed there (the machine's truth, daemon up or not). */
    List<String> stopFailedOn(String key) {
        List<String> r = new ArrayList<>();
        for (Node n : byName.values()) {
            if (n.brokenStop.contains(key) && n.rs.get(key) != Rs.DOWN) {
                r.add(n.name);
            }
        }
        return r;
    }

    /** Nodes that are down and held the group stop-failed when they went down. */
    List<String> downStopFailed(String key) {
        List<String> r = new ArrayList<>();
        for (Node n : byName.values()) {
            if (!n.up && n.stopFailedAtCrash.contains(key)) {
                r.add(n.name);
            }
        }
        return r;
    }

    /** The operator fixed the stop script and ran {@code vigil resource cleanup} for every stop-failed group. */
    void cleanup(String name) {
        Node n = byName.get(name);
        n.brokenStop.clear();
        if (!n.up) {
            return;
        }
        n.core.failoverView().groups().forEach((k, st) -> {
            if (st == GroupState.STOP_FAILED) {
                n.rs.put(k, Rs.DOWN);
                log(name, "== cleanup " + k);
                record(n, "cleanup " + k + " stopped");
                n.core.groupCleanedUp(now, k, true, "stopped");
            }
        });
        rearm(n, n.incarnation);
        observer.holdersChanged(this);
    }
}
