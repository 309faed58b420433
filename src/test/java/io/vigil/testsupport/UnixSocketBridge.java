package io.vigil.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a TCP service inside a network namespace reachable on this host's loopback, with no route between the two:
 * {@code socat} inside the namespace turns the service into a Unix-domain socket (the file system is shared by all
 * namespaces), and this bridge listens on 127.0.0.1 (a free port) and pipes each connection to that socket. Used to
 * point a browser of the host at a lab node's status page, which listens on the node's own loopback.
 */
public final class UnixSocketBridge implements AutoCloseable {

    private final ServerSocketChannel server;
    private final Path socket;
    private final List<SocketChannel> open = new ArrayList<>();
    private final Thread acceptor;

    /** Starts {@code socat} in {@code ns} (ended with the namespaces) and the host side; returns the bridge. */
    public static UnixSocketBridge into(Netns netns, String ns, String tcpTarget, Path socket) throws IOException {
        java.nio.file.Files.deleteIfExists(socket);
        netns.start(ns, null, "socat", "UNIX-LISTEN:" + socket + ",fork,unlink-early", "TCP:" + tcpTarget);
        long end = System.nanoTime() + 10_000_000_000L;
        while (!java.nio.file.Files.exists(socket)) {
            if (System.nanoTime() > end) {
                throw new IOException("socat did not create " + socket + " within 10 s (is socat installed?)");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        return new UnixSocketBridge(socket);
    }

    private UnixSocketBridge(Path socket) throws IOException {
        this.socket = socket;
        this.server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        acceptor = new Thread(this::accept, "bridge-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>} + path. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                SocketChannel upstream = SocketChannel.open(StandardProtocolFamily.UNIX);
                upstream.connect(UnixDomainSocketAddress.of(socket));
                synchronized (open) {
                    open.add(client);
                    open.add(upstream);
                }
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
            }
        }
    }

    private static void pump(SocketChannel from, SocketChannel to) {
        Thread t = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(16384);
            try {
                while (from.read(buf) >= 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        to.write(buf);
                    }
                    buf.clear();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    to.shutdownOutput();
                } catch (IOException e) {
                    // already closed
                }
            }
        }, "bridge-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (open) {
            for (SocketChannel c : open) {
                c.close();
            }
        }
    }
}
