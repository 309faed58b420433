package io.vigil.failover;

import io.vigil.wire.Message;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Heartbeat's resource-protocol messages (reference §5.3-5.7, §5.9) as types: {@link #decode} reads any message
 * without failing (unknown types become {@link Other}); {@link #wire()} writes exactly the fields Heartbeat sends,
 * in its order, plus Vigil's extensions ({@code groups}, {@code failed}, {@code stopfailed}, {@code failback},
 * {@code dest} on {@code ask_resources}, {@code info=query}) where they are set.
 */
public sealed interface ResourceMessage {

    /** Vigil extension fields (Heartbeat ignores them). */
    String F_GROUPS = "groups";
    String F_FAILED = "failed";
    String F_FAILBACK = "failback";
    /** The groups the sender holds stop-failed: maybe still active there, never to be started elsewhere. */
    String F_STOP_FAILED = "stopfailed";

    /** The type fields to send; the daemon stamps the rest. */
    Message wire();

    void dispatch(Handler h);

    /** One method per message type: a new type cannot be left unhandled. */
    interface Handler {
        void starting(Starting m);

        void resource(Resource m);

        void askResources(AskResources m);

        void hbTakeover(HbTakeover m);

        void shutdone(Shutdone m);

        void ipRequest(IpRequest m);

        void ipRequestResp(IpRequestResp m);

        void numPingNodes(NumPingNodes m);

        void ipfailNotice(IpfailNotice m);

        void stonith(Stonith m);

        void other(Other m);
    }

    /** A node came up: every node answers with its {@link Resource}. */
    record Starting() implements ResourceMessage {
        @Override
        public Message wire() {
            return Message.of("starting");
        }

        @Override
        public void dispatch(Handler h) {
            h.starting(this);
        }
    }

    /**
     * What a node holds: {@code rsc_hold} (relative to it), whether it is stable, why it says so ({@code info}, "" if
     * none), and the exact groups when {@code rsc_hold} cannot say them.
     *
     * @param hold       empty when the received {@code rsc_hold} was not a valid set ({@code rawHold} says what it was)
     * @param stopFailed of the groups it holds, those whose stop failed there (Vigil: {@code stopfailed=})
     */
    record Resource(Optional<ResourceSet> hold, String rawHold, boolean stable, String info,
                    Optional<List<String>> groups, List<String> failed, List<String> stopFailed)
            implements ResourceMessage {
        public Resource {
            groups = groups.map(List::copyOf);
            failed = List.copyOf(failed);
            stopFailed = List.copyOf(stopFailed);
        }

        @Override
        public Message wire() {
            Message m = Message.of("resource").add("rsc_hold", hold.orElseThrow().wire()).add("rtype", "full")
                    .add("isstable", stable ? "1" : "0");
            if (!info.isEmpty()) {
                m.add("info", info);
            }
            groups.ifPresent(g -> m.add(F_GROUPS, String.join(" ", g)));
            if (!failed.isEmpty()) {
                m.add(F_FAILED, String.join(" ", failed));
            }
            if (!stopFailed.isEmpty()) {
                m.add(F_STOP_FAILED, String.join(" ", stopFailed));
            }
            return m;
        }

        @Override
        public void dispatch(Handler h) {
            h.resource(this);
        }
    }

    /** One step of the three-phase standby exchange: {@code info} = me, other or done. */
    record AskResources(ResourceSet hold, String info, Optional<List<String>> groups, Optional<String> dest,
                        List<String> failback) implements ResourceMessage {
        public AskResources {
            groups = groups.map(List::copyOf);
            failback = List.copyOf(failback);
        }

        @Override
        public Message wire() {
            Message m = Message.of("ask_resources").add("rsc_hold", hold.wire()).add("info", info);
            groups.ifPresent(g -> m.add(F_GROUPS, String.join(" ", g)));
            dest.ifPresent(d -> m.add("dest", d));
            if (!failback.isEmpty()) {
                m.add(F_FAILBACK, String.join(" ", failback));
            }
            return m;
        }

        @Override
        public void dispatch(Handler h) {
            h.askResources(this);
        }
    }

    /** "Give me these groups" (hb_takeover): the receivers go standby with the mirrored set. */
    record HbTakeover(ResourceSet hold, Optional<List<String>> groups) implements ResourceMessage {
        public HbTakeover {
            groups = groups.map(List::copyOf);
        }

        @Override
        public Message wire() {
            Message m = Message.of("hb_takeover").add("rsc_hold", hold.wire());
            groups.ifPresent(g -> m.add(F_GROUPS, String.join(" ", g)));
            return m;
        }

        @Override
        public void dispatch(Handler h) {
            h.hbTakeover(this);
        }
    }

    /** The sender gave everything up and is leaving. */
    record Shutdone() implements ResourceMessage {
        @Override
        public Message wire() {
            return Message.of("shutdone").add("st", "dead");
        }

