package io.vigil.wire;

import io.vigil.config.AuthKey;
import io.vigil.config.AuthKeys;
import io.vigil.config.AuthMethod;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/** The reference's test data (§4.10, §9): alice, ⟨uuidA⟩, generation 0x65a1b2c3, ts 0x65a1b2d0. */
final class Vectors {
    static final byte[] UUID_A = HexFormat.of().parseHex("6b1f0b6a3c2e4d5f8a9b0c1d2e3f4051");
    static final byte[] UUID_B = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    static final long GENERATION = 0x65a1b2c3L;
    static final long TS = 0x65a1b2d0L;
    static final String LOAD = "0.08 0.03 0.01 1/97 1234";

    static final String SIGNED_BODY = "t=status\nst=active\ndt=7530\nprotocol=1\nsrc=alice\n(1)srcuuid=ax8LajwuTV+KmwwdLj9AUQ==\n"
            + "seq=2a\nhg=65a1b2c3\nts=65a1b2d0\nld=0.08 0.03 0.01 1/97 1234\nttl=3\n";

    /** §4.10's hex dump, as printed. */
    static final String STATUS_PACKET_HEX = """
            23 23 23 0a 31 31 3a 28 30 29 74 3d 73 74 61 74
            75 73 2c 31 32 3a 28 30 29 73 74 3d 61 63 74 69
            76 65 2c 31 30 3a 28 30 29 64 74 3d 37 35 33 30
            2c 31 33 3a 28 30 29 70 72 6f 74 6f 63 6f 6c 3d
            31 2c 31 32 3a 28 30 29 73 72 63 3d 61 6c 69 63
            65 2c 32 37 3a 28 31 29 73 72 63 75 75 69 64 3d
            6b 1f 0b 6a 3c 2e 4d 5f 8a 9b 0c 1d 2e 3f 40 51
            2c 39 3a 28 30 29 73 65 71 3d 32 61 2c 31 34 3a
            28 30 29 68 67 3d 36 35 61 31 62 32 63 33 2c 31
            34 3a 28 30 29 74 73 3d 36 35 61 31 62 32 64 30
            2c 33 30 3a 28 30 29 6c 64 3d 30 2e 30 38 20 30
            2e 30 33 20 30 2e 30 31 20 31 2f 39 37 20 31 32
            33 34 2c 38 3a 28 30 29 74 74 6c 3d 33 2c 35 30
            3a 28 30 29 61 75 74 68 3d 31 20 63 64 65 32 33
            35 30 36 64 65 33 64 66 31 35 36 33 61 66 34 62
            31 30 63 65 34 64 34 39 63 30 36 63 63 36 33 34
            36 39 61 2c 25 25 25 0a 34 32 3a 31 20 30 35 33
            64 66 63 39 37 34 66 64 66 66 63 37 65 30 30 31
            31 32 30 36 66 36 63 39 65 65 31 36 62 37 30 61
            63 31 36 31 32 2c
            """;

    private Vectors() {
    }

    static byte[] statusPacket() {
        return HexFormat.of().parseHex(STATUS_PACKET_HEX.replaceAll("\\s+", ""));
    }

    static AuthKeys keys(AuthMethod method) {
        return AuthKeys.single(1, method, method == AuthMethod.CRC ? null : "s3cr3t");
    }

    static AuthKeys keys(int active, Map<Integer, AuthKey> all) {
        return new AuthKeys(active, all);
    }

    static PacketCodec codec(AuthMethod method) {
        AuthKeys keys = keys(method);
        return new PacketCodec(() -> keys);
    }

    /** Alice's stamper, positioned so that the next sequenced message gets seq 0x2a. */
    static Stamper alice() {
        return new Stamper("alice", UUID_A, GENERATION, 3, 0x29);
    }

    static Message statusFields() {
        return Message.of("status").add("st", "active").add("dt", "7530").add("protocol", "1");
    }

    static Message stampedStatus() {
        return alice().stamp(statusFields(), TS, LOAD);
    }

    static Optional<byte[]> uuidOf(String node) {
        return node.equals("bob") ? Optional.of(UUID_B) : Optional.empty();
    }

    /** Builds bytes from text where ⟨uuidA⟩ / ⟨uuidB⟩ stand for the raw UUIDs. */
    static byte[] wire(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] parts = text.split("(?=⟨uuid[AB]⟩)|(?<=⟨uuid[AB]⟩)");
        for (String part : parts) {
            switch (part) {
                case "⟨uuidA⟩" -> out.writeBytes(UUID_A);
                case "⟨uuidB⟩" -> out.writeBytes(UUID_B);
                default -> out.writeBytes(part.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return out.toByteArray();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
