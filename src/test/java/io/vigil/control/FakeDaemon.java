package io.vigil.control;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A control server answering as {@link FakeControlHandler} on {@code <dir>/vigil.sock}, as the CLI tests need it. */
public final class FakeDaemon implements AutoCloseable {

    public final FakeControlHandler handler = new FakeControlHandler();
    private final Vertx vertx;
    private final ControlServer server;

    public FakeDaemon(Path dir) throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        server = new ControlServer(vertx, dir.resolve("vigil.sock"), handler);
        server.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public Path socket() {
        return server.socket();
    }

    @Override
    public void close() throws Exception {
        server.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
