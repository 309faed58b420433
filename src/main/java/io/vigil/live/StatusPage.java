package io.vigil.live;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The live status page on the metrics address ({@code vigil.metrics.host}:{@code vigil.metrics.port}, loopback by
 * default), served by {@code vigil run} only:
 * <pre>
 *   GET /              the page (HTML; its script and style below, nothing from elsewhere: works offline)
 *   GET /page.js       GET /page.css
 *   GET /view.json     the {@link LiveFeed} view once
 *   GET /events        the view as server-sent events: "view" after every change, "beat" per keepalive
 * </pre>
 * Read-only: GET (and HEAD) only, no form, no write endpoint; a Content-Security-Policy allows this origin alone.
 */
@Singleton
public class StatusPage {

    /** The headers of every answer: nothing but this origin, no framing, no referrer, no sniffing. */
    static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
                    + " img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "X-Frame-Options", "DENY");

    /** Browsers reconnect this soon after the daemon restarts. */
    static final long RETRY_MS = 1000;
    /** A comment line this often keeps proxies and dead-connection detection honest. */
    static final long PING_MS = 15_000;

    @Inject
    LiveFeed feed;

    private final Map<String, Asset> assets = Map.of(
            "/", asset("index.html", "text/html; charset=utf-8"),
            "/page.js", asset("page.js", "text/javascript; charset=utf-8"),
            "/page.css", asset("page.css", "text/css; charset=utf-8"));

    record Asset(byte[] body, String type) {
    }

    void routes(@Observes Router router) {
        assets.forEach((path, a) -> router.get(path).handler(ctx -> send(ctx, a)));
        router.get("/view.json").handler(ctx -> {
            ctx.vertx().executeBlocking(() -> feed.view().encode(), false).onComplete(ar -> {
                if (ar.succeeded()) {
                    secure(ctx.response()).putHeader("Content-Type", "application/json")
                            .putHeader("Cache-Control", "no-store").end(ar.result());
                } else {
                    ctx.fail(ar.cause());
                }
            });
        });
        router.get("/events").handler(this::events);
    }

    private static void send(RoutingContext ctx, Asset a) {
        secure(ctx.response()).putHeader("Content-Type", a.type()).putHeader("Cache-Control", "no-cache").end(
                io.vertx.core.buffer.Buffer.buffer(a.body()));
    }

    static HttpServerResponse secure(HttpServerResponse r) {
        SECURITY_HEADERS.forEach(r::putHeader);
        return r;
    }

    private void events(RoutingContext ctx) {
        HttpServerResponse r = secure(ctx.response());
        r.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no");
        r.write("retry: " + RETRY_MS + "\n\n");
        AtomicBoolean open = new AtomicBoolean(true);
        Runnable[] unsubscribe = new Runnable[1];
        Runnable close = () -> {
            if (open.compareAndSet(true, false) && unsubscribe[0] != null) {
                unsubscribe[0].run();
            }
        };
        long ping = ctx.vertx().setPeriodic(PING_MS, id -> {
            if (open.get()) {
                r.write(": ping\n\n");
            } else {
                ctx.vertx().cancelTimer(id);
            }
        });
        r.closeHandler(v -> {
            close.run();
            ctx.vertx().cancelTimer(ping);
        });
        unsubscribe[0] = feed.subscribe(new LiveFeed.Listener() {
            @Override
            public void view(String json) {
                write("view", json);
            }

            @Override
            public void beat(String json) {
                write("beat", json);
            }

            private void write(String event, String json) {
                if (!open.get()) {
                    return;
                }
                if (r.writeQueueFull()) {
                    // A reader that stopped reading: let it reconnect rather than buffer for it.
                    close.run();
                    r.reset();
                    return;
                }
                r.write("event: " + event + "\ndata: " + json + "\n\n");
            }
        });
    }

    private static Asset asset(String name, String type) {
        try (InputStream in = StatusPage.class.getResourceAsStream("/io/vigil/live/" + name)) {
            if (in == null) {
                throw new IllegalStateException("status page asset missing from the build: " + name);
            }
            return new Asset(in.readAllBytes(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
