package io.vigil.e2e;

import io.vigil.config.AuthKeys;
import io.vigil.config.AuthMethod;
import io.vigil.wire.Decoded;
import io.vigil.wire.PacketCodec;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A hostile peer for the fault matrix, run in the client namespace by {@link ClusterLab#udpTool} (a socket on UDP
 * 694 there sees every broadcast heartbeat):
 * <ul>
 * <li>{@code replay <node> <captureMs> <goFile> <sendMs> <key>}: captures the packets of {@code node} (authenticated
 * with {@code key}), waits until {@code goFile} exists (the test kills the real node first), then broadcasts them
 * again every 100 ms for {@code sendMs};</li>
 * <li>{@code wrongkey ...}: the same, with every captured packet re-signed with another key;</li>
 * <li>{@code fuzz <ms> <key> <address>...}: random datagrams and captured packets with bytes flipped, truncated or
 * bloated, sent as fast as it can to the broadcast address and to each address given.</li>
 * </ul>
 * Prints a summary line starting with {@code SENT}.
 */
public final class UdpTool {

    private static final int PORT = 694;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        switch (mode) {
            case "replay", "wrongkey" -> replay(mode.equals("wrongkey"), args[1], Long.parseLong(args[2]),
                    java.nio.file.Path.of(args[3]), Long.parseLong(args[4]), args[5]);
            case "fuzz" -> fuzz(Long.parseLong(args[1]), args[2], List.of(args).subList(3, args.length));
            default -> throw new IllegalArgumentException("mode " + mode);
        }
    }

    /** Heartbeat packets of node {@code from} seen on the broadcast medium during {@code ms}. */
    private static List<byte[]> capture(DatagramSocket socket, PacketCodec codec, String from, long ms) throws Exception {
        List<byte[]> captured = new ArrayList<>();
        long end = System.currentTimeMillis() + ms;
        byte[] buf = new byte[65536];
        socket.setSoTimeout(200);
        while (System.currentTimeMillis() < end) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            }
            byte[] data = java.util.Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
            Decoded d = codec.decode(data);
            if (d instanceof Decoded.Accepted a && a.message().get("src").orElse("").equals(from)) {
                captured.add(data);
            }
        }
        return captured;
    }

    private static void replay(boolean resign, String from, long captureMs, java.nio.file.Path goFile, long replayMs,
                               String key) throws Exception {
        PacketCodec codec = new PacketCodec(() -> AuthKeys.single(1, AuthMethod.SHA1, key));
        PacketCodec wrong = new PacketCodec(() -> AuthKeys.single(1, AuthMethod.SHA1, "NotTheClusterKey"));
        try (DatagramSocket socket = new DatagramSocket(null)) {
            socket.setReuseAddress(true);
            socket.setBroadcast(true);
            socket.bind(new InetSocketAddress(PORT));
            List<byte[]> captured = capture(socket, codec, from, captureMs);
            if (resign) {
                List<byte[]> resigned = new ArrayList<>();
                for (byte[] c : captured) {
                    resigned.add(wrong.encode(((Decoded.Accepted) codec.decode(c)).message()));
                }
                captured = resigned;
            }
            System.out.println("CAPTURED " + captured.size());
            System.out.flush();
            long waitEnd = System.currentTimeMillis() + 60_000;
            while (!java.nio.file.Files.exists(goFile) && System.currentTimeMillis() < waitEnd) {
                Thread.sleep(20);
            }
            long sent = 0;
            long end = System.currentTimeMillis() + replayMs;
            InetSocketAddress bcast = new InetSocketAddress("192.0.2.255", PORT);
            while (System.currentTimeMillis() < end && !captured.isEmpty()) {
                for (byte[] c : captured) {
                    socket.send(new DatagramPacket(c, c.length, bcast));
                    sent++;
                }
                Thread.sleep(100);
            }
            System.out.println("SENT " + sent + " CAPTURED " + captured.size());
        }
    }

    /** Random datagrams, and captured packets with random bytes flipped, truncated or extended, as fast as possible. */
    private static void fuzz(long ms, String key, List<String> targets) throws Exception {
        PacketCodec codec = new PacketCodec(() -> AuthKeys.single(1, AuthMethod.SHA1, key));
        Random random = new Random(42);
        try (DatagramSocket socket = new DatagramSocket(null)) {
            socket.setReuseAddress(true);
            socket.setBroadcast(true);
            socket.bind(new InetSocketAddress(PORT));
            List<byte[]> seeds = new ArrayList<>();
            for (String n : List.of("linux1", "linux2")) {
                seeds.addAll(capture(socket, codec, n, 1500).stream().limit(5).toList());
            }
            List<InetSocketAddress> to = new ArrayList<>();
            to.add(new InetSocketAddress("192.0.2.255", PORT));
            for (String t : targets) {
                to.add(new InetSocketAddress(t, PORT));
            }
            long sent = 0;
            long end = System.currentTimeMillis() + ms;
            while (System.currentTimeMillis() < end) {
                byte[] data;
                int kind = random.nextInt(4);
                if (kind == 0 || seeds.isEmpty()) {
                    data = new byte[random.nextInt(1500)];
                    random.nextBytes(data);
                } else {
                    byte[] seed = seeds.get(random.nextInt(seeds.size()));
                    data = switch (kind) {
                        case 1 -> { // flip a few bytes
                            byte[] d = seed.clone();
                            for (int i = 0; i < 1 + random.nextInt(4); i++) {
                                d[random.nextInt(d.length)] = (byte) random.nextInt(256);
                            }
                            yield d;
                        }
                        case 2 -> java.util.Arrays.copyOf(seed, random.nextInt(seed.length)); // truncated
                        default -> { // a field's value made huge or a separator removed
                            String s = new String(seed, java.nio.charset.StandardCharsets.ISO_8859_1);
                            s = random.nextBoolean() ? s.replaceFirst("=", "=" + "9".repeat(random.nextInt(4000)))
                                    : s.replaceFirst("\n", "");
                            yield s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                        }
                    };
                }
                socket.send(new DatagramPacket(data, data.length, to.get((int) (sent % to.size()))));
                sent++;
            }
            System.out.println("SENT " + sent + " SEEDS " + seeds.size() + " RATE " + (sent * 1000 / ms) + "/s");
        }
    }

    private UdpTool() {
    }
}
