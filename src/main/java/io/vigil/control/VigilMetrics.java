package io.vigil.control;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Vigil's Prometheus metrics (served at {@code /q/metrics} by {@code vigil run} only). The daemon calls the event
 * methods from any thread; they are cheap (Micrometer meters are cached per tag set). Names are listed in
 * docs/operations.md.
 */
@Singleton
public class VigilMetrics {

    /** Node status words, one 0/1 series each, so dashboards need no value mapping. */
    static final List<String> NODE_STATUSES = List.of("init", "up", "active", "dead", "ping");

    /** Bucket bounds for keepalive inter-arrival: around the usual keepalives 100 ms … 2 s, and up to deadtime. */
    private static final Duration[] INTER_ARRIVAL_BUCKETS = {
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(75), Duration.ofMillis(100),
            Duration.ofMillis(110), Duration.ofMillis(125), Duration.ofMillis(150), Duration.ofMillis(200),
            Duration.ofMillis(300), Duration.ofMillis(500), Duration.ofMillis(750), Duration.ofMillis(1000),
            Duration.ofMillis(1100), Duration.ofMillis(1250), Duration.ofMillis(1500), Duration.ofMillis(2000),
            Duration.ofMillis(3000), Duration.ofMillis(5000), Duration.ofMillis(10000), Duration.ofMillis(30000)};

    private final MeterRegistry registry;
    private final List<Meter.Id> statusGauges = new ArrayList<>();
    private volatile CachedStatus cached;

    @Inject
    public VigilMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public void packetSent(String link) {
        registry.counter("vigil.packets.sent", "link", link).increment();
    }

    public void packetReceived(String link) {
        registry.counter("vigil.packets.received", "link", link).increment();
    }

    /**
     * @param reason short, fixed word: e.g. {@code auth}, {@code malformed}, {@code replay}, {@code unknown_node}.
     *               Called for every datagram of a flood: the counter is looked up once per reason.
     */
    public void packetDropped(String reason) {
        dropped.computeIfAbsent(reason, r -> registry.counter("vigil.packets.dropped", "reason", r)).increment();
    }

    private final java.util.Map<String, Counter> dropped = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param reason e.g. {@code node_dead}, {@code shutdown}, {@code standby}, {@code takeover}, {@code failback} */
    public void failover(String groupKey, String reason) {
        registry.counter("vigil.failovers", "group", groupKey, "reason", reason).increment();
    }

    /**
     * Creates the counters of the transitions, late heartbeats and notifications at 0 before anything happens:
     * Prometheus' {@code increase()} cannot see the first increment of a series that appears with the value 1, so
     * the alert on the first stop failure would never fire.
     */
    public void registerAtZero(List<String> groupEvents, List<String> otherEvents, List<String> groups, List<String> peers) {
        groupEvents.forEach(e -> groups.forEach(g -> registry.counter("vigil.events", "event", e, "group", g)));
        otherEvents.forEach(e -> registry.counter("vigil.events", "event", e, "group", ""));
        peers.forEach(n -> registry.counter("vigil.late.heartbeats", "node", n));
        for (String kind : List.of("notify", "rc.d")) {
            for (String outcome : List.of("ok", "failed", "timeout", "dropped")) {
                registry.counter("vigil.notifications", "kind", kind, "outcome", outcome);
            }
        }
        // the dropped-packet counters too, so a rule on the first forged or replayed packet can fire
        for (io.vigil.wire.DropReason r : io.vigil.wire.DropReason.values()) {
            dropped.computeIfAbsent(r.label(), k -> registry.counter("vigil.packets.dropped", "reason", k));
        }
    }

    /** A transition (io.vigil.notify.EventType word); {@code group} is "" for node, link and fence events. */
    public void clusterEvent(String event, String group) {
        registry.counter("vigil.events", "event", event, "group", group).increment();
    }

    /** A status packet from {@code node} came later than warntime (Heartbeat's "Late heartbeat" warning). */
    public void lateHeartbeat(String node) {
        registry.counter("vigil.late.heartbeats", "node", node).increment();
    }

    /** A notification script or Heartbeat hook ran: {@code kind} notify or rc.d, {@code outcome} ok, failed, timeout, dropped. */
    public void notification(String kind, String outcome) {
        registry.counter("vigil.notifications", "kind", kind, "outcome", outcome).increment();
    }

    /** @param op {@code start}, {@code stop} or {@code status} */
    public void resourceOperation(String op, Duration d, boolean ok) {
        Timer.builder("vigil.resource.operation")
                .description("Duration of resource script operations")
                .tags("op", op, "outcome", ok ? "ok" : "failed")
                .register(registry)
                .record(d);
        if (!ok) {
            registry.counter("vigil.resource.operation.failures", "op", op).increment();
        }
    }

