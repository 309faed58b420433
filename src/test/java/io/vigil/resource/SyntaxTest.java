package io.vigil.resource;

import io.vigil.config.ResourceSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SpecSyntax, IpAddrArgument, StatusRule: the pure parts. */
class SyntaxTest {

    @Test
    void resourceTokens() {
        assertEquals(new ResourceSpec("IPaddr", List.of("10.0.0.5"), "10.0.0.5"), SpecSyntax.parse("10.0.0.5"));
        assertEquals(List.of("10.0.0.5/24/eth1"), SpecSyntax.parse("10.0.0.5/24/eth1").args());
        ResourceSpec fs = SpecSyntax.parse("Filesystem::/dev/sda1::/data::ext4");
        assertEquals("Filesystem", fs.agent());
        assertEquals(List.of("/dev/sda1", "/data", "ext4"), fs.args());
        assertEquals("apache", SpecSyntax.parse("apache").agent());
        ResourceSpec ocf = SpecSyntax.parse("ocf:heartbeat:IPaddr2::ip=192.0.2.10::cidr_netmask=24");
        assertEquals("ocf:heartbeat:IPaddr2", ocf.agent());
        assertEquals(List.of("ip=192.0.2.10", "cidr_netmask=24"), ocf.args());
        assertThrows(IllegalArgumentException.class, () -> SpecSyntax.parse("ocf:heartbeat::x=1"));
        assertThrows(IllegalArgumentException.class, () -> SpecSyntax.parse("ocf:heartbeat:Dummy::novalue"));
        assertThrows(IllegalArgumentException.class, () -> SpecSyntax.parse("Dummy::"));
        assertThrows(IllegalArgumentException.class, () -> SpecSyntax.parse(" "));
    }

    @Test
    void ipaddrArgumentForms() {
        IpAddrArgument a = IpAddrArgument.parse("10.0.0.5");
        assertTrue(a.prefix().isEmpty() && a.nic().isEmpty() && a.broadcast().isEmpty());
        a = IpAddrArgument.parse("10.0.0.5/24/eth1:vip/10.0.0.255");
        assertEquals(24, a.prefix().getAsInt());
        assertEquals("eth1", a.nic().get());
        assertEquals("vip", a.label().get());
        assertEquals("10.0.0.255", a.broadcast().get().getHostAddress());
        a = IpAddrArgument.parse("10.0.0.5/24/10.0.0.255");
        assertTrue(a.nic().isEmpty());
        assertEquals("10.0.0.255", a.broadcast().get().getHostAddress());
        assertEquals(24, IpAddrArgument.parse("10.0.0.5/255.255.255.0").prefix().getAsInt());
        a = IpAddrArgument.parse("2001:db8:0:0:0:0:0:10/64/eth0");
        assertTrue(a.ipv6());
        assertEquals(64, a.prefix().getAsInt());
        assertEquals("10.0.0.255", IpAddrArgument.defaultBroadcast(IpAddrArgument.parse("10.0.0.5").address(), 24));
        assertEquals("192.0.2.127", IpAddrArgument.defaultBroadcast(IpAddrArgument.parse("192.0.2.10").address(), 25));
    }

    @Test
    void badIpaddrArgumentsSayWhatIsWrong() {
        assertMessage("10.0.0.256", "is not an IPv4 or IPv6 address");
        assertMessage("10.0.0.5/33", "not a prefix length (1-32)");
        assertMessage("10.0.0.5/255.0.255.0", "not contiguous");
        assertMessage("10.0.0.5/24/eth0:averyverylonglabel", "longer than 15");
        assertMessage("10.0.0.5/24/10.0.0.255/eth0", "nothing may follow");
        assertMessage("2001:db8:0:0:0:0:0:10/64/eth0:x", "only for IPv4");
        assertMessage("www.example.org", "not an IPv4 or IPv6 address");
    }

    private static void assertMessage(String arg, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpAddrArgument.parse(arg));
        assertTrue(e.getMessage().contains(part) && e.getMessage().contains(arg), e.getMessage());
    }

    @Test
    void statusTextIsReadAsHeartbeatDoes() {
        // §9.8: running, Running OK, OK → owned; "nginx is not running", stopped, empty → not owned
        assertEquals(ResourceState.RUNNING, StatusRule.byText("running").orElseThrow());
        assertEquals(ResourceState.RUNNING, StatusRule.byText("INFO:  Running OK").orElseThrow());
        assertEquals(ResourceState.RUNNING, StatusRule.byText("OK").orElseThrow());
        assertEquals(ResourceState.STOPPED, StatusRule.byText("nginx is not running").orElseThrow());
        assertEquals(ResourceState.STOPPED, StatusRule.byText("stopped").orElseThrow());
        assertTrue(StatusRule.byText("").isEmpty());
    }

    @Test
    void textWinsOverTheExitCodeWithAWarning() {
        StatusRule.Verdict v = StatusRule.judge("x", 3, "running", false);
        assertEquals(ResourceState.RUNNING, v.state());
        assertTrue(v.warnings().get(0).contains("contradicts"), v.warnings().toString());
        v = StatusRule.judge("x", 0, "x is active", false);
        assertEquals(ResourceState.RUNNING, v.state());
        assertTrue(v.warnings().get(0).contains("Heartbeat would judge it not running"));
        assertEquals(ResourceState.STOPPED, StatusRule.judge("x", 3, "", false).state());
        assertTrue(StatusRule.judge("x", 3, "stopped", false).warnings().isEmpty());
        assertEquals(ResourceState.UNKNOWN, StatusRule.judge("x", 4, "", false).state());
        assertEquals(ResourceState.UNKNOWN, StatusRule.judge("x", 0, "running", true).state());
    }

    @Test
    void durations() {
        assertEquals(30_000, ResourceSettings.parseDuration("t", "30").toMillis());
        assertEquals(500, ResourceSettings.parseDuration("t", "500ms").toMillis());
        assertEquals(1_500, ResourceSettings.parseDuration("t", "1.5s").toMillis());
        assertEquals(120_000, ResourceSettings.parseDuration("t", "2m").toMillis());
        assertEquals(30_000, ResourceSettings.parseDuration("t", "PT30S").toMillis());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResourceSettings.parseDuration("--timeout", "soon"));
        assertTrue(e.getMessage().startsWith("--timeout: not a duration: 'soon'"), e.getMessage());
    }
}
