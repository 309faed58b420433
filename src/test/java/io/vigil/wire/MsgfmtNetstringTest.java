package io.vigil.wire;

import io.vigil.config.AuthMethod;
import org.junit.jupiter.api.Test;

import static io.vigil.wire.Vectors.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ha.cf {@code msgfmt netstring}: Heartbeat then leaves the inner classic {@code auth} field out (ha_msg_internal.c
 * add_control_msg_fields), so the trailer alone signs the packet. Reference §9.3 gives the trailer of §4.10's status
 * message without the inner field, as Debian's libplumb computes it.
 */
class MsgfmtNetstringTest {

    @Test
    void withoutTheInnerAuthFieldTheTrailerIsHeartbeats() {
        PacketCodec codec = new PacketCodec(() -> Vectors.keys(AuthMethod.SHA1), KeyRing.strict(), () -> 0L, false);
        String packet = text(codec.encode(Vectors.stampedStatus()));
        assertFalse(packet.contains("auth="), packet);
        assertTrue(packet.endsWith("%%%\n42:1 ce6b9a616666b6e5c6c36fed01ffdf1354e27f01,"), packet);
        // and it is accepted, by us as by Heartbeat
        assertInstanceOf(Decoded.Accepted.class, Vectors.codec(AuthMethod.SHA1).decode(codec.encode(Vectors.stampedStatus())));
    }

    @Test
    void classicIsTheDefault() {
        assertEquals(text(Vectors.statusPacket()), text(new PacketCodec(() -> Vectors.keys(AuthMethod.SHA1)).encode(Vectors.stampedStatus())));
    }
}
