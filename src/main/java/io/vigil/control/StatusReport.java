package io.vigil.control;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the running daemon reports about itself: the body of {@code GET /v1/status}, the source of
 * {@code vigil status} and of every {@code cl_status} answer. Lists keep their order (nodes and ping nodes in the
 * order of their ha.cf lines, as Heartbeat lists them; groups in haresources order, transitions oldest first). Status words are Heartbeat's, lower-case.
 *
 * @param node          this node's name
 * @param version       Vigil's version, e.g. {@code 0.1.0}
 * @param pid           the daemon's PID
 * @param uptimeMs      time since the daemon started
 * @param localStatus   this node's own status word ({@code init}, {@code up}, {@code active}, …)
 * @param autoFailback  the {@code auto_failback} value in force ({@code on}, {@code off}, {@code legacy})
 * @param nodes         every node, this one included
 * @param groups        every resource group of haresources
 * @param rscstatus     what {@code cl_status rscstatus} prints: none, local, foreign, all or transition
 * @param transitions   recent notable events (at most {@link #MAX_TRANSITIONS}), oldest first
 * @param parameters    ha.cf parameters as Heartbeat's API reports them (name → value text), for {@code hbparameter}
 */
public record StatusReport(String node, String version, long pid, long uptimeMs, String localStatus,
                           String autoFailback, List<NodeInfo> nodes, List<GroupInfo> groups, String rscstatus,
                           List<Transition> transitions, Map<String, String> parameters) {

    public static final int MAX_TRANSITIONS = 50;

    public StatusReport {
        Objects.requireNonNull(node, "node");
        version = Objects.requireNonNullElse(version, "unknown");
        localStatus = Objects.requireNonNullElse(localStatus, "init");
        autoFailback = Objects.requireNonNullElse(autoFailback, "legacy");
        nodes = List.copyOf(nodes);
        groups = List.copyOf(groups);
        rscstatus = Objects.requireNonNullElse(rscstatus, "none");
        transitions = transitions.size() > MAX_TRANSITIONS
                ? List.copyOf(transitions.subList(transitions.size() - MAX_TRANSITIONS, transitions.size()))
                : List.copyOf(transitions);
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * One cluster node.
     *
     * @param type            {@code normal} or {@code ping}
     * @param status          {@code init}, {@code up}, {@code active}, {@code dead} or {@code ping}
     * @param links           this node's heartbeat links as seen from here
     * @param lastHeardMsAgo  milliseconds since its last packet, -1 if never heard
     */
    public record NodeInfo(String name, String type, String status, List<LinkInfo> links, long lastHeardMsAgo) {
        public NodeInfo {
            Objects.requireNonNull(name, "name");
            type = Objects.requireNonNullElse(type, "normal");
            status = Objects.requireNonNullElse(status, "init");
            links = List.copyOf(links);
        }

        public boolean ping() {
            return "ping".equals(type);
        }

        public Optional<LinkInfo> link(String linkName) {
            return links.stream().filter(l -> l.name().equals(linkName)).findFirst();
        }
    }

    /** A heartbeat link (medium: interface name, or the ping target for ping nodes); Heartbeat words {@code up}/{@code dead}. */
    public record LinkInfo(String name, boolean up) {
        public String status() {
            return up ? "up" : "dead";
        }
    }

    /**
     * One haresources group.
     *
     * @param key            the group's key (its first resource), as Heartbeat names groups
     * @param preferredNode  the node the group's line starts with
     * @param resources      the resources, space separated, as written in haresources
     * @param state          this node's state for the group (lower-case {@link io.vigil.failover.GroupState})
     * @param heldBy         the node holding it as far as we know, "" when nobody / unknown
     */
    public record GroupInfo(String key, String preferredNode, String resources, String state, String heldBy) {
        public GroupInfo {
            Objects.requireNonNull(key, "key");
            preferredNode = Objects.requireNonNullElse(preferredNode, "");
            resources = Objects.requireNonNullElse(resources, "");
            state = Objects.requireNonNullElse(state, "stopped");
            heldBy = Objects.requireNonNullElse(heldBy, "");
        }
    }

    /** A notable event: wall-clock time (epoch ms) and a line of text worded like the log. */
    public record Transition(long epochMs, String text) {
    }

    public Optional<NodeInfo> findNode(String name) {
        return nodes.stream().filter(n -> n.name().equalsIgnoreCase(name)).findFirst();
    }

    // ---- JSON (hand-built with Vert.x JsonObject: stable field names, documented in docs/operations.md) ----

    public JsonObject toJson() {
        JsonArray nodesJson = new JsonArray();
        for (NodeInfo n : nodes) {
            JsonArray linksJson = new JsonArray();
            for (LinkInfo l : n.links()) {
                linksJson.add(new JsonObject().put("name", l.name()).put("status", l.status()));
            }
            nodesJson.add(new JsonObject()
                    .put("name", n.name())
                    .put("type", n.type())
                    .put("status", n.status())
                    .put("last_heard_ms_ago", n.lastHeardMsAgo())
                    .put("links", linksJson));
        }
        JsonArray groupsJson = new JsonArray();
        for (GroupInfo g : groups) {
            groupsJson.add(new JsonObject()
                    .put("key", g.key())
                    .put("preferred_node", g.preferredNode())
                    .put("resources", g.resources())
                    .put("state", g.state())
                    .put("held_by", g.heldBy()));
        }
        JsonArray transitionsJson = new JsonArray();
        for (Transition t : transitions) {
            transitionsJson.add(new JsonObject().put("time_ms", t.epochMs()).put("text", t.text()));
        }
        JsonObject params = new JsonObject();
        parameters.forEach(params::put);
        return new JsonObject()
                .put("node", node)
                .put("version", version)
                .put("pid", pid)
                .put("uptime_ms", uptimeMs)
                .put("status", localStatus)
                .put("auto_failback", autoFailback)
                .put("rscstatus", rscstatus)
                .put("nodes", nodesJson)
                .put("groups", groupsJson)
                .put("transitions", transitionsJson)
                .put("parameters", params);
    }

    /**
     * Reads what {@link #toJson()} wrote.
     *
     * @throws IllegalArgumentException naming the missing or ill-typed field
     */
    public static StatusReport fromJson(JsonObject json) {
        try {
            List<NodeInfo> nodes = new ArrayList<>();
            for (Object o : json.getJsonArray("nodes", new JsonArray())) {
                JsonObject n = (JsonObject) o;
                List<LinkInfo> links = new ArrayList<>();
                for (Object lo : n.getJsonArray("links", new JsonArray())) {
                    JsonObject l = (JsonObject) lo;
                    links.add(new LinkInfo(required(l, "name"), "up".equals(l.getString("status"))));
                }
                nodes.add(new NodeInfo(required(n, "name"), n.getString("type"), n.getString("status"), links,
                        n.getLong("last_heard_ms_ago", -1L)));
            }
            List<GroupInfo> groups = new ArrayList<>();
            for (Object o : json.getJsonArray("groups", new JsonArray())) {
                JsonObject g = (JsonObject) o;
                groups.add(new GroupInfo(required(g, "key"), g.getString("preferred_node"), g.getString("resources"),
                        g.getString("state"), g.getString("held_by")));
            }
            List<Transition> transitions = new ArrayList<>();
            for (Object o : json.getJsonArray("transitions", new JsonArray())) {
                JsonObject t = (JsonObject) o;
                transitions.add(new Transition(t.getLong("time_ms", 0L), t.getString("text", "")));
            }
            Map<String, String> params = new LinkedHashMap<>();
            JsonObject p = json.getJsonObject("parameters", new JsonObject());
            for (String name : p.fieldNames()) {
                params.put(name, String.valueOf(p.getValue(name)));
            }
            return new StatusReport(required(json, "node"), json.getString("version"), json.getLong("pid", 0L),
                    json.getLong("uptime_ms", 0L), json.getString("status"), json.getString("auto_failback"), nodes,
                    groups, json.getString("rscstatus"), transitions, params);
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("status JSON has a field of the wrong type: " + e.getMessage(), e);
        }
    }

    private static String required(JsonObject o, String field) {
        String v = o.getString(field);
        if (v == null) {
            throw new IllegalArgumentException("status JSON lacks the field \"" + field + "\": " + o.encode());
        }
        return v;
    }
}
