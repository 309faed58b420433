package io.vigil.resource;

import io.vigil.netlink.LinkFrames;
import io.vigil.netlink.PacketSocket;
import io.vigil.netlink.RtNetlink;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/** Addresses over rtnetlink, announcements on a packet socket: no process is started for either. */
final class NetlinkAddresses implements AddressBackend {

    private final RtNetlink rt;
    private final PacketSocket packets;
    private final IpCommandAddresses announceFallback;

    /** {@code packets} may be null (no CAP_NET_RAW): announcements then fork, as {@code announceFallback} does. */
    NetlinkAddresses(RtNetlink rt, PacketSocket packets, IpCommandAddresses announceFallback) {
        this.rt = rt;
        this.packets = packets;
        this.announceFallback = announceFallback;
    }

    @Override
    public List<RtNetlink.Address> addresses(boolean ipv6, String nic) throws IOException {
        return rt.addresses(ipv6, nic);
    }

    @Override
    public List<RtNetlink.ConnectedRoute> connectedRoutes(InetAddress ip, int maxPrefix, String nic) throws IOException {
        return rt.connectedRoutes(ip, maxPrefix, nic);
    }

    @Override
    public void add(String nic, InetAddress ip, int prefix, InetAddress broadcast, String label) throws IOException {
        try {
            rt.addAddress(index(nic), ip, prefix, broadcast, label);
        } catch (IOException e) {
            throw new IOException("adding " + ip.getHostAddress() + "/" + prefix + " on " + nic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String nic, InetAddress ip, int prefix) throws IOException {
        try {
            rt.deleteAddress(index(nic), ip, prefix);
        } catch (IOException e) {
            throw new IOException("removing " + ip.getHostAddress() + "/" + prefix + " from " + nic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void linkUp(String nic) throws IOException {
        RtNetlink.Link l = link(nic);
        if (!l.up()) {
            rt.setUp(l.index());
        }
    }

    @Override
    public Optional<Announcement> frames(String nic, InetAddress ip) throws IOException {
        if (packets == null) {
            return announceFallback.frames(nic, ip);
        }
        RtNetlink.Link l = link(nic);
        if (l.mac().length != 6) {
            throw new IOException(nic + " has no Ethernet address to announce " + ip.getHostAddress() + " with");
        }
        int index = l.index();
        if (ip instanceof Inet4Address v4) {
            byte[] arp = LinkFrames.gratuitousArp(l.mac(), v4);
            return Optional.of(() -> packets.send(index, LinkFrames.ETH_P_ARP, LinkFrames.BROADCAST, arp));
        }
        byte[] na = LinkFrames.unsolicitedNeighbourAdvert(l.mac(), (Inet6Address) ip);
        return Optional.of(() -> packets.send(index, LinkFrames.ETH_P_IPV6, LinkFrames.ALL_NODES_MAC, na));
    }

    private RtNetlink.Link link(String nic) throws IOException {
        return rt.link(nic).orElseThrow(() -> new IOException("Device \"" + nic + "\" does not exist."));
    }

    private int index(String nic) throws IOException {
        return link(nic).index();
    }

    @Override
    public String describe() {
        return packets == null ? "netlink (announcements: commands)" : "netlink";
    }
}