        @Override
        public void dispatch(Handler h) {
            h.shutdone(this);
        }
    }

    /** auto_failback legacy: "I want this group" ({@code ipaddr} names the haresources key). */
    record IpRequest(String ipaddr) implements ResourceMessage {
        @Override
        public Message wire() {
            return Message.of("ip-request").add("ipaddr", ipaddr);
        }

        @Override
        public void dispatch(Handler h) {
            h.ipRequest(this);
        }
    }

    /** The answer to an {@link IpRequest}, once the group is stopped here (weown: whether we held it). */
    record IpRequestResp(String dest, String ipaddr, String weown, String ok) implements ResourceMessage {
        @Override
        public Message wire() {
            return Message.of("ip-request-resp").add("dest", dest).add("ipaddr", ipaddr).add("weown", weown)
                    .add("ok", ok);
        }

        @Override
        public void dispatch(Handler h) {
            h.ipRequestResp(this);
        }
    }

    /** ipfail's ping count, addressed to one node; empty when the received count was not a number. */
    record NumPingNodes(OptionalInt count, String dest) implements ResourceMessage {
        @Override
        public Message wire() {
            return Message.of("num_ping_nodes").add("num_ping", Integer.toString(count.orElseThrow())).add("dest", dest);
        }

        @Override
        public void dispatch(Handler h) {
            h.numPingNodes(this);
        }
    }

    /** ipfail's {@code you_are_dead} / {@code abort_giveup}: noted only (connectivity is decided from ping counts). */
    record IpfailNotice(String type) implements ResourceMessage {
        @Override
        public Message wire() {
            return Message.of(type);
        }

        @Override
        public void dispatch(Handler h) {
            h.ipfailNotice(this);
        }
    }

    /** The outcome of fencing after a node death ({@code result}: OK, bad, n_stnth, unneeded). */
    record Stonith(String node, String result) implements ResourceMessage {
        @Override
        public Message wire() {
            return Message.of("stonith").add("node", node).add("result", result);
        }

        @Override
        public void dispatch(Handler h) {
            h.stonith(this);
        }
    }

    /** Any other type: not the engine's business. */
    record Other(String type) implements ResourceMessage {
        @Override
        public Message wire() {
            return Message.of(type);
        }

        @Override
        public void dispatch(Handler h) {
            h.other(this);
        }
    }

    /** Reads a received message; never fails. */
    static ResourceMessage decode(Message m) {
        return switch (m.type()) {
            case "starting" -> new Starting();
            case "resource" -> {
                String raw = m.get("rsc_hold").orElse(null);
                yield new Resource(ResourceSet.parse(raw), raw == null ? "" : raw,
                        "1".equals(m.get("isstable").orElse("0")), m.get("info").orElse(""),
                        m.get(F_GROUPS).map(ResourceMessage::keys), keysOf(m, F_FAILED), keysOf(m, F_STOP_FAILED));
            }
            case "ask_resources" -> new AskResources(ResourceSet.parse(m.get("rsc_hold").orElse(null))
                    .orElse(ResourceSet.NONE), m.get("info").orElse(""), m.get(F_GROUPS).map(ResourceMessage::keys),
                    m.get("dest"), m.get(F_FAILBACK).map(ResourceMessage::keys).orElseGet(List::of));
            case "hb_takeover" -> new HbTakeover(ResourceSet.parse(m.get("rsc_hold").orElse(null))
                    .orElse(ResourceSet.ALL), m.get(F_GROUPS).map(ResourceMessage::keys));
            case "shutdone" -> new Shutdone();
            case "ip-request" -> new IpRequest(m.get("ipaddr").orElse(""));
            case "ip-request-resp" -> new IpRequestResp(m.get("dest").orElse(""), m.get("ipaddr").orElse(""),
                    m.get("weown").orElse("no"), m.get("ok").orElse(""));
            case "num_ping_nodes" -> new NumPingNodes(count(m.get("num_ping").orElse("")), m.get("dest").orElse(""));
            case "you_are_dead", "abort_giveup" -> new IpfailNotice(m.type());
            case "stonith" -> new Stonith(m.get("node").orElse(""), m.get("result").orElse(""));
            default -> new Other(m.type());
        };
    }

    /** The keys of an optional field, none when absent. */
    private static List<String> keysOf(Message m, String field) {
        return m.get(field).map(ResourceMessage::keys).orElseGet(List::of);
    }

    /** Group keys separated by spaces, each once, in order. */
    static List<String> keys(String v) {
        Set<String> r = new LinkedHashSet<>();
        for (String k : v.trim().split("\\s+")) {
            if (!k.isEmpty()) {
                r.add(k);
            }
        }
        return new ArrayList<>(r);
    }

    private static OptionalInt count(String v) {
        try {
            return OptionalInt.of(Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
