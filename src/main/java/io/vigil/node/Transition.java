package io.vigil.node;

import io.vigil.membership.NodeStatus;

/**
 * A change in the cluster as this node sees it, for the status output, the log and (later) notifications. Each says
 * itself in one line.
 */
public sealed interface Transition {

    String describe();

    record NodeChanged(String node, NodeStatus from, NodeStatus to) implements Transition {
        @Override
        public String describe() {
            return String.format("node %s: %s -> %s", node, from.wire(), to.wire());
        }
    }

    record LinkChanged(String node, String link, boolean up) implements Transition {
        @Override
        public String describe() {
            return String.format("link %s:%s %s", node, link, up ? "up" : "dead");
        }
    }

    /** Every configured node has been heard or declared dead: {@code local} is active. */
    record CommUp(String local) implements Transition {
        @Override
        public String describe() {
            return "communication up: " + local + " is active";
        }
    }

    record PartitionHealed(String node) implements Transition {
        @Override
        public String describe() {
            return "node " + node + " returned after a partition (split brain healed)";
        }
    }

    record NodeRestarted(String node) implements Transition {
        @Override
        public String describe() {
            return "node " + node + " restarted";
        }
    }
}
