package io.vigil.failover;

import io.vigil.config.AutoFailback;

import java.util.List;

/**
 * The engine's configuration, in milliseconds.
 *
 * @param nodes             every normal node, including the local one, in ha.cf order
 * @param fencing           a fence script is configured: take over from a node that died holding groups only after it succeeds
 * @param monitorRestarts   local restarts of a group after a failed monitor before it fails over
 * @param pingNodeCount     how many ping nodes are configured (0 = connectivity rule off)
 */
public record FailoverSettings(String localNode, List<String> nodes, List<GroupSpec> groups, AutoFailback autoFailback,
                               long keepaliveMs, long deadtimeMs, long initdeadMs, boolean fencing, int monitorRestarts,
                               int pingNodeCount) {
    public FailoverSettings {
        nodes = List.copyOf(nodes);
        groups = List.copyOf(groups);
    }
}
