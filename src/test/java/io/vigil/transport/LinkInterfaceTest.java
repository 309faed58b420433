package io.vigil.transport;

import io.vigil.config.Medium;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Interface lookups only (no traffic): a missing device and the loopback device, which has no broadcast address. */
class LinkInterfaceTest {

    @Test
    void missingInterfaceNamesDirectiveAndDevice() throws Exception {
        TransportException e = assertThrows(TransportException.class,
                () -> LinkInterface.resolve(new Medium.Ucast("vt-tr-none0", InetAddress.getByName("192.0.2.2"), 694)));
        assertEquals("ucast vt-tr-none0: interface does not exist — check the ucast line in ha.cf", e.getMessage());
    }

    @Test
    void bcastNeedsABroadcastAddress() {
        TransportException e = assertThrows(TransportException.class,
                () -> LinkInterface.resolve(new Medium.Bcast("lo", 694)));
        assertEquals("bcast lo: interface has no IPv4 broadcast address (point-to-point or loopback?) — check the"
                + " bcast line in ha.cf; use ucast on such a link", e.getMessage());
    }

    @Test
    void ucastOnLoopbackResolvesWithoutBroadcast() throws Exception {
        LinkInterface lo = LinkInterface.resolve(new Medium.Ucast("lo", InetAddress.getByName("127.0.0.2"), 694));
        assertEquals("127.0.0.1", lo.address().getHostAddress());
        assertEquals(8, lo.prefixLength());
        assertNull(lo.broadcast());
    }
}
