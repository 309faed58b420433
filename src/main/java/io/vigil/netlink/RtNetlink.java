package io.vigil.netlink;

import com.sun.jna.LastErrorException;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.vigil.netlink.NetlinkMessage.NLMSG_DONE;
import static io.vigil.netlink.NetlinkMessage.NLMSG_ERROR;
import static io.vigil.netlink.NetlinkMessage.NLM_F_ACK;
import static io.vigil.netlink.NetlinkMessage.NLM_F_CREATE;
import static io.vigil.netlink.NetlinkMessage.NLM_F_DUMP;
import static io.vigil.netlink.NetlinkMessage.NLM_F_EXCL;
import static io.vigil.netlink.NetlinkMessage.NLM_F_MULTI;
import static io.vigil.netlink.NetlinkMessage.NLM_F_REQUEST;

/**
 * The kernel's routing netlink socket (rtnetlink(7)), for what the built-in IPaddr asks of {@code ip}: links,
 * addresses, connected routes, adding and removing an address, setting a link up. One socket for the daemon's
 * life; requests are serialized. Errors read as {@code ip} prints them ("RTNETLINK answers: File exists").
 */
public final class RtNetlink implements AutoCloseable {

    private static final int IFLA_ADDRESS = 1;
    private static final int IFLA_IFNAME = 3;
    private static final int IFA_ADDRESS = 1;
    private static final int IFA_LOCAL = 2;
    private static final int IFA_LABEL = 3;
    private static final int IFA_BROADCAST = 4;
    private static final int IFA_FLAGS = 8;
    private static final int IFA_F_DADFAILED = 0x08;
    private static final int IFA_F_TENTATIVE = 0x40;
    private static final int RTA_DST = 1;
    private static final int RTA_OIF = 4;
    private static final int RTA_GATEWAY = 5;
    private static final int RTA_MULTIPATH = 9;
    private static final int RTA_TABLE = 15;
    private static final int RT_TABLE_MAIN = 254;
    private static final int RTN_UNICAST = 1;
    private static final int RT_SCOPE_LINK = 253;
    private static final int IFF_UP = 1;

    /** A network interface: index, name, administrative state, hardware address (empty when it has none). */
    public record Link(int index, String name, boolean up, byte[] mac) {
    }

    /** An interface address. IPv4 addresses carry their label ({@code eth0:0}); IPv6 ones the interface name. */
    public record Address(String nic, InetAddress address, int prefix, String label, boolean tentative, boolean dadFailed) {
    }

    /** A route of the main table that reaches {@code prefix} directly on {@code nic} (no gateway). */
    public record ConnectedRoute(String nic, int prefix) {
    }

    /** A request the kernel refused; {@link #errno()} says why. */
    public static final class NetlinkException extends IOException {
        private final int errno;

        NetlinkException(int errno) {
            super("RTNETLINK answers: " + Libc.message(errno));
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }

    private final int fd;
    private final String namespace;
    private final byte[] rx = new byte[65536];
    private int seq;

    private RtNetlink(int fd, String namespace) {
        this.fd = fd;
        this.namespace = namespace;
    }

    /**
     * Opens the socket in network namespace {@code namespace} (empty: this process' own). Fails with a
     * {@link LinkageError} where JNA cannot load, an IOException where the kernel refuses the socket.
     */
    public static RtNetlink open(String namespace) throws IOException {
        int fd = Libc.socketIn(namespace, Libc.AF_NETLINK, Libc.SOCK_RAW, Libc.NETLINK_ROUTE);
        // A kernel answer never takes long: a lost one must not hang a takeover.
        byte[] timeval = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(5).putLong(0).array();
        try {
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeval, timeval.length);
        } catch (LastErrorException e) {
            Libc.close(fd);
            throw Libc.failure("setsockopt(SO_RCVTIMEO)", e);
        }
        return new RtNetlink(fd, namespace);
    }

    public String namespace() {
        return namespace;
    }

    // ---- links ----

