package io.vigil.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StamperTest {

    @Test
    void sequenceStartsAtOneAndSkipsControlMessages() {
        Stamper s = new Stamper("alice", Vectors.UUID_A, 0x10, 3);
        assertEquals(0, s.lastSeq());
        assertEquals("1", s.stamp(Message.of("status"), 1, "n/a").get("seq").orElseThrow());
        Message ack = s.stamp(Message.of("NS_ackmsg").add("dest", "bob"), 1, "n/a");
        assertEquals(false, ack.has("seq"));
        assertEquals("2", s.stamp(Message.of("resource"), 1, "n/a").get("seq").orElseThrow());
        assertEquals(2, s.lastSeq());
    }

    @Test
    void fieldOrderAndFormats() {
        Message m = new Stamper("alice", Vectors.UUID_A, 0x65a1b2c3L, 3).stamp(Message.of("starting"), 0x65a1b2d0L, "n/a");
        assertEquals("[t=starting, src=alice, (1)srcuuid=<16 bytes>, seq=1, hg=65a1b2c3, ts=65a1b2d0, ld=n/a, ttl=3]",
                m.fields().toString());
    }

    @Test
    void existingFieldsAreReplacedInPlaceButKeptForControlTypes() {
        Stamper s = new Stamper("alice", Vectors.UUID_A, 1, 3);
        Message m = s.stamp(Message.of("status").add("src", "mallory").add("st", "up"), 5, "x");
        assertEquals("[t=status, src=alice, st=up, (1)srcuuid=<16 bytes>, seq=1, hg=1, ts=5, ld=x, ttl=3]", m.fields().toString());
        Message ping = s.stamp(Message.of("NS_st").add("st", "ping").add("src", "192.0.2.1").add("ts", "9"), 5, "x");
        assertEquals("192.0.2.1", ping.get("src").orElseThrow());
        assertEquals("9", ping.get("ts").orElseThrow());
    }

    @Test
    void destuuidOnlyWhenKnown() {
        Stamper s = new Stamper("alice", Vectors.UUID_A, 1, 3);
        assertEquals(false, s.stamp(Message.of("x").add("dest", "carol"), 1, "n/a", Vectors::uuidOf).has("destuuid"));
        assertEquals(true, s.stamp(Message.of("x").add("dest", "bob"), 1, "n/a", Vectors::uuidOf).has("destuuid"));
        assertEquals(false, s.stamp(Message.of("x").add("dest", "bob"), 1, "n/a").has("destuuid"));
    }

    @Test
    void inputIsNotModified() {
        Message in = Message.of("status");
        new Stamper("alice", Vectors.UUID_A, 1, 3).stamp(in, 1, "n/a");
        assertEquals(1, in.fields().size());
    }

    @Test
    void uuidMustHave16Bytes() {
        assertThrows(IllegalArgumentException.class, () -> new Stamper("alice", new byte[15], 1, 3));
    }
}
