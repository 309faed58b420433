package io.vigil.transport;

import io.vertx.core.Vertx;
import io.vigil.config.PingNode;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test-only: runs a {@link Pinger} (inside a network namespace) and prints {@code REPLY node=<n> member=<ip>} per
 * reply, then {@code DONE}; {@code ERROR <message>} and exit 2 when it cannot start.
 * <pre>--interval-ms 500 --duration-ms 3000 [--ping ip] [--group "name ip ip…"]</pre>
 */
public final class PingProbeMain {

    public static void main(String[] args) throws Exception {
        long intervalMs = 500;
        long durationMs = 3000;
        List<PingNode> nodes = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--interval-ms" -> intervalMs = Long.parseLong(value);
                case "--duration-ms" -> durationMs = Long.parseLong(value);
                case "--ping" -> nodes.add(new PingNode(value, List.of(InetAddress.getByName(value)), false));
                case "--group" -> {
                    String[] parts = value.split("\\s+");
                    List<InetAddress> members = new ArrayList<>();
                    for (int j = 1; j < parts.length; j++) {
                        members.add(InetAddress.getByName(parts[j]));
                    }
                    nodes.add(new PingNode(parts[0], members, true));
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Vertx vertx = Vertx.vertx();
        Pinger pinger = new Pinger(vertx, nodes, Duration.ofMillis(intervalMs), (node, member) -> {
            System.out.println("REPLY node=" + node + " member=" + member.getHostAddress());
            System.out.flush();
        });
        try {
            pinger.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.out.println("ERROR " + cause.getMessage());
            System.out.flush();
            System.exit(2);
        }
        vertx.setPeriodic(intervalMs, id -> pinger.probe()); // on the start context, as the daemon's keepalive tick
        System.out.println("READY");
        Thread.sleep(durationMs);
        pinger.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.out.println("DONE");
        System.out.flush();
        System.exit(0);
    }
}
