package io.vigil.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SendHistoryTest {

    private static Stamper bob() {
        return new Stamper("bob", Vectors.UUID_B, 7, 3);
    }

    private static Message request(String dest, long first, long last) {
        return Message.of("NS_rexmit").add("dest", dest).add("firstseq", Long.toString(first)).add("lastseq", Long.toString(last))
                .add("src", "alice").add("ts", "1");
    }

    @Test
    void resendsKeptMessagesAndNaksTheRest() {
        Stamper bob = bob();
        SendHistory history = new SendHistory();
        for (int i = 0; i < 600; i++) {
            history.record(bob.stamp(Message.of("status").add("st", "active"), 100 + i, "n/a"));
        }
        history.record(bob.stamp(Message.of("NS_ackmsg").add("dest", "alice"), 1, "n/a"));
        assertEquals(SendHistory.CAPACITY, history.size());

        List<Message> resend = history.answer(request("bob", 0x1a0, 0x1a0), "bob");
        assertEquals(1, resend.size());
        assertEquals("1a0", resend.get(0).get("seq").orElseThrow());
        assertEquals(Long.toHexString(100 + 0x1a0 - 1), resend.get(0).get("ts").orElseThrow(), "sent as it was");

        List<Message> tooLow = history.answer(request("bob", 5, 5), "bob");
        assertEquals("[t=NS_nak_rexmit, firstseq=5, dest=alice, info=seqno too low]", tooLow.get(0).fields().toString());
        List<Message> notFound = history.answer(request("bob", 700, 700), "bob");
        assertEquals("[t=NS_nak_rexmit, firstseq=2bc, dest=alice, info=seqno not found]", notFound.get(0).fields().toString());
    }

    @Test
    void ignoresRequestsForOthersAndMalformedOnes() {
        SendHistory history = new SendHistory();
        history.record(bob().stamp(Message.of("status"), 1, "n/a"));
        assertEquals(List.of(), history.answer(request("carol", 1, 1), "bob"));
        assertEquals(List.of(), history.answer(request("bob", 2, 1), "bob"));
        assertEquals(List.of(), history.answer(Message.of("NS_rexmit").add("dest", "bob").add("firstseq", "a").add("lastseq", "a")
                .add("src", "alice"), "bob"), "firstseq is decimal");
        assertEquals(1, history.answer(request("BOB", 1, 1), "bob").size(), "node names are case-insensitive");
    }

    @Test
    void atMostFiftyPerRequest() {
        Stamper bob = bob();
        SendHistory history = new SendHistory();
        for (int i = 0; i < 100; i++) {
            history.record(bob.stamp(Message.of("status"), 1, "n/a"));
        }
        assertEquals(SendHistory.MAX_PER_REQUEST, history.answer(request("bob", 1, 100), "bob").size());
    }

    @Test
    void repeatsWithinTheGuardAreIgnored() {
        SendHistory history = new SendHistory(250);
        history.record(bob().stamp(Message.of("status"), 1, "n/a"));
        assertEquals(1, history.answer(request("bob", 1, 1), "bob", 1000).size());
        assertEquals(0, history.answer(request("bob", 1, 1), "bob", 1239).size());
        assertEquals(1, history.answer(request("bob", 1, 1), "bob", 1240).size());
    }
}
