package io.vigil.failover.transcript;

import io.vigil.config.AuthKeys;
import io.vigil.config.AuthMethod;
import io.vigil.failover.FailoverEvent;
import io.vigil.failover.FailoverView;
import io.vigil.failover.ResourceSet;
import io.vigil.membership.MembershipView;
import io.vigil.node.NodeCore;
import io.vigil.node.NodeEffects;
import io.vigil.node.NodeSettings;
import io.vigil.node.Transition;
import io.vigil.wire.Message;
import io.vigil.wire.PeerIncarnation;
import io.vigil.wire.Outbox;
import io.vigil.wire.PacketCodec;
import io.vigil.wire.SendHistory;
import io.vigil.wire.Stamper;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;

/**
 * One node's {@link NodeCore} whose effects are written as transcript lines. Sent messages are stamped and signed
 * by the daemon's {@link Outbox} with a fixed UUID, clock base, load average and key, so their bytes can be compared.
 */
final class NodeHarness implements NodeEffects {

    /** Epoch seconds at virtual time 0 (2026-01-01T00:00:00Z): {@code ts} of the messages we send. */
    static final long EPOCH_BASE_S = 1_767_225_600L;
    static final String LOAD = "0.00 0.00 0.00 1/100 1000";
    static final AuthKeys KEYS = AuthKeys.single(1, AuthMethod.SHA1, "transcript-key");

    private final boolean wire;
    /** Print what the core asks to keep across a restart ({@code keep ...} lines). */
    private final boolean keep;
    private final NodeCore core;
    private final Outbox outbox;
    private long now;
    private boolean stopping;
    private List<String> out = new ArrayList<>();

    NodeHarness(NodeSettings settings, long generation, long seed, boolean wire, boolean keep, long nowMs) {
        String local = settings.failover().localNode();
        this.wire = wire;
        this.keep = keep;
        this.now = nowMs;
        byte[] uuid = new byte[16];
        byte[] name = local.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, uuid, 0, Math.min(16, name.length));
        this.outbox = new Outbox(new Stamper(local, uuid, generation, 1 + settings.failover().nodes().size()),
                new SendHistory(settings.maxRexmitDelayMs()), new PacketCodec(() -> KEYS),
                () -> EPOCH_BASE_S + now / 1000, () -> LOAD);
        this.core = new NodeCore(settings, nowMs, new Random(seed), this);
    }

    /** Output lines since the last call. */
    List<String> drain() {
        List<String> r = out;
        out = new ArrayList<>();
        return r;
    }

    // ---------------------------------------------------------------- inputs

    void datagram(long t, Message m, String link) {
        now = t;
        core.packet(t, m, link).ifPresent(d -> out.add("drop " + d.reason()));
    }

    void restorePeers(List<PeerIncarnation> known) {
        core.restorePeers(known);
    }

    void tick(long t) {
        now = t;
        core.timer(t);
    }

    void keepalive(long t) {
        now = t;
        core.keepalive(t);
    }

    void ping(long t, int reachable) {
        now = t;
        core.pingReachability(t, reachable);
    }

    void shutdown(long t) {
        now = t;
        if (!stopping) {
            stopping = true;
            out.add("log INFO Heartbeat shutdown in progress. (<pid>)");
            core.shutdown(t);
        }
    }

    void foundRunning(long t, List<String> keys) {
        now = t;
        core.foundRunning(t, keys);
    }

    void foundStopFailed(long t, List<String> keys) {
        now = t;
        core.foundStopFailed(t, keys);
    }

    void groupCompleted(long t, String key, FailoverEvent.GroupOp op, boolean ok, String detail) {
        now = t;
        core.groupCompleted(t, key, op, ok, detail);
    }

    void fenceCompleted(long t, String node, boolean ok, String detail) {
        now = t;
        core.fenceCompleted(t, node, ok, detail);
    }

    void monitorFailed(long t, String key, String detail) {
        now = t;
        core.monitorFailed(t, key, detail);
    }

    void operator(long t, FailoverEvent.OperatorKind kind, ResourceSet set) {
        now = t;
        core.operator(t, kind, set);
    }

    java.util.Optional<String> reconfigure(long t, NodeSettings next) {
        now = t;
        return core.reconfigure(t, next);
    }

    void rebootFailed(long t, String detail) {
        now = t;
        core.rebootFailed(t, detail);
    }

    void cleanedUp(long t, String key, boolean stopped, String detail) {
        now = t;
        core.groupCleanedUp(t, key, stopped, detail);
    }

    String deadline() {
        long at = core.nextDeadline();
        return at == Long.MAX_VALUE ? "deadline none" : "deadline @" + at;
    }

    List<String> view() {
        FailoverView v = core.failoverView();
        StringJoiner groups = new StringJoiner(" ", "groups ", "");
        v.groups().forEach((k, s) -> groups.add(k + "=" + s));
        MembershipView mv = core.membershipView();
        StringJoiner ns = new StringJoiner(" ", "nodes ", "");
        mv.nodes().forEach((n, nv) -> ns.add(n + "=" + nv.status().wire()));
        return List.of("view phase=" + v.phase() + " holding=" + v.holding().wire() + " transition="
                + (v.transition() ? "yes" : "no") + " standby=" + Tokens.quote(v.standby()), groups.toString(),
                ns.toString());
    }

    // ---------------------------------------------------------------- effects

    @Override
    public void send(Message typeFields) {
        out.add("send " + fields(typeFields));
        for (byte[] packet : outbox.packets(typeFields)) {
            if (wire) {
                out.add("wire " + Tokens.bytes(packet));
            }
        }
    }

    @Override
    public void retransmissionRequested(Message nsRexmit) {
        for (byte[] packet : outbox.answer(nsRexmit, now)) {
            out.add(wire ? "resend " + Tokens.bytes(packet) : "resend");
        }
    }

    @Override
    public void startGroup(String key) {
        out.add("start " + key);
    }

    @Override
    public void stopGroup(String key) {
        out.add("stop " + key);
    }

    @Override
    public void announce(String key) {
        out.add("announce " + key);
    }

    @Override
    public void fence(String node) {
        out.add("fence " + node);
    }

    @Override
    public void reboot(String reason) {
        out.add("reboot " + reason);
    }

    @Override
    public void shutdownComplete() {
        out.add("shutdown-complete");
    }

    @Override
    public void log(Level level, String text) {
        out.add("log " + level.name() + " " + text);
    }

    @Override
    public void transition(Transition t) {
        // membership logs each in Heartbeat's words
    }

    @Override
    public void keepPeerIncarnation(PeerIncarnation p) {
        if (keep) {
            out.add("keep " + p.node() + " gen=" + p.generation() + " seq=" + p.seq() + " ts=" + p.ts()
                    + (p.closed() ? " closed" : ""));
        }
    }

    @Override
    public void keepaliveInterval(String node, long intervalMs) {
        // a metric
    }

    static String fields(Message m) {
        StringJoiner j = new StringJoiner(" ");
        for (Message.Field f : m.fields()) {
            j.add(f.name() + "=" + Tokens.quote(f.text()));
        }
        return j.toString();
    }
}
