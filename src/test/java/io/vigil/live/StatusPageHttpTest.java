package io.vigil.live;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vigil.control.FakeControlHandler;
import io.vigil.notify.ClusterEvent;
import io.vigil.notify.EventType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The status page as `vigil run` serves it beside /q/metrics (here on Quarkus' random test port). */
@QuarkusTest
class StatusPageHttpTest {

    @Inject
    LiveFeed feed;

    @TestHTTPResource("/")
    URL root;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(root.toURI().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pageAndAssetsAreSelfContainedAndLocked() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && csp.contains("form-action 'none'"), csp);
        assertTrue(page.body().contains("name=\"viewport\""), "phone-readable: a viewport");
        assertTrue(!page.body().matches("(?s).*(src|href)=\"(https?:)?//.*"), "no external asset");
        assertTrue(!page.body().contains("<form"), "read-only: no form");
        HttpResponse<String> js = get("/page.js");
        assertEquals(200, js.statusCode());
        assertTrue(js.body().contains("new EventSource(\"events\")"));
        assertTrue(!js.body().contains("innerHTML"), "text goes through textContent only");
        assertEquals(200, get("/page.css").statusCode());
    }

    @Test
    void readOnly() throws Exception {
        for (String method : new String[] {"POST", "PUT", "DELETE"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(root.toURI().resolve("/view.json"))
                    .method(method, HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertNotEquals(200, r.statusCode(), method);
        }
    }

    @Test
    void viewAndPushedEvents() throws Exception {
        feed.timing(new LiveFeed.Timing(1000, 5000, 10000));
        feed.bind(FakeControlHandler::sample);
        JsonObject view = new JsonObject(get("/view.json").body());
        assertEquals("alice", view.getJsonObject("status").getString("node"));

        HttpRequest req = HttpRequest.newBuilder(root.toURI().resolve("/events")).build();
        HttpResponse<java.io.InputStream> stream = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("text/event-stream; charset=utf-8", stream.headers().firstValue("Content-Type").orElse(""));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertEquals("retry: 1000", in.readLine());
            assertEquals("", in.readLine());
            assertEquals("event: view", in.readLine());
            long first = new JsonObject(in.readLine().substring("data: ".length())).getLong("version");
            in.readLine();
            CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> {
                try {
                    String e = in.readLine();
                    String data = in.readLine();
                    return e + "\n" + data;
                } catch (java.io.IOException ex) {
                    throw new RuntimeException(ex);
                }
            });
            feed.event(new ClusterEvent(9, System.currentTimeMillis(), EventType.NODE_DEAD, "alice", "bob", "normal", "",
                    "", "dead", "active", ""));
            String[] pushed = next.get(5, TimeUnit.SECONDS).split("\n", 2);
            assertEquals("event: view", pushed[0]);
            JsonObject v = new JsonObject(pushed[1].substring("data: ".length()));
            assertTrue(v.getLong("version") > first);
            var events = v.getJsonArray("events");
            assertEquals("node-dead", events.getJsonObject(events.size() - 1).getString("event"));
        }
    }
}
