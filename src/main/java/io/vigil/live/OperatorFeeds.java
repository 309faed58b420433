package io.vigil.live;

import io.vigil.config.ClusterConfig;
import io.vigil.control.VigilMetrics;
import io.vigil.daemon.Daemon;
import io.vigil.daemon.DaemonObserver;
import io.vigil.failover.FailoverAction;
import io.vigil.failover.FailoverEvent;
import io.vigil.membership.MembershipEvent;
import io.vigil.membership.MembershipView;
import io.vigil.notify.ClusterEvent;
import io.vigil.notify.EventDeriver;
import io.vigil.notify.Notifier;
import io.vigil.notify.NotifySettings;
import io.vigil.notify.RcHooks;
import io.vigil.notify.ScriptQueue;
import io.vigil.wire.DropReason;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The daemon's observer in production: everything goes to the metrics observer it wraps ({@code DaemonReporting}),
 * and the cores' outputs become {@link ClusterEvent}s for the notification scripts, counted in
 * {@code vigil_events_total} and shown by the live views; node status changes and messages also reach Heartbeat's
 * rc.d hooks. Every call comes on the daemon's context and returns at once: scripts run on the notification queue's
 * thread, pushes on the live feed's.
 */
public final class OperatorFeeds implements DaemonObserver {

    /** How long the notification queue may keep the process alive at exit to deliver the last transitions. */
    static final Duration DRAIN_AT_EXIT = Duration.ofSeconds(5);

    private final DaemonObserver inner;
    private final LiveFeed live;
    private final VigilMetrics metrics;
    private final EventDeriver deriver;
    private final RcHooks rcHooks;
    private final Set<String> pingNodes;

    private OperatorFeeds(DaemonObserver inner, ClusterConfig config, NotifySettings settings, LiveFeed live,
                          VigilMetrics metrics, ScriptQueue queue) {
        this.inner = inner;
        this.live = live;
        this.metrics = metrics;
        this.pingNodes = config.pingNodes().stream().map(p -> p.name()).collect(Collectors.toSet());
        Notifier notifier = new Notifier(settings, queue);
        notifier.describe();
        this.rcHooks = new RcHooks(config, settings, queue);
        this.deriver = new EventDeriver(config.localNode(), pingNodes, System::currentTimeMillis, e -> {
            metrics.clusterEvent(e.type().word(), e.group());
            live.event(e);
            notifier.accept(e);
        });
    }

    /**
     * Wraps {@code inner} (the metrics observer); the notification queue is drained for at most
     * {@link #DRAIN_AT_EXIT} when the JVM exits.
     */
    public static OperatorFeeds wrap(DaemonObserver inner, ClusterConfig config, LiveFeed live, VigilMetrics metrics) {
        NotifySettings settings = NotifySettings.of(config);
        ScriptQueue queue = new ScriptQueue(NotifySettings.QUEUE_CAPACITY, settings.timeout(), metrics::notification);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> queue.close(DRAIN_AT_EXIT), "vigil-notify-drain"));
        live.timing(new LiveFeed.Timing(config.keepaliveMs(), config.warntimeMs(), config.deadtimeMs()));
        List<String> groupEvents = new java.util.ArrayList<>();
        List<String> otherEvents = new java.util.ArrayList<>();
        for (io.vigil.notify.EventType t : io.vigil.notify.EventType.values()) {
            (t.subject() == io.vigil.notify.EventType.Subject.GROUP ? groupEvents : otherEvents).add(t.word());
        }
        metrics.registerAtZero(groupEvents, otherEvents, config.groups().stream().map(g -> g.key()).toList(), config.peers());
        return new OperatorFeeds(inner, config, settings, live, metrics, queue);
    }

    @Override
    public String version() {
        return inner.version();
    }

    @Override
    public void packetReceived(String link) {
        inner.packetReceived(link);
    }

    @Override
    public void packetSent() {
        inner.packetSent();
    }

    @Override
    public void packetDropped(DropReason reason, String sender, String detail) {
        inner.packetDropped(reason, sender, detail);
    }

    @Override
    public void keepaliveInterArrival(String node, long millis) {
        inner.keepaliveInterArrival(node, millis);
        live.beat(node, System.currentTimeMillis(), millis);
    }

    @Override
    public void resourceOperation(String op, Duration took, boolean ok) {
        inner.resourceOperation(op, took, ok);
    }

    @Override
    public void snapshotChanged(Daemon.Snapshot snapshot) {
        inner.snapshotChanged(snapshot);
        live.snapshot(signature(snapshot));
    }

    @Override
    public void membershipEvents(List<MembershipEvent> events) {
        inner.membershipEvents(events);
        if (events.isEmpty()) {
            return;
        }
        deriver.membership(events);
        for (MembershipEvent e : events) {
            if (e instanceof MembershipEvent.NodeStatusChanged c) {
                rcHooks.nodeStatus(c.node(), c.from().wire(), c.to().wire(), pingNodes.contains(c.node()));
            } else if (e instanceof MembershipEvent.LateHeartbeat l) {
                metrics.lateHeartbeat(l.node());
            }
        }
    }

    @Override
    public void engineInput(FailoverEvent event) {
        inner.engineInput(event);
        deriver.engineInput(event);
    }

    @Override
    public void messageAccepted(io.vigil.wire.Message m) {
        inner.messageAccepted(m);
        rcHooks.message(m);
    }

    @Override
    public void engineActions(List<FailoverAction> actions) {
        inner.engineActions(actions);
        if (!actions.isEmpty()) {
            deriver.engineActions(actions);
        }
    }

    /** What a reader of the views would see change: states and holders, not ages. */
    static String signature(Daemon.Snapshot s) {
        StringBuilder sb = new StringBuilder(128);
        MembershipView m = s.membership();
        sb.append(m.localStatus()).append(m.commUp() ? '+' : '-');
        m.nodes().forEach((name, n) -> {
            sb.append('|').append(name).append(':').append(n.status());
            n.links().forEach((link, up) -> sb.append(',').append(link).append(up ? '^' : 'v'));
        });
        var f = s.failover();
        sb.append('|').append(f.phase()).append(':').append(f.holding()).append(f.transition() ? 'T' : '.')
                .append(f.standby());
        f.groups().forEach((k, st) -> sb.append('|').append(k).append('=').append(st));
        List<Daemon.Transition> t = s.transitions();
        if (!t.isEmpty()) {
            Daemon.Transition last = t.get(t.size() - 1);
            sb.append('#').append(last.epochMillis()).append(last.text().hashCode());
        }
        return sb.toString();
    }
}
