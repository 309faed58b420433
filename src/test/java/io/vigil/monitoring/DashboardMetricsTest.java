package io.vigil.monitoring;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.control.FakeControlHandler;
import io.vigil.control.VigilMetrics;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard and the rules query only metrics the endpoint really serves: /q/metrics of the application (the
 * Quarkus HTTP server with Vigil's meters, each fed once as the daemon would). The namespace lab checks the same
 * against a running daemon (io.vigil.e2e.OperatorIT).
 */
@QuarkusTest
class DashboardMetricsTest {

    @Inject
    VigilMetrics metrics;

    @TestHTTPResource("/q/metrics")
    URL endpoint;

    @Test
    void everyQueriedMetricIsServed() throws Exception {
        metrics.bindStatus(FakeControlHandler::sample);
        metrics.registerAtZero(List.of("group-stop-failed"), List.of("node-dead"), List.of("192.0.2.253"), List.of("bob"));
        metrics.packetSent("all");
        metrics.packetReceived("eth0");
        metrics.packetDropped("auth");
        metrics.keepaliveInterArrival("bob", 1000);
        metrics.resourceOperation("start", Duration.ofMillis(80), false);
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint.toString())).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertFalse(MonitoringAssets.metricNames().isEmpty());
        for (String name : MonitoringAssets.metricNames()) {
            assertTrue(body.contains("\n" + name + "{") || body.contains("\n" + name + " "), name + " is served\n" + body);
        }
        assertTrue(body.contains("vigil_timing_seconds{parameter=\"keepalive\"} 1.0"), body);
        assertTrue(body.contains("vigil_node_info{node=\"192.0.2.1\",type=\"ping\"} 1.0"), body);
        assertTrue(body.contains("vigil_events_total{event=\"group-stop-failed\",group=\"192.0.2.253\"} 0.0"),
                "pre-registered at 0 so that increase() sees the first one\n" + body);
    }

    @Test
    void dashboardIsWellFormed() throws Exception {
        JsonObject d = new JsonObject(Files.readString(MonitoringAssets.DASHBOARD));
        assertEquals("vigil-overview", d.getString("uid"));
        JsonArray panels = d.getJsonArray("panels");
        java.util.Set<Integer> ids = new java.util.HashSet<>();
        for (Object o : panels) {
            JsonObject p = (JsonObject) o;
            assertTrue(ids.add(p.getInteger("id")), "panel ids are unique");
            if (!"row".equals(p.getString("type"))) {
                assertEquals("${datasource}", p.getJsonObject("datasource").getString("uid"), p.getString("title"));
                assertFalse(p.getJsonArray("targets").isEmpty(), p.getString("title"));
                for (Object t : p.getJsonArray("targets")) {
                    String expr = ((JsonObject) t).getString("expr");
                    assertTrue(expr.contains("$instance"), "filtered by the node variable: " + expr);
                }
            }
        }
    }
}
