package io.vigil.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vigil.config.AuthKeys;
import io.vigil.config.AuthMethod;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Real Heartbeat 3.0.6 traffic (lab capture, authkeys {@code 1 sha1 MaClefSecrete}): every packet must decode,
 * verify, and re-encode to exactly the bytes Heartbeat sent (which also proves the inner {@code auth} field).
 */
class CapturedPacketsTest {

    private static final AuthKeys KEYS = AuthKeys.single(1, AuthMethod.SHA1, "MaClefSecrete");
    private static final String CORPUS = "data/heartbeat-3.0.6-sha1-capture.pcap.gz";

    @Test
    void selectedPacketsCoverEveryMessageTypeAndVerify() throws IOException {
        List<Pcap.Payload> payloads;
        try (InputStream in = getClass().getResourceAsStream("/wire/heartbeat-3.0.6-packets-selected.pcap")) {
            assertNotNull(in, "test resource missing");
            payloads = Pcap.heartbeatPayloads(in, 694);
        }
        Map<String, Integer> types = verifyAll(payloads);
        assertEquals(new TreeSet<>(List.of("status", "NS_st", "NS_ackmsg", "starting", "resource", "ask_resources",
                "ip-request-resp", "hb_takeover", "shutdone", "stonith", "reqnodes", "repnodes")), types.keySet());
        assertEquals(22, payloads.size(), "the annotated dump has 22 packets");
    }

    @Test
    void everyPacketOfTheFullCaptureVerifies() throws IOException {
        Optional<Path> corpus = sharedFile(CORPUS);
        assumeTrue(corpus.isPresent(), "shared data not beside the repository: " + CORPUS);
        List<Pcap.Payload> payloads;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(corpus.get()))) {
            payloads = Pcap.heartbeatPayloads(in, 694);
        }
        assertEquals(4675, payloads.size(), "run 2 of the lab: 4675 packets");
        Map<String, Integer> types = verifyAll(payloads);
        System.out.println("captured packets by type: " + types);

        // Real traffic, in capture order, through the receive tracking: nothing may be taken for a replay.
        PacketCodec codec = new PacketCodec(() -> KEYS);
        SequenceTracker tracker = new SequenceTracker("observer", new java.util.Random(7), 250);
        Map<SequenceTracker.Verdict, Integer> verdicts = new java.util.EnumMap<>(SequenceTracker.Verdict.class);
        long now = 0;
        for (Pcap.Payload p : payloads) {
            Message m = ((Decoded.Accepted) codec.decode(p.data(), 0, p.data().length)).message();
            verdicts.merge(tracker.accept(now += 10, m), 1, Integer::sum);
        }
        List<WireLog> logs = tracker.drainLogs();
        System.out.println("tracker verdicts: " + verdicts + ", " + logs.size() + " log lines");
        assertEquals(null, verdicts.get(SequenceTracker.Verdict.REPLAY));
        assertEquals(null, verdicts.get(SequenceTracker.Verdict.STALE));
        assertEquals(20, verdicts.get(SequenceTracker.Verdict.RESTARTED), "linux1/linux2 restarts in the capture");
        // The capture reorders a few packets: each gap must close again, as in Heartbeat's own logs
        // ("1 lost packet(s) for [linux1] [13:15]" then "No pkts missing from linux1!").
        long gaps = logs.stream().filter(l -> l.text().contains("lost packet(s)")).count();
        long closed = logs.stream().filter(l -> l.text().startsWith("No pkts missing from")).count();
        assertTrue(gaps > 0);
        assertEquals(gaps, closed);
        assertEquals(List.of(), tracker.missingOf("linux1"));
        assertEquals(List.of(), tracker.missingOf("linux2"));
    }

    private static Map<String, Integer> verifyAll(List<Pcap.Payload> payloads) {
        PacketCodec codec = new PacketCodec(() -> KEYS);
        Map<String, Integer> types = new TreeMap<>();
        for (Pcap.Payload p : payloads) {
            Decoded d = codec.decode(p.data(), 0, p.data().length);
            Decoded.Accepted a = assertInstanceOf(Decoded.Accepted.class, d, () -> p.source() + " " + p.kind() + ": " + d);
            assertEquals(Decoded.Format.NETSTRING, a.format());
            assertArrayEquals(p.data(), codec.encode(a.message()),
                    () -> "re-encoding differs for " + p.source() + " " + a.message());
            types.merge(a.message().type(), 1, Integer::sum);
        }
        return types;
    }

    /** {@code ../shared/<rel>} beside the repository (CI), or beside the worktree directory (development). */
    static Optional<Path> sharedFile(String relative) {
        String configured = System.getProperty("vigil.shared.dir");
        Stream<Path> candidates = configured != null
                ? Stream.of(Path.of(configured))
                : Stream.of(Path.of("..", "shared"), Path.of("..", "..", "shared"));
        return candidates.map(dir -> dir.resolve(relative)).filter(Files::isRegularFile).findFirst();
    }

    @Test
    void sharedLookupNeverFailsWhenAbsent() {
        assertTrue(sharedFile("no/such/file").isEmpty());
    }
}
