package io.vigil.transport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vigil.config.PingNode;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * ICMP echo probes for Heartbeat's ping nodes ({@code ping ip…}, {@code ping_group name ip…}).
 * <p>
 * The JDK has no ICMP API, but on Linux {@link InetAddress#isReachable(int)} opens a raw ICMP socket when the process
 * has CAP_NET_RAW and sends real echo requests (one per second of timeout), accepting only a reply with its own
 * identifier from the probed address. Without CAP_NET_RAW it silently falls back to a TCP connection to port 7, where
 * a refused connection counts as "reachable" — wrong for a ping node — so {@link #start()} refuses to run then.
 * <p>
 * Each distinct member address is probed once per {@link #probe()} on a dedicated worker pool (never the event loop),
 * with a timeout below the interval; a probe still running when the next one is asked for is not doubled. The owner
 * calls {@link #probe()} once per interval on the context current at {@link #start()} — the daemon with each keepalive
 * it sends, so that both share one wake-up of its loop instead of two timers. {@code onReply} is called on that
 * context, once for every ping node containing the answering address.
 */
public final class Pinger {

    private static final Logger LOG = Logger.getLogger(Pinger.class);
    private static final int CAP_NET_RAW = 13;

    private final Vertx vertx;
    private final Map<InetAddress, List<String>> nodesByMember = new LinkedHashMap<>();
    private final Duration interval;
    private final BiConsumer<String, InetAddress> onReply;
    private final Set<InetAddress> inFlight = ConcurrentHashMap.newKeySet();
    private volatile WorkerExecutor workers;
    private Context context;

    /**
     * @param nodes    the ping nodes of ha.cf
     * @param interval time between two probes of one address (Heartbeat uses keepalive)
     * @param onReply  (ping node name, answering member) for every echo reply
     */
    public Pinger(Vertx vertx, List<PingNode> nodes, Duration interval, BiConsumer<String, InetAddress> onReply) {
        if (interval.toMillis() < 2) {
            throw new IllegalArgumentException("ping interval must be at least 2 ms, got " + interval);
        }
        this.vertx = vertx;
        this.interval = interval;
        this.onReply = onReply;
        for (PingNode node : nodes) {
            for (InetAddress member : node.addresses()) {
                nodesByMember.computeIfAbsent(member, m -> new ArrayList<>()).add(node.name());
            }
        }
    }

    /** Probe timeout: three quarters of the interval, so a probe ends before the next one is due. */
    int timeoutMillis() {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, interval.toMillis() * 3 / 4));
    }

    /** Starts probing (first probes immediately; then at each {@link #probe()}). Fails when the process lacks CAP_NET_RAW. */
    public Future<Void> start() {
        if (nodesByMember.isEmpty()) {
            return Future.succeededFuture();
        }
        if (!hasCapNetRaw()) {
            return Future.failedFuture(new TransportException("ping " + describeMembers()
                    + ": ICMP echo needs CAP_NET_RAW (run vigil as root) — or remove the ping/ping_group lines"
                    + " from ha.cf"));
        }
        context = vertx.getOrCreateContext();
        Promise<Void> started = Promise.promise();
        context.runOnContext(v -> {
            workers = vertx.createSharedWorkerExecutor("vigil-ping", Math.min(nodesByMember.size(), 16));
            probe();
            LOG.infof("pinging %s every %d ms (ICMP echo, timeout %d ms)", describeMembers(), interval.toMillis(),
                    timeoutMillis());
            started.complete();
        });
        return started.future();
    }

    /** Stops probing; replies still in flight are discarded. */
    public Future<Void> stop() {
        if (context == null) {
            return Future.succeededFuture();
        }
        Promise<Void> stopped = Promise.promise();
        context.runOnContext(v -> {
            WorkerExecutor w = workers;
            workers = null;
            if (w == null) {
                stopped.complete();
            } else {
                w.close().onComplete(ar -> stopped.complete());
            }
        });
        return stopped.future();
    }

    /** Sends one probe to every member that has none in flight; on the start context. Nothing before start or after stop. */
    public void probe() {
        WorkerExecutor w = workers;
        if (w == null) {
            return;
        }
        int timeout = timeoutMillis();
        for (Map.Entry<InetAddress, List<String>> e : nodesByMember.entrySet()) {
            InetAddress member = e.getKey();
            if (!inFlight.add(member)) {
                continue;
            }
            w.executeBlocking(() -> member.isReachable(timeout), false).onComplete(ar -> {
                inFlight.remove(member);
                if (workers == null) {
                    return;
                }
                if (ar.failed()) {
                    LOG.debugf("ping %s failed: %s", member.getHostAddress(), ar.cause().toString());
                } else if (ar.result()) {
                    for (String node : e.getValue()) {
                        onReply.accept(node, member);
                    }
                }
            });
        }
    }

    private String describeMembers() {
        return nodesByMember.keySet().stream().map(InetAddress::getHostAddress)
                .reduce((a, b) -> a + " " + b).orElse("");
    }

    /** Whether CapEff in /proc/self/status has CAP_NET_RAW (false where that file does not exist). */
    static boolean hasCapNetRaw() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
                    return (caps & (1L << CAP_NET_RAW)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debugf("cannot read capabilities: %s", e.toString());
        }
        return false;
    }
}
