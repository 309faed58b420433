package io.vigil.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The few libc calls the JDK does not offer (netlink and packet sockets, setns), through JNA's direct mapping.
 * Linux on a 64-bit CPU only (LP64: {@code size_t}/{@code ssize_t} are Java longs), as the rest of Vigil.
 * Loading this class fails with a {@link LinkageError} where JNA's native part cannot load (for instance /tmp
 * mounted noexec): callers then fall back to the ip and arping commands.
 */
final class Libc {

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int AF_PACKET = 17;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int NETLINK_ROUTE = 0;
    static final int SOL_SOCKET = 1;
    static final int SO_RCVTIMEO = 20;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;
    static final int ENODEV = 19;
    static final int EAGAIN = 11;

    static {
        Native.register(Libc.class, Platform.C_LIBRARY_NAME);
    }

    private Libc() {
    }

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native long send(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    static native long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen) throws LastErrorException;

    static native long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, byte[] value, int len) throws LastErrorException;

    static native int open(String path, int flags) throws LastErrorException;

    static native int setns(int fd, int nstype) throws LastErrorException;

    static native int close(int fd);

    static native String strerror(int errnum);

    /** "No such device" etc., as the C library words errno {@code e}. */
    static String message(int e) {
        String s = strerror(e);
        return s == null ? "errno " + e : s;
    }

    static IOException failure(String what, LastErrorException e) {
        return new IOException(what + ": " + message(e.getErrorCode()), e);
    }

    /**
     * A socket in network namespace {@code ns} ({@code /run/netns/<ns>}, as {@code ip netns} names them), or in this
     * process' namespace when {@code ns} is empty. A socket keeps the namespace it was created in; setns(2) moves only
     * the calling thread, so it is called on a thread of its own that ends right after (no thread of the JVM is left
     * in another namespace).
     */
    static int socketIn(String ns, int domain, int type, int protocol) throws IOException {
        if (ns.isEmpty()) {
            try {
                return socket(domain, type | SOCK_CLOEXEC, protocol);
            } catch (LastErrorException e) {
                throw failure("socket", e);
            }
        }
        AtomicInteger fd = new AtomicInteger(-1);
        AtomicReference<IOException> error = new AtomicReference<>();
        Thread t = new Thread(() -> {
            int nsFd = -1;
            try {
                nsFd = open("/run/netns/" + ns, O_RDONLY | O_CLOEXEC);
                setns(nsFd, CLONE_NEWNET);
                fd.set(socket(domain, type | SOCK_CLOEXEC, protocol));
            } catch (LastErrorException e) {
                error.set(failure("socket in network namespace " + ns, e));
            } finally {
                if (nsFd >= 0) {
                    close(nsFd);
                }
            }
        }, "vigil-netns-" + ns);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening a socket in network namespace " + ns, e);
        }
        if (error.get() != null) {
            throw error.get();
        }
        return fd.get();
    }
}
