package io.vigil.transport;

import io.vertx.core.Vertx;
import io.vigil.config.Medium;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Test-only: runs a {@link Transport} for the media on its command line (inside a network namespace), sends numbered
 * datagrams and prints what it receives. Output lines:
 * {@code READY}, {@code ERROR <message>}, {@code RECV link=<l> from=<ip>:<port> len=<n> id=<name>#<i>},
 * {@code COUNTERS link=<l> sent=… received=… sendErrors=… ownDropped=… ownSeen=…}, {@code DONE}.
 * <pre>
 * --name A --udpport 16940 [--bcast dev] [--mcast "dev group port ttl loop"] [--ucast "dev peer"]
 * [--mcast6 "dev group port hops loop"] [--ucast6 "dev peer"]
 * [--count 10] [--interval-ms 50] [--size 0] [--go-file path] [--linger-ms 1500]
 * </pre>
 * With {@code --go-file} it waits (30 s at most) for that file to exist before sending, so that two probes started
 * in parallel both listen before either sends. Exit code 0, or 2 when the transport does not start.
 */
public final class UdpProbeMain {

    public static void main(String[] args) throws Exception {
        String name = "probe";
        int udpPort = 694;
        int count = 10;
        long intervalMs = 50;
        int size = 0;
        long lingerMs = 1500;
        Path goFile = null;
        List<String[]> bcast = new ArrayList<>();
        List<String[]> mcast = new ArrayList<>();
        List<String[]> ucast = new ArrayList<>();
        List<String[]> mcast6 = new ArrayList<>();
        List<String[]> ucast6 = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--name" -> name = value;
                case "--udpport" -> udpPort = Integer.parseInt(value);
                case "--bcast" -> bcast.add(value.split("\\s+"));
                case "--mcast" -> mcast.add(value.split("\\s+"));
                case "--ucast" -> ucast.add(value.split("\\s+"));
                case "--mcast6" -> mcast6.add(value.split("\\s+"));
                case "--ucast6" -> ucast6.add(value.split("\\s+"));
                case "--count" -> count = Integer.parseInt(value);
                case "--interval-ms" -> intervalMs = Long.parseLong(value);
                case "--size" -> size = Integer.parseInt(value);
                case "--linger-ms" -> lingerMs = Long.parseLong(value);
                case "--go-file" -> goFile = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        // Media in the order bcast, mcast, ucast, like ha.cf lines would be read.
        List<Medium> media = new ArrayList<>();
        for (String[] b : bcast) {
            for (String dev : b) {
                media.add(new Medium.Bcast(dev, udpPort));
            }
        }
        for (String[] m : mcast) {
            media.add(new Medium.Mcast(m[0], InetAddress.getByName(m[1]), Integer.parseInt(m[2]),
                    Integer.parseInt(m[3]), "1".equals(m[4])));
        }
        for (String[] u : ucast) {
            media.add(new Medium.Ucast(u[0], InetAddress.getByName(u[1]), udpPort));
        }
        for (String[] m : mcast6) {
            media.add(new Medium.Mcast6(m[0], (java.net.Inet6Address) InetAddress.getByName(m[1]), Integer.parseInt(m[2]),
                    Integer.parseInt(m[3]), "1".equals(m[4])));
        }
        for (String[] u : ucast6) {
            media.add(new Medium.Ucast6(u[0], (java.net.Inet6Address) InetAddress.getByName(u[1]), udpPort));
        }

        Vertx vertx = Vertx.vertx();
        Transport transport = new Transport(vertx, media, in -> {
            String text = new String(in.data(), StandardCharsets.US_ASCII);
            int end = text.indexOf('.');
            System.out.println("RECV link=" + in.link() + " from=" + in.sender().getAddress().getHostAddress() + ":"
                    + in.sender().getPort() + " len=" + in.data().length + " id="
                    + (end < 0 ? text : text.substring(0, end)));
        });
        try {
            transport.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.out.println("ERROR " + cause.getMessage());
            System.out.flush();
            vertx.close();
            System.exit(2);
        }
        System.out.println("READY");
        System.out.flush();
        if (goFile != null) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(goFile) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        for (int i = 1; i <= count; i++) {
            byte[] packet = new byte[Math.max(size, 0)];
            byte[] id = (name + "#" + i + ".").getBytes(StandardCharsets.US_ASCII);
            if (packet.length < id.length) {
                packet = id;
            } else {
                Arrays.fill(packet, (byte) '.');
                System.arraycopy(id, 0, packet, 0, id.length);
            }
            transport.send(packet);
            Thread.sleep(intervalMs);
        }
        Thread.sleep(lingerMs);
        for (Map.Entry<String, LinkCounters> e : transport.counters().entrySet()) {
            LinkCounters c = e.getValue();
            System.out.println("COUNTERS link=" + e.getKey() + " sent=" + c.sent() + " received=" + c.received()
                    + " sendErrors=" + c.sendErrors() + " ownDropped=" + c.ownDropped()
                    + " ownSeen=" + transport.ownLinkSeen(e.getKey()) + " ownUp=" + transport.ownLinkUp(e.getKey()));
        }
        transport.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.out.println("DONE");
        System.out.flush();
        System.exit(0);
    }
}
