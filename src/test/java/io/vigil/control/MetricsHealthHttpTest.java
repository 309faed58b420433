package io.vigil.control;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /q/health/* and /q/metrics as `vigil run` serves them (here on Quarkus' random test port). */
@QuarkusTest
class MetricsHealthHttpTest {

    @Inject
    VigilHealth health;

    @Inject
    VigilMetrics metrics;

    @TestHTTPResource("/q/health/ready")
    URL ready;

    @TestHTTPResource("/q/health/live")
    URL live;

    @TestHTTPResource("/q/metrics")
    URL metricsUrl;

    static HttpResponse<String> get(URL url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthFollowsTheDaemon() throws Exception {
        HttpResponse<String> before = get(ready);
        assertEquals(503, before.statusCode(), before.body());
        assertTrue(before.body().contains("daemon not started"), before.body());

        boolean[] holding = {false};
        health.bindReadiness(() -> holding[0]);
        health.bindLiveness(() -> true);
        assertEquals(503, get(ready).statusCode());
        holding[0] = true;
        HttpResponse<String> after = get(ready);
        assertEquals(200, after.statusCode(), after.body());
        assertTrue(after.body().contains("vigil-resources"), after.body());
        assertEquals(200, get(live).statusCode());
    }

    @Test
    void prometheusExposition() throws Exception {
        metrics.packetSent("eth0");
        metrics.packetDropped("auth");
        metrics.keepaliveInterArrival("bob", 998);
        metrics.bindStatus(FakeControlHandler::sample);
        String body = get(metricsUrl).body();
        assertTrue(body.contains("vigil_packets_sent_total{link=\"eth0\"} 1.0"), body);
        assertTrue(body.contains("vigil_packets_dropped_total{reason=\"auth\"} 1.0"), body);
        assertTrue(body.contains("vigil_node_status{node=\"bob\",status=\"dead\"} 1.0"), body);
        assertTrue(body.contains("vigil_link_up{link=\"eth1\",node=\"bob\"} 1.0"), body);
        assertTrue(body.contains("vigil_keepalive_interarrival_seconds_bucket{node=\"bob\",le=\"1.0\"} 1"), body);
    }

    @Inject
    io.vertx.core.Vertx vertx;

    /** quarkus.vertx.prefer-native-transport=true gives the Quarkus-managed Vert.x epoll: the control socket works on it. */
    @Test
    void controlSocketOnTheQuarkusVertx(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        assertTrue(vertx.isNativeTransportEnabled(), String.valueOf(vertx.unavailableNativeTransportCause()));
        ControlServer server = new ControlServer(vertx, tmp.resolve("vigil.sock"), new FakeControlHandler());
        server.start().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        try {
            assertEquals(200, new ControlClient(server.socket()).get("/v1/status").status());
        } finally {
            server.stop().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void loopbackByDefault() {
        assertEquals("127.0.0.1", ConfigProvider.getConfig().getValue("quarkus.http.host", String.class));
        assertEquals(9694, ConfigProvider.getConfig().getValue("vigil.metrics.port", Integer.class));
    }
}
