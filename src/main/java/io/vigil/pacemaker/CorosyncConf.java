package io.vigil.pacemaker;

import java.util.List;
import java.util.Optional;

/**
 * A Corosync 3 configuration (knet transport) as the export builds it; {@link #text()} writes corosync.conf.
 *
 * @param clusterName      {@code totem.cluster_name}
 * @param tokenMs          {@code totem.token}
 * @param knetPing         {@code knet_ping_interval} and {@code knet_ping_timeout}, set together (empty: knet's defaults)
 * @param nodes            the nodelist: id, name and one address per knet link
 * @param twoNode          {@code quorum.two_node: 1}
 * @param syslogFacility   {@code logging.syslog_facility} (empty: no syslog)
 * @param debug            {@code logging.debug: on}
 * @param comments         lines written as comments at the top (where each value comes from)
 */
public record CorosyncConf(String clusterName, long tokenMs, Optional<KnetPing> knetPing, List<Node> nodes,
                           boolean twoNode, Optional<String> syslogFacility, boolean debug, List<String> comments) {

    public CorosyncConf {
        nodes = List.copyOf(nodes);
        comments = List.copyOf(comments);
    }

    /** knet's link check: a ping every interval, the link down after timeout without an answer. */
    public record KnetPing(long intervalMs, long timeoutMs) {
    }

    /** A node of the nodelist; {@code addresses.get(i)} is its {@code ring<i>_addr}. */
    public record Node(int id, String name, List<String> addresses) {
        public Node {
            addresses = List.copyOf(addresses);
        }
    }

    public String text() {
        StringBuilder b = new StringBuilder();
        for (String c : comments) {
            b.append(c.isEmpty() ? "#" : "# " + c).append('\n');
        }
        b.append("totem {\n");
        b.append("    version: 2\n");
        b.append("    cluster_name: ").append(clusterName).append('\n');
        b.append("    transport: knet\n");
        b.append("    token: ").append(tokenMs).append('\n');
        knetPing.ifPresent(p -> b.append("    knet_ping_interval: ").append(p.intervalMs()).append('\n')
                .append("    knet_ping_timeout: ").append(p.timeoutMs()).append('\n'));
        b.append("    crypto_cipher: aes256\n");
        b.append("    crypto_hash: sha256\n");
        b.append("}\n\n");
        b.append("nodelist {\n");
        for (Node n : nodes) {
            b.append("    node {\n");
            for (int i = 0; i < n.addresses().size(); i++) {
                b.append("        ring").append(i).append("_addr: ").append(n.addresses().get(i)).append('\n');
            }
            b.append("        name: ").append(n.name()).append('\n');
            b.append("        nodeid: ").append(n.id()).append('\n');
            b.append("    }\n");
        }
        b.append("}\n\n");
        b.append("quorum {\n");
        b.append("    provider: corosync_votequorum\n");
        if (twoNode) {
            b.append("    two_node: 1\n");
        }
        b.append("}\n\n");
        b.append("logging {\n");
        b.append("    to_logfile: yes\n");
        b.append("    logfile: /var/log/corosync/corosync.log\n");
        b.append("    to_stderr: no\n");
        if (syslogFacility.isPresent()) {
            b.append("    to_syslog: yes\n");
            b.append("    syslog_facility: ").append(syslogFacility.get()).append('\n');
        } else {
            b.append("    to_syslog: no\n");
        }
        b.append("    timestamp: hires\n");
        if (debug) {
            b.append("    debug: on\n");
        }
        b.append("}\n");
        return b.toString();
    }
}
