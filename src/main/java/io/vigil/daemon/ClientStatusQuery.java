package io.vigil.daemon;

import io.vigil.wire.Message;

import java.util.Optional;

/**
 * A Heartbeat peer's {@code cl_status clientstatus <this node> <client>}: its daemon sends us {@code query-cstatus}
 * ({@code cn} = the client, {@code from_id} = the asking API client) and waits for {@code respond-cstatus}
 * (heartbeat.c HBDoMsg_T_QCSTATUS). Vigil runs no Heartbeat API clients, so every client is {@code offline} here —
 * the answer Heartbeat gives for a client that is not signed on. Without it the peer's cl_status times out
 * ("Cannot get heartbeat client … status", exit 13).
 */
final class ClientStatusQuery {

    static final String QUERY = "query-cstatus";

    private ClientStatusQuery() {
    }

    /** The reply to a query from {@code from}, or empty if {@code m} is not a well-formed query. */
    static Optional<Message> answer(Message m, String from) {
        if (!QUERY.equalsIgnoreCase(m.type())) {
            return Optional.empty();
        }
        Optional<String> client = m.get("cn");
        Optional<String> asker = m.get("from_id");
        if (client.isEmpty() || asker.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Message.of("respond-cstatus")
                .add("dest", from)
                .add("result", "OK")
                .add("cn", client.get())
                .add("to_id", asker.get())
                .add("cs", "offline"));
    }
}
