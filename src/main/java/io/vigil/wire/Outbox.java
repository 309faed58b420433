package io.vigil.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Our side of the wire: stamps each message (src, seq, hg, ts, ...), keeps it for retransmission, and signs it into
 * a packet; answers a peer's {@code NS_rexmit} from that history. The clock and the load average are injected, so
 * the bytes are reproducible in tests. Not thread-safe: use from the one sending thread.
 */
public final class Outbox {

    private final Stamper stamper;
    private final SendHistory history;
    private final PacketCodec codec;
    private final LongSupplier epochSeconds;
    private final Supplier<String> loadAverage;

    public Outbox(Stamper stamper, SendHistory history, PacketCodec codec, LongSupplier epochSeconds,
                  Supplier<String> loadAverage) {
        this.stamper = Objects.requireNonNull(stamper, "stamper");
        this.history = Objects.requireNonNull(history, "history");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.epochSeconds = Objects.requireNonNull(epochSeconds, "epochSeconds");
        this.loadAverage = Objects.requireNonNull(loadAverage, "loadAverage");
    }

    /**
     * The packets for a new message of ours (type fields only): one, or one per key while a key rotation lets peers
     * still use the previous key.
     */
    public List<byte[]> packets(Message typeFields) {
        Message stamped = stamper.stamp(typeFields, epochSeconds.getAsLong(), loadAverage.get());
        history.record(stamped);
        return codec.encodeAll(stamped);
    }

    /**
     * The packets answering a peer's {@code NS_rexmit}: kept messages re-signed exactly as first stamped, and an
     * {@code NS_nak_rexmit} of ours for each sequence number no longer kept.
     */
    public List<byte[]> answer(Message nsRexmit, long nowMs) {
        List<byte[]> out = new ArrayList<>();
        for (Message again : history.answer(nsRexmit, stamper.localNode(), nowMs)) {
            out.addAll(again.has(Fields.SRC) ? codec.encodeAll(again) : packets(again));
        }
        return out;
    }
}
