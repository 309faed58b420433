package io.vigil.daemon;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * systemd's notification protocol ({@code sd_notify}) for {@code Type=notify} and {@code WatchdogSec=}: datagrams such
 * as {@code READY=1} and {@code WATCHDOG=1} to the Unix socket named by {@code NOTIFY_SOCKET} (a path, or
 * {@code @name} in the abstract namespace). The JDK has no Unix datagram socket, so this uses the one of Netty's
 * native transport (which Vert.x already loads for the control socket): one {@code sendto} per message from the
 * calling thread, no process forked per ping, no thread of its own.
 */
public final class SystemdNotify implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger("vigil");

    private final Socket socket;
    private final byte[] address;
    private final Optional<Duration> watchdog;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(256);
    private boolean failedOnce;

    private SystemdNotify(Socket socket, byte[] address, Optional<Duration> watchdog) {
        this.socket = socket;
        this.address = address;
        this.watchdog = watchdog;
    }

    /**
     * The notifier systemd asked for, if any: {@code NOTIFY_SOCKET} set and Netty's native transport loadable. The
     * watchdog interval is {@code WATCHDOG_USEC}, unless {@code WATCHDOG_PID} names another process (it is meant for
     * the main process only).
     */
    public static Optional<SystemdNotify> fromEnvironment(Map<String, String> env, long pid) {
        String path = env.get("NOTIFY_SOCKET");
        if (path == null || path.isEmpty()) {
            return Optional.empty();
        }
        if (!(path.startsWith("/") || path.startsWith("@"))) {
            LOG.warnf("NOTIFY_SOCKET=%s is neither a path nor an abstract socket name: not notifying systemd", path);
            return Optional.empty();
        }
        if (!Epoll.isAvailable()) {
            LOG.warnf("NOTIFY_SOCKET is set but Netty's native transport is unavailable (%s): not notifying systemd",
                    Epoll.unavailabilityCause());
            return Optional.empty();
        }
        Optional<Duration> watchdog = Optional.empty();
        String usec = env.get("WATCHDOG_USEC");
        String wpid = env.get("WATCHDOG_PID");
        if (usec != null && (wpid == null || wpid.equals(Long.toString(pid)))) {
            try {
                long us = Long.parseLong(usec.strip());
                if (us > 0) {
                    watchdog = Optional.of(Duration.ofNanos(us * 1000));
                }
            } catch (NumberFormatException e) {
                LOG.warnf("WATCHDOG_USEC=%s is not a number: the systemd watchdog is not fed", usec);
            }
        }
        byte[] address = path.getBytes(StandardCharsets.UTF_8);
        if (address[0] == '@') {
            address[0] = 0; // the abstract namespace
        }
        try {
            return Optional.of(new SystemdNotify(Socket.newSocketDomainDgram(), address, watchdog));
        } catch (RuntimeException e) {
            LOG.warnf("cannot open a socket for NOTIFY_SOCKET=%s: %s", path, e.getMessage());
            return Optional.empty();
        }
    }

    /** {@code WATCHDOG_USEC}: systemd kills the service when no {@code WATCHDOG=1} comes within it. */
    public Optional<Duration> watchdogTimeout() {
        return watchdog;
    }

    public boolean ready() {
        return send("READY=1\nSTATUS=running");
    }

    public boolean watchdogPing() {
        return send("WATCHDOG=1");
    }

    public boolean stopping() {
        return send("STOPPING=1");
    }

    /** One datagram; false (logged once) when it could not be sent. Non-blocking: a full queue drops it. */
    public synchronized boolean send(String state) {
        byte[] b = state.getBytes(StandardCharsets.UTF_8);
        buffer.clear();
        buffer.put(b, 0, Math.min(b.length, buffer.capacity()));
        buffer.flip();
        try {
            socket.sendToDomainSocket(buffer, buffer.position(), buffer.limit(), address);
            failedOnce = false;
            return true;
        } catch (IOException e) {
            if (!failedOnce) {
                LOG.warnf("sd_notify %s failed: %s", state.replace('\n', ' '), e.getMessage());
                failedOnce = true;
            }
            return false;
        }
    }

    @Override
    public synchronized void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do on the way out
        }
    }
}
