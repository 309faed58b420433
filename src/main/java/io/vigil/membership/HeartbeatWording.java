package io.vigil.membership;

import io.vigil.wire.Message;

import java.lang.System.Logger.Level;
import java.util.List;

/** What membership says in Heartbeat's own words and fields (reference §4.9, §5.8). */
final class HeartbeatWording {

    private HeartbeatWording() {
    }

    /** A node we declared dead speaks again with the same generation: Heartbeat's lines, then the event. */
    static void returningAfterPartition(String node, List<MembershipEvent> events) {
        events.add(new MembershipEvent.Log(Level.ERROR, "Cluster node " + node + " returning after partition."));
        events.add(new MembershipEvent.Log(Level.INFO,
                "For information on cluster partitions, See URL: http://linux-ha.org/wiki/Split_Brain"));
        events.add(new MembershipEvent.Log(Level.WARNING, "Deadtime value may be too small."));
        events.add(new MembershipEvent.Log(Level.INFO, "See FAQ for information on tuning deadtime."));
        events.add(new MembershipEvent.Log(Level.INFO, "URL: http://linux-ha.org/wiki/FAQ#Heavy_Load"));
        events.add(new MembershipEvent.ReturnedAfterPartition(node));
    }

    /**
     * Heartbeat's answer to {@code reqnodes} (heartbeat.c HBDoMsg_T_REQNODES): {@code dest} comes before {@code t};
     * with no deleted nodes Heartbeat sends a single space (get_delnodelist), not an empty value.
     */
    static Message repnodes(String requester, List<String> normalNodes) {
        StringBuilder nodelist = new StringBuilder();
        normalNodes.forEach(n -> nodelist.append(n).append(' '));
        return new Message()
                .add("dest", requester)
                .add(Message.TYPE, "repnodes")
                .add("nodelist", nodelist.toString())
                .add("delnodelist", " ");
    }
}
