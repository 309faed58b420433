package io.vigil.notify;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One transition as this node saw it. Empty strings, never null, for what does not apply.
 *
 * @param seq      1, 2, 3 … per daemon run, in the order the daemon saw the transitions
 * @param epochMs  wall-clock time it was seen
 * @param node     the node it is about (for group events: this node; for split brain: the other holder)
 * @param group    the group's key (its first resource, as in haresources), or ""
 * @param link     the heartbeat link (link events), or ""
 * @param state    the new state: a node status word (up, active, dead, ping), up/dead for links, the group state
 *                 (starting, running, stopping, stopped, failed, stop-failed), keeping/releasing/released for split
 *                 brain, requested/done/failed for fencing
 * @param previous the state before, when known (node status words), or ""
 * @param detail   free text: a script's exit and last lines, the engine's finding, …
 */
public record ClusterEvent(long seq, long epochMs, EventType type, String localNode, String node, String nodeType,
                           String group, String link, String state, String previous, String detail) {

    public ClusterEvent {
        Objects.requireNonNull(type, "type");
        localNode = Objects.requireNonNullElse(localNode, "");
        node = Objects.requireNonNullElse(node, "");
        nodeType = Objects.requireNonNullElse(nodeType, "");
        group = Objects.requireNonNullElse(group, "");
        link = Objects.requireNonNullElse(link, "");
        state = Objects.requireNonNullElse(state, "");
        previous = Objects.requireNonNullElse(previous, "");
        detail = Objects.requireNonNullElse(detail, "");
    }

    /** One line for logs and the terminal: {@code group-running 192.0.2.253 on linux2 (started ok in 80 ms)}. */
    public String summary() {
        StringBuilder sb = new StringBuilder(type.word());
        switch (type.subject()) {
            case GROUP -> sb.append(' ').append(group).append(node.isEmpty() ? "" : (type.name().startsWith("SPLIT")
                    ? " (other: " + node + ")" : " on " + node));
            case LINK -> sb.append(' ').append(node).append(':').append(link);
            default -> sb.append(' ').append(node);
        }
        if (!state.isEmpty() && (!previous.isEmpty() || !type.word().endsWith(state))) {
            sb.append(' ').append(previous.isEmpty() ? "" : previous + " -> ").append(state);
        }
        if (!detail.isEmpty()) {
            sb.append(" (").append(detail).append(')');
        }
        return sb.toString();
    }

    /**
     * The environment a notification script gets (documented in docs/operations.md). {@code HA_CURHOST} too, so
     * scripts written for Heartbeat find the local node where they look for it.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("VIGIL_EVENT", type.word());
        env.put("VIGIL_NODE", node);
        env.put("VIGIL_NODE_TYPE", nodeType);
        env.put("VIGIL_GROUP", group);
        env.put("VIGIL_LINK", link);
        env.put("VIGIL_STATE", state);
        env.put("VIGIL_PREVIOUS", previous);
        env.put("VIGIL_DETAIL", detail);
        env.put("VIGIL_LOCAL_NODE", localNode);
        env.put("VIGIL_SEQ", Long.toString(seq));
        env.put("VIGIL_TIME", Instant.ofEpochMilli(epochMs).toString());
        env.put("VIGIL_TIME_MS", Long.toString(epochMs));
        env.put("HA_CURHOST", localNode);
        return env;
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("seq", seq)
                .put("time_ms", epochMs)
                .put("event", type.word())
                .put("node", node)
                .put("node_type", nodeType)
                .put("group", group)
                .put("link", link)
                .put("state", state)
                .put("previous", previous)
                .put("detail", detail);
    }
}
