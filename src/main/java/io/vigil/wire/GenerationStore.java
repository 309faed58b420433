package io.vigil.wire;

import io.vigil.security.SecureFiles;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * This node's persistent identity under the state directory, in Heartbeat's file formats (reference §4.8):
 * {@code hb_generation} (decimal, right-aligned in 15 characters, newline; +1 at every start) and {@code hb_uuid}
 * (16 raw bytes). Both are written durably (temporary file, fsync, atomic rename, fsync of the directory) before
 * anything is sent, so a crash cannot reuse a generation; neither is read or written through a symbolic link.
 */
public final class GenerationStore {

    public static final String GENERATION_FILE = "hb_generation";
    public static final String UUID_FILE = "hb_uuid";

    private static final Logger LOG = Logger.getLogger(GenerationStore.class);

    private GenerationStore() {
    }

    /** Reads the generation, adds one, persists and returns it; a missing file starts at the current time + 1. */
    public static long next(Path stateDir) throws IOException {
        return next(stateDir, System.currentTimeMillis() / 1000);
    }

    static long next(Path stateDir, long epochSeconds) throws IOException {
        Path file = stateDir.resolve(GENERATION_FILE);
        long generation;
        try {
            String text = new String(SecureFiles.readNoFollow(file), StandardCharsets.US_ASCII).strip();
            try {
                generation = Long.parseLong(text) + 1;
            } catch (NumberFormatException e) {
                throw new IOException(file + ": not a generation number: \"" + PacketCodec.shown(text)
                        + "\"; restore the file or delete it to restart from the current time");
            }
            if (generation <= 0) {
                throw new IOException(file + ": generation " + text + " is out of range; delete the file to restart from the current time");
            }
        } catch (NoSuchFileException e) {
            generation = epochSeconds + 1;
            LOG.infof("No Previous generation - starting at %d", generation);
        }
        writeDurably(file, String.format("%15d\n", generation).getBytes(StandardCharsets.US_ASCII));
        return generation;
    }

    /** This node's UUID: read from {@code hb_uuid}, or generated (random, version 4) and persisted once. */
    public static byte[] nodeUuid(Path stateDir) throws IOException {
        Path file = stateDir.resolve(UUID_FILE);
        try {
            byte[] uuid = SecureFiles.readNoFollow(file);
            if (uuid.length != 16) {
                throw new IOException(file + ": expected 16 bytes, found " + uuid.length
                        + "; delete it to generate a new node UUID (peers will re-learn it)");
            }
            return uuid;
        } catch (NoSuchFileException e) {
            byte[] uuid = new byte[16];
            new SecureRandom().nextBytes(uuid);
            uuid[6] = (byte) ((uuid[6] & 0x0f) | 0x40); // RFC 4122 version 4, like uuid_generate()
            uuid[8] = (byte) ((uuid[8] & 0x3f) | 0x80);
            writeDurably(file, uuid);
            return uuid;
        }
    }

    /** Temporary file, fsync, atomic rename, fsync of the directory; a planted link is replaced, never followed. */
    static void writeDurably(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        SecureFiles.writeAtomically(file, content, SecureFiles.PUBLIC_FILE, true);
    }
}
