package io.vigil.membership;

import io.vigil.wire.PeerIncarnation;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The configured nodes as membership tracks them: the normal nodes in ha.cf order (the local one included), then the
 * ping nodes, each with its links; names compared case-insensitively, as Heartbeat does. Which links exist changes
 * with a reload; which nodes exist does not.
 */
final class NodeTable {

    private final Map<String, Member> nodes = new LinkedHashMap<>();
    /** Links removed by a reload: a packet still in flight on one does not bring it back. */
    private final Set<String> removedLinks = new HashSet<>();

    NodeTable(MembershipSettings settings, String localNode) {
        for (String name : settings.nodes()) {
            String n = lower(name);
            Member node = new Member(n, false, n.equals(localNode), settings.deadtimeMs());
            for (String link : settings.links()) {
                node.links.put(link, new Member.Link());
            }
            nodes.put(n, node);
        }
        for (String name : settings.pingNodes()) {
            String n = lower(name);
            Member node = new Member(n, true, false, settings.deadpingMs());
            // A ping node has one link named after itself (Heartbeat: "Link 192.0.2.1:192.0.2.1 up.").
            node.links.put(n, new Member.Link());
            nodes.putIfAbsent(n, node);
        }
    }

    /** The node of that name, any case; null if it is not configured. */
    Member get(String name) {
        return nodes.get(lower(name));
    }

    Collection<Member> all() {
        return nodes.values();
    }

    /** The normal nodes' names, in ha.cf order (what a {@code repnodes} lists). */
    List<String> normalNodeNames() {
        return nodes.values().stream().filter(n -> !n.ping).map(n -> n.name).toList();
    }

    /** Whether a packet on this link may mark it up: not if a reload removed it (ping nodes' own links always). */
    private boolean linkRemoved(Member node, String link) {
        return !node.ping && removedLinks.contains(link);
    }

    /** A packet from {@code node} arrived on {@code linkName}: the link is up (not one a reload removed). */
    void linkHeard(long nowMs, Member node, String linkName, List<MembershipEvent> events) {
        if (linkName == null || linkName.isEmpty() || linkRemoved(node, linkName)) {
            return;
        }
        Member.Link link = node.links.computeIfAbsent(linkName, k -> new Member.Link());
        link.lastMs = nowMs;
        if (!link.up) {
            link.up = true;
            events.add(new MembershipEvent.Log(Level.INFO, "Link " + node.name + ":" + linkName + " up."));
            events.add(new MembershipEvent.LinkStatusChanged(node.name, linkName, true));
        }
    }

    /** Every peer's link silent for longer than the deadtime applied to that peer is dead; ours never are. */
    void expireLinks(long nowMs, ToLongFunction<Member> appliedDeadtime, List<MembershipEvent> events) {
        for (Member node : nodes.values()) {
            if (node.local) {
                continue;
            }
            long deadtime = appliedDeadtime.applyAsLong(node);
            for (Map.Entry<String, Member.Link> e : node.links.entrySet()) {
                Member.Link link = e.getValue();
                if (link.up && nowMs - link.lastMs > deadtime) {
                    link.up = false;
                    events.add(new MembershipEvent.Log(Level.INFO, "Link " + node.name + ":" + e.getKey() + " dead."));
                    events.add(new MembershipEvent.LinkStatusChanged(node.name, e.getKey(), false));
                }
            }
        }
    }

    /** A reload's links: the removed ones are forgotten on every normal node, the new ones start dead. */
    List<String> relink(List<String> before, List<String> after) {
        List<String> removed = new ArrayList<>();
        for (String link : before) {
            if (!after.contains(link)) {
                removedLinks.add(link);
                removed.add(link);
            }
        }
        removedLinks.removeAll(after);
        for (Member node : nodes.values()) {
            if (node.ping) {
                continue;
            }
            node.links.keySet().removeIf(removedLinks::contains);
            for (String link : after) {
                node.links.putIfAbsent(link, new Member.Link());
            }
        }
        return removed;
    }

    /** What this node knew of its peers before it restarted; records of nodes not configured (any more) are ignored. */
    void remember(Collection<PeerIncarnation> known) {
        for (PeerIncarnation p : known) {
            Member node = get(p.node());
            if (node != null && !node.local && !node.ping && !node.opened && node.remembered == null) {
                node.remembered = p;
            }
        }
    }

    /** Every peer's current incarnation, once a status opened its record. */
    List<PeerIncarnation> incarnations() {
        List<PeerIncarnation> out = new ArrayList<>();
        for (Member node : nodes.values()) {
            if (!node.local && !node.ping && node.opened && node.generation >= 0) {
                out.add(node.incarnation());
            }
        }
        return out;
    }

    /** Ping nodes answering now ({@link NodeStatus#PING}). */
    int reachablePingNodes() {
        int count = 0;
        for (Member node : nodes.values()) {
            if (node.ping && node.status == NodeStatus.PING) {
                count++;
            }
        }
        return count;
    }

    MembershipView view(NodeStatus localStatus, boolean commUp, ToLongFunction<Member> appliedDeadtime) {
        Map<String, MembershipView.NodeView> out = new LinkedHashMap<>();
        for (Member node : nodes.values()) {
            Map<String, Boolean> links = new LinkedHashMap<>();
            node.links.forEach((name, link) -> links.put(name, link.up));
            out.put(node.name, new MembershipView.NodeView(node.name, node.ping,
                    node.local ? localStatus : node.status, node.lastStatusMs, appliedDeadtime.applyAsLong(node),
                    Collections.unmodifiableMap(links)));
        }
        return new MembershipView(localStatus, commUp, Collections.unmodifiableMap(out));
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
