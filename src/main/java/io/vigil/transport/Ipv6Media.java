package io.vigil.transport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.config.Medium;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Heartbeat's IPv6 media, {@code mcast6} and {@code ucast6}, on JDK datagram channels (the IPv4 media are
 * {@link Transport}'s own; this class is its IPv6 half and shares its counters).
 * <p>
 * Sockets: one send socket per device carrying ucast6 lines and one per mcast6 line, each bound to an IPv6 address of
 * the device (a global one for global peers, the link-local one, scoped to the device, for {@code fe80::} peers and
 * for multicast). One receive socket per port on {@code [::]:port}; mcast6 groups are joined on it per device. A
 * datagram's link is its sender's: a link-local sender by its scope (the interface it arrived on), a global one by the
 * device whose IPv6 prefix contains it, else the ucast6 line naming it, else the only link of the port. IPv4 senders
 * that a dual-stack socket may see are left to the IPv4 sockets.
 */
final class Ipv6Media {

    private static final Logger LOG = Logger.getLogger(Transport.class);

    /** An IPv6 identity of a device: an address to bind to and every IPv6 prefix on it. */
    record Link6(String device, int index, Inet6Address linkLocal, Inet6Address global, List<InterfaceAddress> prefixes) {

        /** The address a socket sending to {@code peer} binds to: link-local for link-local peers and multicast. */
        Inet6Address sourceFor(InetAddress peer) {
            boolean local = peer == null || peer.isLinkLocalAddress() || peer.isMulticastAddress() || global == null;
            return local && linkLocal != null ? linkLocal : global;
        }

        static Link6 resolve(Medium medium) {
            String directive = medium instanceof Medium.Mcast6 ? "mcast6" : "ucast6";
            String where = " — check the " + directive + " line in ha.cf";
            NetworkInterface nif;
            try {
                nif = NetworkInterface.getByName(medium.device());
            } catch (SocketException e) {
                throw new TransportException(directive + " " + medium.device() + ": cannot query the interface ("
                        + e.getMessage() + ")" + where, e);
            }
            if (nif == null) {
                throw new TransportException(directive + " " + medium.device() + ": interface does not exist" + where);
            }
            Inet6Address linkLocal = null;
            Inet6Address global = null;
            List<InterfaceAddress> prefixes = new ArrayList<>();
            // The JDK lists addresses newest first (see LinkInterface): keep the last, i.e. the kernel's first.
            for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
                if (ia.getAddress() instanceof Inet6Address a6) {
                    prefixes.add(ia);
                    if (a6.isLinkLocalAddress()) {
                        linkLocal = a6;
                    } else {
                        global = a6;
                    }
                }
            }
            if (linkLocal == null && global == null) {
                throw new TransportException(directive + " " + medium.device() + ": interface has no IPv6 address" + where
                        + " or add an IPv6 address to " + medium.device());
            }
            return new Link6(medium.device(), nif.getIndex(), linkLocal, global, prefixes);
        }

