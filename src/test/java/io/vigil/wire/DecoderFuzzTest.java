package io.vigil.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vigil.config.AuthKey;
import io.vigil.config.AuthKeys;
import io.vigil.config.AuthMethod;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the receive path: 10^6 inputs derived from real and reference packets must never make
 * {@link PacketCodec#decodeUnchecked} (the decoder without its catch-all) throw. A share of the mutants is re-signed
 * with the right key so that the code after authentication (field checks, sequence tracking, retransmission answers)
 * sees hostile content too. Deterministic: the seed is fixed and printed with any failure.
 */
class DecoderFuzzTest {

    /** At least 10^6 by default; {@code -Dvigil.fuzz.inputs=N} for longer sessions. */
    private static final int INPUTS = Math.max(1_000_000, Integer.getInteger("vigil.fuzz.inputs", 0));
    private static final long SEED = 0x5eed_1e55_0694L;
    private static final byte[] INTERESTING = "#%\n:,()=0123456789<>\u0013\u0000 1".getBytes(StandardCharsets.ISO_8859_1);

    private static final byte[] KEY = "MaClefSecrete".getBytes(StandardCharsets.US_ASCII);
    /** Active sha1 like the capture, plus md5 and crc entries so other index paths are reachable. */
    private static final AuthKeys KEYS = new AuthKeys(1, Map.of(
            1, new AuthKey(1, AuthMethod.SHA1, KEY),
            2, new AuthKey(2, AuthMethod.MD5, KEY),
            3, new AuthKey(3, AuthMethod.CRC, new byte[0])));

    @Test
    void noInputMakesTheDecoderThrow() throws IOException {
        PacketCodec codec = new PacketCodec(() -> KEYS);
        List<byte[]> seeds = seeds(codec);
        SplittableRandom random = new SplittableRandom(SEED);
        SequenceTracker tracker = new SequenceTracker("linux1", new java.util.Random(SEED), 250);
        SendHistory history = new SendHistory(250);
        Map<DropReason, Integer> rejected = new EnumMap<>(DropReason.class);
        int accepted = 0;
        long cpuStart = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = mutate(seeds, random);
            if (random.nextInt(8) == 0) {
                input = resign(input, random);
            }
            Decoded d;
            try {
                d = codec.decodeUnchecked(input, 0, input.length);
            } catch (Throwable t) {
                fail("input #" + i + " (seed " + SEED + ") threw " + t + ": " + HexFormat.of().formatHex(input), t);
                return;
            }
            if (d instanceof Decoded.Accepted a) {
                accepted++;
                Message m = a.message();
                assertTrue(m.has("t") && m.has("src") && m.has("ts"), () -> "accepted without mandatory fields: " + m);
                try {
                    tracker.accept(i, m);
                    if ((accepted & 1023) == 0) {
                        tracker.due(i); // not every time: mutated src names make thousands of tracked "nodes"
                    }
                    history.answer(m, "linux1", i);
                } catch (Throwable t) {
                    fail("post-decode handling of input #" + i + " threw " + t + ": " + m, t);
                }
            } else {
                Decoded.Rejected r = (Decoded.Rejected) d;
                rejected.merge(r.reason(), 1, Integer::sum);
                assertTrue(!r.detail().contains("\n") && r.detail().length() < 300, () -> "unsafe log detail: " + r.detail());
            }
        }
        long cpuMs = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart) / 1_000_000;
        System.out.printf("fuzz: %d inputs in %d ms of CPU, %d accepted, rejected %s%n", INPUTS, cpuMs, accepted, rejected);
        // The fuzzer must actually reach every decision of the decoder, or it proves little.
        assertTrue(accepted > 1000, "accepted " + accepted);
        for (DropReason reason : List.of(DropReason.MALFORMED, DropReason.MISSING_AUTH, DropReason.BAD_AUTH,
                DropReason.UNKNOWN_KEY_INDEX, DropReason.MISSING_FIELDS, DropReason.BAD_FIELD)) {
            assertTrue(rejected.getOrDefault(reason, 0) > 0, "never produced " + reason + ": " + rejected);
        }
        assertEquals(INPUTS, accepted + rejected.values().stream().mapToInt(Integer::intValue).sum());
    }

    private static List<byte[]> seeds(PacketCodec codec) throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        try (InputStream in = DecoderFuzzTest.class.getResourceAsStream("/wire/heartbeat-3.0.6-packets-selected.pcap")) {
            for (Pcap.Payload p : Pcap.heartbeatPayloads(in, 694)) {
                seeds.add(p.data());
            }
        }
        Message status = Vectors.stampedStatus();
        seeds.add(codec.encode(status));
        seeds.add(codec.encodeClassic(status).getBytes(StandardCharsets.ISO_8859_1));
        seeds.add(Vectors.statusPacket());
        for (String s : List.of(">>>\nt=a=b\n<<<\n", ">>>\nt=x\nt=y\n<<<\n", "###\n11:(0)t=status,8:(0)src=a,%%%\n",
                ">>>\nt=x\ninfo=line1\u0013line2\n<<<\n\u0000")) {
            seeds.add(s.getBytes(StandardCharsets.ISO_8859_1));
        }
        return seeds;
    }

    private static byte[] mutate(List<byte[]> seeds, SplittableRandom r) {
        if (r.nextInt(50) == 0) {
            byte[] noise = new byte[r.nextInt(64)];
            r.nextBytes(noise);
            return noise;
        }
        byte[] b = seeds.get(r.nextInt(seeds.size())).clone();
        int rounds = 1 + r.nextInt(4);
        for (int k = 0; k < rounds; k++) {
            b = mutateOnce(b, seeds, r);
        }
        return b;
    }

    private static byte[] mutateOnce(byte[] b, List<byte[]> seeds, SplittableRandom r) {
        int n = b.length;
        switch (r.nextInt(9)) {
            case 0 -> { // flip a bit
                if (n > 0) {
                    b[r.nextInt(n)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> { // a structurally interesting byte
                if (n > 0) {
                    b[r.nextInt(n)] = INTERESTING[r.nextInt(INTERESTING.length)];
                }
            }
            case 2 -> { // insert
                int at = r.nextInt(n + 1);
                byte[] out = new byte[n + 1];
                System.arraycopy(b, 0, out, 0, at);
                out[at] = r.nextBoolean() ? INTERESTING[r.nextInt(INTERESTING.length)] : (byte) r.nextInt(256);
                System.arraycopy(b, at, out, at + 1, n - at);
                return out;
            }
            case 3 -> { // delete a range
                if (n > 0) {
                    int from = r.nextInt(n);
                    int to = Math.min(n, from + 1 + r.nextInt(16));
                    byte[] out = new byte[n - (to - from)];
                    System.arraycopy(b, 0, out, 0, from);
                    System.arraycopy(b, to, out, from, n - to);
                    return out;
                }
            }
            case 4 -> { // duplicate a range
                if (n > 0) {
                    int from = r.nextInt(n);
                    int len = Math.min(n - from, 1 + r.nextInt(32));
                    int at = r.nextInt(n + 1);
                    byte[] out = new byte[n + len];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, from, out, at, len);
                    System.arraycopy(b, at, out, at + len, n - at);
                    return out;
                }
            }
            case 5 -> { // truncate
                return Arrays.copyOf(b, r.nextInt(n + 1));
            }
            case 6 -> { // splice with another seed
                byte[] other = seeds.get(r.nextInt(seeds.size()));
                int cut = r.nextInt(n + 1);
                int from = r.nextInt(other.length + 1);
                byte[] out = Arrays.copyOf(b, cut + other.length - from);
                System.arraycopy(other, from, out, cut, other.length - from);
                return out;
            }
            case 7 -> { // bump a digit (netstring lengths, seq, hg, ts, index)
                for (int tries = 0; tries < 8 && n > 0; tries++) {
                    int at = r.nextInt(n);
                    if (b[at] >= '0' && b[at] <= '9') {
                        b[at] = (byte) ('0' + r.nextInt(10));
                        break;
                    }
                }
            }
            default -> { // extreme lengths
                if (n > 0) {
                    int at = r.nextInt(n);
                    byte[] big = Integer.toString(r.nextBoolean() ? Integer.MAX_VALUE : r.nextInt(1_000_000)).getBytes(StandardCharsets.US_ASCII);
                    byte[] out = new byte[n + big.length];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(big, 0, out, at, big.length);
                    System.arraycopy(b, at, out, at + big.length, n - at);
                    return out;
                }
            }
        }
        return b;
    }

    /** Gives a mutant a valid signature, so that the checks behind authentication see it. */
    private static byte[] resign(byte[] input, SplittableRandom r) {
        String s = new String(input, StandardCharsets.ISO_8859_1);
        int end = s.indexOf("%%%\n");
        if (s.startsWith("###\n") && end >= 0) {
            byte[] signed = Arrays.copyOf(input, end + 4);
            int index = r.nextInt(10) == 0 ? 3 : 1;
            AuthMethod method = index == 3 ? AuthMethod.CRC : AuthMethod.SHA1;
            byte[] token = NetstringFormat.token(index, AuthDigest.digest(method, KEY, signed));
            return PacketCodecTest.concat(signed, token);
        }
        return input;
    }
}
