package io.vigil.e2e;

import io.vigil.config.AuthKeys;
import io.vigil.config.AuthMethod;
import io.vigil.wire.Decoded;
import io.vigil.wire.Message;
import io.vigil.wire.PacketCodec;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The attacker of the security tests (issue 14), run in a namespace of the lab by {@link SecurityIT} and
 * {@link FloodIT}; it knows no key of the cluster except where a mode says so (to read fields it could read in
 * clear anyway).
 * <ul>
 * <li>{@code forge <key> <src> <ms> <group:port:dev> <target:port>...}: joins the multicast medium, waits for one
 * packet of {@code src}, then sends a {@code shutdone} "from" {@code src} with its generation and a higher sequence
 * number, signed with <b>crc at index 2</b> — what anyone can compute — to every target, every 100 ms for
 * {@code ms}; then the sniffed packet itself, validly signed, once to every target.</li>
 * <li>{@code flood <ms> <target-ip> <port>}: two threads send, as fast as they can, valid-looking netstring
 * {@code status} packets "from" linux1 with a wrong signature — one thread 64 KB packets, the other ~100 B — each
 * from one of 256 sockets picked at random, so the source port varies all the time.</li>
 * <li>{@code record <key> <src> <group:port:dev> <file>}: joins the multicast medium and appends every packet of
 * {@code src} to {@code file} (4-byte length, then the bytes as received) until the file {@code <file>.stop}
 * exists; prints {@code RECORDED n} with the types seen.</li>
 * <li>{@code replay <key> <file> <tail> <ms> <target:port>...}: takes the last {@code tail} recorded packets of the
 * oldest generation recorded (its last words: a status, then its {@code shutdone}) and sends them, unchanged and in
 * their order, to every target, one every 20 ms, round and round for {@code ms}. The replayed packets carry the cluster's real
 * signatures: only membership's judgement of the incarnation can refuse them (issue 14 item 2).</li>
 * </ul>
 * Prints one summary line starting with {@code SENT} (or {@code RECORDED}).
 */
