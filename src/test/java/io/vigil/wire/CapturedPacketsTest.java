package io.vigil.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vigil.config.AuthKeys;
import io.vigil.config.AuthMethod;
import io.vigil.membership.Membership;
import io.vigil.membership.MembershipEvent;
import io.vigil.membership.MembershipSettings;

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

        // Real traffic, in capture order, through membership (generations) and its sequence tracking: nothing may
        // be taken for a replay or a stale packet, and every restart of the two nodes is seen.
        PacketCodec codec = new PacketCodec(() -> KEYS);
        Membership observer = new Membership(new MembershipSettings("observer", List.of("linux1", "linux2", "observer"),
                List.of(), List.of("eth0"), 1000, 10_000, 5000, 60_000, 10_000, 250), 0, new java.util.Random(7));
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> logs = new java.util.ArrayList<>();
        long now = 0;
        for (Pcap.Payload p : payloads) {
            Message m = ((Decoded.Accepted) codec.decode(p.data(), 0, p.data().length)).message();
            for (MembershipEvent e : observer.onMessage(now += 10, m, "eth0")) {
                if (e instanceof MembershipEvent.Log l) {
                    logs.add(l.text());
                } else {
                    String k = e instanceof MembershipEvent.Dropped d ? "dropped " + d.reason() : e.getClass().getSimpleName();
                    outcomes.merge(k, 1, Integer::sum);
                }
            }
        }
        System.out.println("membership outcomes: " + outcomes + ", " + logs.size() + " log lines");
        assertEquals(null, outcomes.get("dropped REPLAY"));
        assertEquals(null, outcomes.get("dropped STALE"));
        assertEquals(20, outcomes.get("NodeRestarted"), "linux1/linux2 restarts in the capture");
        // The capture reorders a few packets: each gap must close again, as in Heartbeat's own logs
        // ("1 lost packet(s) for [linux1] [13:15]" then "No pkts missing from linux1!").
        long gaps = logs.stream().filter(l -> l.contains("lost packet(s)")).count();
        long closed = logs.stream().filter(l -> l.startsWith("No pkts missing from")).count();
        assertTrue(gaps > 0);
        assertEquals(gaps, closed);
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
