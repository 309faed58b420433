package io.vigil.failover.transcript;

import io.vigil.config.AuthKeys;
import io.vigil.config.AuthMethod;
import io.vigil.failover.FailoverAction;
import io.vigil.failover.FailoverEngine;
import io.vigil.failover.FailoverEvent;
import io.vigil.failover.FailoverSettings;
import io.vigil.failover.FailoverView;
import io.vigil.membership.Membership;
import io.vigil.membership.MembershipEvent;
import io.vigil.membership.MembershipSettings;
import io.vigil.membership.MembershipView;
import io.vigil.membership.NodeStatus;
import io.vigil.wire.Message;
import io.vigil.wire.PacketCodec;
import io.vigil.wire.SendHistory;
import io.vigil.wire.SequenceTracker;
import io.vigil.wire.Stamper;
import io.vigil.wire.WireLog;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.StringJoiner;

/**
 * One node as the daemon wires it, without I/O: sequencing, membership and failover fed in the daemon's order, every
 * action and log line written as a transcript line. Sent messages are stamped and signed as the daemon does, with a
 * fixed UUID, clock base, load average and key, so their bytes can be compared.
 */
final class NodeHarness {

    /** Epoch seconds at virtual time 0 (2026-01-01T00:00:00Z): {@code ts} of the messages we send. */
    static final long EPOCH_BASE_S = 1_767_225_600L;
    static final String LOAD = "0.00 0.00 0.00 1/100 1000";
    static final AuthKeys KEYS = AuthKeys.single(1, AuthMethod.SHA1, "transcript-key");

    private final String local;
    private final List<String> nodes;
    private final boolean wire;
    private final SequenceTracker sequences;
    private final Membership membership;
    private final FailoverEngine engine;
    private final Stamper stamper;
    private final PacketCodec codec = new PacketCodec(() -> KEYS);
    private final SendHistory history;
    private final boolean pingNodes;
    private boolean engineFinished;
    private boolean stopping;
    private int reachablePingNodes = -1;
    private List<String> out = new ArrayList<>();

