package io.vigil.intake;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14 item 3: per-source (address) budget of unauthenticated work, trusted endpoints exempt. */
class SourceBudgetTest {

    static InetSocketAddress at(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int admitted(SourceBudget b, String ip, int count, int length, long now, boolean randomPorts) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (b.admit(at(ip, randomPorts ? 1024 + i % 60000 : 5000), length, now)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void anUntrustedAddressGetsItsBurstThenItsRateWhateverItsPorts() {
        SourceBudget b = new SourceBudget(60_000);
        assertEquals(100, admitted(b, "203.0.113.9", 10_000, 100, 0, true), "burst of 100 small packets");
        assertEquals(0, admitted(b, "203.0.113.9", 10_000, 100, 0, true));
        assertEquals(50, admitted(b, "203.0.113.9", 10_000, 100, 1_000, true), "50 per second after");
    }

    @Test
    void bigPacketsCostMore() {
        SourceBudget b = new SourceBudget(60_000);
        assertEquals(1, admitted(b, "203.0.113.9", 100, 65_000, 0, true), "a 64 KB packet costs 64 units of the 100");
    }

    @Test
    void aTrustedEndpointIsNeverLimitedEvenWhenItsAddressIsFlooded() {
        SourceBudget b = new SourceBudget(60_000);
        InetSocketAddress peer = at("192.0.2.12", 33000);
        assertTrue(b.admit(peer, 300, 0));
        b.authenticated(peer, 0);
        // a flood spoofing the peer's address from random ports drains the address's budget ...
        admitted(b, "192.0.2.12", 10_000, 100, 10, true);
        assertFalse(b.admit(at("192.0.2.12", 44444), 100, 10));
        // ... but the peer's own socket keeps being heard
        for (int t = 10; t < 5_000; t += 100) {
            assertTrue(b.admit(peer, 300, t));
            b.authenticated(peer, t);
        }
    }

    @Test
    void trustExpires() {
        SourceBudget b = new SourceBudget(1_000);
        InetSocketAddress peer = at("192.0.2.12", 33000);
        b.authenticated(peer, 0);
        admitted(b, "192.0.2.12", 10_000, 100, 0, true);
        assertTrue(b.admit(peer, 100, 999));
        admitted(b, "192.0.2.12", 10_000, 100, 1_000, true);
        assertFalse(b.admit(peer, 100, 1_000), "no authenticated packet for 1 s: back under the address's budget");
    }

    @Test
    void spoofingManyAddressesHitsTheSharedBudget() {
        SourceBudget b = new SourceBudget(60_000);
        int n = 0;
        for (int i = 0; i < 100_000; i++) {
            if (b.admit(at("198.51." + (i / 250 % 250) + "." + (i % 250), 1000), 100, 0)) {
                n++;
            }
        }
        assertEquals((int) SourceBudget.ALL_SOURCES_BURST, n);
    }

    @Test
    void itsMemoryIsBounded() {
        SourceBudget b = new SourceBudget(60_000);
        for (int i = 0; i < 3 * SourceBudget.MAX_SOURCES; i++) {
            b.admit(at("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 1), 10, i);
            b.authenticated(at("192.0.2.1", i), i);
        }
        // no assertion on internals beyond behaviour: the most recent endpoint is still trusted
        assertTrue(b.admit(at("192.0.2.1", 3 * SourceBudget.MAX_SOURCES - 1), 100_000, 3 * SourceBudget.MAX_SOURCES));
    }
}
