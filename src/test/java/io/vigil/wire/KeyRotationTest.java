package io.vigil.wire;

import io.vigil.config.AuthKey;
import io.vigil.config.AuthKeys;
import io.vigil.config.AuthMethod;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Issue 14 item 1: the previous key is accepted only for a bounded window after the active one changes, never when it
 * is crc; while a peer still signs with it, ours go out signed with both, so nobody misses a heartbeat mid-rotation.
 */
class KeyRotationTest {

    static final AuthKeys OLD = AuthKeys.single(1, AuthMethod.SHA1, "old-secret");
    static final AuthKeys NEW = new AuthKeys(2, Map.of(
            1, new AuthKey(1, AuthMethod.SHA1, "old-secret".getBytes(StandardCharsets.US_ASCII)),
            2, new AuthKey(2, AuthMethod.SHA1, "new-secret".getBytes(StandardCharsets.US_ASCII))));
    static final long WINDOW_MS = 60_000;
    static final long HORIZON_MS = 10_000;

    final AtomicLong now = new AtomicLong(1_000_000);
    final AtomicReference<AuthKeys> keys = new AtomicReference<>(OLD);
    final PacketCodec codec = new PacketCodec(keys::get, new KeyRing(Duration.ofMillis(WINDOW_MS), HORIZON_MS), now::get);

    static final PacketCodec OLD_PEER = new PacketCodec(() -> OLD);
    static final PacketCodec NEW_PEER = new PacketCodec(() -> AuthKeys.single(2, AuthMethod.SHA1, "new-secret"));

    static Message status() {
        return Vectors.stampedStatus();
    }

    private void accepted(byte[] packet) {
        assertInstanceOf(Decoded.Accepted.class, codec.decode(packet), () -> "rejected: " + codec.decode(packet));
    }

    private Decoded.Rejected rejected(byte[] packet) {
        return assertInstanceOf(Decoded.Rejected.class, codec.decode(packet));
    }

    @Test
    void beforeAnyChangeOnlyTheActiveKeySignsAndVerifies() {
        assertEquals(1, codec.encodeAll(status()).size());
        accepted(OLD_PEER.encode(status()));
        assertEquals(DropReason.UNKNOWN_KEY_INDEX, rejected(NEW_PEER.encode(status())).reason());
    }

    @Test
    void afterAReloadThePreviousKeyIsAcceptedForTheWindowOnly() {
        codec.encode(status());           // the old keys are in force
        keys.set(NEW);                    // vigil reload
        accepted(NEW_PEER.encode(status()));
        accepted(OLD_PEER.encode(status()));                       // a peer not switched yet
        now.addAndGet(WINDOW_MS - 1);
        accepted(OLD_PEER.encode(status()));
        now.addAndGet(1);
        Decoded.Rejected r = rejected(OLD_PEER.encode(status()));
        assertEquals(DropReason.INACTIVE_KEY, r.reason());
        assertEquals("the packet names key 1, the key used before the last reload; its rotation window closed 0 s ago"
                + " (active key: 2)", r.detail());
        accepted(NEW_PEER.encode(status()));
    }

    @Test
    void oursAreSignedWithBothKeysWhilePeersStillUseTheOldOne() {
        codec.encode(status());
        keys.set(NEW);
        List<byte[]> both = codec.encodeAll(status());
        assertEquals(2, both.size(), "right after the reload: nobody has switched yet");
        assertInstanceOf(Decoded.Accepted.class, NEW_PEER.decode(both.get(0)));
        assertInstanceOf(Decoded.Rejected.class, NEW_PEER.decode(both.get(1)));
        assertInstanceOf(Decoded.Accepted.class, OLD_PEER.decode(both.get(1)), "a peer still on the old key hears us");
        assertEquals(codec.encode(status()).length, both.get(0).length);

        now.addAndGet(HORIZON_MS - 1_000);
        accepted(OLD_PEER.encode(status()));                      // the old peer is still there
        now.addAndGet(HORIZON_MS - 1_000);
        assertEquals(2, codec.encodeAll(status()).size());
        accepted(NEW_PEER.encode(status()));                      // it switched: only new-key packets from now on
        now.addAndGet(HORIZON_MS);
        assertEquals(1, codec.encodeAll(status()).size(), "nobody used the old key for a deadtime: single packets again");
    }

    @Test
    void aZeroWindowAcceptsNothingButTheActiveKey() {
        PacketCodec strict = new PacketCodec(keys::get, new KeyRing(Duration.ZERO, HORIZON_MS), now::get);
        strict.encode(status());
        keys.set(NEW);
        assertEquals(DropReason.INACTIVE_KEY, ((Decoded.Rejected) strict.decode(OLD_PEER.encode(status()))).reason());
        assertEquals(1, strict.encodeAll(status()).size());
    }

    @Test
    void aPreviousCrcKeyGetsNoWindowButIsStillSentForPeersNotSwitched() {
        AuthKeys crc = AuthKeys.single(1, AuthMethod.CRC, null);
        keys.set(crc);
        codec.encode(status());
        keys.set(AuthKeys.single(2, AuthMethod.SHA1, "new-secret"));
        PacketCodec crcPeer = new PacketCodec(() -> crc);
        Decoded.Rejected r = rejected(crcPeer.encode(status()));
        assertEquals(DropReason.INACTIVE_KEY, r.reason());
        assertEquals("the packet names key 1 (crc), the key used before the last reload: crc is never accepted once another"
                + " key is active (active key: 2)", r.detail());
        List<byte[]> sent = codec.encodeAll(status());
        assertEquals(2, sent.size());
        assertInstanceOf(Decoded.Accepted.class, crcPeer.decode(sent.get(1)));
    }

    @Test
    void changingTheKeyOfTheSameIndexAlsoOpensAWindow() {
        codec.encode(status());
        keys.set(AuthKeys.single(1, AuthMethod.SHA1, "rotated-in-place"));
        accepted(OLD_PEER.encode(status()));
        accepted(new PacketCodec(() -> AuthKeys.single(1, AuthMethod.SHA1, "rotated-in-place")).encode(status()));
        now.addAndGet(WINDOW_MS);
        assertEquals(DropReason.BAD_AUTH, rejected(OLD_PEER.encode(status())).reason());
    }

    @Test
    void reloadingTheSameKeysChangesNothing() {
        codec.encode(status());
        keys.set(AuthKeys.single(1, AuthMethod.SHA1, "old-secret")); // a new object, the same key
        assertEquals(1, codec.encodeAll(status()).size());
        assertEquals(DropReason.UNKNOWN_KEY_INDEX, rejected(NEW_PEER.encode(status())).reason());
    }
}
