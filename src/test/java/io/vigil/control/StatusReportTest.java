package io.vigil.control;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusReportTest {

    @Test
    void jsonRoundTrip() {
        StatusReport r = FakeControlHandler.sample();
        JsonObject json = r.toJson();
        assertEquals("alice", json.getString("node"));
        assertEquals("dead", json.getJsonArray("nodes").getJsonObject(1).getJsonArray("links").getJsonObject(0).getString("status"));
        assertEquals("alice", json.getJsonArray("groups").getJsonObject(1).getString("held_by"));
        assertEquals("1000ms", json.getJsonObject("parameters").getString("keepalive"));
        assertEquals(r, StatusReport.fromJson(new JsonObject(json.encode())));
    }

    @Test
    void fromJsonNamesWhatIsMissing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StatusReport.fromJson(new JsonObject().put("version", "1")));
        assertTrue(e.getMessage().contains("lacks the field \"node\""), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> StatusReport.fromJson(new JsonObject().put("node", "a").put("nodes", new io.vertx.core.json.JsonArray().add(3))));
    }

    @Test
    void keepsTheLast50Transitions() {
        List<StatusReport.Transition> many = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            many.add(new StatusReport.Transition(i, "t" + i));
        }
        StatusReport r = new StatusReport("a", "v", 1, 1, "active", "on", List.of(), List.of(), "none", many, Map.of());
        assertEquals(50, r.transitions().size());
        assertEquals("t10", r.transitions().get(0).text());
    }

    @Test
    void readableTable() {
        String t = StatusTable.render(FakeControlHandler.sample(), ZoneOffset.UTC);
        assertTrue(t.startsWith("vigil 0.1.0 on alice: active, pid 4242, up 1h 2m, auto_failback on, holding all resources\n"), t);
        assertTrue(t.contains("\nNODE       TYPE    STATUS  LAST HEARD   LINKS\n"), t);
        assertTrue(t.contains("\nbob        normal  dead    12s ago      eth0 dead, eth1 up\n"), t);
        assertTrue(t.contains("\n192.0.2.253   alice      alice    running     192.0.2.253 apache2\n"), t);
        assertTrue(t.contains("  2023/11/14_22:13:20  node bob: is dead\n"), t);
    }
}
