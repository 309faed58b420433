package io.vigil.membership;

import java.util.Map;

/** A read-only snapshot for status output. Nodes in ha.cf order, then ping nodes. */
public record MembershipView(NodeStatus localStatus, boolean commUp, Map<String, NodeView> nodes) {

    /**
     * @param lastHeardMs  time of the last status (clock of the caller), or -1 if never
     * @param deadtimeMs   the deadtime applied to this node now (its advertised dt, or initdead before comm-up)
     * @param links        link name → up
     */
    public record NodeView(String name, boolean ping, NodeStatus status, long lastHeardMs, long deadtimeMs,
                           Map<String, Boolean> links) {
    }
}
