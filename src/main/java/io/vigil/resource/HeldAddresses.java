package io.vigil.resource;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A record, one small file per virtual address the built-in IPaddr holds, read by the daemon's guardian when the daemon
 * dies: the shell removes those addresses with {@code ip} at once, before the {@code vigil cleanup} JVM has even
 * started (on a starved host that start took minutes, the VM lab measured the address on both nodes meanwhile). Each
 * file holds one line {@code <netns or -> <address>/<prefix> <interface>}. Best effort: the cleanup still stops
 * every group, so a record that could not be written only makes the release slower.
 */
public final class HeldAddresses {

    private static final Logger LOG = Logger.getLogger("io.vigil.resource");
    /** The guardian's glob is {@code <dir>/PREFIX*}. */
    public static final String PREFIX = "vigil-held-addr-";

    private HeldAddresses() {
    }

    static void held(Path dir, String netns, String ip, int prefix, String nic) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".held", null);
            Files.writeString(tmp, (netns.isEmpty() ? "-" : netns) + " " + ip + "/" + prefix + " " + nic + "\n");
            Files.move(tmp, file(dir, ip), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debugf("cannot record held address %s in %s: %s", ip, dir, e.toString());
        }
    }

    static void released(Path dir, String ip) {
        try {
            Files.deleteIfExists(file(dir, ip));
        } catch (IOException e) {
            LOG.debugf("cannot remove the record of %s in %s: %s", ip, dir, e.toString());
        }
    }

    static Path file(Path dir, String ip) {
        return dir.resolve(PREFIX + ip.replace(':', '_'));
    }
}
