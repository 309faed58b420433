package io.vigil.daemon;

import io.vigil.wire.Message;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The answer to a Heartbeat peer's query-cstatus, with the fields HBDoMsg_T_QCSTATUS puts in it. */
class ClientStatusQueryTest {

    @Test
    void everyClientIsOffline() {
        Message q = Message.of("query-cstatus").add("dest", "linux1").add("cn", "ipfail").add("from_id", "cl_status-4242");
        Message a = ClientStatusQuery.answer(q, "linux2").orElseThrow();
        assertEquals("respond-cstatus", a.type());
        assertEquals(Optional.of("linux2"), a.get("dest"));
        assertEquals(Optional.of("OK"), a.get("result"));
        assertEquals(Optional.of("ipfail"), a.get("cn"));
        assertEquals(Optional.of("cl_status-4242"), a.get("to_id"));
        assertEquals(Optional.of("offline"), a.get("cs"));
    }

    @Test
    void otherMessagesAndIncompleteQueriesGetNoAnswer() {
        assertTrue(ClientStatusQuery.answer(Message.of("status"), "linux2").isEmpty());
        assertTrue(ClientStatusQuery.answer(Message.of("query-cstatus").add("cn", "ipfail"), "linux2").isEmpty());
    }
}
