package io.vigil.wire;

/** A received packet cannot be accepted; internal to the decoder, never thrown out of {@link PacketCodec#decode}. */
final class WireFormatException extends Exception {
    private final DropReason reason;

    WireFormatException(DropReason reason, String detail) {
        super(detail, null, false, false); // no stack trace: this is an expected outcome on hostile input
        this.reason = reason;
    }

    static WireFormatException malformed(String detail) {
        return new WireFormatException(DropReason.MALFORMED, detail);
    }

    DropReason reason() {
        return reason;
    }

    Decoded.Rejected toRejected() {
        return new Decoded.Rejected(reason, getMessage());
    }
}
