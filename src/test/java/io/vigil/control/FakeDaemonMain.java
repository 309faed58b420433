package io.vigil.control;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.nio.file.Path;

/**
 * A control server with {@link FakeControlHandler}, for measuring the shell commands by hand:
 * {@code java -cp <test classpath> io.vigil.control.FakeDaemonMain /tmp/x/vigil.sock} (Ctrl-C to stop).
 */
public final class FakeDaemonMain {
    public static void main(String[] args) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        ControlServer server = new ControlServer(vertx, Path.of(args[0]), new FakeControlHandler());
        server.start().toCompletionStage().toCompletableFuture().get();
        System.out.println("listening on " + server.socket());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop()));
        Thread.currentThread().join();
    }
}
