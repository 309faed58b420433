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
    /** @throws IllegalArgumentException for settings the failure detector cannot run with */
    public MembershipSettings {
        nodes = List.copyOf(nodes);
        pingNodes = List.copyOf(pingNodes);
        links = List.copyOf(links);
        if (localNode == null || localNode.isBlank()) {
            throw new IllegalArgumentException("membership: local node name is empty");
        }
        String me = lower(localNode);
        if (nodes.stream().noneMatch(n -> lower(n).equals(me))) {
            throw new IllegalArgumentException("membership: local node '" + localNode
                    + "' is not among the configured nodes " + nodes);
        }
        for (String p : pingNodes) {
            if (nodes.stream().anyMatch(n -> lower(n).equals(lower(p)))) {
                throw new IllegalArgumentException("membership: '" + p + "' is both a node and a ping node");
            }
        }
        requirePositive("keepalive", keepaliveMs);
        requirePositive("deadtime", deadtimeMs);
        requirePositive("warntime", warntimeMs);
        requirePositive("initdead", initdeadMs);
        requirePositive("deadping", deadpingMs);
        requirePositive("max_rexmit_delay", maxRexmitDelayMs);
    }

    private static void requirePositive(String what, long ms) {
        if (ms <= 0) {
            throw new IllegalArgumentException("membership: " + what + " must be > 0 ms, got " + ms);
        }
    }

    private static String lower(String s) {
        return s.toLowerCase(java.util.Locale.ROOT);
    }
}
