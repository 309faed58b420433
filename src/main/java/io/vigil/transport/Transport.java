package io.vigil.transport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.SocketAddress;
import io.vigil.config.Medium;
import org.jboss.logging.Logger;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Heartbeat's UDP media (bcast, mcast, ucast) on Vert.x datagram sockets.
 * <p>
 * Sockets: one send socket per device carrying bcast/ucast lines and one per mcast line, each bound to the link's own
 * IPv4 address (the JDK has no SO_BINDTODEVICE; binding the source address makes Linux route broadcasts and
 * multicasts out of that link). One receive socket per distinct port on {@code 0.0.0.0:port} with SO_REUSEADDR; mcast
 * groups are joined on that socket per listed interface. Received datagrams are attributed to a link by
 * {@link LinkAttribution}; our own datagrams (sender = one of our send sockets) are dropped and counted.
 * <p>
 * Threading: sockets are created on the Vert.x context current when {@link #start()} is called (a new event-loop
 * context if called from elsewhere); the receiver is called on that context's thread. {@link #send(byte[])} may be
 * called from any thread and never throws.
 */
public final class Transport {

    private static final Logger LOG = Logger.getLogger(Transport.class);

    /** Receive buffer per read: the largest IPv4 UDP payload is 65,507 bytes (Netty's default would truncate at 2048). */
    static final int RECEIVE_BUFFER_BYTES = 65_536;
    private static final long SEND_ERROR_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_GUESS_WARNINGS = 64;

    private final Vertx vertx;
    private final List<Medium> media;
    private final Consumer<Inbound> receiver;
    private final Map<String, Counters> counters = new LinkedHashMap<>();
    private final Map<InetSocketAddress, String> ownSendSockets = new ConcurrentHashMap<>();
    private final List<DatagramSocket> sockets = new CopyOnWriteArrayList<>();
    private final Set<InetAddress> guessWarned = ConcurrentHashMap.newKeySet();
    /** Links with a ucast line naming one of our own addresses. */
    private final Set<String> selfAddressed = ConcurrentHashMap.newKeySet();
    private volatile List<Route> routes = List.of();
    private volatile boolean started;

    /** How {@link Ipv6Media} reports into this transport's per-link counters and send-error log. */
    interface Accounting {
        void sent(String link);

        void received(String link);

        void ownDropped(String link);

        void sendFailed(String link, String description, String host, int port, Throwable cause);
    }

    /** The IPv6 media (mcast6, ucast6), or null when ha.cf has none. */
    private final Ipv6Media ipv6;

    /** One destination of {@link #send(byte[])}: a medium line's target through its send socket. */
    private record Route(String link, String description, DatagramSocket socket, String host, int port) {
    }

    /**
     * @param vertx    the Quarkus-managed Vert.x
     * @param media    the bcast/mcast/ucast lines of ha.cf, in file order
     * @param receiver gets every datagram from another host, on the start context's thread
     */
    public Transport(Vertx vertx, List<Medium> media, Consumer<Inbound> receiver) {
        this.vertx = vertx;
        this.media = List.copyOf(media);
        this.receiver = receiver;
        for (Medium medium : this.media) {
            counters.computeIfAbsent(medium.name(), k -> new Counters());
        }
        List<Medium> v6 = this.media.stream().filter(Medium::ipv6).toList();
        this.ipv6 = v6.isEmpty() ? null : new Ipv6Media(vertx, v6, receiver, new Accounting() {
            @Override
            public void sent(String link) {
                counters.get(link).sent.incrementAndGet();
            }

            @Override
            public void received(String link) {
                counters.get(link).received.incrementAndGet();
            }

            @Override
            public void ownDropped(String link) {
                counters.get(link).ownDropped.incrementAndGet();
            }

            @Override
            public void sendFailed(String link, String description, String host, int port, Throwable cause) {
                Transport.this.sendFailed(new Route(link, description, null, host, port), counters.get(link), cause);
            }
        });
    }

    /** The IPv4 media: bcast, mcast, ucast (the IPv6 ones are {@link Ipv6Media}'s). */
    private List<Medium> ipv4Media() {
        return media.stream().filter(m -> !m.ipv6()).toList();
    }

