package io.vigil.config;

import java.util.Map;
import java.util.Optional;

/**
 * The parsed authkeys file: the active entry (from {@code auth n}) signs outgoing packets; every entry is kept
 * because a received packet names the index it was signed with.
 */
public record AuthKeys(int activeIndex, Map<Integer, AuthKey> keys) {
    public AuthKeys {
        keys = Map.copyOf(keys);
        if (!keys.containsKey(activeIndex)) {
            throw new IllegalArgumentException("active index " + activeIndex + " has no key");
        }
    }

    public AuthKey active() {
        return keys.get(activeIndex);
    }

    public Optional<AuthKey> byIndex(int index) {
        return Optional.ofNullable(keys.get(index));
    }

    /** Convenience for tests and tools: a single key that is also the active one. */
    public static AuthKeys single(int index, AuthMethod method, String key) {
        byte[] bytes = key == null ? new byte[0] : key.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return new AuthKeys(index, Map.of(index, new AuthKey(index, method, bytes)));
    }
}
