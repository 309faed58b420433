package io.vigil.transport;

import io.vertx.core.Vertx;
import io.vigil.config.Medium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Behaviour that opens no socket: start failures and calls outside the started state. */
class TransportTest {

    private static Vertx vertx;

    @BeforeAll
    static void vertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void startFailsNamingTheLineAndOpensNothing() throws Exception {
        Transport t = new Transport(vertx, List.of(new Medium.Bcast("lo", 16940),
                new Medium.Mcast("vt-tr-none0", InetAddress.getByName("239.1.2.3"), 16951, 1, false)), in -> { });
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> t.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertInstanceOf(TransportException.class, e.getCause());
        // Lines are checked in ha.cf order: the bcast on lo fails first.
        assertEquals("bcast lo: interface has no IPv4 broadcast address (point-to-point or loopback?) — check the"
                + " bcast line in ha.cf; use ucast on such a link", e.getCause().getMessage());
        t.send(new byte[] {1, 2, 3}); // not started: ignored, never throws
        assertEquals(new LinkCounters(0, 0, 0, 0), t.counters().get("lo"));
        t.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void countersListEveryLinkOnceInFileOrder() throws Exception {
        Transport t = new Transport(vertx, List.of(new Medium.Bcast("eth1", 694),
                new Medium.Ucast("eth0", InetAddress.getByName("192.0.2.2"), 694),
                new Medium.Ucast("eth0", InetAddress.getByName("192.0.2.3"), 694),
                new Medium.Mcast("eth1", InetAddress.getByName("239.1.2.3"), 16951, 1, false)), in -> { });
        assertEquals(List.of("eth1", "eth0"), List.copyOf(t.counters().keySet()));
        assertFalse(t.ownLinkSeen("eth1"));
        assertFalse(t.ownLinkSeen("nonesuch"));
    }
}
