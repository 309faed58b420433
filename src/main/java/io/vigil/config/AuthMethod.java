package io.vigil.config;

/** Signature methods of authkeys. SHA256 is a Vigil extension (HMAC-SHA256); the others are Heartbeat's. */
public enum AuthMethod {
    CRC(false), MD5(true), SHA1(true), SHA256(true);

    private final boolean needsKey;

    AuthMethod(boolean needsKey) {
        this.needsKey = needsKey;
    }

    public boolean needsKey() {
        return needsKey;
    }

    /** The name used in authkeys ({@code sha1}, {@code md5}, {@code crc}, {@code sha256}). */
    public String fileName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