        boolean contains(Inet6Address a) {
            byte[] x = a.getAddress();
            for (InterfaceAddress ia : prefixes) {
                byte[] y = ia.getAddress().getAddress();
                int bits = ia.getNetworkPrefixLength();
                if (bits > 0 && !ia.getAddress().isLinkLocalAddress() && samePrefix(x, y, bits)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean samePrefix(byte[] x, byte[] y, int bits) {
            for (int i = 0; i < 16 && bits > 0; i++, bits -= 8) {
                int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
                if ((x[i] & mask) != (y[i] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private record Route(String link, String description, DatagramChannel channel, InetSocketAddress target) {
    }

    private final Vertx vertx;
    private final List<Medium> media;
    private final Consumer<Inbound> receiver;
    private final Transport.Accounting accounting;
    private final List<DatagramChannel> channels = new CopyOnWriteArrayList<>();
    private final Map<InetSocketAddress, String> ownSendSockets = new ConcurrentHashMap<>();
    private final java.util.Set<String> selfAddressed = ConcurrentHashMap.newKeySet();
    private volatile List<Route> routes = List.of();
    private Context context;

    Ipv6Media(Vertx vertx, List<Medium> media, Consumer<Inbound> receiver, Transport.Accounting accounting) {
        this.vertx = vertx;
        this.media = List.copyOf(media);
        this.receiver = receiver;
        this.accounting = accounting;
    }

    /** Links with a ucast6 line naming one of our own addresses (see {@link Transport#ownLinkUp}). */
    boolean selfAddressed(String link) {
        return selfAddressed.contains(link);
    }

    /**
     * Opens every socket. JDK datagram channels rather than Vert.x sockets: Vert.x resolves host strings through its
     * DNS resolver, which does not understand the scoped literals ({@code fe80::1%eth0}) link-local peers and IPv6
     * multicast need. One thread per receive socket hands datagrams to the calling context, so the receiver runs on
     * the same thread as for the IPv4 media.
     */
    Future<Void> open() {
        context = vertx.getOrCreateContext();
        try {
            Map<Medium, Link6> resolved = new LinkedHashMap<>();
            for (Medium m : media) {
                resolved.put(m, Link6.resolve(m));
            }
            List<Route> planned = new ArrayList<>();
            Map<String, DatagramChannel> senders = new LinkedHashMap<>();
            for (Map.Entry<Medium, Link6> e : resolved.entrySet()) {
                Medium medium = e.getKey();
                Link6 link = e.getValue();
                String description = describe(medium);
                NetworkInterface nif = NetworkInterface.getByIndex(link.index());
                if (medium instanceof Medium.Mcast6 m) {
                    DatagramChannel ch = openSender(link, link.sourceFor(m.group()), description);
                    ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
                    ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, m.hops());
                    ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, m.loop());
                    planned.add(new Route(m.name(), description, ch, new InetSocketAddress(scoped(m.group(), nif), m.port())));
                    continue;
                }
                Medium.Ucast6 u = (Medium.Ucast6) medium;
                if (Transport.isOwnAddress(u.peer())) {
                    selfAddressed.add(u.name());
                    LOG.infof("%s: %s is one of our own addresses; not sending there", description, u.peer().getHostAddress());
                    continue;
                }
                Inet6Address source = link.sourceFor(u.peer());
                DatagramChannel ch = senders.get(link.device() + " " + source);
                if (ch == null) {
                    ch = openSender(link, source, description);
                    senders.put(link.device() + " " + source, ch);
                }
                planned.add(new Route(u.name(), description, ch, new InetSocketAddress(scoped(u.peer(), nif), u.port())));
            }
            Map<Integer, List<Medium>> byPort = new LinkedHashMap<>();
            for (Medium m : media) {
                byPort.computeIfAbsent(port(m), p -> new ArrayList<>()).add(m);
            }
            for (Map.Entry<Integer, List<Medium>> e : byPort.entrySet()) {
                openReceiver(e.getKey(), e.getValue(), resolved);
            }
            routes = List.copyOf(planned);
            LOG.infof("transport up: %s", String.join(", ", media.stream().map(Ipv6Media::describe).toList()));
            return Future.succeededFuture();
        } catch (TransportException e) {
            return Future.failedFuture(e);
        } catch (IOException | RuntimeException e) {
            return Future.failedFuture(new TransportException("IPv6 media: " + e.getMessage(), e));
        }
    }

    /** A link-local or multicast address carries the device as its scope. */
    private static Inet6Address scoped(Inet6Address address, NetworkInterface nif) throws UnknownHostException {
        if (address.isLinkLocalAddress() || address.isMulticastAddress()) {
            return Inet6Address.getByAddress(null, address.getAddress(), nif);
        }
        return (Inet6Address) stripScope(address);
    }

    private DatagramChannel openSender(Link6 link, Inet6Address source, String what) {
        try {
            DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6);
            channels.add(ch);
            NetworkInterface nif = NetworkInterface.getByIndex(link.index());
            ch.bind(new InetSocketAddress(scoped(source, nif), 0));
            InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
            ownSendSockets.put(new InetSocketAddress(stripScope(source), local.getPort()), link.device());
            return ch;
        } catch (IOException e) {
            throw new TransportException(what + ": cannot bind a send socket to " + source.getHostAddress() + " ("
                    + e.getMessage() + ") — a just-added IPv6 address is unusable until duplicate address detection ends", e);
        }
    }

    private void openReceiver(int port, List<Medium> users, Map<Medium, Link6> resolved) throws IOException {
        Map<String, Link6> links = new LinkedHashMap<>();
        Map<InetAddress, String> peers = new LinkedHashMap<>();
        for (Medium m : users) {
            links.putIfAbsent(m.device(), resolved.get(m));
            if (m instanceof Medium.Ucast6 u) {
                peers.putIfAbsent(stripScope(u.peer()), u.device());
            }
        }
        String what = String.join(", ", users.stream().map(Ipv6Media::describe).toList());
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6);
        channels.add(ch);
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            java.util.OptionalInt rcvbuf = Transport.socketReceiveBuffer(); // as the IPv4 sockets: absorbs a flood's bursts
            if (rcvbuf.isPresent()) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, rcvbuf.getAsInt());
            }
            ch.bind(new InetSocketAddress(InetAddress.getByName("::"), port));
        } catch (IOException e) {
            throw new TransportException("cannot receive on [::]:" + port + " for " + what + " (" + e.getMessage() + ")"
                    + (port < 1024 ? "; ports below 1024 need root or CAP_NET_BIND_SERVICE" : ""), e);
        }
        for (Medium m : users) {
            if (m instanceof Medium.Mcast6 mc) {
                NetworkInterface nif = NetworkInterface.getByIndex(resolved.get(m).index());
                try {
                    ch.join(stripScope(mc.group()), nif);
                } catch (IOException e) {
                    throw new TransportException(describe(mc) + ": cannot join group " + mc.group().getHostAddress() + " on "
                            + mc.device() + " (" + e.getMessage() + ") — check the mcast6 line in ha.cf", e);
                }
            }
        }
        List<Link6> linkList = List.copyOf(links.values());
        Thread t = new Thread(() -> receiveLoop(ch, linkList, peers), "vigil-udp6-" + port);
        t.setDaemon(true);
        t.start();
    }

