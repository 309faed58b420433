package io.vigil.wire;

/** The outcome of {@link PacketCodec#decode}: an authenticated message, or a drop with its reason. */
public sealed interface Decoded {

    /** Wire framing of a received packet. */
    enum Format {
        /** {@code ###\n ... %%%\n<token>} — what Heartbeat 3.0.6 with cluster-glue ≥ 1.0.10 sends. */
        NETSTRING,
        /** {@code >>>\n ... <<<\n} — older glue and the FIFO; still accepted. */
        CLASSIC
    }

    /** The message passed authentication and the mandatory-field checks (§4.6). */
    record Accepted(Message message, Format format) implements Decoded {
    }

    /** The packet must be dropped; {@code detail} uses Heartbeat's wording where it has one. */
    record Rejected(DropReason reason, String detail) implements Decoded {
    }
}
