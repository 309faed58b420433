package io.vigil.membership;

import java.util.List;

/**
 * What the failure detector needs from ha.cf, in milliseconds.
 *
 * @param localNode  this node's name (lower-case)
 * @param nodes      every normal node, including the local one, in ha.cf order
 * @param pingNodes  ping / ping_group node names
 * @param links      link (medium) names, e.g. {@code eth0}
 * @param maxRexmitDelayMs ha.cf {@code max_rexmit_delay}: the longest wait before asking for a missing packet
 */
public record MembershipSettings(String localNode, List<String> nodes, List<String> pingNodes, List<String> links,
                                 long keepaliveMs, long deadtimeMs, long warntimeMs, long initdeadMs, long deadpingMs,
                                 long maxRexmitDelayMs) {
    public MembershipSettings {
        nodes = List.copyOf(nodes);
        pingNodes = List.copyOf(pingNodes);
        links = List.copyOf(links);
    }
}
