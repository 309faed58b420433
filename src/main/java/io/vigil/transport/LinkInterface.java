package io.vigil.transport;

import io.vigil.config.Medium;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;

/**
 * The IPv4 identity of the interface a medium line names: its address (our send sockets bind to it, which picks the
 * egress link in the absence of SO_BINDTODEVICE), its subnet (used to attribute received datagrams to the link) and
 * its broadcast address (bcast sends there).
 */
record LinkInterface(String device, Inet4Address address, int prefixLength, Inet4Address broadcast) {

    /** The ha.cf directive of a medium line, for error messages. */
    static String directive(Medium medium) {
        if (medium instanceof Medium.Bcast) {
            return "bcast";
        }
        if (medium instanceof Medium.Mcast) {
            return "mcast";
        }
        return "ucast";
    }

    /**
     * Looks the device of {@code medium} up now. The link address is the kernel's first IPv4 address on the device
     * that has a broadcast address (else the first IPv4 address at all; bcast requires a broadcast address).
     *
     * @throws TransportException naming the directive and device when the interface is missing or unusable
     */
    static LinkInterface resolve(Medium medium) {
        String directive = directive(medium);
        String device = medium.device();
        String where = " — check the " + directive + " line in ha.cf";
        NetworkInterface nif;
        try {
            nif = NetworkInterface.getByName(device);
        } catch (SocketException e) {
            throw new TransportException(directive + " " + device + ": cannot query the interface (" + e.getMessage()
                    + ")" + where, e);
        }
        if (nif == null) {
            throw new TransportException(directive + " " + device + ": interface does not exist" + where);
        }
        // The JDK lists an interface's addresses in the reverse of the kernel's order (measured: with 203.0.113.1,
        // then 198.51.100.7, then secondary 203.0.113.50 added, getInterfaceAddresses() returns .50, .7, .1). The
        // kernel's first address is the link's own; later ones are typically virtual IPs that move on failover.
        InterfaceAddress withBroadcast = null;
        InterfaceAddress withoutBroadcast = null;
        for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
            if (!(ia.getAddress() instanceof Inet4Address)) {
                continue;
            }
            if (ia.getBroadcast() instanceof Inet4Address) {
                withBroadcast = ia;
            } else {
                withoutBroadcast = ia;
            }
        }
        if (withBroadcast != null) {
            return new LinkInterface(device, (Inet4Address) withBroadcast.getAddress(),
                    withBroadcast.getNetworkPrefixLength(), (Inet4Address) withBroadcast.getBroadcast());
        }
        if (withoutBroadcast == null) {
            throw new TransportException(directive + " " + device + ": interface has no IPv4 address" + where
                    + " or add an address to " + device);
        }
        if (medium instanceof Medium.Bcast) {
            throw new TransportException(directive + " " + device + ": interface has no IPv4 broadcast address"
                    + " (point-to-point or loopback?)" + where + "; use ucast on such a link");
        }
        return new LinkInterface(device, (Inet4Address) withoutBroadcast.getAddress(),
                withoutBroadcast.getNetworkPrefixLength(), null);
    }

    /** Whether {@code candidate} lies in this link's IPv4 subnet. */
    boolean contains(InetAddress candidate) {
        if (!(candidate instanceof Inet4Address)) {
            return false;
        }
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        return (toInt(candidate) & mask) == (toInt(address) & mask);
    }

    private static int toInt(InetAddress a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }
}
