package io.vigil.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated configuration of one node: ha.cf, authkeys, haresources and the Vigil-only settings. Times are in
 * milliseconds; node names are lower-case.
 *
 * @param configDir        directory the files were read from
 * @param localNode        this node's name (--node-name, else nodeinfo, else {@code uname -n}), lower-case
 * @param nodes            normal nodes in ha.cf order, the local one included
 * @param media            bcast/mcast/ucast media in ha.cf order
 * @param pingNodes        ping and ping_group nodes in ha.cf order
 * @param groups           haresources groups in file order
 * @param debugLevel       ha.cf {@code debug}, 0..255
 * @param maxRexmitDelayMs ha.cf {@code max_rexmit_delay}
 * @param hbgenmethod      {@code file} or {@code time}
 * @param msgfmt           {@code classic} or {@code netstring}
 * @param uuidfrom         {@code file} or {@code nodename}
 * @param logBadpack       ha.cf {@code log_badpack}
 * @param effective        every directive and Vigil key with its value and origin
 * @param warnings         what check-config reports as warnings
 * @param stonith          the STONITH devices of ha.cf usable from this node, in file order
 * @param watchdog         ha.cf {@code watchdog}: the kernel watchdog device written at every heartbeat
 * @param respawnClients   {@code respawn}/{@code failfast} lines, Heartbeat API clients (not started) included
 * @param haEnv            {@code env} lines as {@code HA_NAME → value}, for resource scripts and respawn children
 * @param nodeTable        every node and ping node (lower-case) in the order of their ha.cf lines, which is the
 *                         order Heartbeat lists them in (cl_status listnodes)
 * @param heartbeatParameters what Heartbeat answers to {@code cl_status hbparameter -p <name>}: recorded directives as
 *                         written in ha.cf, else Heartbeat's defaults, derived times as {@code <n>ms}
 */
public record ClusterConfig(Path configDir, String localNode, List<String> nodes,
                            long keepaliveMs, long deadtimeMs, long warntimeMs, long initdeadMs, long deadpingMs,
                            int udpPort, List<Medium> media, List<PingNode> pingNodes, AutoFailback autoFailback,
                            AuthKeys authKeys, List<ResourceGroup> groups,
                            Optional<String> logfile, Optional<String> debugfile, Optional<String> logfacility,
                            int debugLevel, int maxRexmitDelayMs, String hbgenmethod, String msgfmt, String uuidfrom,
                            boolean logBadpack, List<Setting> effective, List<ConfigProblem> warnings,
                            VigilSettings vigil, List<StonithDevice> stonith, Optional<Path> watchdog,
                            List<RespawnClient> respawnClients, Map<String, String> haEnv,
                            List<String> nodeTable, Map<String, String> heartbeatParameters) {
    public ClusterConfig {
        stonith = List.copyOf(stonith);
        nodeTable = List.copyOf(nodeTable);
        heartbeatParameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(heartbeatParameters));
        respawnClients = List.copyOf(respawnClients);
        haEnv = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(haEnv));
        nodes = List.copyOf(nodes);
        media = List.copyOf(media);
        pingNodes = List.copyOf(pingNodes);
        groups = List.copyOf(groups);
        effective = List.copyOf(effective);
        warnings = List.copyOf(warnings);
    }

    /** The nodes other than this one. */
    public List<String> peers() {
        return nodes.stream().filter(n -> !n.equals(localNode)).toList();
    }

    /** Link names (media devices) without repeats, in ha.cf order. */
    public List<String> links() {
        return media.stream().map(Medium::name).distinct().toList();
    }

    public Path haCf() {
        return configDir.resolve("ha.cf");
    }

    public Path authKeysFile() {
        return configDir.resolve("authkeys");
    }

    public Path haresources() {
        return configDir.resolve("haresources");
    }

    /** A way to fence a node is configured: a STONITH device usable from here, or vigil.fence-script. */
    public boolean fencingConfigured() {
        return !stonith.isEmpty() || vigil.fenceScript().isPresent();
    }

    /**
     * How many ping nodes take part in placement: all of them when {@code vigil.ping-policy} says ping nodes decide
     * (placement, or heartbeat with ipfail respawned), none when they are only reported (Heartbeat without ipfail).
     */
    public int placementPingNodes() {
        return vigil.pingPolicy().decidesPlacement(respawnClients) ? pingNodes.size() : 0;
    }

    /** The groups whose preferred node is {@code node}. */
    public List<ResourceGroup> groupsOf(String node) {
        return groups.stream().filter(g -> g.preferredNode().equals(node)).toList();
    }
}
