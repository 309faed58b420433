package io.vigil.wire;

import io.vigil.security.SecureFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The last generation (and the highest {@code ts} seen in it) of every peer, under the state directory, so that a
 * restart of this node does not forget them: a packet captured in an earlier incarnation of a peer — a {@code shutdone}
 * above all — stays a replay after our restart (issue 14 item 2). Written like {@link GenerationStore}: temporary
 * file, fsync, atomic rename, fsync of the directory, never through a link.
 * <p>
 * File {@code peer_generations}, one line per node: {@code <node> <generation> <highest ts>}, decimal, after a
 * comment line. A generation is written at once when it rises (the rule that refuses replays depends on it); a higher
 * {@code ts} of the same generation at most every {@link #tsPersistIntervalMs}, and on {@link #flush()}.
 * <p>
 * Not thread-safe: one owner (the daemon's context) calls it; the writes block, on a worker if the caller prefers.
 */
public final class PeerGenerationStore {

    public static final String FILE = "peer_generations";
    private static final Pattern NODE = Pattern.compile("[^\\s#]{1,255}");

    /** What is known of one peer. */
    public record Entry(long generation, long highestTs) {
    }

    private final Path file;
    private final long tsPersistIntervalMs;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private boolean dirty;
    private long writtenAtMs = Long.MIN_VALUE / 2;

    private PeerGenerationStore(Path file, long tsPersistIntervalMs) {
        this.file = file;
        this.tsPersistIntervalMs = tsPersistIntervalMs;
    }

    /**
     * Reads {@code <stateDir>/peer_generations} (empty when missing).
     *
     * @throws IOException naming the file, the line and what to do, when it cannot be used
     */
    public static PeerGenerationStore open(Path stateDir, long tsPersistIntervalMs) throws IOException {
        PeerGenerationStore store = new PeerGenerationStore(stateDir.resolve(FILE), tsPersistIntervalMs);
        String text;
        try {
            text = new String(SecureFiles.readNoFollow(store.file), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return store;
        }
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+");
            try {
                if (f.length != 3 || !NODE.matcher(f[0]).matches()) {
                    throw new NumberFormatException();
                }
                long generation = Long.parseLong(f[1]);
                long ts = Long.parseLong(f[2]);
                if (generation <= 0 || ts < 0) {
                    throw new NumberFormatException();
                }
                store.entries.put(f[0], new Entry(generation, ts));
            } catch (NumberFormatException e) {
                throw new IOException(store.file + ":" + lineNo + ": not \"<node> <generation> <ts>\": \""
                        + PacketCodec.shown(l) + "\"; fix the line, or delete the file (peers are then trusted afresh"
                        + " at their next status, as after a first start)");
            }
        }
        return store;
    }

    public Optional<Entry> entry(String node) {
        return Optional.ofNullable(entries.get(node));
    }

    /**
     * Takes note of an authenticated message of {@code node} in generation {@code generation} with timestamp
     * {@code ts}. Lower generations are ignored (they are replays). Returns whether the file was written.
     */
    public boolean record(String node, long generation, long ts, long nowMs) throws IOException {
        if (!NODE.matcher(node).matches()) {
            throw new IllegalArgumentException("not a node name: \"" + PacketCodec.shown(node) + "\"");
        }
        Entry known = entries.get(node);
        if (known != null && generation < known.generation()) {
            return false;
        }
        boolean newGeneration = known == null || generation > known.generation();
        long highest = newGeneration ? ts : Math.max(ts, known.highestTs());
        if (!newGeneration && highest == known.highestTs()) {
            return false;
        }
        entries.put(node, new Entry(generation, highest));
        dirty = true;
        if (newGeneration || nowMs - writtenAtMs >= tsPersistIntervalMs) {
            write(nowMs);
            return true;
        }
        return false;
    }

    /** Writes what is not written yet (at shutdown). */
    public void flush(long nowMs) throws IOException {
        if (dirty) {
            write(nowMs);
        }
    }

    private void write(long nowMs) throws IOException {
        StringBuilder sb = new StringBuilder("# Vigil: last generation and highest ts of each peer (node generation ts)\n");
        entries.forEach((node, e) -> sb.append(node).append(' ').append(e.generation()).append(' ').append(e.highestTs()).append('\n'));
        SecureFiles.writeAtomically(file, sb.toString().getBytes(StandardCharsets.US_ASCII), SecureFiles.PUBLIC_FILE, true);
        dirty = false;
        writtenAtMs = nowMs;
    }
}