    private void receiveLoop(DatagramChannel ch, List<Link6> links, Map<InetAddress, String> peers) {
        ByteBuffer buf = ByteBuffer.allocate(Transport.READ_BUFFER_BYTES);
        while (ch.isOpen()) {
            InetSocketAddress from;
            try {
                buf.clear();
                from = (InetSocketAddress) ch.receive(buf);
            } catch (IOException e) {
                if (ch.isOpen()) {
                    LOG.warnf("receive error on %s: %s", ch, e.toString());
                    continue;
                }
                return;
            }
            buf.flip();
            byte[] data = new byte[buf.remaining()];
            buf.get(data);
            context.runOnContext(v -> onPacket(links, peers, from, data));
        }
    }

    private void onPacket(List<Link6> links, Map<InetAddress, String> peers, InetSocketAddress from, byte[] data) {
        if (!(from.getAddress() instanceof Inet6Address sender)) {
            return; // a dual-stack socket's copy of IPv4 traffic: the IPv4 sockets have it
        }
        InetSocketAddress key = new InetSocketAddress(stripScope(sender), from.getPort());
        String own = ownSendSockets.get(key);
        if (own != null) {
            accounting.ownDropped(own);
            return;
        }
        String link = linkOf(links, peers, sender);
        accounting.received(link);
        try {
            receiver.accept(new Inbound(data, link, key));
        } catch (RuntimeException e) {
            LOG.errorf(e, "receiver failed on a datagram from %s (link %s)", key, link);
        }
    }

    static String linkOf(List<Link6> links, Map<InetAddress, String> peers, Inet6Address sender) {
        if (sender.isLinkLocalAddress() && sender.getScopeId() > 0) {
            for (Link6 l : links) {
                if (l.index() == sender.getScopeId()) {
                    return l.device();
                }
            }
        }
        for (Link6 l : links) {
            if (l.contains(sender)) {
                return l.device();
            }
        }
        String peer = peers.get(stripScope(sender));
        return peer != null ? peer : links.get(0).device();
    }

    void send(byte[] packet) {
        for (Route route : routes) {
            try {
                route.channel().send(ByteBuffer.wrap(packet), route.target());
                accounting.sent(route.link());
            } catch (IOException | RuntimeException e) {
                accounting.sendFailed(route.link(), route.description(), route.target().getAddress().getHostAddress(),
                        route.target().getPort(), e);
            }
        }
    }

    Future<Void> close() {
        routes = List.of();
        for (DatagramChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing: nothing to do
            }
        }
        channels.clear();
        ownSendSockets.clear();
        return Future.succeededFuture();
    }

    static InetAddress stripScope(InetAddress a) {
        if (a instanceof Inet6Address a6 && a6.getScopeId() != 0) {
            try {
                return InetAddress.getByAddress(a6.getAddress());
            } catch (UnknownHostException e) {
                return a;
            }
        }
        return a;
    }

    static int port(Medium m) {
        return m instanceof Medium.Mcast6 mc ? mc.port() : ((Medium.Ucast6) m).port();
    }

    static String describe(Medium medium) {
        if (medium instanceof Medium.Mcast6 m) {
            return "mcast6 " + m.device() + " " + m.group().getHostAddress() + " " + m.port() + " " + m.hops() + " "
                    + (m.loop() ? 1 : 0);
        }
        return "ucast6 " + medium.device() + " " + ((Medium.Ucast6) medium).peer().getHostAddress();
    }
}
