package io.vigil.config;

/** One key line of authkeys: {@code <index> <method> [<key>]}; the key is used as raw bytes. */
public record AuthKey(int index, AuthMethod method, byte[] key) {
    public AuthKey {
        key = key == null ? new byte[0] : key.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public String toString() {
        return "AuthKey[" + index + " " + method.fileName() + " <" + key.length + " bytes>]";
    }
}
