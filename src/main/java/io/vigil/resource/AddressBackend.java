package io.vigil.resource;

import io.vigil.netlink.PacketSocket;
import io.vigil.netlink.RtNetlink;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * How the built-in IPaddr reads and changes the kernel's addresses and announces them: over netlink and a packet
 * socket from the JVM ({@link NetlinkAddresses}), else by forking {@code ip}, {@code arping} and {@code send_ua}
 * ({@link IpCommandAddresses}) where JNA's native part cannot load or {@code -Dvigil.ipaddr.netlink=false} asks so.
 * docs/performance.md has the measurement behind the choice.
 */
sealed interface AddressBackend permits NetlinkAddresses, IpCommandAddresses {

    /** The addresses of one family on {@code nic} (every interface when null; none when {@code nic} does not exist). */
    List<RtNetlink.Address> addresses(boolean ipv6, String nic) throws IOException;

    /** Connected routes of the main table holding {@code ip} with a prefix of at most {@code maxPrefix}, optionally on {@code nic}. */
    List<RtNetlink.ConnectedRoute> connectedRoutes(InetAddress ip, int maxPrefix, String nic) throws IOException;

    /** Adds {@code ip/prefix} on {@code nic}; for IPv4 with its broadcast address and label. */
    void add(String nic, InetAddress ip, int prefix, InetAddress broadcast, String label) throws IOException;

    void delete(String nic, InetAddress ip, int prefix) throws IOException;

    /** Sets {@code nic} up unless it is up already. */
    void linkUp(String nic) throws IOException;

    /**
     * Sends one gratuitous ARP (IPv4) or unsolicited neighbour advertisement (IPv6) for {@code ip} out of {@code nic}
     * from the JVM; empty when this backend has no packet socket (then the announcement forks arping / send_ua).
     */
    Optional<Announcement> frames(String nic, InetAddress ip) throws IOException;

    /** One prepared announcement frame, sent as often as asked. */
    interface Announcement {
        void send() throws IOException;
    }

    /** "netlink" or "ip command", for the log. */
    String describe();

    /** Netlink unless disabled or unavailable here; the reason for a fallback is logged once per manager. */
    static AddressBackend open(ResourceSettings settings) {
        String namespace = settings.networkNamespace();
        Logger log = Logger.getLogger("io.vigil.resource");
        if (!Boolean.parseBoolean(System.getProperty("vigil.ipaddr.netlink", "true"))) {
            return new IpCommandAddresses(namespace, settings.statusTimeout());
        }
        RtNetlink rt;
        try {
            rt = RtNetlink.open(namespace);
        } catch (IOException | LinkageError e) {
            log.warnf("IPaddr: no netlink socket (%s): adding and removing addresses with the ip command", e.toString());
            return new IpCommandAddresses(namespace, settings.statusTimeout());
        }
        PacketSocket packets = null;
        try {
            packets = PacketSocket.open(namespace);
        } catch (IOException e) {
            log.warnf("IPaddr: no packet socket (%s): announcing addresses with arping and send_ua", e.getMessage());
        }
        return new NetlinkAddresses(rt, packets, new IpCommandAddresses(namespace, settings.statusTimeout()));
    }
}
