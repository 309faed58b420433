package io.vigil.pacemaker;

import io.vigil.config.AuthKey;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Corosync's {@code /etc/corosync/authkey}: 256 bytes, like {@code corosync-keygen} makes.
 * <ul>
 *   <li>{@link #fresh}: random; one node makes it and it is copied to the others (the safe default).</li>
 *   <li>{@link #derive}: HKDF-SHA256 (RFC 5869) of the active authkeys secret and the cluster name, so every node that
 *       runs the export computes the same key and nothing secret is copied; it is exactly as strong as the Heartbeat
 *       secret, and anyone who knows that secret can compute it.</li>
 * </ul>
 */
public final class CorosyncKey {

    public static final int LENGTH = 256;
    private static final byte[] SALT = "vigil export pacemaker".getBytes(StandardCharsets.US_ASCII);

    private CorosyncKey() {
    }

    public static byte[] fresh(SecureRandom random) {
        byte[] key = new byte[LENGTH];
        random.nextBytes(key);
        return key;
    }

    /** Empty when the method has no secret ({@code crc}). */
    public static Optional<byte[]> derive(AuthKey active, String clusterName) {
        if (!active.method().needsKey() || active.key().length == 0) {
            return Optional.empty();
        }
        try {
            byte[] prk = hmac(SALT, active.key());
            byte[] info = ("corosync authkey " + clusterName).getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream okm = new ByteArrayOutputStream();
            byte[] t = new byte[0];
            for (int i = 1; okm.size() < LENGTH; i++) {
                byte[] input = new byte[t.length + info.length + 1];
                System.arraycopy(t, 0, input, 0, t.length);
                System.arraycopy(info, 0, input, t.length, info.length);
                input[input.length - 1] = (byte) i;
                t = hmac(prk, input);
                okm.write(t, 0, t.length);
            }
            byte[] key = new byte[LENGTH];
            System.arraycopy(okm.toByteArray(), 0, key, 0, LENGTH);
            return Optional.of(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }
}