    /**
     * Resolves every medium's interface, opens and binds all sockets, joins multicast groups. Fails, having closed
     * whatever it opened, with a {@link TransportException} naming the directive and device.
     */
    public Future<Void> start() {
        Context context = vertx.getOrCreateContext();
        Promise<Void> result = Promise.promise();
        context.runOnContext(v -> {
            Future<Void> opened;
            try {
                opened = open();
            } catch (TransportException e) {
                opened = Future.failedFuture(e);
            }
            opened.onComplete(ar -> {
                if (ar.succeeded()) {
                    started = true;
                    result.complete();
                } else {
                    closeAll().onComplete(closed -> result.fail(ar.cause()));
                }
            });
        });
        return result.future();
    }

    /** Sends {@code packet} as one datagram on every medium line (Heartbeat sends every packet on every medium). */
    public void send(byte[] packet) {
        List<Route> current = routes;
        if (!started) {
            LOG.debugf("transport not started: packet of %d bytes not sent", packet.length);
            return;
        }
        for (Route route : current) {
            Counters c = counters.get(route.link());
            try {
                route.socket().send(Buffer.buffer(packet), route.port(), route.host()).onComplete(ar -> {
                    if (ar.succeeded()) {
                        c.sent.incrementAndGet();
                    } else {
                        sendFailed(route, c, ar.cause());
                    }
                });
            } catch (RuntimeException e) {
                sendFailed(route, c, e);
            }
        }
        if (ipv6 != null) {
            ipv6.send(packet);
        }
    }

    /** Closes every socket. Safe to call more than once. */
    public Future<Void> stop() {
        started = false;
        routes = List.of();
        return closeAll();
    }

    /** Per-link figures (link = medium name = device), in ha.cf order. */
    public Map<String, LinkCounters> counters() {
        Map<String, LinkCounters> snapshot = new LinkedHashMap<>();
        counters.forEach((link, c) -> snapshot.put(link, c.snapshot()));
        return Collections.unmodifiableMap(snapshot);
    }

    /**
     * Whether one of our own datagrams has come back to us over {@code link} since start: broadcast always does,
     * multicast only with loop 1, ucast never. Heartbeat shows its own link {@code up} on that basis; the growth of
     * {@link LinkCounters#ownDropped()} tells whether it still does.
     */
    public boolean ownLinkSeen(String link) {
        Counters c = counters.get(link);
        return c != null && c.ownDropped.get() > 0;
    }

    /**
     * Whether this node's own heartbeat link {@code link} reads {@code up} as in Heartbeat: one of our own datagrams
     * came back over it ({@link #ownLinkSeen}), or a ucast line of the link names one of our own addresses (Heartbeat
     * sends there and hears itself every keepalive; Vigil skips that send, the answer is the same). Heartbeat never
     * declares its own links dead once up.
     */
    public boolean ownLinkUp(String link) {
        return ownLinkSeen(link) || selfAddressed.contains(link) || (ipv6 != null && ipv6.selfAddressed(link));
    }

    // --- opening --------------------------------------------------------------------------------------------------

