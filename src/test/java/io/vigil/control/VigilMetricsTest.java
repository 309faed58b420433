package io.vigil.control;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class VigilMetricsTest {

    @Test
    void countersAndTimers() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        VigilMetrics m = new VigilMetrics(reg);
        m.packetSent("eth0");
        m.packetSent("eth0");
        m.packetReceived("eth1");
        m.packetDropped("auth");
        m.failover("192.0.2.253", "node_dead");
        m.resourceOperation("start", Duration.ofMillis(40), true);
        m.resourceOperation("stop", Duration.ofMillis(5), false);
        m.keepaliveInterArrival("bob", 1003);
        assertEquals(2, reg.get("vigil.packets.sent").tag("link", "eth0").counter().count());
        assertEquals(1, reg.get("vigil.packets.received").tag("link", "eth1").counter().count());
        assertEquals(1, reg.get("vigil.packets.dropped").tag("reason", "auth").counter().count());
        assertEquals(1, reg.get("vigil.failovers").tags("group", "192.0.2.253", "reason", "node_dead").counter().count());
        assertEquals(1, reg.get("vigil.resource.operation").tags("op", "start", "outcome", "ok").timer().count());
        assertEquals(1, reg.get("vigil.resource.operation.failures").tag("op", "stop").counter().count());
        assertNull(reg.find("vigil.resource.operation.failures").tag("op", "start").counter());
        assertEquals(1003, reg.get("vigil.keepalive.interarrival").tag("node", "bob").timer().max(java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    /** Issue 14 item 1: an active crc key is visible as a metric, and follows a reload. */
    @Test
    void insecureAuthGauge() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        VigilMetrics m = new VigilMetrics(reg);
        AtomicReference<io.vigil.config.AuthKeys> keys = new AtomicReference<>(
                io.vigil.config.AuthKeys.single(1, io.vigil.config.AuthMethod.CRC, null));
        m.bindAuth(keys::get);
        assertEquals(1.0, reg.get("vigil.auth.insecure").gauge().value());
        keys.set(io.vigil.config.AuthKeys.single(2, io.vigil.config.AuthMethod.SHA1, "k"));
        assertEquals(0.0, reg.get("vigil.auth.insecure").gauge().value());
    }

    @Test
    void gaugesFollowTheStatusAndRebind() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        VigilMetrics m = new VigilMetrics(reg);
        AtomicReference<StatusReport> status = new AtomicReference<>(FakeControlHandler.sample());
        m.bindStatus(status::get);
        assertEquals(1.0, reg.get("vigil.node.status").tags("node", "bob", "status", "dead").gauge().value());
        assertEquals(0.0, reg.get("vigil.node.status").tags("node", "bob", "status", "active").gauge().value());
        assertEquals(0.0, reg.get("vigil.link.up").tags("node", "bob", "link", "eth0").gauge().value());
        assertEquals(1.0, reg.get("vigil.link.up").tags("node", "bob", "link", "eth1").gauge().value());
        assertEquals(1.0, reg.get("vigil.group.held").tag("group", "198.51.100.7").gauge().value());
        assertEquals(0.0, reg.get("vigil.in.transition").gauge().value());

        StatusReport s = FakeControlHandler.sample();
        StatusReport alone = new StatusReport(s.node(), s.version(), s.pid(), s.uptimeMs(), s.localStatus(), s.autoFailback(),
                s.nodes().subList(0, 1), List.of(), "transition", List.of(), s.parameters());
        status.set(alone);
        m.bindStatus(status::get);   // after a reload: bob and the groups are gone
        assertNull(reg.find("vigil.node.status").tag("node", "bob").gauge());
        assertNull(reg.find("vigil.group.held").gauge());
        assertEquals(1.0, reg.get("vigil.in.transition").gauge().value());
    }
}
