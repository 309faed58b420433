package io.vigil.wire;

import static io.vigil.wire.Vectors.bytes;
import static io.vigil.wire.Vectors.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.config.AuthKey;
import io.vigil.config.AuthKeys;
import io.vigil.config.AuthMethod;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reference §4.10 and §9.2–9.5, byte for byte. */
class PacketCodecTest {

    private static Message accepted(Decoded d) {
        return assertInstanceOf(Decoded.Accepted.class, d, () -> "rejected: " + d).message();
    }

    private static Decoded.Rejected rejected(Decoded d) {
        return assertInstanceOf(Decoded.Rejected.class, d, () -> "accepted: " + d);
    }

    @Test
    void stamperProducesTheSignedBodyOfSection4_10() {
        assertEquals(Vectors.SIGNED_BODY, text(ClassicFormat.signedBody(Vectors.stampedStatus())));
        assertEquals(149, Vectors.SIGNED_BODY.length());
    }

    @Test
    void encodesTheExactPacketOfSection4_10() {
        byte[] packet = Vectors.codec(AuthMethod.SHA1).encode(Vectors.stampedStatus());
        assertEquals(310, packet.length);
        assertArrayEquals(Vectors.statusPacket(), packet);
        assertEquals("053dfc974fdffc7e0011206f6c9ee16b70ac1612",
                AuthDigest.digest(AuthMethod.SHA1, bytes("s3cr3t"), packet, 0, 0x108));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SHA1 | 1 cde23506de3df1563af4b10ce4d49c06cc63469a | 42:1 053dfc974fdffc7e0011206f6c9ee16b70ac1612, | 50",
            "MD5  | 1 91f457b41c1a78a0fcfdaa7ce71dda2a         | 34:1 253186ee972196c01dd5dc75ff1adb9f,         | 42",
            "CRC  | 1 feb8f44b                                 | 10:1 78469476,                                 | 18",
    })
    void innerAuthAndTrailerPerMethod(AuthMethod method, String innerAuth, String trailer, int authFieldLength) {
        PacketCodec codec = Vectors.codec(method);
        String packet = text(codec.encode(Vectors.stampedStatus()));
        assertEquals(true, packet.endsWith("," + authFieldLength + ":(0)auth=" + innerAuth + ",%%%\n" + trailer), packet);
        assertEquals(">>>\n" + Vectors.SIGNED_BODY + "auth=" + innerAuth + "\n<<<\n", codec.encodeClassic(Vectors.stampedStatus()));
        Message decoded = accepted(codec.decode(bytes(packet)));
        assertEquals(innerAuth, decoded.get("auth").orElseThrow());
    }

    @Test
    void ackMessageOfSection9_3() {
        Message ack = Message.of("NS_ackmsg").add("dest", "bob").add("ackseq", "13");
        Stamper alice = Vectors.alice();
        Message stamped = alice.stamp(ack, Vectors.TS, Vectors.LOAD, Vectors::uuidOf);
        assertEquals(0x29, alice.lastSeq(), "NS_* messages take no sequence number");
        assertEquals("t=NS_ackmsg\ndest=bob\nackseq=13\n(1)destuuid=ABEiM0RVZneImaq7zN3u/w==\nsrc=alice\n"
                + "(1)srcuuid=ax8LajwuTV+KmwwdLj9AUQ==\nhg=65a1b2c3\nts=65a1b2d0\nld=0.08 0.03 0.01 1/97 1234\nttl=3\n",
                text(ClassicFormat.signedBody(stamped)));
        byte[] expected = Vectors.wire("###\n14:(0)t=NS_ackmsg,11:(0)dest=bob,12:(0)ackseq=13,28:(1)destuuid=⟨uuidB⟩,"
                + "12:(0)src=alice,27:(1)srcuuid=⟨uuidA⟩,14:(0)hg=65a1b2c3,14:(0)ts=65a1b2d0,"
                + "30:(0)ld=0.08 0.03 0.01 1/97 1234,8:(0)ttl=3,50:(0)auth=1 5461dc841a93643e0218e5e7e2617c77be83bf6d,"
                + "%%%\n42:1 84fe098b416a0db056437d679b06e6aaf965e9d3,");
        assertArrayEquals(expected, Vectors.codec(AuthMethod.SHA1).encode(stamped));
    }

    @Test
    void rexmitRequestOfSection9_3() {
        SequenceTracker tracker = new SequenceTracker("alice", new java.util.Random(1), 250);
        // Build the request the tracker would send for seq 0x1a from bob.
        tracker.accept(0, Message.of("status").add("src", "bob").add("seq", "19").add("hg", "1").add("ts", "1"));
        tracker.accept(0, Message.of("x").add("src", "bob").add("seq", "1b").add("hg", "1").add("ts", "1"));
        List<Message> requests = tracker.due(250);
        assertEquals(1, requests.size());
        Message stamped = Vectors.alice().stamp(requests.get(0), Vectors.TS, Vectors.LOAD, Vectors::uuidOf);
        byte[] expected = Vectors.wire("###\n14:(0)t=NS_rexmit,11:(0)dest=bob,14:(0)firstseq=26,13:(0)lastseq=26,"
                + "28:(1)destuuid=⟨uuidB⟩,12:(0)src=alice,27:(1)srcuuid=⟨uuidA⟩,14:(0)hg=65a1b2c3,14:(0)ts=65a1b2d0,"
                + "30:(0)ld=0.08 0.03 0.01 1/97 1234,8:(0)ttl=3,50:(0)auth=1 7004ad2a3a5be4e16987ee4a4a42ce07e20f5c25,"
                + "%%%\n42:1 6ae6668d5543a34253e37fbc2e8e6daecb94fe9c,");
        assertArrayEquals(expected, Vectors.codec(AuthMethod.SHA1).encode(stamped));
    }

    @Test
    void statusWithoutInnerAuthHasItsOwnTrailerAndIsAccepted() {
        byte[] signed = NetstringFormat.encodeSignedPart(Vectors.stampedStatus());
        String digest = AuthDigest.digest(AuthMethod.SHA1, bytes("s3cr3t"), signed);
        assertEquals("ce6b9a616666b6e5c6c36fed01ffdf1354e27f01", digest);
        byte[] packet = concat(signed, NetstringFormat.token(1, digest));
        Message m = accepted(Vectors.codec(AuthMethod.SHA1).decode(packet));
        assertEquals(false, m.has("auth"));
        assertEquals(Vectors.stampedStatus(), m);
    }

    @Test
    void wrongInnerAuthIsIgnoredForNetstringAsByHeartbeat() {
        Message forged = Vectors.stampedStatus().copy().add("auth", "1 0000000000000000000000000000000000000000");
        byte[] signed = NetstringFormat.encodeSignedPart(forged);
        byte[] packet = concat(signed, NetstringFormat.token(1, AuthDigest.digest(AuthMethod.SHA1, bytes("s3cr3t"), signed)));
        assertEquals("1 0000000000000000000000000000000000000000", accepted(Vectors.codec(AuthMethod.SHA1).decode(packet)).get("auth").orElseThrow());
    }

    // §9.4, row by row.

    @Test
    void acceptsThePacketOfSection4_10() {
        Decoded d = Vectors.codec(AuthMethod.SHA1).decode(Vectors.statusPacket());
        assertEquals(Decoded.Format.NETSTRING, ((Decoded.Accepted) d).format());
        Message m = accepted(d);
        assertArrayEquals(Vectors.UUID_A, m.field("srcuuid").orElseThrow().value());
        assertEquals(Message.FieldType.BINARY, m.field("srcuuid").orElseThrow().type());
        assertEquals("0.08 0.03 0.01 1/97 1234", m.get("ld").orElseThrow());
    }

    @Test
    void rejectsATamperedPacket() {
        byte[] packet = Vectors.statusPacket();
        String s = text(packet).replace("st=active", "st=activf");
        Decoded.Rejected r = rejected(Vectors.codec(AuthMethod.SHA1).decode(bytes(s)));
        assertEquals(DropReason.BAD_AUTH, r.reason());
        assertEquals("netstring authentication failed", r.detail());
    }

    @Test
    void rejectsANetstringPacketWithoutTrailer() {
        Decoded.Rejected r = rejected(Vectors.codec(AuthMethod.SHA1).decode(bytes("###\n11:(0)t=status,8:(0)src=a,%%%\n")));
        assertEquals(DropReason.MISSING_AUTH, r.reason());
    }

    @Test
    void rejectsATrailerWithAnUnknownIndex() {
        String s = text(Vectors.statusPacket()).replace("%%%\n42:1 ", "%%%\n42:2 ");
        Decoded.Rejected r = rejected(Vectors.codec(AuthMethod.SHA1).decode(bytes(s)));
        assertEquals(DropReason.UNKNOWN_KEY_INDEX, r.reason());
        assertEquals("Invalid authentication [2] in message!", r.detail());
    }

    /**
     * Issue 14 item 1: Heartbeat verifies a netstring packet with the algorithm of the index it names and the receiver's
     * active key, and a classic one with the named index's method and key — so any other line of authkeys, a forgotten
     * {@code crc} above all, lets anyone forge packets. Vigil accepts only the active key.
     */
    @Test
    void aPacketNamingAnInactiveKeyIsRefusedWhateverItsSignature() {
        AuthKeys receiver = new AuthKeys(1, Map.of(
                1, new AuthKey(1, AuthMethod.SHA1, bytes("s3cr3t")),
                2, new AuthKey(2, AuthMethod.MD5, bytes("other"))));
        PacketCodec codec = new PacketCodec(() -> receiver);
        byte[] signed = NetstringFormat.encodeSignedPart(Vectors.stampedStatus());
        byte[] withActiveKey = concat(signed, NetstringFormat.token(2, AuthDigest.digest(AuthMethod.MD5, bytes("s3cr3t"), signed)));
        byte[] withOwnKey = concat(signed, NetstringFormat.token(2, AuthDigest.digest(AuthMethod.MD5, bytes("other"), signed)));
        for (byte[] packet : List.of(withActiveKey, withOwnKey)) {
            Decoded.Rejected r = rejected(codec.decode(packet));
            assertEquals(DropReason.INACTIVE_KEY, r.reason());
            assertEquals("the packet names key 2, not the active key 1", r.detail());
        }
    }

    /** The attack of issue 14: {@code auth 1 / 1 sha1 … / 2 crc}; a packet anyone can sign with crc is refused. */
    @Test
    void aForgedCrcPacketIsRefusedWhenACrcLineIsPresentButInactive() {
        AuthKeys receiver = new AuthKeys(1, Map.of(
                1, new AuthKey(1, AuthMethod.SHA1, bytes("s3cr3t")),
                2, new AuthKey(2, AuthMethod.CRC, null)));
        PacketCodec forger = new PacketCodec(() -> AuthKeys.single(2, AuthMethod.CRC, null));
        Message shutdone = Vectors.alice().stamp(Message.of("shutdone").add("st", "dead"), Vectors.TS, Vectors.LOAD, Vectors::uuidOf);
        PacketCodec codec = new PacketCodec(() -> receiver);
        assertEquals(DropReason.INACTIVE_KEY, rejected(codec.decode(forger.encode(shutdone))).reason());
        assertEquals(DropReason.INACTIVE_KEY, rejected(codec.decode(bytes(forger.encodeClassic(shutdone)))).reason());
        // the same packet is accepted only where crc is the active key (said loudly at start-up)
        accepted(new PacketCodec(() -> AuthKeys.single(2, AuthMethod.CRC, null)).decode(forger.encode(shutdone)));
    }

    @Test
    void classicInnerAuthUsesTheActiveKeysMethodAndKey() {
        AuthKeys sender = AuthKeys.single(2, AuthMethod.MD5, "other");
        AuthKeys receiver = new AuthKeys(2, Map.of(
                1, new AuthKey(1, AuthMethod.SHA1, bytes("s3cr3t")),
                2, new AuthKey(2, AuthMethod.MD5, bytes("other"))));
        String classic = new PacketCodec(() -> sender).encodeClassic(Vectors.stampedStatus());
        Decoded d = new PacketCodec(() -> receiver).decode(bytes(classic));
        accepted(d);
        assertEquals(Decoded.Format.CLASSIC, ((Decoded.Accepted) d).format());
        Decoded.Rejected r = rejected(Vectors.codec(AuthMethod.SHA1).decode(bytes(classic)));
        assertEquals(DropReason.UNKNOWN_KEY_INDEX, r.reason());
        assertEquals("Invalid authentication type [2] in message!", r.detail());
    }

    @Test
    void classicWithABadOrMissingAuthIsRejected() {
        PacketCodec codec = Vectors.codec(AuthMethod.SHA1);
        String classic = codec.encodeClassic(Vectors.stampedStatus());
        Decoded.Rejected bad = rejected(codec.decode(bytes(classic.replace("st=active", "st=activf"))));
        assertEquals(DropReason.BAD_AUTH, bad.reason());
        assertEquals("string2msg_ll: node [alice] failed authentication", bad.detail());
        String unsigned = PacketCodec.classicText(Vectors.stampedStatus());
        assertEquals(DropReason.MISSING_AUTH, rejected(codec.decode(bytes(unsigned))).reason());
    }

    @Test
    void classicIsAcceptedWithOrWithoutTrailingNul() {
        PacketCodec codec = Vectors.codec(AuthMethod.SHA1);
        byte[] classic = bytes(codec.encodeClassic(Vectors.stampedStatus()));
        assertEquals(206, classic.length + 1, "206 bytes on the wire with the NUL (§4.10)");
        Message plain = accepted(codec.decode(classic));
        byte[] withNul = Arrays.copyOf(classic, classic.length + 1);
        assertEquals(plain, accepted(codec.decode(withNul)));
        byte[] netstringWithNul = Arrays.copyOf(Vectors.statusPacket(), 311);
        accepted(codec.decode(netstringWithNul));
    }

    @Test
    void classicReparsedIsByteIdentical() throws Exception {
        String classic = Vectors.codec(AuthMethod.SHA1).encodeClassic(Vectors.stampedStatus());
        Message parsed = ClassicFormat.parse(bytes(classic), 0, classic.length());
        assertArrayEquals(Vectors.UUID_A, parsed.field("srcuuid").orElseThrow().value());
        assertEquals(classic, PacketCodec.classicText(parsed));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            ">>>\\r\\nt=status\\r\\nsrc=a\\r\\n<<<\\r\\n",
            ">>>\\nt=status\\nnoequals\\n<<<\\n",
            ">>>\\nt=status\\n",
            ">>>\\n(1)bin=!!!\\n<<<\\n",
            ">>>\\n=novalue\\n<<<\\n",
            ">>>\\nt=x\\n<<<\\ntrailing",
            "garbage",
            "''",
    })
    void classicParserRejects(String escaped) {
        byte[] input = bytes(escaped.replace("\\r", "\r").replace("\\n", "\n"));
        assertThrows(WireFormatException.class, () -> ClassicFormat.parse(input, 0, input.length));
        assertEquals(DropReason.MALFORMED, rejected(Vectors.codec(AuthMethod.SHA1).decode(input)).reason());
    }

    @Test
    void classicParserAcceptsTheLiberalCases() throws Exception {
        assertEquals("a=b", parseClassic(">>>\nt=a=b\n<<<\n").get("t").orElseThrow());
        Message dup = parseClassic(">>>\nt=x\nt=y\n<<<\n");
        assertEquals("x", dup.get("t").orElseThrow());
        assertEquals(List.of("x", "y"), dup.getAll("t"));
        Message empty = parseClassic(">>>\nt=status\nempty=\nsrc=a\n<<<\n");
        assertEquals("", empty.get("empty").orElseThrow());
        assertEquals("a", empty.get("src").orElseThrow());
        assertEquals(2, parseClassic(">>>\n\nt=x\n\nsrc=y\n<<<\n").fields().size());
    }

    @Test
    void classicEscapesNewlinesAs0x13() throws Exception {
        Message m = Message.of("x").add("info", "line1\nline2");
        assertEquals(">>>\nt=x\ninfo=line1\u0013line2\n<<<\n", PacketCodec.classicText(m));
        assertEquals("line1\nline2", parseClassic(PacketCodec.classicText(m)).get("info").orElseThrow());
    }

    private static Message parseClassic(String s) throws WireFormatException {
        byte[] b = bytes(s);
        return ClassicFormat.parse(b, 0, b.length);
    }

    @Test
    void netstringLengthArithmeticOfSection9_5() {
        assertEquals("11:(0)t=status,", field(Message.of("status")));
        assertEquals("12:(0)src=alice,", field(new Message().add("src", "alice")));
        assertEquals("27:(1)srcuuid=", field(new Message().addBinary("srcuuid", Vectors.UUID_A)).substring(0, 14));
        assertEquals("28:(1)destuuid=", field(new Message().addBinary("destuuid", Vectors.UUID_B)).substring(0, 15));
        assertEquals("8:(0)ttl=3,", field(new Message().add("ttl", "3")));
        String packet = text(Vectors.statusPacket());
        assertEquals(true, packet.contains(",50:(0)auth=1 "));
        assertEquals(true, packet.contains("%%%\n42:1 "));
        assertEquals(true, text(Vectors.codec(AuthMethod.MD5).encode(Vectors.stampedStatus())).contains("%%%\n34:1 "));
    }

    private static String field(Message m) {
        String s = text(NetstringFormat.encodeSignedPart(m));
        return s.substring(4, s.length() - 4);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'' | MISSING_FIELDS",
            "t=status | MISSING_FIELDS",
            "t=status,src=a | MISSING_FIELDS",
            "t=status,src=a,ts=1 | MISSING_FIELDS",
            "t=status,src=a,ts=0,seq=1 | BAD_FIELD",
            "t=status,src=a,ts=xyz,seq=1 | BAD_FIELD",
            "t=status,src=a,ts=1,seq=zz | BAD_FIELD",
            "t=status,src=a,ts=1,seq=1,hg=q | BAD_FIELD",
            "src=a,ts=1,seq=1 | MISSING_FIELDS",
    })
    void mandatoryFieldsOfSection4_6(String fields, DropReason reason) {
        assertEquals(reason, rejected(Vectors.codec(AuthMethod.SHA1).decode(signedPacket(fields))).reason());
    }

    @ParameterizedTest
    @CsvSource({"'t=status,src=a,ts=1,seq=1'", "'t=NS_st,src=192.0.2.1,ts=6b05ae00'", "'t=NS_ackmsg,src=a,ts=1'"})
    void minimalPacketsAreAccepted(String fields) {
        accepted(Vectors.codec(AuthMethod.SHA1).decode(signedPacket(fields)));
    }

    private static byte[] signedPacket(String fields) {
        Message m = new Message();
        if (!fields.isEmpty()) {
            for (String nv : fields.split(",")) {
                int eq = nv.indexOf('=');
                m.add(nv.substring(0, eq), nv.substring(eq + 1));
            }
        }
        return Vectors.codec(AuthMethod.SHA1).encode(m);
    }

    @Test
    void rejectsBrokenNetstringFraming() {
        PacketCodec codec = Vectors.codec(AuthMethod.SHA1);
        for (String s : List.of("###\n", "###\n5:(0)t=x", "###\n5:(0)t=x,")) {
            assertEquals(DropReason.MALFORMED, rejected(codec.decode(bytes(s))).reason(), s);
        }
        // framing broken and no token: nothing to verify, nothing parsed
        for (String s : List.of("###\n99:(0)t=x,%%%\n", "###\n3:(0),%%%\n", "###\n6:(9)t=x,%%%\n")) {
            assertEquals(DropReason.MISSING_AUTH, rejected(codec.decode(bytes(s))).reason(), s);
        }
        // framing broken under a valid signature (only a key holder can send that): refused after the check
        for (String s : List.of("###\n99:(0)t=x,%%%\n", "###\n3:(0),%%%\n", "###\n6:(9)t=x,%%%\n",
                "###\n6:(0)txy,%%%\n", "###\n5:(0)=x,%%%\n", "###\nx:(0)t=x,%%%\n", "###\n12345678:(0)t=x,%%%\n")) {
            byte[] signed = bytes(s);
            byte[] packet = concat(signed, NetstringFormat.token(1, AuthDigest.digest(AuthMethod.SHA1, bytes("s3cr3t"), signed)));
            assertEquals(DropReason.MALFORMED, rejected(codec.decode(packet)).reason(), s);
        }
        byte[] trailing = concat(Vectors.statusPacket(), bytes("x"));
        assertEquals(DropReason.MALFORMED, rejected(codec.decode(trailing)).reason());
    }

    /**
     * Issue 14 item 3: the trailer is judged before any field is parsed — a forged packet whose fields are garbage is
     * refused for its signature, not its framing, and a huge one the same way.
     */
    @Test
    void theSignatureIsCheckedBeforeTheFields() {
        PacketCodec codec = Vectors.codec(AuthMethod.SHA1);
        String wrongDigest = "1 " + "0".repeat(40);
        byte[] garbage = concat(bytes("###\n" + "\u0001".repeat(100) + "%%%\n"), bytes(wrongDigest.length() + ":" + wrongDigest + ","));
        Decoded.Rejected r = rejected(codec.decode(garbage));
        assertEquals(DropReason.BAD_AUTH, r.reason(), r.detail());
        byte[] big = new byte[65_000];
        Arrays.fill(big, (byte) 'A');
        System.arraycopy(bytes("###\n"), 0, big, 0, 4);
        byte[] forgedBig = concat(concat(big, bytes("%%%\n")), bytes(wrongDigest.length() + ":" + wrongDigest + ","));
        assertEquals(DropReason.BAD_AUTH, rejected(codec.decode(forgedBig)).reason());
        // a token of the wrong length for the method is refused without computing anything
        byte[] shortDigest = concat(NetstringFormat.encodeSignedPart(Vectors.stampedStatus()), bytes("4:1 ab,"));
        assertEquals(DropReason.BAD_AUTH, rejected(codec.decode(shortDigest)).reason());
    }

    @Test
    void rejectsMalformedTokens() {
        PacketCodec codec = Vectors.codec(AuthMethod.SHA1);
        byte[] signed = NetstringFormat.encodeSignedPart(Vectors.stampedStatus());
        for (String token : List.of("1", "1 ", " 1 ab", "x ab", "123 ab")) {
            byte[] packet = concat(signed, bytes(token.length() + ":" + token + ","));
            assertEquals(DropReason.BAD_AUTH, rejected(codec.decode(packet)).reason(), token);
        }
    }

    @Test
    void sha256KeysSignAndVerify() {
        PacketCodec codec = new PacketCodec(() -> AuthKeys.single(3, AuthMethod.SHA256, "k"));
        String packet = text(codec.encode(Vectors.stampedStatus()));
        assertEquals(true, packet.matches("(?s).*%%%\n66:3 [0-9a-f]{64},"), packet);
        accepted(codec.decode(bytes(packet)));
    }

    @Test
    void encodeReplacesAnExistingAuthFieldAndKeepsHistoryMessagesStable() {
        PacketCodec codec = Vectors.codec(AuthMethod.SHA1);
        Message withOldAuth = Vectors.stampedStatus().copy().add("auth", "1 stale");
        assertArrayEquals(Vectors.statusPacket(), codec.encode(withOldAuth));
        Message decoded = accepted(codec.decode(Vectors.statusPacket()));
        assertArrayEquals(Vectors.statusPacket(), codec.encode(decoded));
    }

    @Test
    void decodeHonoursOffsetAndLength() {
        byte[] packet = Vectors.statusPacket();
        byte[] framed = concat(concat(bytes("junk"), packet), bytes("more"));
        accepted(Vectors.codec(AuthMethod.SHA1).decode(framed, 4, packet.length));
        assertThrows(IndexOutOfBoundsException.class, () -> Vectors.codec(AuthMethod.SHA1).decode(packet, 10, packet.length));
    }

    @Test
    void rejectsOversizedPackets() {
        byte[] huge = new byte[PacketCodec.MAX_PACKET_BYTES + 1];
        System.arraycopy(bytes("###\n"), 0, huge, 0, 4);
        assertEquals(DropReason.MALFORMED, rejected(Vectors.codec(AuthMethod.SHA1).decode(huge)).reason());
    }

    @Test
    void invalidFieldNamesCannotBeEncoded() {
        PacketCodec codec = Vectors.codec(AuthMethod.SHA1);
        assertThrows(IllegalArgumentException.class, () -> codec.encode(new Message().add("a=b", "x")));
        assertThrows(IllegalArgumentException.class, () -> codec.encode(new Message().add("", "x")));
    }

    @Test
    void detailsEscapeHostileValues() {
        byte[] packet = signedPacket("t=status,src=a,ts=\u0001\u00ff,seq=1");
        assertEquals("process_clustermsg: bad ts [\\x01\\xff]", rejected(Vectors.codec(AuthMethod.SHA1).decode(packet)).detail());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
