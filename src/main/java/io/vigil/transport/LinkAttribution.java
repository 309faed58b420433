package io.vigil.transport;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which link a datagram received on one port came over. Without SO_BINDTODEVICE one socket on {@code 0.0.0.0:port}
 * serves every link using that port, so the link is inferred from the sender, whose own send socket is bound to its
 * address on the shared link:
 * <ol>
 * <li>the link whose IPv4 subnet contains the sender (the most specific one if subnets nest);</li>
 * <li>else the device of a ucast line naming the sender (a routed ucast peer);</li>
 * <li>else, if only one link uses the port, that link (e.g. routed multicast);</li>
 * <li>else the first link of the port, flagged as a guess so the caller can log it.</li>
 * </ol>
 * Pure: no I/O.
 */
final class LinkAttribution {

    /** The link and whether it was only guessed (rule 4). */
    record Result(String link, boolean guessed) {
    }

    private final List<LinkInterface> links;
    private final Map<InetAddress, String> ucastPeers;

    /**
     * @param links      the links with a medium on this port, in ha.cf order (one entry per device)
     * @param ucastPeers ucast peer address → device, for the ucast lines on this port
     */
    LinkAttribution(List<LinkInterface> links, Map<InetAddress, String> ucastPeers) {
        if (links.isEmpty()) {
            throw new IllegalArgumentException("a port without links");
        }
        this.links = List.copyOf(links);
        this.ucastPeers = Map.copyOf(ucastPeers);
    }

    Result linkOf(InetAddress sender) {
        LinkInterface best = null;
        for (LinkInterface link : links) {
            if (link.contains(sender) && (best == null || link.prefixLength() > best.prefixLength())) {
                best = link;
            }
        }
        if (best != null) {
            return new Result(best.device(), false);
        }
        String peerDevice = ucastPeers.get(sender);
        if (peerDevice != null) {
            return new Result(peerDevice, false);
        }
        return new Result(links.get(0).device(), links.size() > 1);
    }

    /** Distinct devices in first-seen order. */
    static List<LinkInterface> distinct(List<LinkInterface> links) {
        Map<String, LinkInterface> byDevice = new LinkedHashMap<>();
        for (LinkInterface link : links) {
            byDevice.putIfAbsent(link.device(), link);
        }
        return new ArrayList<>(byDevice.values());
    }
}
