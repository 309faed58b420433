package io.vigil.resource;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
            Files.move(tmp, file(dir, ip), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
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

    /**
     * Copies the records of {@code from} into {@code to}, which holds nothing else afterwards: a daemon exiting with
     * its groups kept leaves them beside its handover record, where its watcher (a shell, {@code
     * vigil-release-addresses --after-handover}) finds them after systemd has removed the run directory.
     */
    public static void snapshot(Path from, Path to) throws IOException {
        clear(to);
        Files.createDirectories(to);
        if (!Files.isDirectory(from)) {
            return;
        }
        try (var records = Files.newDirectoryStream(from, PREFIX + "*")) {
            for (Path r : records) {
                if (Files.isRegularFile(r, LinkOption.NOFOLLOW_LINKS)) {
                    Files.copy(r, to.resolve(r.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Removes the records of a directory (and the directory when it is then empty). */
    public static void clear(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var records = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path r : records) {
                Files.deleteIfExists(r);
            }
        }
        try {
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException e) {
            // something else lives there: left alone
        }
    }

    static Path file(Path dir, String ip) {
        return dir.resolve(PREFIX + ip.replace(':', '_'));
    }
}
