package io.vigil.daemon;

import io.vigil.config.ClusterConfig;
import io.vigil.config.ResourceGroup;
import io.vigil.config.ResourceSpec;
import io.vigil.control.StatusReport;
import io.vigil.failover.FailoverView;
import io.vigil.failover.GroupState;
import io.vigil.membership.MembershipView;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Turns the daemon's snapshot into the control socket's status report. */
final class DaemonStatus {

    private DaemonStatus() {
    }

    static StatusReport report(Daemon daemon, String version, long nowMonotonicMs) {
        ClusterConfig cfg = daemon.config();
        Daemon.Snapshot snap = daemon.snapshot();
        long uptime = System.currentTimeMillis() - daemon.startedAtMillis();
        if (snap == null) {
            return new StatusReport(cfg.localNode(), version, ProcessHandle.current().pid(), uptime, "init",
                    autoFailback(cfg), List.of(), List.of(), "transition", List.of(), parameters(cfg));
        }
        MembershipView mv = snap.membership();
        FailoverView fv = snap.failover();
        List<StatusReport.NodeInfo> nodes = new ArrayList<>();
        mv.nodes().forEach((name, n) -> {
            // Our own links: up once one of our packets came back over them, as Heartbeat reports them.
            boolean local = name.equals(cfg.localNode());
            List<StatusReport.LinkInfo> links = n.links().entrySet().stream()
                    .map(e -> new StatusReport.LinkInfo(e.getKey(), local ? daemon.ownLinkUp(e.getKey()) : e.getValue()))
                    .toList();
            long ago = n.lastHeardMs() < 0 ? -1 : Math.max(0, nowMonotonicMs - n.lastHeardMs());
            nodes.add(new StatusReport.NodeInfo(name, n.ping() ? "ping" : "normal", n.status().wire(), links, ago));
        });
        // Heartbeat lists nodes in ha.cf order (a ping line above the node lines lists the ping node first)
        List<String> table = cfg.nodeTable();
        nodes.sort(java.util.Comparator.comparingInt(n -> {
            int i = table.indexOf(n.name().toLowerCase(Locale.ROOT));
            return i < 0 ? Integer.MAX_VALUE : i;
        }));
        List<StatusReport.GroupInfo> groups = new ArrayList<>();
        for (ResourceGroup g : daemon.groups().values()) {
            GroupState state = fv.groups().getOrDefault(g.key(), GroupState.STOPPED);
            String resources = g.resources().stream().map(ResourceSpec::token).collect(Collectors.joining(" "));
            // stop-failed: still ours (maybe active here), never released
            String heldBy = state == GroupState.RUNNING || state == GroupState.STOP_FAILED ? cfg.localNode() : "";
            groups.add(new StatusReport.GroupInfo(g.key(), g.preferredNode(), resources,
                    state.name().toLowerCase(Locale.ROOT), heldBy));
        }
        List<StatusReport.Transition> transitions = snap.transitions().stream()
                .map(t -> new StatusReport.Transition(t.epochMillis(), t.text())).toList();
        boolean peersAllDead = mv.nodes().values().stream()
                .filter(n -> !n.ping() && !n.name().equals(cfg.localNode()))
                .allMatch(n -> n.status() == io.vigil.membership.NodeStatus.DEAD);
        String rscstatus = fv.transition() ? "transition"
                : heartbeatRscstatus(fv.holding().wire(), !cfg.groupsOf(cfg.localNode()).isEmpty(),
                cfg.groups().size() > cfg.groupsOf(cfg.localNode()).size(), peersAllDead);
        return new StatusReport(cfg.localNode(), version, ProcessHandle.current().pid(), uptime,
                mv.localStatus().wire(), autoFailback(cfg), nodes, groups, rscstatus, transitions, parameters(cfg));
    }

    /**
     * What Heartbeat's {@code cl_status rscstatus} prints for what we hold. Heartbeat keeps two bits, "local" and
     * "foreign" responsibility, not a list of running groups: the local bit is set once its local acquisition is
     * done even when haresources gives this node no group, and the foreign bit once it has taken over from a dead
     * peer even when that peer has no group (mach_down). So a node without groups of its own reads {@code local}
     * holding nothing, and a node whose peers are all dead reads {@code all} (checked side by side with Heartbeat
     * 3.0.6, both up and with the heartbeats cut). Monitoring compares these words, so we print the same.
     *
     * @param held             what we hold, as the engine words it (none, local, foreign, all)
     * @param hasOwnGroups     haresources has groups whose preferred node is this one
     * @param hasForeignGroups haresources has groups of other nodes
     * @param peersAllDead     every other normal node is dead (we would have taken over their groups)
     */
    static String heartbeatRscstatus(String held, boolean hasOwnGroups, boolean hasForeignGroups, boolean peersAllDead) {
        boolean local = held.equals("local") || held.equals("all") || !hasOwnGroups;
        boolean foreign = held.equals("foreign") || held.equals("all") || (!hasForeignGroups && peersAllDead);
        return local && foreign ? "all" : local ? "local" : foreign ? "foreign" : "none";
    }

    private static String autoFailback(ClusterConfig cfg) {
        return cfg.autoFailback().name().toLowerCase(Locale.ROOT);
    }

    /** ha.cf parameters as Heartbeat's API reports them (cl_status hbparameter), plus Heartbeat's hbversion. */
    static Map<String, String> parameters(ClusterConfig cfg) {
        Map<String, String> p = new LinkedHashMap<>(cfg.heartbeatParameters());
        p.put("hbversion", "3.0.6 (vigil)");
        return p;
    }
}
