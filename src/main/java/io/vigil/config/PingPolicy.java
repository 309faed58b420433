package io.vigil.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What ping nodes ({@code ping}, {@code ping6}, {@code ping_group}) are for: the setting {@code vigil.ping-policy}.
 * <ul>
 *   <li>{@link #PLACEMENT} (the default): connectivity decides placement. A node that reaches fewer ping nodes than a
 *       live peer hands its groups to that peer, as Heartbeat does when {@code ipfail} runs.</li>
 *   <li>{@link #HEARTBEAT}: Heartbeat's own semantics. Ping nodes are only reported (cl_status, vigil status, metrics)
 *       unless ha.cf has a {@code respawn … ipfail} line; then they decide placement as above.</li>
 * </ul>
 */
public enum PingPolicy {
    PLACEMENT, HEARTBEAT;

    public static final String KEY = "vigil.ping-policy";

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PingPolicy> parse(String text) {
        for (PingPolicy p : values()) {
            if (p.word().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Whether reachability of ping nodes moves groups, given the respawn lines of ha.cf. */
    public boolean decidesPlacement(List<RespawnClient> clients) {
        return this == PLACEMENT || clients.stream().anyMatch(RespawnClient::ipfail);
    }

    /** The value as check-config shows it: the policy and what it means for this ha.cf. */
    public String describe(List<PingNode> pingNodes, List<RespawnClient> clients) {
        if (pingNodes.isEmpty()) {
            return word() + " (no ping nodes)";
        }
        if (this == PLACEMENT) {
            return word() + " (ping nodes decide placement)";
        }
        return clients.stream().filter(RespawnClient::ipfail).findFirst()
                .map(c -> word() + " (ping nodes decide placement: ipfail respawned at " + c.origin().label() + ")")
                .orElse(word() + " (ping nodes only reported: no respawn of ipfail)");
    }
}
