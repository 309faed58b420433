package io.vigil.wire;

import io.vigil.config.AuthMethod;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature primitives of authkeys, printed exactly as Heartbeat's HBauth plugins print them (reference §2.1):
 * HMAC-SHA1 (40 hex), HMAC-MD5 (32 hex), Heartbeat's CRC-32 ({@code %lx}: no leading zeros) and, as a Vigil
 * extension, HMAC-SHA256 (64 hex). All hex is lower case.
 */
public final class AuthDigest {

    private static final HexFormat HEX = HexFormat.of();
    private static final int[] CRC_TABLE = crcTable();

    private AuthDigest() {
    }

    public static String digest(AuthMethod method, byte[] key, byte[] data) {
        return digest(method, key, data, 0, data.length);
    }

    /** The digest of {@code data[offset, offset+length)} as the plugin prints it; {@code key} is ignored for crc. */
    public static String digest(AuthMethod method, byte[] key, byte[] data, int offset, int length) {
        return switch (method) {
            case CRC -> Long.toHexString(crc(data, offset, length));
            case MD5 -> hmac("HmacMD5", key, data, offset, length);
            case SHA1 -> hmac("HmacSHA1", key, data, offset, length);
            case SHA256 -> hmac("HmacSHA256", key, data, offset, length);
        };
    }

    /**
     * Heartbeat's crc plugin: CRC-32, polynomial 0x04C11DB7, initial value 0, MSB first (no reflection), final XOR
     * 0xFFFFFFFF — the POSIX {@code cksum} core without the length suffix. {@link java.util.zip.CRC32} is the
     * reflected variant and gives different values.
     */
    static long crc(byte[] data, int offset, int length) {
        int crc = 0;
        for (int i = offset; i < offset + length; i++) {
            crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ data[i]) & 0xFF];
        }
        return Integer.toUnsignedLong(~crc);
    }

    private static int[] crcTable() {
        int[] table = new int[256];
        for (int b = 0; b < 256; b++) {
            int c = b << 24;
            for (int bit = 0; bit < 8; bit++) {
                c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
            }
            table[b] = c;
        }
        return table;
    }

    /** One Mac per algorithm and thread: Mac.getInstance's provider lookup costs more than hashing a packet. */
    private static final ThreadLocal<Map<String, Mac>> MACS = ThreadLocal.withInitial(HashMap::new);

    private static String hmac(String algorithm, byte[] key, byte[] data, int offset, int length) {
        try {
            Mac mac = MACS.get().get(algorithm);
            if (mac == null) {
                mac = Mac.getInstance(algorithm);
                MACS.get().put(algorithm, mac);
            }
            // SecretKeySpec rejects an empty key; HMAC with an empty key equals HMAC with one zero byte (zero padding).
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
            mac.update(data, offset, length);
            return HEX.formatHex(mac.doFinal());
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("JDK lacks " + algorithm, e);
        }
    }
}
