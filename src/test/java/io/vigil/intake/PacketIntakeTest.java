package io.vigil.intake;

import io.vigil.config.AuthKeys;
import io.vigil.config.AuthMethod;
import io.vigil.transport.Inbound;
import io.vigil.wire.DropReason;
import io.vigil.wire.Message;
import io.vigil.wire.PacketCodec;
import io.vigil.wire.Stamper;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.vigil.intake.SourceBudgetTest.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14 items 1 and 3: the intake drops unlisted sources, over-budget sources and forgeries, and hands on the rest. */
class PacketIntakeTest {

    static final AuthKeys KEYS = AuthKeys.single(1, AuthMethod.SHA1, "cluster-key");
    final PacketCodec codec = new PacketCodec(() -> KEYS);
    final List<String> drops = new ArrayList<>();
    final List<PacketIntake.Accepted> delivered = new ArrayList<>();
    final AtomicLong now = new AtomicLong();
    final PacketIntake intake = new PacketIntake(codec, new SourceBudget(60_000),
            (reason, address, detail) -> drops.add(reason + " " + address), delivered::add, now::get);
    final Stamper linux2 = new Stamper("linux2", new byte[16], 1, 3);

    byte[] status(PacketCodec signer) {
        return signer.encode(linux2.stamp(Message.of("status").add("st", "active"), 0x65a1b2c3L, "n/a"));
    }

    void receive(byte[] data, InetSocketAddress from, boolean listed) {
        intake.receive(new Inbound(data, "eth0", from, listed));
    }

    @Test
    void anAuthenticatedPacketIsDeliveredWithItsOrigin() {
        InetSocketAddress peer = at("192.0.2.12", 33000);
        receive(status(codec), peer, true);
        assertEquals(List.of(), drops);
        assertEquals(1, delivered.size());
        assertEquals("linux2", delivered.get(0).message().get("src").orElseThrow());
        assertEquals(peer, delivered.get(0).sender());
        assertEquals("eth0", delivered.get(0).link());
    }

    @Test
    void aSourceNoUcastLineNamesIsDroppedUnread() {
        receive(status(codec), at("203.0.113.66", 694), false);
        assertEquals(List.of("UNLISTED_SOURCE 203.0.113.66"), drops);
        assertEquals(List.of(), delivered);
    }

    @Test
    void aForgeryIsCountedWithTheAddressAndNoPort() {
        receive(status(new PacketCodec(() -> AuthKeys.single(1, AuthMethod.SHA1, "guess"))), at("203.0.113.66", 40000), true);
        assertEquals(List.of("BAD_AUTH 203.0.113.66"), drops);
    }

    @Test
    void aFloodFromRandomPortsIsCutOffWhileThePeerIsStillHeard() {
        InetSocketAddress peer = at("192.0.2.12", 33000);
        receive(status(codec), peer, true);
        byte[] junk = status(new PacketCodec(() -> AuthKeys.single(1, AuthMethod.SHA1, "guess")));
        for (int i = 0; i < 5_000; i++) {
            receive(junk, at("192.0.2.12", 1024 + i), true);   // spoofs the peer's address, not its socket
            receive(junk, at("203.0.113.66", 1024 + i), true);
            if (i % 500 == 0) {
                receive(status(codec), peer, true);
            }
        }
        assertEquals(11, delivered.size(), "every packet of the peer's socket");
        Map<String, Long> byReason = drops.stream().collect(java.util.stream.Collectors.groupingBy(
                d -> d.substring(0, d.indexOf(' ')), java.util.stream.Collectors.counting()));
        // the two bursts of 100, less the unit the peer's first packet (untrusted then) took from its address
        assertEquals(199, byReason.get("BAD_AUTH"), "only the two bursts were decoded: " + byReason);
        assertEquals(9_801, byReason.get("RATE_LIMITED"));
        assertTrue(drops.contains("RATE_LIMITED 203.0.113.66"));
    }
}
