package io.vigil.wire;

import java.util.Optional;
import java.util.OptionalLong;

/** Field names of Heartbeat's cluster messages (ha_msg.h) and parsers for their numeric encodings. */
public final class Fields {
    public static final String TYPE = Message.TYPE;
    public static final String SRC = "src";
    public static final String SRCUUID = "srcuuid";
    public static final String DEST = "dest";
    public static final String DESTUUID = "destuuid";
    public static final String SEQ = "seq";
    public static final String GENERATION = "hg";
    public static final String TIMESTAMP = "ts";
    public static final String LOAD = "ld";
    public static final String TTL = "ttl";
    public static final String AUTH = "auth";
    public static final String STATUS = "st";
    public static final String DEADTIME = "dt";
    public static final String PROTOCOL = "protocol";
    public static final String FIRSTSEQ = "firstseq";
    public static final String LASTSEQ = "lastseq";
    public static final String INFO = "info";
    public static final String ACKSEQ = "ackseq";

    public static final String T_STATUS = "status";
    public static final String T_REXMIT = "NS_rexmit";
    public static final String T_NAK_REXMIT = "NS_nak_rexmit";
    /** Prefix of the unsequenced control types (no {@code seq} field). */
    public static final String NS_PREFIX = "NS_";

    private Fields() {
    }

    /** Whether messages of this type carry a sequence number (every type except {@code NS_*}). */
    public static boolean isSequencedType(String type) {
        return !type.startsWith(NS_PREFIX);
    }

    /** A field written with {@code %lx}: 1 to 16 hex digits, nothing else. Empty when absent or not hex. */
    public static OptionalLong hex(Message m, String name) {
        return parse(m.get(name), 16, 16);
    }

    /** A field written with {@code %d}/{@code %lu}: 1 to 18 decimal digits. Empty when absent or not decimal. */
    public static OptionalLong decimal(Message m, String name) {
        return parse(m.get(name), 10, 18);
    }

    private static OptionalLong parse(Optional<String> value, int radix, int maxDigits) {
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        String s = value.get();
        if (s.isEmpty() || s.length() > maxDigits) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= '0' && c <= '9' || radix == 16 && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F');
            if (!ok) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(Long.parseUnsignedLong(s, radix));
    }
}
