package io.vigil.wire;

import io.vigil.config.AuthKey;
import io.vigil.config.AuthKeys;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Turns stamped messages into Heartbeat 3.0.6 packets and received packets into authenticated messages.
 *
 * <p>Sending (reference §4.4, §4.5): netstring framing; the inner {@code auth} field (HMAC of the classic body
 * without {@code auth}) is appended last, then {@code %%%\n} and the trailer token signed, with the active
 * authkeys entry, over every byte from {@code ###\n} through {@code %%%\n}.
 *
 * <p>Receiving: netstring and classic packets, with or without trailing NUL bytes. A netstring packet is verified
 * by its trailer only (the inner {@code auth} field is not checked, as in Heartbeat), with <b>the algorithm of the
 * index named in the packet and the key of this node's active entry</b>: Heartbeat's quirk
 * ({@code heartbeat.c:3706} passes {@code config->authmethod}), so during a key rotation netstring packets only
 * verify when both sides have the same active key. A classic packet is verified by its inner {@code auth} field with
 * the method and key of the index it names. Then the mandatory fields of §4.6 are checked. {@link #decode} never
 * throws on any content.
 *
 * <p>The key supplier is called once per packet, so a re-read authkeys applies to the next packet. Thread-safe.
 */
public final class PacketCodec {

    /** Heartbeat's MAXMSG: the largest packet sent or accepted. */
    public static final int MAX_PACKET_BYTES = 256 * 1024;

    private final Supplier<AuthKeys> keys;
    private final boolean innerAuth;

    public PacketCodec(Supplier<AuthKeys> keys) {
        this(keys, true);
    }

    /**
     * @param innerAuth add the inner classic {@code auth} field (ha.cf {@code msgfmt classic}, the default); false for
     *                  {@code msgfmt netstring}, where Heartbeat leaves it out and the trailer alone signs the packet
     */
    public PacketCodec(Supplier<AuthKeys> keys, boolean innerAuth) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.innerAuth = innerAuth;
    }

    /**
     * The netstring packet for an already stamped message. An existing {@code auth} field is replaced by a fresh one
     * appended last (so a message from the send history re-encodes identically).
     *
     * @throws IllegalArgumentException if a field name cannot be encoded or the packet exceeds {@link #MAX_PACKET_BYTES}
     */
    public byte[] encode(Message stamped) {
        AuthKey active = keys.get().active();
        Message body = innerAuth ? withInnerAuth(stamped, active) : stamped.copy().remove(Fields.AUTH);
        byte[] signed = NetstringFormat.encodeSignedPart(body);
        String digest = AuthDigest.digest(active.method(), active.key(), signed);
        ByteArrayOutputStream out = new ByteArrayOutputStream(signed.length + 80);
        out.writeBytes(signed);
        out.writeBytes(NetstringFormat.token(active.index(), digest));
        if (out.size() > MAX_PACKET_BYTES) {
            throw new IllegalArgumentException("packet of " + out.size() + " bytes exceeds " + MAX_PACKET_BYTES);
        }
        return out.toByteArray();
    }

    /**
     * The classic text form with a fresh inner {@code auth} field (what glue &lt; 1.0.10 sent, minus its trailing NUL,
     * and what tools write to Heartbeat's FIFO).
     */
    public String encodeClassic(Message message) {
        AuthKey active = keys.get().active();
        return new String(ClassicFormat.encode(withInnerAuth(message, active)), StandardCharsets.ISO_8859_1);
    }

    /** The classic text of a message exactly as it is, without signing (for logs and tools). */
    public static String classicText(Message message) {
        return new String(ClassicFormat.encode(message), StandardCharsets.ISO_8859_1);
    }

    /** A copy of the message without any {@code auth} field, then {@code auth=<index> <hmac of the classic body>}. */
    static Message withInnerAuth(Message message, AuthKey key) {
        Message copy = message.copy().remove(Fields.AUTH);
        String digest = AuthDigest.digest(key.method(), key.key(), ClassicFormat.signedBody(copy));
        return copy.add(Fields.AUTH, key.index() + " " + digest);
    }

    /**
     * Decodes and authenticates one received datagram. Never throws for any content.
     *
     * @throws IndexOutOfBoundsException if offset/length do not lie within data (a caller bug, not hostile input)
     */
    public Decoded decode(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        try {
            return decodeUnchecked(data, offset, length);
        } catch (RuntimeException e) {
            // Last line of defence for the receive path; the fuzz test drives decodeUnchecked to prove it is not needed.
            return new Decoded.Rejected(DropReason.MALFORMED, "undecodable packet: " + e);
        }
    }

    public Decoded decode(byte[] data) {
        return decode(data, 0, data.length);
    }

    Decoded decodeUnchecked(byte[] data, int offset, int length) {
        if (length > MAX_PACKET_BYTES) {
            return new Decoded.Rejected(DropReason.MALFORMED, "packet of " + length + " bytes exceeds " + MAX_PACKET_BYTES);
        }
        AuthKeys authKeys = keys.get();
        if (authKeys == null) {
            return new Decoded.Rejected(DropReason.UNKNOWN_KEY_INDEX, "no authkeys loaded");
        }
        try {
            Message message;
            Decoded.Format format;
            if (NetstringFormat.startsNetstring(data, offset, length)) {
                NetstringFormat.Parsed parsed = NetstringFormat.parse(data, offset, length);
                verifyTrailer(authKeys, data, offset, parsed);
                message = parsed.message();
                format = Decoded.Format.NETSTRING;
            } else if (ClassicFormat.startsClassic(data, offset, length)) {
                message = ClassicFormat.parse(data, offset, length);
                verifyInnerAuth(authKeys, message);
                format = Decoded.Format.CLASSIC;
            } else {
                return new Decoded.Rejected(DropReason.MALFORMED, "neither \"###\\n\" nor \">>>\\n\" at packet start");
            }
            checkMandatoryFields(message);
            return new Decoded.Accepted(message, format);
        } catch (WireFormatException e) {
            return e.toRejected();
        }
    }

    /** {@code is_auth_netstring}: algorithm of the packet's index, key of our active entry (see class comment). */
    private static void verifyTrailer(AuthKeys authKeys, byte[] data, int offset, NetstringFormat.Parsed parsed)
            throws WireFormatException {
        if (parsed.token() == null) {
            throw new WireFormatException(DropReason.MISSING_AUTH, "netstring authentication failed: no auth token");
        }
        Token token = Token.parse(parsed.token(), "netstring authentication failed: malformed auth token");
        AuthKey named = authKeys.byIndex(token.index()).orElseThrow(() -> new WireFormatException(
                DropReason.UNKNOWN_KEY_INDEX, "Invalid authentication [" + token.index() + "] in message!"));
        String expected = AuthDigest.digest(named.method(), authKeys.active().key(), data, offset, parsed.signedEnd());
        if (!token.matches(expected)) {
            throw new WireFormatException(DropReason.BAD_AUTH, "netstring authentication failed");
        }
    }

    /** {@code isauthentic}: method and key of the index named by the {@code auth} field. */
    private static void verifyInnerAuth(AuthKeys authKeys, Message message) throws WireFormatException {
        String src = shown(message.get(Fields.SRC).orElse("?"));
        String value = message.get(Fields.AUTH).orElseThrow(() -> new WireFormatException(
                DropReason.MISSING_AUTH, "string2msg_ll: node [" + src + "] failed authentication (no auth field)"));
        Token token = Token.parse(value, "string2msg_ll: node [" + src + "] failed authentication (malformed auth field)");
        AuthKey named = authKeys.byIndex(token.index()).orElseThrow(() -> new WireFormatException(
                DropReason.UNKNOWN_KEY_INDEX, "Invalid authentication type [" + token.index() + "] in message!"));
        String expected = AuthDigest.digest(named.method(), named.key(), ClassicFormat.signedBody(message));
        if (!token.matches(expected)) {
            throw new WireFormatException(DropReason.BAD_AUTH, "string2msg_ll: node [" + src + "] failed authentication");
        }
    }

    /** {@code process_clustermsg} (§4.6): t, src, ts mandatory; ts hex non-zero; seq hex unless NS_*; hg hex. */
    private static void checkMandatoryFields(Message message) throws WireFormatException {
        Optional<String> type = message.get(Fields.TYPE);
        if (type.isEmpty() || message.get(Fields.SRC).isEmpty() || message.get(Fields.TIMESTAMP).isEmpty()) {
            throw new WireFormatException(DropReason.MISSING_FIELDS, "process_clustermsg: missing from/ts/type");
        }
        OptionalLong ts = Fields.hex(message, Fields.TIMESTAMP);
        if (ts.isEmpty() || ts.getAsLong() == 0) {
            throw new WireFormatException(DropReason.BAD_FIELD, "process_clustermsg: bad ts [" + shown(message.get(Fields.TIMESTAMP).get()) + "]");
        }
        if (Fields.isSequencedType(type.get())) {
            if (message.get(Fields.SEQ).isEmpty()) {
                throw new WireFormatException(DropReason.MISSING_FIELDS, "process_clustermsg: missing seqno");
            }
            if (Fields.hex(message, Fields.SEQ).isEmpty()) {
                throw new WireFormatException(DropReason.BAD_FIELD, "process_clustermsg: bad seqno [" + shown(message.get(Fields.SEQ).get()) + "]");
            }
        }
        if (message.get(Fields.GENERATION).isPresent() && Fields.hex(message, Fields.GENERATION).isEmpty()) {
            throw new WireFormatException(DropReason.BAD_FIELD, "process_clustermsg: bad generation [" + shown(message.get(Fields.GENERATION).get()) + "]");
        }
    }

    /** A received value made safe for a log line: control and non-ASCII bytes escaped, at most 64 chars. */
    static String shown(String value) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length() && sb.length() < 64; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                sb.append(c);
            } else {
                sb.append(String.format("\\x%02x", (int) c));
            }
        }
        return sb.length() < 64 ? sb.toString() : sb + "...";
    }

    /** {@code <index> <hexdigest>}: index 0..15 (authkeys' range), one space, the digest. */
    private record Token(int index, String digest) {
        static Token parse(String text, String failure) throws WireFormatException {
            int space = text.indexOf(' ');
            if (space < 1 || space > 2 || space == text.length() - 1) {
                throw new WireFormatException(DropReason.BAD_AUTH, failure);
            }
            int index = 0;
            for (int i = 0; i < space; i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    throw new WireFormatException(DropReason.BAD_AUTH, failure);
                }
                index = index * 10 + (c - '0');
            }
            return new Token(index, text.substring(space + 1));
        }

        boolean matches(String expected) {
            return MessageDigest.isEqual(digest.getBytes(StandardCharsets.ISO_8859_1),
                    expected.getBytes(StandardCharsets.ISO_8859_1));
        }
    }
}