    private Future<Void> open() {
        Map<Medium, LinkInterface> resolved = new LinkedHashMap<>();
        for (Medium medium : ipv4Media()) {
            resolved.put(medium, LinkInterface.resolve(medium));
        }
        List<Future<?>> steps = new ArrayList<>();
        // Routes whose send socket is still being bound.
        List<Map.Entry<Future<DatagramSocket>, Route>> planned = new ArrayList<>();

        // Send sockets: bcast/ucast lines of a device share one; each mcast line has its own (TTL, loop, interface).
        Map<String, Future<DatagramSocket>> deviceSenders = new LinkedHashMap<>();
        for (Map.Entry<Medium, LinkInterface> e : resolved.entrySet()) {
            Medium medium = e.getKey();
            LinkInterface link = e.getValue();
            String description = describe(medium);
            if (medium instanceof Medium.Mcast m) {
                DatagramSocketOptions options = new DatagramSocketOptions()
                        .setMulticastTimeToLive(m.ttl())
                        .setMulticastNetworkInterface(m.device())
                        .setLoopbackModeDisabled(loopbackModeDisabledFlag(m.loop()));
                Future<DatagramSocket> sender = openSender(options, link, description);
                steps.add(sender);
                planned.add(Map.entry(sender,
                        new Route(m.name(), description, null, m.group().getHostAddress(), m.port())));
                continue;
            }
            Future<DatagramSocket> sender = deviceSenders.computeIfAbsent(link.device(),
                    d -> openSender(new DatagramSocketOptions().setBroadcast(true), link, description));
            steps.add(sender);
            if (medium instanceof Medium.Bcast b) {
                planned.add(Map.entry(sender,
                        new Route(b.name(), description, null, link.broadcast().getHostAddress(), b.port())));
            } else if (medium instanceof Medium.Ucast u) {
                if (!(u.peer() instanceof Inet4Address)) {
                    throw new TransportException(description + ": only IPv4 peers are supported"
                            + " — check the ucast line in ha.cf");
                }
                if (isOwnAddress(u.peer())) {
                    selfAddressed.add(u.name());
                    LOG.infof("%s: %s is one of our own addresses; not sending there", description,
                            u.peer().getHostAddress());
                } else {
                    planned.add(Map.entry(sender,
                            new Route(u.name(), description, null, u.peer().getHostAddress(), u.port())));
                }
            }
        }

        // Receive sockets: one per distinct port, for every medium using it.
        Map<Integer, List<Medium>> byPort = new LinkedHashMap<>();
        for (Medium medium : ipv4Media()) {
            byPort.computeIfAbsent(port(medium), p -> new ArrayList<>()).add(medium);
        }
        for (Map.Entry<Integer, List<Medium>> e : byPort.entrySet()) {
            steps.add(openReceiver(e.getKey(), e.getValue(), resolved));
        }
        if (ipv6 != null) {
            steps.add(ipv6.open());
        }

        return Future.all(steps).map(all -> {
            routes = planned.stream()
                    .map(p -> new Route(p.getValue().link(), p.getValue().description(), p.getKey().result(),
                            p.getValue().host(), p.getValue().port()))
                    .toList();
            if (!planned.isEmpty() || !byPort.isEmpty()) {
                LOG.infof("transport up: %s", ipv4Media().stream().map(Transport::describe).collect(Collectors.joining(", ")));
            }
            return null;
        });
    }

    private Future<DatagramSocket> openSender(DatagramSocketOptions options, LinkInterface link, String what) {
        DatagramSocket socket = vertx.createDatagramSocket(options);
        sockets.add(socket);
        socket.handler(packet -> { }); // nothing is addressed to a send socket's ephemeral port
        String address = link.address().getHostAddress();
        return socket.listen(0, address).recover(cause -> Future.failedFuture(new TransportException(
                what + ": cannot bind a send socket to " + address + " (" + cause.getMessage() + ")", cause)))
                .onSuccess(s -> {
                    SocketAddress local = s.localAddress();
                    ownSendSockets.put(new InetSocketAddress(link.address(), local.port()), link.device());
                });
    }

