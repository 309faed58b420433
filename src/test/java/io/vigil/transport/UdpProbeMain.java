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
 * {@code READY}, {@code RCVBUF <bytes>}, {@code ERROR <message>},
 * {@code RECV link=<l> from=<ip>:<port> len=<n> id=<name>#<i> listed=<true|false>},
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
        boolean trustPeers = false;
        long junkCostMicros = 0;
        String flood = null;
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
                case "--trust-peers" -> trustPeers = Boolean.parseBoolean(value);
                case "--junk-cost-us" -> junkCostMicros = Long.parseLong(value);
                case "--flood" -> flood = value;
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
        java.util.concurrent.atomic.AtomicLong junk = new java.util.concurrent.atomic.AtomicLong();
        boolean trust = trustPeers;
        long junkCost = junkCostMicros;
        Transport transport = new Transport(vertx, media, in -> {
            String text = new String(in.data(), StandardCharsets.US_ASCII);
            if (text.startsWith("JUNK")) {
                junk.incrementAndGet();
                long until = System.nanoTime() + junkCost * 1000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait(); // what rejecting a forged packet costs, made expensive on purpose
                }
                return;
            }
            if (trust) {
                in.onAuthenticated().run(); // as the daemon's intake does once a packet is authentic
            }
            int end = text.indexOf('.');
            System.out.println("RECV link=" + in.link() + " from=" + in.sender().getAddress().getHostAddress() + ":"
                    + in.sender().getPort() + " len=" + in.data().length + " id="
                    + (end < 0 ? text : text.substring(0, end)) + " listed=" + in.listedSource());
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
        // The kernel's view of the receive socket (rb = SO_RCVBUF as the kernel set it)
        Process ss = new ProcessBuilder("ss", "-uamnH", "sport = :" + udpPort).redirectErrorStream(true).start();
        String skmem = new String(ss.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        java.util.regex.Matcher rb = java.util.regex.Pattern.compile("rb(\\d+)").matcher(skmem);
        System.out.println("RCVBUF " + (rb.find() ? rb.group(1) : "? " + skmem.strip()));
        System.out.flush();
        if (goFile != null) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(goFile) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        Thread flooder = flood == null ? null : flood(flood);
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
        if (flooder != null) {
            flooder.interrupt();
            flooder.join();
        }
        System.out.println("JUNK " + junk.get() + " DEDICATED " + transport.peerSockets());
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

    /** {@code <ip>:<port>:<delay-ms>}: after the delay, JUNK datagrams as fast as possible from 64 sockets. */
    private static Thread flood(String spec) {
        String[] f = spec.split(":");
        java.net.InetSocketAddress to = new java.net.InetSocketAddress(f[0], Integer.parseInt(f[1]));
        long delay = Long.parseLong(f[2]);
        Thread t = new Thread(() -> {
            List<java.nio.channels.DatagramChannel> pool = new ArrayList<>();
            long sent = 0;
            try {
                Thread.sleep(delay);
                for (int i = 0; i < 64; i++) {
                    pool.add(java.nio.channels.DatagramChannel.open().bind(new java.net.InetSocketAddress(0)));
                }
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap("JUNK".repeat(25).getBytes(StandardCharsets.US_ASCII));
                java.util.Random r = new java.util.Random(1);
                while (!Thread.currentThread().isInterrupted()) {
                    pool.get(r.nextInt(pool.size())).send(b.duplicate(), to);
                    sent++;
                }
            } catch (InterruptedException | java.nio.channels.ClosedByInterruptException e) {
                // done
            } catch (java.io.IOException e) {
                System.out.println("flood failed: " + e);
            } finally {
                System.out.println("FLOODED " + sent);
                for (var ch : pool) {
                    try {
                        ch.close();
                    } catch (java.io.IOException e) {
                        // done
                    }
                }
            }
        }, "flood");
        t.start();
        return t;
    }
}
