package io.vigil.wire;

import io.vigil.security.SecureFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The incarnation of every peer ({@link PeerIncarnation}: generation, highest sequence number and its {@code ts},
 * whether it said goodbye) under the state directory, so that a restart of this node does not forget them: a packet
 * captured in an earlier incarnation of a peer — a {@code shutdone} above all — or earlier in its current one stays a
 * replay after our restart (issue 14 item 2). Written like {@link GenerationStore}: temporary file, fsync, atomic
 * rename, fsync of the directory, never through a link.
 * <p>
 * File {@code peer_generations}, one line per node after a comment line:
 * {@code <node> <generation> <seq> <ts> open|closed}, decimal. Membership decides when a record is worth writing
 * (at once when a generation opens or closes, the sequence at most every few seconds); {@link #record} writes it.
 * <p>
 * Not thread-safe: one owner calls it; the writes block (the daemon makes them on a thread of their own).
 */
public final class PeerGenerationStore {

    public static final String FILE = "peer_generations";
    private static final Pattern NODE = Pattern.compile("[^\\s#]{1,255}");
    private static final String FORMAT = "<node> <generation> <seq> <ts> open|closed";

    private final Path file;
    private final Map<String, PeerIncarnation> entries = new LinkedHashMap<>();

    private PeerGenerationStore(Path file) {
        this.file = file;
    }

    /**
     * Reads {@code <stateDir>/peer_generations} (empty when missing).
     *
     * @throws IOException naming the file, the line and what to do, when it cannot be used
     */
    public static PeerGenerationStore open(Path stateDir) throws IOException {
        PeerGenerationStore store = new PeerGenerationStore(stateDir.resolve(FILE));
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
                if (f.length != 5 || !NODE.matcher(f[0]).matches() || !(f[4].equals("open") || f[4].equals("closed"))) {
                    throw new NumberFormatException();
                }
                long generation = Long.parseLong(f[1]);
                long seq = Long.parseLong(f[2]);
                long ts = Long.parseLong(f[3]);
                if (generation < 0 || seq < -1 || ts < 0) {
                    throw new NumberFormatException();
                }
                store.entries.put(f[0], new PeerIncarnation(f[0], generation, seq, ts, f[4].equals("closed")));
            } catch (NumberFormatException e) {
                throw new IOException(store.file + ":" + lineNo + ": not \"" + FORMAT + "\": \""
                        + PacketCodec.shown(l) + "\"; fix the line, or delete the file (peers are then trusted afresh"
                        + " at their next status, as after a first start)");
            }
        }
        return store;
    }

    public Optional<PeerIncarnation> entry(String node) {
        return Optional.ofNullable(entries.get(node));
    }

    /** Every peer's record, in the order first recorded. */
    public Collection<PeerIncarnation> entries() {
        return List.copyOf(entries.values());
    }

    /**
     * Writes {@code p} durably, unless it says nothing new: an older generation (a replay; membership never sends
     * one) or the very record already written. Returns whether the file was written.
     * <p>
     * A record that only moves a known generation's sequence on (membership's periodic note) has its content synced
     * but not its rename: a crash can then bring back the version before it, a few seconds older, never a broken file.
     * That halves what the periodic note costs (about 8.5 sleeps of the writing thread to 5, measured on ext4), while a
     * generation opened or closed (a restart, a goodbye: what a replay would abuse most) stays fully durable.
     */
    public boolean record(PeerIncarnation p) throws IOException {
        if (!NODE.matcher(p.node()).matches()) {
            throw new IllegalArgumentException("not a node name: \"" + PacketCodec.shown(p.node()) + "\"");
        }
        PeerIncarnation known = entries.get(p.node());
        if (p.equals(known) || (known != null && p.generation() < known.generation())) {
            return false;
        }
        boolean sequenceOnly = known != null && known.generation() == p.generation() && known.closed() == p.closed();
        entries.put(p.node(), p);
        StringBuilder sb = new StringBuilder("# Vigil: each peer's last incarnation (" + FORMAT + ")\n");
        entries.values().forEach(e -> sb.append(e.node()).append(' ').append(e.generation()).append(' ')
                .append(e.seq()).append(' ').append(e.ts()).append(' ').append(e.closed() ? "closed" : "open")
                .append('\n'));
        SecureFiles.writeAtomically(file, sb.toString().getBytes(StandardCharsets.US_ASCII), SecureFiles.PUBLIC_FILE, true,
                !sequenceOnly);
        return true;
    }
}