    /** Time between two consecutive status packets from {@code node}. */
    public void keepaliveInterArrival(String node, long ms) {
        Timer.builder("vigil.keepalive.interarrival")
                .description("Time between consecutive status packets from a node")
                .tags("node", node)
                .serviceLevelObjectives(INTER_ARRIVAL_BUCKETS)
                .register(registry)
                .record(ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Registers gauges read from the daemon's status at scrape time: {@code vigil_node_status{node,status}},
     * {@code vigil_link_up{node,link}}, {@code vigil_group_held{group}}, {@code vigil_group_stop_failed{group}}, {@code vigil_in_transition}. The nodes,
     * links and groups are those of the current report: call again after a reload (earlier gauges are removed).
     * One scrape calls the supplier at most once per second.
     */
    public synchronized void bindStatus(Supplier<StatusReport> status) {
        Objects.requireNonNull(status, "status");
        statusGauges.forEach(registry::remove);
        statusGauges.clear();
        cached = new CachedStatus(status);
        StatusReport now = status.get();
        for (StatusReport.NodeInfo n : now.nodes()) {
            gauge("vigil.node.info", "1 for every node of ha.cf, with its type (normal or ping)",
                    Tags.of("node", n.name(), "type", n.type()), r -> 1.0);
            for (String word : NODE_STATUSES) {
                gauge("vigil.node.status", "1 when the node has this status", Tags.of("node", n.name(), "status", word),
                        r -> r.findNode(n.name()).map(x -> x.status().equals(word) ? 1.0 : 0.0).orElse(Double.NaN));
            }
            for (StatusReport.LinkInfo l : n.links()) {
                gauge("vigil.link.up", "1 when the heartbeat link to the node is up",
                        Tags.of("node", n.name(), "link", l.name()),
                        r -> r.findNode(n.name()).flatMap(x -> x.link(l.name()))
                                .map(x -> x.up() ? 1.0 : 0.0).orElse(Double.NaN));
            }
        }
        for (StatusReport.GroupInfo g : now.groups()) {
            gauge("vigil.group.held", "1 when this node holds the group", Tags.of("group", g.key()),
                    r -> r.groups().stream().filter(x -> x.key().equals(g.key())).findFirst()
                            .map(x -> x.heldBy().equals(r.node()) ? 1.0 : 0.0).orElse(Double.NaN));
            gauge("vigil.group.stop.failed", "1 while the group's stop failed here (maybe still active, not released)",
                    Tags.of("group", g.key()), r -> r.groups().stream().filter(x -> x.key().equals(g.key())).findFirst()
                            .map(x -> "stop_failed".equals(x.state()) ? 1.0 : 0.0).orElse(Double.NaN));
        }
        for (String parameter : TIMING_PARAMETERS) {
            gauge("vigil.timing.seconds", "keepalive, warntime and deadtime in force (ha.cf)", Tags.of("parameter", parameter),
                    r -> millisParameter(r.parameters().get(parameter)));
        }
        gauge("vigil.in.transition", "1 while resources are moving (cl_status rscstatus = transition)", Tags.empty(),
                r -> "transition".equals(r.rscstatus()) ? 1.0 : 0.0);
    }

    /**
     * {@code vigil_auth_insecure}: 1 while the active authkeys entry is crc (a checksum anyone can compute, so anyone on
     * the heartbeat network can forge packets), 0 otherwise. Read at scrape time, so a reload shows at once.
     */
    public void bindAuth(Supplier<io.vigil.config.AuthKeys> keys) {
        Gauge.builder("vigil.auth.insecure", keys, k -> k.get().active().method() == io.vigil.config.AuthMethod.CRC ? 1 : 0)
                .description("1 while the active authkeys entry is crc: packets are not authenticated")
                .register(registry);
    }

    /** ha.cf timings exported as {@code vigil_timing_seconds{parameter}}, for alert thresholds and dashboards. */
    static final List<String> TIMING_PARAMETERS = List.of("keepalive", "warntime", "deadtime", "initdead");

    /** The {@code <n>ms} text of the status parameters, in seconds; NaN when absent. */
    static double millisParameter(String text) {
        if (text == null || !text.endsWith("ms")) {
            return Double.NaN;
        }
        try {
            return Long.parseLong(text.substring(0, text.length() - 2)) / 1000.0;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private void gauge(String name, String description, Tags tags, java.util.function.ToDoubleFunction<StatusReport> f) {
        Gauge g = Gauge.builder(name, this, m -> m.current().map(f::applyAsDouble).orElse(Double.NaN))
                .description(description)
                .tags(tags)
                .register(registry);
        statusGauges.add(g.getId());
    }

    private Optional<StatusReport> current() {
        CachedStatus c = cached;
        return c == null ? Optional.empty() : c.get();
    }

    /** Keeps one report for a second so one scrape (dozens of gauges) costs one snapshot of the daemon. */
    private static final class CachedStatus {
        private final Supplier<StatusReport> source;
        private StatusReport report;
        private long takenAtNanos;

        CachedStatus(Supplier<StatusReport> source) {
            this.source = source;
        }

        synchronized Optional<StatusReport> get() {
            long now = System.nanoTime();
            if (report == null || now - takenAtNanos > 1_000_000_000L) {
                try {
                    report = source.get();
                    takenAtNanos = now;
                } catch (RuntimeException e) {
                    return Optional.ofNullable(report);
                }
            }
            return Optional.ofNullable(report);
        }
    }
}