public final class AttackTool {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "forge" -> forge(args[1], args[2], Long.parseLong(args[3]), args[4], List.of(args).subList(5, args.length));
            case "flood" -> flood(Long.parseLong(args[1]), args[2], Integer.parseInt(args[3]));
            case "record" -> record(args[1], args[2], args[3], java.nio.file.Path.of(args[4]));
            case "replay" -> replay(args[1], java.nio.file.Path.of(args[2]), Integer.parseInt(args[3]),
                    Long.parseLong(args[4]), List.of(args).subList(5, args.length));
            default -> throw new IllegalArgumentException("mode " + args[0]);
        }
    }

    private static void forge(String key, String src, long ms, String listen, List<String> targets) throws Exception {
        PacketCodec reader = new PacketCodec(() -> AuthKeys.single(1, AuthMethod.SHA1, key));
        Message seen = null;
        byte[] seenPacket = null;
        try (java.net.MulticastSocket socket = joined(listen)) {
            byte[] buf = new byte[65536];
            long end = System.currentTimeMillis() + 30_000;
            while (seen == null && System.currentTimeMillis() < end) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                byte[] data = java.util.Arrays.copyOf(p.getData(), p.getLength());
                Decoded d = reader.decode(data);
                if (d instanceof Decoded.Accepted a && a.message().get("src").orElse("").equals(src)
                        && a.message().get("seq").isPresent()) {
                    seen = a.message();
                    seenPacket = data;
                }
            }
            if (seen == null) {
                System.out.println("SENT 0 (no packet of " + src + " seen on " + listen + ")");
                return;
            }
            PacketCodec crc = new PacketCodec(() -> AuthKeys.single(2, AuthMethod.CRC, null));
            long seq = Long.parseLong(seen.get("seq").orElseThrow(), 16);
            long sent = 0;
            long stop = System.currentTimeMillis() + ms;
            while (System.currentTimeMillis() < stop) {
                seq++;
                Message shutdone = Message.of("shutdone").add("st", "dead").add("src", src)
                        .add("seq", Long.toHexString(seq)).add("hg", seen.get("hg").orElseThrow())
                        .add("ts", Long.toHexString(System.currentTimeMillis() / 1000)).add("ld", "n/a").add("ttl", "3");
                sent += sendAll(socket, crc.encode(shutdone), targets);
                Thread.sleep(100);
            }
            sendAll(socket, seenPacket, targets);
            System.out.println("SENT " + sent + " forged shutdone of " + src + " (hg " + seen.get("hg").orElseThrow()
                    + ", seq from " + seen.get("seq").orElseThrow() + ") signed with crc index 2");
        }
    }

    private static void record(String key, String src, String listen, java.nio.file.Path file) throws Exception {
        PacketCodec reader = new PacketCodec(() -> AuthKeys.single(1, AuthMethod.SHA1, key));
        java.nio.file.Path stop = file.resolveSibling(file.getFileName() + ".stop");
        java.util.Map<String, Integer> types = new java.util.TreeMap<>();
        int n = 0;
        try (java.net.MulticastSocket socket = joined(listen);
             java.io.DataOutputStream out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(
                     java.nio.file.Files.newOutputStream(file)))) {
            byte[] buf = new byte[65536];
            System.out.println("LISTENING");
            while (!java.nio.file.Files.exists(stop)) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                byte[] data = java.util.Arrays.copyOf(p.getData(), p.getLength());
                // the key only reads what travels in clear anyway (src, t, hg, seq)
                if (reader.decode(data) instanceof Decoded.Accepted a && a.message().get("src").orElse("").equals(src)) {
                    out.writeInt(data.length);
                    out.write(data);
                    out.flush();
                    n++;
                    types.merge(a.message().type() + "@" + a.message().get("hg").orElse("?"), 1, Integer::sum);
                }
            }
        }
        System.out.println("RECORDED " + n + " packets of " + src + " " + types);
    }

    private static void replay(String key, java.nio.file.Path file, int tail, long ms, List<String> targets)
            throws Exception {
        PacketCodec reader = new PacketCodec(() -> AuthKeys.single(1, AuthMethod.SHA1, key));
        List<byte[]> all = new ArrayList<>();
        List<String> hg = new ArrayList<>();
        List<String> what = new ArrayList<>();
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
                java.nio.file.Files.newInputStream(file)))) {
            while (in.available() > 0) {
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                Message m = ((Decoded.Accepted) reader.decode(b)).message(); // read in clear: hg, t, seq
                all.add(b);
                hg.add(m.get("hg").orElse(""));
                what.add(m.type() + "@" + m.get("hg").orElse("?") + "/" + m.get("seq").orElse("-"));
            }
        }
        int last = hg.lastIndexOf(hg.isEmpty() ? "" : hg.get(0));
        List<byte[]> packets = new ArrayList<>();
        List<String> chosen = new ArrayList<>();
        for (int i = Math.max(0, last - tail + 1); i <= last && !all.isEmpty(); i++) {
            packets.add(all.get(i));
            chosen.add(what.get(i));
        }
        long sent = 0;
        try (DatagramSocket socket = new DatagramSocket()) {
            long stop = System.currentTimeMillis() + ms;
            for (int i = 0; !packets.isEmpty() && System.currentTimeMillis() < stop; i = (i + 1) % packets.size()) {
                sent += sendAll(socket, packets.get(i), targets);
                Thread.sleep(20);
            }
        }
        System.out.println("SENT " + sent + " replayed packets, round and round: " + chosen);
    }

    /** A socket on the medium's port that has joined its group ({@code group:port:dev}), reads time out in 200 ms. */
    private static java.net.MulticastSocket joined(String listen) throws java.io.IOException {
        String[] l = listen.split(":");
        java.net.MulticastSocket socket = new java.net.MulticastSocket(null);
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(Integer.parseInt(l[1])));
        socket.joinGroup(new InetSocketAddress(l[0], 0), java.net.NetworkInterface.getByName(l[2]));
        socket.setSoTimeout(200);
        return socket;
    }

    private static int sendAll(DatagramSocket socket, byte[] packet, List<String> targets) throws java.io.IOException {
        for (String t : targets) {
            int colon = t.lastIndexOf(':');
            socket.send(new DatagramPacket(packet, packet.length,
                    new InetSocketAddress(t.substring(0, colon), Integer.parseInt(t.substring(colon + 1)))));
        }
        return targets.size();
    }

    /** A netstring status "from linux1" with a random 40-hex signature, padded to about {@code size} bytes. */
    static byte[] forgedStatus(int size, Random random) {
        StringBuilder fields = new StringBuilder("###\n");
        for (String nv : List.of("t=status", "st=active", "src=linux1", "seq=" + Integer.toHexString(random.nextInt(1 << 20)),
                "hg=" + Long.toHexString(1_700_000_000L + random.nextInt(1000)), "ts=" + Long.toHexString(System.currentTimeMillis() / 1000))) {
            fields.append(3 + nv.length()).append(":(0)").append(nv).append(',');
        }
        int pad = size - fields.length() - 4 - 46 - 10;
        if (pad > 0) {
            String v = "x=" + "A".repeat(pad);
            fields.append(3 + v.length()).append(":(0)").append(v).append(',');
        }
        byte[] digest = new byte[20];
        random.nextBytes(digest);
        fields.append("%%%\n").append("42:1 ").append(HexFormat.of().formatHex(digest)).append(',');
        return fields.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void flood(long ms, String target, int port) throws Exception {
        InetSocketAddress to = new InetSocketAddress(target, port);
        AtomicLong packets = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long end = System.currentTimeMillis() + ms;
        for (int size : new int[] {65_000, 100}) {
            Thread t = new Thread(() -> {
                Random random = new Random(size);
                List<DatagramChannel> pool = new ArrayList<>();
                try {
                    for (int i = 0; i < 256; i++) {
                        DatagramChannel ch = DatagramChannel.open();
                        ch.bind(new InetSocketAddress(0));
                        pool.add(ch);
                    }
                    List<ByteBuffer> variants = new ArrayList<>();
                    for (int i = 0; i < 64; i++) {
                        variants.add(ByteBuffer.wrap(forgedStatus(size, random)));
                    }
                    while (System.currentTimeMillis() < end) {
                        for (int i = 0; i < 64; i++) {
                            ByteBuffer b = variants.get(random.nextInt(variants.size())).duplicate();
                            int n = b.remaining();
                            try {
                                pool.get(random.nextInt(pool.size())).send(b, to);
                                packets.incrementAndGet();
                                bytes.addAndGet(n);
                            } catch (java.io.IOException e) {
                                // ENOBUFS and the like under load: the flood goes on
                            }
                        }
                    }
                } catch (java.io.IOException e) {
                    System.out.println("flood thread failed: " + e);
                } finally {
                    for (DatagramChannel ch : pool) {
                        try {
                            ch.close();
                        } catch (java.io.IOException e) {
                            // done
                        }
                    }
                }
            }, "flood-" + size);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.printf("SENT %d packets, %.1f MB in %.0f s: %.0f packets/s, %.1f Mbit/s%n", packets.get(),
                bytes.get() / 1e6, ms / 1000.0, packets.get() * 1000.0 / ms, bytes.get() * 8.0 / 1000 / ms);
    }

    private AttackTool() {
    }
}
