package io.vigil.daemon;

import io.vigil.config.ClusterConfig;
import io.vigil.wire.GenerationStore;
import io.vigil.wire.NameUuid;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;

/**
 * This node's generation and UUID at start, as ha.cf's {@code hbgenmethod} and {@code uuidfrom} ask (heartbeat.c
 * IncrGeneration / GetTimeBasedGeneration, hb_uuid.c GetUUID):
 * <ul>
 *   <li>{@code hbgenmethod file} (default): the persisted counter + 1; {@code time}: the current time in seconds,
 *       nothing written (for nodes whose disk does not keep state between boots).</li>
 *   <li>{@code uuidfrom file} (default): the persisted random UUID; {@code nodename}: derived from the node name
 *       exactly as Heartbeat derives it.</li>
 * </ul>
 */
public record NodeIdentity(long generation, byte[] uuid) {

    private static final Logger LOG = Logger.getLogger("vigil");

    public static NodeIdentity establish(ClusterConfig config, Path stateDir) throws IOException {
        return establish(config.hbgenmethod(), config.uuidfrom(), config.localNode(), stateDir,
                System.currentTimeMillis() / 1000);
    }

    static NodeIdentity establish(String hbgenmethod, String uuidfrom, String localNode, Path stateDir, long epochSeconds)
            throws IOException {
        long generation;
        if ("time".equals(hbgenmethod)) {
            generation = epochSeconds;
            LOG.infof("Heartbeat generation: %d (hbgenmethod time)", generation);
        } else {
            generation = GenerationStore.next(stateDir);
        }
        byte[] uuid = "nodename".equals(uuidfrom) ? NameUuid.of(localNode) : GenerationStore.nodeUuid(stateDir);
        return new NodeIdentity(generation, uuid);
    }
}
