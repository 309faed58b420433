package io.vigil.daemon;

import io.vigil.wire.PeerGenerationStore;
import io.vigil.wire.PeerIncarnation;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the peers' incarnations that membership reports ({@link io.vigil.node.NodeEffects#keepPeerIncarnation}) in
 * {@code <state-dir>/peer_generations}, durably, on a thread of its own: the fsync never holds up the daemon's loop,
 * and the writes happen in the order membership reported them. Read once at start ({@link #open}) and given back to
 * the node's core, so that what was captured from a peer before this node restarted stays a replay (issue 14).
 */
final class PeerIncarnationJournal {

    private static final Logger LOG = Logger.getLogger("vigil");

    private final PeerGenerationStore store;
    private final List<PeerIncarnation> atStart;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vigil-peer-generations");
        t.setDaemon(true);
        return t;
    });

    private PeerIncarnationJournal(PeerGenerationStore store) {
        this.store = store;
        this.atStart = List.copyOf(store.entries());
    }

    /** @throws IOException naming the file and what to do when it cannot be read */
    static PeerIncarnationJournal open(Path stateDir) throws IOException {
        return new PeerIncarnationJournal(PeerGenerationStore.open(stateDir));
    }

    /** What was kept before this start. */
    List<PeerIncarnation> atStart() {
        return atStart;
    }

    /** Writes {@code p} soon, after whatever was asked before it. */
    void keep(PeerIncarnation p) {
        keepAll(List.of(p));
    }

    void keepAll(Collection<PeerIncarnation> ps) {
        List<PeerIncarnation> copy = List.copyOf(ps);
        writer.execute(() -> {
            for (PeerIncarnation p : copy) {
                try {
                    store.record(p);
                } catch (IOException | RuntimeException e) {
                    LOG.warnf("Cannot keep the incarnation of node %s in %s: %s (after a restart, this node could"
                            + " take an older packet of it for new)", p.node(), PeerGenerationStore.FILE, e.getMessage());
                }
            }
        });
    }

    /** Finishes the writes asked for (waiting a little), then stops. */
    void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warnf("%s: writes still pending at exit", PeerGenerationStore.FILE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
