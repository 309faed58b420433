package io.vigil.wire;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Adds the standard fields of every outbound cluster message (reference §4.6, {@code add_msg_auth}'s caller), in
 * Heartbeat's order: {@code destuuid} (only when {@code dest} is set and its UUID is known), {@code src},
 * {@code srcuuid}, {@code seq} (hex, per-process counter from 1; not for {@code NS_*} types), {@code hg} (hex),
 * {@code ts} (hex seconds), {@code ld}, {@code ttl}. A field already present is replaced in place, except that for
 * {@code NS_*} types present fields are kept. The inner {@code auth} field is the codec's job.
 *
 * <p>Not thread-safe: stamp from the one thread that sends.
 */
public final class Stamper {

    private final String localNode;
    private final byte[] uuid;
    private final long generation;
    private final int ttl;
    private long lastSeq;

    public Stamper(String localNode, byte[] uuid16, long generation, int ttl) {
        this(localNode, uuid16, generation, ttl, 0);
    }

    /** For tests and vectors: continue a sequence after {@code lastSeq}. */
    Stamper(String localNode, byte[] uuid16, long generation, int ttl, long lastSeq) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        if (uuid16.length != 16) {
            throw new IllegalArgumentException("node UUID must be 16 bytes, got " + uuid16.length);
        }
        this.uuid = uuid16.clone();
        this.generation = generation;
        this.ttl = ttl;
        this.lastSeq = lastSeq;
    }

    public Message stamp(Message m, long epochSeconds, String loadavg) {
        return stamp(m, epochSeconds, loadavg, node -> Optional.empty());
    }

    /**
     * A stamped copy of {@code m}. {@code uuidOfNode} gives the known UUID of a destination node, if any; then
     * {@code destuuid} is added first (Heartbeat does so for addressed messages such as {@code NS_ackmsg}).
     */
    public Message stamp(Message m, long epochSeconds, String loadavg, Function<String, Optional<byte[]>> uuidOfNode) {
        Message out = m.copy();
        boolean control = !Fields.isSequencedType(out.type());
        Optional<String> dest = out.get(Fields.DEST);
        if (dest.isPresent()) {
            Optional<byte[]> destUuid = uuidOfNode.apply(dest.get());
            if (destUuid.isPresent() && !(control && out.has(Fields.DESTUUID))) {
                out.setBinary(Fields.DESTUUID, destUuid.get());
            }
        }
        put(out, control, Fields.SRC, localNode);
        if (!(control && out.has(Fields.SRCUUID))) {
            out.setBinary(Fields.SRCUUID, uuid);
        }
        if (!control) {
            lastSeq++;
            out.set(Fields.SEQ, Long.toHexString(lastSeq));
        }
        put(out, control, Fields.GENERATION, Long.toHexString(generation));
        put(out, control, Fields.TIMESTAMP, Long.toHexString(epochSeconds));
        put(out, control, Fields.LOAD, loadavg);
        put(out, control, Fields.TTL, Integer.toString(ttl));
        return out;
    }

    private static void put(Message m, boolean keepExisting, String name, String value) {
        if (!(keepExisting && m.has(name))) {
            m.set(name, value);
        }
    }

    /** The sequence number of the last sequenced message stamped (0 before the first). */
    public long lastSeq() {
        return lastSeq;
    }

    public long generation() {
        return generation;
    }

    public String localNode() {
        return localNode;
    }
}
