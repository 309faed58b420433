package io.vigil.failover;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every peer, in ha.cf order. */
final class PeerTable {

    private final Map<String, Peer> peers = new LinkedHashMap<>();

    PeerTable(List<String> nodes, String me) {
        for (String n : nodes) {
            if (!n.equals(me)) {
                peers.put(n, new Peer(n));
            }
        }
    }

    /** The peer, or null for ourselves or an unknown name. */
    Peer get(String name) {
        return peers.get(name);
    }

    Collection<Peer> all() {
        return peers.values();
    }

    boolean anyAlive() {
        return peers.values().stream().anyMatch(Peer::alive);
    }

    /** A live peer holds the group (as far as we know). */
    boolean heldByPeer(String key) {
        return peers.values().stream().anyMatch(p -> p.holdsLive(key));
    }

    /** A live peer other than {@code node} holds the group. */
    boolean heldByOtherThan(String key, String node) {
        return peers.values().stream().anyMatch(p -> !p.name.equals(node) && p.holdsLive(key));
    }
}
