package io.vigil.wire;

import io.vigil.config.AuthKey;
import io.vigil.config.AuthKeys;
import io.vigil.config.AuthMethod;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Turns stamped messages into Heartbeat 3.0.6 packets and received packets into authenticated messages.
 *
 * <p>Sending (reference §4.4, §4.5): netstring framing; the inner {@code auth} field (HMAC of the classic body
 * without {@code auth}) is appended last, then {@code %%%\n} and the trailer token signed, with the active
 * authkeys entry, over every byte from {@code ###\n} through {@code %%%\n}. During a key rotation
 * {@link #encodeAll} also gives the packet signed with the previous key ({@link KeyRing}).
 *
 * <p>Receiving: netstring and classic packets, with or without trailing NUL bytes. Only the keys {@link KeyRing}
 * accepts verify a packet — the active one, and the previous one for a while after a reload — with the method and key
 * of that entry (Heartbeat accepts any index of authkeys, and for netstring uses the named index's algorithm with the
 * receiver's active key: with the index restricted to the active one, that quirk and this rule agree). A netstring
 * packet is verified by its trailer, located from the end, <b>before any field is parsed</b>: the trailer covers every
 * byte before it, so a forged packet costs one HMAC and no objects; the inner {@code auth} field is not checked, as in
 * Heartbeat. A classic packet is verified by its inner {@code auth} field, which covers a re-serialisation of the
 * parsed fields, so it is parsed first. Then the mandatory fields of §4.6 are checked. {@link #decode} never throws on
 * any content.
 *
 * <p>The key supplier is called once per packet, so a re-read authkeys applies to the next packet. Thread-safe.
 */
public final class PacketCodec {

    /** Heartbeat's MAXMSG: the largest packet sent or accepted. */
    public static final int MAX_PACKET_BYTES = 256 * 1024;

    private final Supplier<AuthKeys> keys;
    private final KeyRing ring;
    private final LongSupplier clockMs;
    private final boolean innerAuth;

    /** Only the active key, no rotation window (tools and tests). */
    public PacketCodec(Supplier<AuthKeys> keys) {
        this(keys, KeyRing.strict(), () -> System.nanoTime() / 1_000_000, true);
    }

    /** With the inner classic {@code auth} field (ha.cf {@code msgfmt classic}, the default). */
    public PacketCodec(Supplier<AuthKeys> keys, KeyRing ring, LongSupplier clockMs) {
        this(keys, ring, clockMs, true);
    }

    /**
     * @param keys    the authkeys in force, read for every packet (a reload swaps what it returns)
     * @param ring    which keys are accepted and used for signing during a rotation
     * @param clockMs monotonic milliseconds, for the rotation window
     * @param innerAuth add the inner classic {@code auth} field (ha.cf {@code msgfmt classic}, the default); false for
     *                  {@code msgfmt netstring}, where Heartbeat leaves it out and the trailer alone signs the packet
     */
    public PacketCodec(Supplier<AuthKeys> keys, KeyRing ring, LongSupplier clockMs, boolean innerAuth) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.ring = Objects.requireNonNull(ring, "ring");
        this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
        this.innerAuth = innerAuth;
    }

    /**
     * The netstring packet for an already stamped message, signed with the active key. An existing {@code auth} field
     * is replaced by a fresh one appended last (so a message from the send history re-encodes identically).
     *
     * @throws IllegalArgumentException if a field name cannot be encoded or the packet exceeds {@link #MAX_PACKET_BYTES}
     */
    public byte[] encode(Message stamped) {
        return encodeAll(stamped).get(0);
    }

    /**
     * The packets to send for one message: signed with the active key, and during a key rotation, while a peer still
     * signs with the previous key, also signed with that one (same fields and sequence number: the receiver keeps one,
     * the other is a duplicate or fails its check).
     */
    public List<byte[]> encodeAll(Message stamped) {
        long now = clockMs.getAsLong();
        ring.observe(keys.get(), now);
        List<AuthKey> signers = ring.signers(now);
        List<byte[]> packets = new ArrayList<>(signers.size());
        for (AuthKey key : signers) {
            packets.add(encode(stamped, key));
        }
        return packets;
    }

    private byte[] encode(Message stamped, AuthKey key) {
        Message body = innerAuth ? withInnerAuth(stamped, key) : stamped.copy().remove(Fields.AUTH);
        byte[] signed = NetstringFormat.encodeSignedPart(body);
        String digest = AuthDigest.digest(key.method(), key.key(), signed);
        ByteArrayOutputStream out = new ByteArrayOutputStream(signed.length + 80);
        out.writeBytes(signed);
        out.writeBytes(NetstringFormat.token(key.index(), digest));
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
        long now = clockMs.getAsLong();
        ring.observe(authKeys, now);
        try {
            Message message;
            Decoded.Format format;
            if (NetstringFormat.startsNetstring(data, offset, length)) {
                int signedEnd = verifyTrailer(authKeys, data, offset, length, now);
                NetstringFormat.Parsed parsed = NetstringFormat.parse(data, offset, length);
                if (parsed.signedEnd() != signedEnd) {
                    throw WireFormatException.malformed("the auth token does not follow the last field");
                }
                message = parsed.message();
                format = Decoded.Format.NETSTRING;
            } else if (ClassicFormat.startsClassic(data, offset, length)) {
                message = ClassicFormat.parse(data, offset, length);
                verifyInnerAuth(authKeys, message, now);
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

    /** The trailer, found from the end, against the accepted keys; returns where the signed part ends. */
    private int verifyTrailer(AuthKeys authKeys, byte[] data, int offset, int length, long now) throws WireFormatException {
        NetstringFormat.Trailer trailer = NetstringFormat.trailer(data, offset, length);
        Token token = Token.parse(trailer.token(), "netstring authentication failed: malformed auth token");
        for (AuthKey key : verifiers(authKeys, token.index(), now, "Invalid authentication [" + token.index() + "] in message!")) {
            if (token.plausibleFor(key.method())
                    && token.matches(AuthDigest.digest(key.method(), key.key(), data, offset, trailer.signedEnd()))) {
                ring.verified(key, now);
                return trailer.signedEnd();
            }
        }
        throw new WireFormatException(DropReason.BAD_AUTH, "netstring authentication failed");
    }

    /** {@code isauthentic}: method and key of the accepted entry the {@code auth} field names. */
    private void verifyInnerAuth(AuthKeys authKeys, Message message, long now) throws WireFormatException {
        String src = shown(message.get(Fields.SRC).orElse("?"));
        String value = message.get(Fields.AUTH).orElseThrow(() -> new WireFormatException(
                DropReason.MISSING_AUTH, "string2msg_ll: node [" + src + "] failed authentication (no auth field)"));
        Token token = Token.parse(value, "string2msg_ll: node [" + src + "] failed authentication (malformed auth field)");
        byte[] body = ClassicFormat.signedBody(message);
        for (AuthKey key : verifiers(authKeys, token.index(), now, "Invalid authentication type [" + token.index() + "] in message!")) {
            if (token.plausibleFor(key.method()) && token.matches(AuthDigest.digest(key.method(), key.key(), body))) {
                ring.verified(key, now);
                return;
            }
        }
        throw new WireFormatException(DropReason.BAD_AUTH, "string2msg_ll: node [" + src + "] failed authentication");
    }

    /** The keys that may verify a packet naming {@code index}; none: unknown index, or a known but inactive one. */
    private List<AuthKey> verifiers(AuthKeys authKeys, int index, long now, String unknown) throws WireFormatException {
        List<AuthKey> verifiers = ring.verifiers(index, now);
        if (!verifiers.isEmpty()) {
            return verifiers;
        }
        if (authKeys.byIndex(index).isEmpty() && !ring.wasPrevious(index)) {
            throw new WireFormatException(DropReason.UNKNOWN_KEY_INDEX, unknown);
        }
        throw new WireFormatException(DropReason.INACTIVE_KEY, ring.refusal(index, now));
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
        return shown(value, 64);
    }

    /**
     * A received value made safe for a log line: control, non-ASCII and backslash characters escaped ({@code \xNN}),
     * at most {@code max} characters, then {@code ...}.
     */
    public static String shown(String value, int max) {
        StringBuilder sb = new StringBuilder(Math.min(value.length(), max) + 8);
        for (int i = 0; i < value.length(); i++) {
            if (sb.length() >= max) {
                return sb.append("...").toString();
            }
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                sb.append(c);
            } else {
                sb.append(String.format("\\x%02x", (int) c & 0xffff));
            }
        }
        return sb.toString();
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

        /** Digest length as the method prints it: cheap refusal of junk before any HMAC is computed. */
        boolean plausibleFor(AuthMethod method) {
            int n = digest.length();
            return switch (method) {
                case SHA1 -> n == 40;
                case MD5 -> n == 32;
                case SHA256 -> n == 64;
                case CRC -> n >= 1 && n <= 8;
            };
        }

        boolean matches(String expected) {
            return MessageDigest.isEqual(digest.getBytes(StandardCharsets.ISO_8859_1),
                    expected.getBytes(StandardCharsets.ISO_8859_1));
        }
    }
}
