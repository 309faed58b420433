package io.vigil.transport;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A receive socket of its own for each peer endpoint that has proved itself (sent an authenticated packet), so that a
 * flood cannot crowd the peer's heartbeats out of the kernel's receive buffer. The socket is bound to the medium's
 * port like the shared one (SO_REUSEADDR) and <em>connected</em> to the peer's address and port: Linux then delivers
 * the peer's unicast datagrams to it alone (a connected socket matches a datagram better than the shared wildcard
 * one), while everything else — a flood from other addresses or other ports — still lands in the shared socket. Only
 * for ucast-only ports: connect() also sets the socket's local address to our unicast address, so such a socket would
 * not receive the peer's broadcasts or multicasts. One thread ({@code vigil-receive-peers}) reads them all; a socket
 * that has heard nothing for {@link #IDLE_MS} is closed (the peer restarted with a new port, or is gone). At most
 * {@link #MAX_SOCKETS}.
 */
final class PeerSockets implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PeerSockets.class);
    static final int MAX_SOCKETS = 32;
    static final long IDLE_MS = 60_000;

    /** Where a dedicated socket's datagrams go: the transport's common path for received datagrams. */
    interface Sink {
        void received(Endpoint endpoint, InetSocketAddress sender, ByteBuffer data);
    }

    /** One peer endpoint on one local port, with how the shared socket of that port attributes and admits it. */
    record Endpoint(int port, InetSocketAddress peer, LinkAttribution attribution, Set<InetAddress> listed) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Endpoint e && e.port == port && e.peer.equals(peer);
        }

        @Override
        public int hashCode() {
            return port * 31 + peer.hashCode();
        }
    }

    private static final class Entry {
        final Endpoint endpoint;
        final DatagramChannel channel;
        volatile long lastHeardMs = System.nanoTime() / 1_000_000;

        Entry(Endpoint endpoint, DatagramChannel channel) {
            this.endpoint = endpoint;
            this.channel = channel;
        }
    }

    private final Sink sink;
    private final Selector selector;
    private final Thread thread;
    private final Map<Endpoint, Entry> entries = new ConcurrentHashMap<>();
    private final Queue<Entry> pending = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    private volatile boolean fullReported;

    PeerSockets(Sink sink) throws IOException {
        this.sink = sink;
        this.selector = Selector.open();
        this.thread = new Thread(this::run, "vigil-receive-peers");
        thread.setDaemon(true);
        thread.start();
    }

    /** Gives {@code endpoint} a socket of its own, unless it has one. Any thread; never throws. */
    void dedicate(Endpoint endpoint) {
        if (closed || entries.containsKey(endpoint)) {
            return;
        }
        if (entries.size() >= MAX_SOCKETS) {
            if (!fullReported) {
                fullReported = true;
                LOG.warnf("%d peer endpoints already have a socket of their own; %s shares the common one",
                        MAX_SOCKETS, endpoint.peer());
            }
            return;
        }
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open(StandardProtocolFamily.INET);
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            OptionalInt receiveBuffer = Transport.socketReceiveBuffer();
            if (receiveBuffer.isPresent()) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer.getAsInt());
            }
            ch.bind(new InetSocketAddress("0.0.0.0", endpoint.port()));
            ch.connect(endpoint.peer());
            ch.configureBlocking(false);
            Entry e = new Entry(endpoint, ch);
            if (entries.putIfAbsent(endpoint, e) != null) {
                ch.close();
                return;
            }
            pending.add(e);
            selector.wakeup();
            LOG.debugf("peer %s has a receive socket of its own on port %d", endpoint.peer(), endpoint.port());
        } catch (IOException | RuntimeException e) {
            LOG.debugf("no socket of its own for %s: %s", endpoint.peer(), e.toString());
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing more to release
                }
            }
        }
    }

    /** Whether {@code endpoint} is read on a socket of its own. */
    boolean has(Endpoint endpoint) {
        return entries.containsKey(endpoint);
    }

    /** How many peer endpoints have a socket of their own. */
    int size() {
        return entries.size();
    }

    private void run() {
        ByteBuffer buf = ByteBuffer.allocateDirect(Transport.READ_BUFFER_BYTES);
        try {
            while (!closed) {
                selector.select(1000);
                Entry p;
                while ((p = pending.poll()) != null) {
                    p.channel.register(selector, SelectionKey.OP_READ, p);
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Entry e = (Entry) key.attachment();
                    drain(e, buf);
                }
                selector.selectedKeys().clear();
                closeIdle();
            }
        } catch (ClosedSelectorException e) {
            // closed
        } catch (IOException e) {
            LOG.warnf("the peers' receive sockets stopped: %s", e.toString());
        }
    }

    private void drain(Entry e, ByteBuffer buf) {
        for (int i = 0; i < 64; i++) {
            buf.clear();
            SocketAddress from;
            try {
                from = e.channel.receive(buf);
            } catch (IOException x) {
                return;
            }
            if (!(from instanceof InetSocketAddress sender)) {
                return;
            }
            e.lastHeardMs = System.nanoTime() / 1_000_000;
            buf.flip();
            sink.received(e.endpoint, sender, buf);
        }
    }

    private void closeIdle() {
        long now = System.nanoTime() / 1_000_000;
        for (Entry e : entries.values()) {
            if (now - e.lastHeardMs > IDLE_MS) {
                entries.remove(e.endpoint);
                closeQuietly(e.channel);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Entry e : entries.values()) {
            closeQuietly(e.channel);
        }
        entries.clear();
        try {
            selector.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }

    private static void closeQuietly(DatagramChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }
}
