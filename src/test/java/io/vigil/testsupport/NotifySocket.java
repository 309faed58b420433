package io.vigil.testsupport;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainDatagramSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The receiving end of systemd's notification socket, for tests and the watchdog supervisor. */
public final class NotifySocket implements AutoCloseable {

    private final Socket socket;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(4096);

    /** Binds {@code path} (a file path, or {@code @name} for the abstract namespace). */
    public NotifySocket(String path) throws IOException {
        Epoll.ensureAvailability();
        socket = Socket.newSocketDomainDgram();
        socket.bind(new DomainSocketAddress(path.startsWith("@") ? "\0" + path.substring(1) : path));
    }

    /** The next datagram, waiting at most {@code timeoutMs}; empty when none came. */
    public Optional<String> receive(long timeoutMs) throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            buffer.clear();
            DomainDatagramSocketAddress from = socket.recvFromDomainSocket(buffer, 0, buffer.capacity());
            if (from != null && from.receivedAmount() > 0) {
                byte[] b = new byte[from.receivedAmount()];
                buffer.get(0, b);
                return Optional.of(new String(b, StandardCharsets.UTF_8));
            }
            if (System.nanoTime() >= deadline) {
                return Optional.empty();
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