    private Future<DatagramSocket> openReceiver(int port, List<Medium> users, Map<Medium, LinkInterface> resolved) {
        List<LinkInterface> links = LinkAttribution.distinct(users.stream().map(resolved::get).toList());
        Map<InetAddress, String> ucastPeers = new LinkedHashMap<>();
        for (Medium m : users) {
            if (m instanceof Medium.Ucast u) {
                ucastPeers.putIfAbsent(u.peer(), u.device());
            }
        }
        LinkAttribution attribution = new LinkAttribution(links, ucastPeers);
        String what = users.stream().map(Transport::describe).collect(Collectors.joining(", "));

        DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions()
                .setReuseAddress(true)
                .setReceiveBufferSize(RECEIVE_BUFFER_BYTES));
        sockets.add(socket);
        socket.handler(packet -> onPacket(attribution, packet));
        socket.exceptionHandler(e -> LOG.warnf("receive error on port %d: %s", port, e.toString()));
        Future<DatagramSocket> listening = socket.listen(port, "0.0.0.0").recover(cause ->
                Future.failedFuture(new TransportException("cannot receive on 0.0.0.0:" + port + " for " + what
                        + " (" + cause.getMessage() + ")"
                        + (port < 1024 ? "; ports below 1024 need root or CAP_NET_BIND_SERVICE" : ""), cause)));
        for (Medium m : users) {
            if (m instanceof Medium.Mcast mc) {
                String group = mc.group().getHostAddress();
                listening = listening.compose(s -> s.listenMulticastGroup(group, mc.device(), null)
                        .recover(cause -> Future.failedFuture(new TransportException(describe(mc)
                                + ": cannot join group " + group + " on " + mc.device() + " (" + cause.getMessage()
                                + ") — check the mcast line in ha.cf", cause)))
                        .map(s));
            }
        }
        return listening;
    }

    private Future<Void> closeAll() {
        List<Future<Void>> closing = new ArrayList<>();
        for (DatagramSocket socket : sockets) {
            closing.add(socket.close().recover(e -> Future.succeededFuture()));
        }
        sockets.clear();
        ownSendSockets.clear();
        if (ipv6 != null) {
            closing.add(ipv6.close());
        }
        return Future.all(closing).mapEmpty();
    }

    // --- receiving ------------------------------------------------------------------------------------------------

    private void onPacket(LinkAttribution attribution, DatagramPacket packet) {
        SocketAddress from = packet.sender();
        InetSocketAddress sender;
        try {
            // hostAddress() is a numeric literal: no name lookup happens here.
            sender = new InetSocketAddress(InetAddress.getByName(from.hostAddress()), from.port());
        } catch (UnknownHostException e) {
            LOG.debugf("datagram from unparsable sender %s dropped", from);
            return;
        }
        String ownLink = ownSendSockets.get(sender);
        if (ownLink != null) {
            counters.get(ownLink).ownDropped.incrementAndGet();
            return;
        }
        LinkAttribution.Result link = attribution.linkOf(sender.getAddress());
        if (link.guessed() && guessWarned.size() < MAX_GUESS_WARNINGS && guessWarned.add(sender.getAddress())) {
            LOG.warnf("datagram from %s matches no link subnet and no ucast peer; counted on link %s",
                    sender.getAddress().getHostAddress(), link.link());
        }
        counters.get(link.link()).received.incrementAndGet();
        try {
            receiver.accept(new Inbound(packet.data().getBytes(), link.link(), sender));
        } catch (RuntimeException e) {
            LOG.errorf(e, "receiver failed on a datagram from %s (link %s)", sender, link.link());
        }
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    private void sendFailed(Route route, Counters c, Throwable cause) {
        c.sendErrors.incrementAndGet();
        long now = System.nanoTime();
        long last = c.lastErrorLogNanos;
        if (last == 0 || now - last >= SEND_ERROR_LOG_INTERVAL_NANOS) {
            c.lastErrorLogNanos = now == 0 ? 1 : now;
            long more = c.unloggedErrors.getAndSet(0);
            LOG.warnf("%s: cannot send to %s:%d: %s%s", route.description(), route.host(), route.port(),
                    cause.getMessage() == null ? cause.toString() : cause.getMessage(),
                    more > 0 ? " (" + more + " more send errors on link " + route.link() + " since the last report)"
                            : "");
        } else {
            c.unloggedErrors.incrementAndGet();
        }
    }

    /**
     * The value for {@link DatagramSocketOptions#setLoopbackModeDisabled(boolean)} that yields IP_MULTICAST_LOOP =
     * {@code loop}. Netty's NIO channel passes the flag straight to {@code StandardSocketOptions.IP_MULTICAST_LOOP}
     * (true = loop enabled), inverting the name; the native epoll channel honours the name.
     */
    private boolean loopbackModeDisabledFlag(boolean loop) {
        return loopbackModeDisabledFlag(vertx, loop);
    }

    static boolean loopbackModeDisabledFlag(Vertx vertx, boolean loop) {
        return vertx.isNativeTransportEnabled() ? !loop : loop;
    }

    static boolean isOwnAddress(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private static int port(Medium medium) {
        if (medium instanceof Medium.Bcast b) {
            return b.port();
        }
        if (medium instanceof Medium.Mcast m) {
            return m.port();
        }
        return ((Medium.Ucast) medium).port();
    }

    static String describe(Medium medium) {
        if (medium.ipv6()) {
            return Ipv6Media.describe(medium);
        }
        if (medium instanceof Medium.Mcast m) {
            return "mcast " + m.device() + " " + m.group().getHostAddress() + " " + m.port() + " " + m.ttl() + " "
                    + (m.loop() ? 1 : 0);
        }
        if (medium instanceof Medium.Ucast u) {
            return "ucast " + u.device() + " " + u.peer().getHostAddress();
        }
        return "bcast " + medium.device();
    }

    private static final class Counters {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final AtomicLong sendErrors = new AtomicLong();
        final AtomicLong ownDropped = new AtomicLong();
        final AtomicLong unloggedErrors = new AtomicLong();
        volatile long lastErrorLogNanos;

        LinkCounters snapshot() {
            return new LinkCounters(sent.get(), received.get(), sendErrors.get(), ownDropped.get());
        }
    }
}
