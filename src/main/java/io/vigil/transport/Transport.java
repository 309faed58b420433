package io.vigil.transport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vigil.config.Medium;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Heartbeat's UDP media (bcast, mcast, ucast): Vert.x datagram sockets to send, JDK datagram channels read by a thread
 * of their own to receive.
 * <p>
 * Sockets: one send socket per device carrying bcast/ucast lines and one per mcast line, each bound to the link's own
 * IPv4 address (the JDK has no SO_BINDTODEVICE; binding the source address makes Linux route broadcasts and
 * multicasts out of that link). One receive socket per distinct port on {@code 0.0.0.0:port} with SO_REUSEADDR and a
 * kernel receive buffer no smaller than the system default ({@link #socketReceiveBuffer}); mcast groups are joined on
 * that socket per listed interface. Each receive socket is read by its own thread ({@code vigil-receive-<port>}), so a
 * flood of datagrams never competes with the event loop that sends keepalives and checks deadlines. Received datagrams
 * are attributed to a link by {@link LinkAttribution}; our own datagrams (sender = one of our send sockets) are dropped
 * and counted. On a port that carries only ucast media, a datagram whose source is no ucast peer of that port is
 * marked {@link Inbound#listedSource() unlisted} (the receiver drops and counts it).
 * <p>
 * Threading: send sockets are created on the Vert.x context current when {@link #start()} is called (a new event-loop
 * context if called from elsewhere). The receiver is called on the receive thread of the datagram's port: it must be
 * thread-safe and hand work for single-threaded code over to that code's context. {@link #send(byte[])} may be called
 * from any thread and never throws.
 */
public final class Transport {

    private static final Logger LOG = Logger.getLogger(Transport.class);

    /** Read buffer: the largest IPv4 UDP payload is 65,507 bytes. */
    static final int READ_BUFFER_BYTES = 65_536;
    /** Kernel receive buffer asked for (the kernel caps it at net.core.rmem_max): absorbs bursts while a flood lasts. */
    static final int WANTED_SOCKET_RECEIVE_BUFFER = 4 * 1024 * 1024;
    private static final long SEND_ERROR_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_GUESS_WARNINGS = 64;
    private static final Runnable NOTHING = () -> { };

    private final Vertx vertx;
    private final List<Medium> media;
    private final Consumer<Inbound> receiver;
    private final Map<String, Counters> counters = new LinkedHashMap<>();
    private final Map<InetSocketAddress, String> ownSendSockets = new ConcurrentHashMap<>();
    private final List<DatagramSocket> sockets = new CopyOnWriteArrayList<>();
    private final List<Receiver> receivers = new CopyOnWriteArrayList<>();
    private volatile PeerSockets peers;
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

    /** How many peer endpoints are read on a receive socket of their own ({@link PeerSockets}). */
    public int peerSockets() {
        PeerSockets p = peers;
        return p == null ? 0 : p.size();
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
        try {
            peers = new PeerSockets((endpoint, sender, data) -> onDatagram(endpoint, sender, data, false));
        } catch (IOException e) {
            throw new TransportException("cannot open a selector for the peers' receive sockets (" + e.getMessage() + ")", e);
        }
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
                    io.vertx.core.net.SocketAddress local = s.localAddress();
                    ownSendSockets.put(new InetSocketAddress(link.address(), local.port()), link.device());
                });
    }

    private Future<Void> openReceiver(int port, List<Medium> users, Map<Medium, LinkInterface> resolved) {
        List<LinkInterface> links = LinkAttribution.distinct(users.stream().map(resolved::get).toList());
        Map<InetAddress, String> ucastPeers = new LinkedHashMap<>();
        for (Medium m : users) {
            if (m instanceof Medium.Ucast u) {
                ucastPeers.putIfAbsent(u.peer(), u.device());
            }
        }
        LinkAttribution attribution = new LinkAttribution(links, ucastPeers);
        // A port only ucast lines use hears only the peers they name; with bcast/mcast on it anyone may speak.
        Set<InetAddress> listed = users.stream().allMatch(m -> m instanceof Medium.Ucast) ? Set.copyOf(ucastPeers.keySet()) : null;
        String what = users.stream().map(Transport::describe).collect(Collectors.joining(", "));
        DatagramChannel channel = null;
        try {
            channel = DatagramChannel.open(StandardProtocolFamily.INET);
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            OptionalInt rcvbuf = socketReceiveBuffer();
            if (rcvbuf.isPresent()) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, rcvbuf.getAsInt());
            }
            channel.bind(new InetSocketAddress("0.0.0.0", port));
            for (Medium m : users) {
                if (m instanceof Medium.Mcast mc) {
                    join(channel, mc);
                }
            }
            Receiver r = new Receiver(port, channel, attribution, listed);
            receivers.add(r);
            LOG.debugf("receiving on 0.0.0.0:%d (%s), SO_RCVBUF %d bytes", port, what,
                    channel.getOption(StandardSocketOptions.SO_RCVBUF));
            r.start();
            return Future.succeededFuture();
        } catch (TransportException e) {
            closeQuietly(channel);
            return Future.failedFuture(e);
        } catch (IOException e) {
            closeQuietly(channel);
            return Future.failedFuture(new TransportException("cannot receive on 0.0.0.0:" + port + " for " + what
                    + " (" + e.getMessage() + ")"
                    + (port < 1024 ? "; ports below 1024 need root or CAP_NET_BIND_SERVICE" : ""), e));
        }
    }

    private static void join(DatagramChannel channel, Medium.Mcast mc) {
        String group = mc.group().getHostAddress();
        try {
            NetworkInterface nif = NetworkInterface.getByName(mc.device());
            if (nif == null) {
                throw new IOException("no such interface");
            }
            channel.join(mc.group(), nif);
        } catch (IOException e) {
            throw new TransportException(describe(mc) + ": cannot join group " + group + " on " + mc.device() + " ("
                    + e.getMessage() + ") — check the mcast line in ha.cf", e);
        }
    }

    /**
     * The SO_RCVBUF to ask for: {@link #WANTED_SOCKET_RECEIVE_BUFFER}, never less than {@code net.core.rmem_default}
     * (the kernel caps a request at {@code rmem_max} and doubles it); empty — keep the system default — when even the
     * capped request would give less than that default.
     */
    static OptionalInt socketReceiveBuffer() {
        long def = sysctl("/proc/sys/net/core/rmem_default");
        long max = sysctl("/proc/sys/net/core/rmem_max");
        if (def <= 0 || max <= 0) {
            return OptionalInt.of(WANTED_SOCKET_RECEIVE_BUFFER);
        }
        long wanted = Math.max(WANTED_SOCKET_RECEIVE_BUFFER, def);
        return 2 * Math.min(wanted, max) < def ? OptionalInt.empty() : OptionalInt.of((int) Math.min(wanted, Integer.MAX_VALUE));
    }

    private static long sysctl(String path) {
        try {
            return Long.parseLong(java.nio.file.Files.readString(java.nio.file.Path.of(path)).strip());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void closeQuietly(DatagramChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing more to release
            }
        }
    }

    private Future<Void> closeAll() {
        List<Future<Void>> closing = new ArrayList<>();
        for (DatagramSocket socket : sockets) {
            closing.add(socket.close().recover(e -> Future.succeededFuture()));
        }
        sockets.clear();
        for (Receiver r : receivers) {
            r.close();
        }
        receivers.clear();
        PeerSockets p = peers;
        peers = null;
        if (p != null) {
            p.close();
        }
        ownSendSockets.clear();
        if (ipv6 != null) {
            closing.add(ipv6.close());
        }
        return Future.all(closing).mapEmpty();
    }

    // --- receiving ------------------------------------------------------------------------------------------------

    /** One receive socket and the thread that reads it. */
    private final class Receiver extends Thread {
        private final int port;
        private final DatagramChannel channel;
        private final LinkAttribution attribution;
        private final Set<InetAddress> listed;

        Receiver(int port, DatagramChannel channel, LinkAttribution attribution, Set<InetAddress> listed) {
            super("vigil-receive-" + port);
            setDaemon(true);
            this.port = port;
            this.channel = channel;
            this.attribution = attribution;
            this.listed = listed;
        }

        @Override
        public void run() {
            ByteBuffer buf = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
            while (channel.isOpen()) {
                buf.clear();
                SocketAddress from;
                try {
                    from = channel.receive(buf);
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    LOG.warnf("receive error on %s: %s", getName(), e.toString());
                    continue;
                }
                if (from instanceof InetSocketAddress sender) {
                    buf.flip();
                    onDatagram(new PeerSockets.Endpoint(port, sender, attribution, listed), sender, buf, true);
                }
            }
        }

        void close() {
            closeQuietly(channel);
        }
    }

    /** A datagram from the shared socket of a port ({@code shared}) or from a peer's own socket. */
    private void onDatagram(PeerSockets.Endpoint endpoint, InetSocketAddress sender, ByteBuffer data, boolean shared) {
        String ownLink = ownSendSockets.get(sender);
        if (ownLink != null) {
            counters.get(ownLink).ownDropped.incrementAndGet();
            return;
        }
        PeerSockets p = peers;
        if (shared && p != null && p.has(endpoint)) {
            return; // a broadcast or multicast of a peer with a socket of its own: that socket has its copy
        }
        LinkAttribution.Result link = endpoint.attribution().linkOf(sender.getAddress());
        boolean listedSource = endpoint.listed() == null || endpoint.listed().contains(sender.getAddress());
        if (link.guessed() && listedSource && guessWarned.size() < MAX_GUESS_WARNINGS && guessWarned.add(sender.getAddress())) {
            LOG.warnf("datagram from %s matches no link subnet and no ucast peer; counted on link %s",
                    sender.getAddress().getHostAddress(), link.link());
        }
        counters.get(link.link()).received.incrementAndGet();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        // Only on ucast-only ports: connecting a socket gives it our unicast address as its local address, so it would
        // no longer receive the peer's broadcasts or multicasts (measured: a bcast pair lost each other for the 60 s
        // until the idle socket was closed).
        Runnable dedicate = p == null || !shared || endpoint.listed() == null ? NOTHING : () -> p.dedicate(endpoint);
        try {
            receiver.accept(new Inbound(bytes, link.link(), sender, listedSource, dedicate));
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