    /** The interface called {@code name}; empty when there is none. */
    public Optional<Link> link(String name) throws IOException {
        try {
            List<NetlinkMessage.Received> r = exchange(new NetlinkMessage.Builder(NetlinkMessage.RTM_GETLINK, NLM_F_REQUEST)
                    .u8(0).u8(0).u16(0).u32(0).u32(0).u32(0).attr(IFLA_IFNAME, name));
            return r.stream().filter(m -> m.type() == NetlinkMessage.RTM_NEWLINK).findFirst().map(RtNetlink::link);
        } catch (NetlinkException e) {
            if (e.errno() == Libc.ENODEV) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Every interface, by index. */
    public Map<Integer, Link> links() throws IOException {
        Map<Integer, Link> out = new HashMap<>();
        for (NetlinkMessage.Received m : exchange(new NetlinkMessage.Builder(NetlinkMessage.RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP)
                .u8(0).u8(0).u16(0).u32(0).u32(0).u32(0))) {
            if (m.type() == NetlinkMessage.RTM_NEWLINK) {
                Link l = link(m);
                out.put(l.index(), l);
            }
        }
        return out;
    }

    private static Link link(NetlinkMessage.Received m) {
        ByteBuffer b = m.body();
        int index = b.getInt(4);
        int flags = b.getInt(8);
        Map<Integer, byte[]> a = m.attributes(16);
        return new Link(index, NetlinkMessage.string(a.getOrDefault(IFLA_IFNAME, new byte[0])), (flags & IFF_UP) != 0,
                a.getOrDefault(IFLA_ADDRESS, new byte[0]));
    }

    /** Sets link {@code index} administratively up ({@code ip link set NIC up}). */
    public void setUp(int index) throws IOException {
        exchange(new NetlinkMessage.Builder(NetlinkMessage.RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK)
                .u8(0).u8(0).u16(0).u32(index).u32(IFF_UP).u32(IFF_UP));
    }

    // ---- addresses ----

    /** The addresses of one family on {@code nic} (every interface when null; none when {@code nic} does not exist). */
    public List<Address> addresses(boolean ipv6, String nic) throws IOException {
        int only = 0;
        Map<Integer, Link> names;
        if (nic != null) {
            Optional<Link> l = link(nic);
            if (l.isEmpty()) {
                return List.of();
            }
            only = l.get().index();
            names = Map.of(only, l.get());
        } else {
            names = links();
        }
        List<Address> out = new ArrayList<>();
        for (NetlinkMessage.Received m : exchange(new NetlinkMessage.Builder(NetlinkMessage.RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP)
                .u8(ipv6 ? Libc.AF_INET6 : Libc.AF_INET).u8(0).u8(0).u8(0).u32(0))) {
            if (m.type() != NetlinkMessage.RTM_NEWADDR) {
                continue;
            }
            ByteBuffer b = m.body();
            int prefix = Byte.toUnsignedInt(b.get(1));
            int flags = Byte.toUnsignedInt(b.get(2));
            int index = b.getInt(4);
            if (only != 0 && index != only) {
                continue;
            }
            Map<Integer, byte[]> a = m.attributes(8);
            if (a.containsKey(IFA_FLAGS)) {
                flags = NetlinkMessage.u32(a.get(IFA_FLAGS));
            }
            byte[] raw = a.containsKey(IFA_LOCAL) ? a.get(IFA_LOCAL) : a.get(IFA_ADDRESS);
            Link link = names.get(index);
            if (raw == null || link == null) {
                continue;
            }
            String label = a.containsKey(IFA_LABEL) ? NetlinkMessage.string(a.get(IFA_LABEL)) : link.name();
            out.add(new Address(link.name(), address(raw), prefix, label, (flags & IFA_F_TENTATIVE) != 0,
                    (flags & IFA_F_DADFAILED) != 0));
        }
        return out;
    }

    /**
     * Adds {@code ip/prefix} on link {@code index}, IPv4 with its broadcast address and label
     * ({@code ip addr add IP/PREFIX brd BRD dev NIC label LABEL}); fails when it is already there.
     */
    public void addAddress(int index, InetAddress ip, int prefix, InetAddress broadcast, String label) throws IOException {
        NetlinkMessage.Builder b = addressRequest(NetlinkMessage.RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
                index, ip, prefix);
        if (broadcast != null) {
            b.attr(IFA_BROADCAST, broadcast.getAddress());
        }
        if (label != null) {
            b.attr(IFA_LABEL, label);
        }
        exchange(b);
    }

    /** Removes {@code ip/prefix} from link {@code index}. */
    public void deleteAddress(int index, InetAddress ip, int prefix) throws IOException {
        exchange(addressRequest(NetlinkMessage.RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, index, ip, prefix));
    }

    private static NetlinkMessage.Builder addressRequest(int type, int flags, int index, InetAddress ip, int prefix) {
        return new NetlinkMessage.Builder(type, flags)
                .u8(ip instanceof Inet4Address ? Libc.AF_INET : Libc.AF_INET6).u8(prefix).u8(0).u8(0).u32(index)
                .attr(IFA_LOCAL, ip.getAddress()).attr(IFA_ADDRESS, ip.getAddress());
    }

    // ---- routes ----

    /**
     * The connected routes of the main table whose prefix holds {@code ip} and is at most {@code maxPrefix} long,
     * on {@code nic} only when it is not null: what {@code ip route list match IP/MAX scope link [dev NIC]} lists for
     * IPv4 (for IPv6, without the scope, as IPaddr2 asks). Unicast routes without a gateway only.
     */
    public List<ConnectedRoute> connectedRoutes(InetAddress ip, int maxPrefix, String nic) throws IOException {
        boolean v4 = ip instanceof Inet4Address;
        Map<Integer, Link> names = links();
        List<ConnectedRoute> out = new ArrayList<>();
        for (NetlinkMessage.Received m : exchange(new NetlinkMessage.Builder(NetlinkMessage.RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP)
                .u8(v4 ? Libc.AF_INET : Libc.AF_INET6).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0))) {
            if (m.type() != NetlinkMessage.RTM_NEWROUTE) {
                continue;
            }
            ByteBuffer b = m.body();
            int dstLen = Byte.toUnsignedInt(b.get(1));
            int table = Byte.toUnsignedInt(b.get(4));
            int scope = Byte.toUnsignedInt(b.get(6));
            int type = Byte.toUnsignedInt(b.get(7));
            Map<Integer, byte[]> a = m.attributes(12);
            if (a.containsKey(RTA_TABLE)) {
                table = NetlinkMessage.u32(a.get(RTA_TABLE));
            }
            if (table != RT_TABLE_MAIN || type != RTN_UNICAST || (v4 && scope != RT_SCOPE_LINK) || dstLen == 0
                    || dstLen > maxPrefix || a.containsKey(RTA_GATEWAY) || a.containsKey(RTA_MULTIPATH)
                    || !a.containsKey(RTA_DST) || !a.containsKey(RTA_OIF)) {
                continue;
            }
            Link link = names.get(NetlinkMessage.u32(a.get(RTA_OIF)));
            if (link == null || (nic != null && !nic.equals(link.name())) || !within(ip.getAddress(), a.get(RTA_DST), dstLen)) {
                continue;
            }
            out.add(new ConnectedRoute(link.name(), dstLen));
        }
        return out;
    }

    /** Whether the first {@code bits} bits of {@code a} and {@code prefix} agree. */
    static boolean within(byte[] a, byte[] prefix, int bits) {
        if (prefix.length != a.length || bits > a.length * 8) {
            return false;
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((a[i / 8] & mask) != (prefix[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address length " + raw.length, e);
        }
    }

    // ---- the exchange ----

    /**
     * Sends one request and collects its answer: every message of a dump up to NLMSG_DONE, or the acknowledgement.
     * Messages of an earlier request (a late answer) are skipped by their sequence number.
     */
    private synchronized List<NetlinkMessage.Received> exchange(NetlinkMessage.Builder request) throws IOException {
        int mySeq = ++seq;
        byte[] msg = request.build(mySeq);
        try {
            Libc.send(fd, msg, msg.length, 0);
        } catch (LastErrorException e) {
            throw Libc.failure("netlink send", e);
        }
        List<NetlinkMessage.Received> out = new ArrayList<>();
        while (true) {
            int n;
            try {
                n = (int) Libc.recv(fd, rx, rx.length, 0);
            } catch (LastErrorException e) {
                throw e.getErrorCode() == Libc.EAGAIN ? new IOException("no answer from the kernel over netlink within 5 s")
                        : Libc.failure("netlink receive", e);
            }
            // a copy: the messages kept from this datagram must survive the next receive into rx
            for (NetlinkMessage.Received m : NetlinkMessage.parse(java.util.Arrays.copyOf(rx, n), n)) {
                if (m.seq() != mySeq) {
                    continue;
                }
                if (m.type() == NLMSG_ERROR) {
                    if (m.error() != 0) {
                        throw new NetlinkException(-m.error());
                    }
                    return out;
                }
                if (m.type() == NLMSG_DONE) {
                    return out;
                }
                out.add(m);
                if ((m.flags() & NLM_F_MULTI) == 0) {
                    return out;
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        Libc.close(fd);
    }
}