    NodeHarness(MembershipSettings ms, FailoverSettings fs, long generation, long maxRexmitDelayMs, long seed,
                boolean wire, long nowMs) {
        this.local = fs.localNode();
        this.nodes = fs.nodes();
        this.wire = wire;
        this.pingNodes = fs.pingNodeCount() > 0;
        this.sequences = new SequenceTracker(local, new Random(seed), maxRexmitDelayMs);
        this.history = new SendHistory(maxRexmitDelayMs);
        this.membership = new Membership(ms, nowMs);
        this.engine = new FailoverEngine(fs);
        byte[] uuid = new byte[16];
        byte[] name = local.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, uuid, 0, Math.min(16, name.length));
        this.stamper = new Stamper(local, uuid, generation, 1 + nodes.size());
    }

    /** Output lines since the last call. */
    List<String> drain() {
        List<String> r = out;
        out = new ArrayList<>();
        return r;
    }

    // ---------------------------------------------------------------- inputs (Daemon's pure part)

    void datagram(long now, Message m, String link) {
        if (stopping && engineFinished) {
            return;
        }
        String src = m.get("src").orElse("").toLowerCase(Locale.ROOT);
        if (src.equals(local)) {
            return;
        }
        if (!nodes.contains(src)) {
            out.add("drop UNKNOWN_NODE " + src);
            return;
        }
        SequenceTracker.Verdict verdict = sequences.accept(now, m);
        drainSequenceLogs();
        if (verdict == SequenceTracker.Verdict.REPLAY || verdict == SequenceTracker.Verdict.STALE) {
            out.add("drop " + verdict);
            return;
        }
        String dest = m.get("dest").orElse("");
        boolean forUs = dest.isEmpty() || dest.equalsIgnoreCase(local);
        String type = m.type();
        if (type.equals("NS_rexmit")) {
            if (forUs) {
                for (Message again : history.answer(m, local, now)) {
                    if (again.has("src")) {
                        transmit(again, "resend");
                    } else {
                        send(now, again);
                    }
                }
            }
            return;
        }
        if (type.startsWith("NS_")) {
            return;
        }
        boolean duplicate = verdict == SequenceTracker.Verdict.DUPLICATE;
        handleMembership(now, membership.onMessage(now, m, link, duplicate));
        if (!duplicate && forUs && !type.equals("status")) {
            handleEngine(now, new FailoverEvent.MessageReceived(m));
        }
    }

    void tick(long now) {
        handleMembership(now, membership.tick(now));
        List<FailoverAction> actions = engine.handle(now, new FailoverEvent.Tick());
        if (!engineFinished) {
            execute(now, actions);
        }
        for (Message rexmit : sequences.due(now)) {
            send(now, rexmit);
        }
        drainSequenceLogs();
    }

    void keepalive(long now) {
        if (!engineFinished) {
            send(now, membership.statusMessage(now));
        }
    }

    void ping(long now, int reachable) {
        if (pingNodes && reachable != reachablePingNodes) {
            reachablePingNodes = reachable;
            handleEngine(now, new FailoverEvent.PingReachability(reachable));
        }
    }

    void shutdown(long now) {
        if (stopping) {
            return;
        }
        stopping = true;
        out.add("log INFO Heartbeat shutdown in progress. (<pid>)");
        handleEngine(now, new FailoverEvent.ShutdownRequested());
    }

    /** Group and fence completions, monitor failures, operator requests: straight to the engine. */
    void engineEvent(long now, FailoverEvent e) {
        handleEngine(now, e);
    }

    List<String> view() {
        FailoverView v = engine.view();
        StringJoiner groups = new StringJoiner(" ", "groups ", "");
        v.groups().forEach((k, s) -> groups.add(k + "=" + s));
        MembershipView mv = membership.view();
        StringJoiner ns = new StringJoiner(" ", "nodes ", "");
        mv.nodes().forEach((n, nv) -> ns.add(n + "=" + nv.status().wire()));
        return List.of("view phase=" + v.phase() + " holding=" + v.holding().wire() + " transition="
                + (v.transition() ? "yes" : "no") + " standby=" + Tokens.quote(v.standby()), groups.toString(),
                ns.toString());
    }

    // ---------------------------------------------------------------- the daemon's dispatch

    private void handleMembership(long now, List<MembershipEvent> events) {
        for (MembershipEvent e : commUpLast(events)) {
            if (e instanceof MembershipEvent.Log l) {
                log(l.level(), l.text());
            } else if (e instanceof MembershipEvent.Send s) {
                send(now, s.message());
            } else if (e instanceof MembershipEvent.NodeStatusChanged c) {
                if (!membership.isPingNode(c.node())) {
                    if (c.to() == NodeStatus.DEAD) {
                        sequences.forget(c.node());
                    }
                    handleEngine(now, new FailoverEvent.NodeStatusChanged(c.node(), c.from(), c.to()));
                }
            } else if (e instanceof MembershipEvent.CommUp) {
                keepalive(now);
                handleEngine(now, new FailoverEvent.CommUp());
            } else if (e instanceof MembershipEvent.ReturnedAfterPartition p) {
                handleEngine(now, new FailoverEvent.PartitionHealed(p.node()));
            } else if (e instanceof MembershipEvent.NodeRestarted r) {
                handleEngine(now, new FailoverEvent.NodeRestarted(r.node()));
            }
        }
    }

    private static List<MembershipEvent> commUpLast(List<MembershipEvent> events) {
        List<MembershipEvent> ordered = new ArrayList<>(events.size());
        events.stream().filter(e -> !(e instanceof MembershipEvent.CommUp)).forEach(ordered::add);
        events.stream().filter(e -> e instanceof MembershipEvent.CommUp).forEach(ordered::add);
        return ordered;
    }

    private void handleEngine(long now, FailoverEvent event) {
        if (!engineFinished) {
            execute(now, engine.handle(now, event));
        }
    }

    private void execute(long now, List<FailoverAction> actions) {
        for (FailoverAction a : actions) {
            if (a instanceof FailoverAction.Log l) {
                log(l.level(), l.text());
            } else if (a instanceof FailoverAction.Send s) {
                send(now, s.message());
            } else if (a instanceof FailoverAction.StartGroup s) {
                out.add("start " + s.key());
            } else if (a instanceof FailoverAction.StopGroup s) {
                out.add("stop " + s.key());
            } else if (a instanceof FailoverAction.Announce an) {
                out.add("announce " + an.key());
            } else if (a instanceof FailoverAction.Fence f) {
                out.add("fence " + f.node());
            } else if (a instanceof FailoverAction.ShutdownComplete) {
                out.add("shutdown-complete");
                engineFinished = true;
            } else {
                throw new IllegalStateException("unknown action " + a);
            }
        }
    }

    private void send(long now, Message typeFields) {
        out.add("send " + fields(typeFields));
        Message stamped = stamper.stamp(typeFields, EPOCH_BASE_S + now / 1000, LOAD);
        history.record(stamped);
        transmit(stamped, "wire");
    }

    private void transmit(Message stamped, String what) {
        if (wire) {
            out.add(what + " " + Tokens.bytes(codec.encode(stamped)));
        }
    }

    private void drainSequenceLogs() {
        for (WireLog line : sequences.drainLogs()) {
            log(switch (line.level()) {
                case DEBUG -> Level.DEBUG;
                case INFO -> Level.INFO;
                case WARN -> Level.WARNING;
                case ERROR -> Level.ERROR;
            }, line.text());
        }
    }

    private void log(Level level, String text) {
        out.add("log " + level.name() + " " + text);
    }

    static String fields(Message m) {
        StringJoiner j = new StringJoiner(" ");
        for (Message.Field f : m.fields()) {
            j.add(f.name() + "=" + Tokens.quote(f.text()));
        }
        return j.toString();
    }
}
