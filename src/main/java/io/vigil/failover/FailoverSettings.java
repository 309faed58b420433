package io.vigil.failover;

import io.vigil.config.AutoFailback;
import io.vigil.config.StopFailurePolicy;

import java.util.List;

/**
 * The engine's configuration, in milliseconds.
 *
 * @param nodes             every normal node, including the local one, in ha.cf order
 * @param fencing           a fence script is configured: take over from a node that died holding groups only after it succeeds
 * @param monitorRestarts   local restarts of a group after a failed monitor before it fails over
 * @param pingNodeCount     how many ping nodes are configured (0 = connectivity rule off)
 * @param onStopFailure     {@code vigil.on-stop-failure}: what follows a stop that failed (reboot, fence, block)
 */
public record FailoverSettings(String localNode, List<String> nodes, List<GroupSpec> groups, AutoFailback autoFailback,
                               long keepaliveMs, long deadtimeMs, long initdeadMs, boolean fencing, int monitorRestarts,
                               int pingNodeCount, StopFailurePolicy onStopFailure) {
    public FailoverSettings {
        nodes = List.copyOf(nodes);
        groups = List.copyOf(groups);
    }

    /** With {@code vigil.on-stop-failure}'s default: fence when fencing is configured, else reboot. */
    public FailoverSettings(String localNode, List<String> nodes, List<GroupSpec> groups, AutoFailback autoFailback,
                            long keepaliveMs, long deadtimeMs, long initdeadMs, boolean fencing, int monitorRestarts,
                            int pingNodeCount) {
        this(localNode, nodes, groups, autoFailback, keepaliveMs, deadtimeMs, initdeadMs, fencing, monitorRestarts,
                pingNodeCount, fencing ? StopFailurePolicy.FENCE : StopFailurePolicy.REBOOT);
    }
}
