package io.vigil.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ha.cf directives Heartbeat accepted that Vigil now acts on (issue 15 item 4): respawn/failfast, env, the IPv6
 * media mcast6/ucast6/ping6; the ping policy and control group settings; hbgenmethod/uuidfrom/msgfmt/log_badpack are
 * acted on, so never listed as ignored.
 */
class HeartbeatDirectivesTest {

    @TempDir
    Path tmp;
    ConfigFixture f;

    @BeforeEach
    void setUp() {
        f = new ConfigFixture(tmp);
    }

    private ConfigFixture haCf(String... lines) {
        return f.write("ha.cf", "bcast eth0\nnode linux1 linux2\nauto_failback on\n" + String.join("\n", lines) + "\n");
    }

    private List<String> messages(ClusterConfig c) {
        return c.warnings().stream().map(ConfigProblem::message).toList();
    }

    @Test
    void respawnLineIsAClientChildWithItsUserAndCommand() throws Exception {
        ClusterConfig c = haCf("respawn hacluster /bin/sleep 3600", "failfast root /bin/true").load();
        RespawnClient r = c.respawnClients().get(0);
        assertEquals(new RespawnClient("hacluster", 102, 105, "/bin/sleep 3600", Path.of("/bin/sleep"), false,
                Origin.at(tmp.resolve("ha.cf"), 4)), r);
        assertTrue(c.respawnClients().get(1).failfast());
        assertTrue(messages(c).stream().anyMatch(m -> m.startsWith("failfast child [/bin/true] is supervised like respawn, but Vigil does not reboot")),
                messages(c).toString());
        assertTrue(HaCfTest.setting(c, "respawn").actedOn());
        assertEquals("hacluster /bin/sleep 3600", HaCfTest.setting(c, "respawn").value());
    }

    @Test
    void heartbeatApiClientsAreAcceptedButNotStartedAndSaySo() throws Exception {
        ClusterConfig c = haCf("respawn hacluster /usr/lib/heartbeat/ipfail", "respawn hacluster /usr/lib/heartbeat/dopd").load();
        assertEquals(2, c.respawnClients().size());
        assertTrue(c.respawnClients().get(0).ipfail());
        assertTrue(c.respawnClients().stream().allMatch(RespawnClient::heartbeatApiClient));
        List<String> m = messages(c);
        assertTrue(m.contains("'respawn hacluster /usr/lib/heartbeat/ipfail' is not started: ipfail is a client of Heartbeat's API,"
                + " which Vigil does not provide"), m.toString());
        assertTrue(m.contains("'respawn hacluster /usr/lib/heartbeat/dopd' is not started: dopd is a client of Heartbeat's API,"
                + " which Vigil does not provide"), m.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "respawn nosuchuser /bin/true|ha.cf:4: Invalid uid [nosuchuser] specified for client child",
            "respawn root bin/true|ha.cf:4: Client child command [bin/true] is not full pathname",
            "respawn root /nonexistent/monitor -x|ha.cf:4: Client child command [/nonexistent/monitor] is not executable",
            "respawn root|ha.cf:4: Invalid respawn directive [root]",
            "env =x|ha.cf:4: set_env: invalid nvpair(=x)",
            "mcast6 eth0 2001:db8::1 694 1 0|ha.cf:4: mcast6 [eth0] bad addr [2001:db8::1]",
            "mcast6 eth0 ff15::1 694 5 0|ha.cf:4: mcast6 [eth0] bad hops [5]",
            "mcast6 eth0 ff15::1 694|ha.cf:4: mcast6 [eth0] missing hops",
            "mcast6 eth0 ff15::1 694 1 2|ha.cf:4: mcast6 [eth0] bad loop [2]",
            "ucast6 eth0|ha.cf:4: ucast6 [eth0] missing ucast6 address",
            "ucast6 eth0 192.0.2.2|ha.cf:4: ucast6 [eth0] bad addr [192.0.2.2]",
            "ping6 192.0.2.1|ha.cf:4: ping6 node [192.0.2.1] is not an IPv6 address"})
    void errors(String line, String expected) {
        List<String> p = haCf(line).problems();
        assertTrue(p.stream().anyMatch(s -> s.startsWith(tmp + "/" + expected)), () -> expected + " in " + p);
    }

    @Test
    void envLinesBecomeHaVariables() throws Exception {
        ClusterConfig c = haCf("env SITE=paris", "env FOO=bar,EMPTY=").load();
        assertEquals(Map.of("HA_SITE", "paris", "HA_FOO", "bar", "HA_EMPTY", ""), c.haEnv());
    }

    @Test
    void ipv6MediaAndPingNodes() throws Exception {
        ClusterConfig c = f.write("ha.cf", "udpport 700\nmcast6 eth0 ff15::694 694 1 0\nucast6 eth1 2001:db8::2\n"
                + "ucast6 eth1 fe80::2%eth1\nucast6 eth1 peer6.example\nping6 2001:db8::1\nnode linux1 linux2\nauto_failback on\n").load();
        assertEquals(List.of(
                new Medium.Mcast6("eth0", (Inet6Address) InetAddress.getByName("ff15::694"), 694, 1, false),
                new Medium.Ucast6("eth1", (Inet6Address) InetAddress.getByName("2001:db8::2"), 700),
                new Medium.Ucast6("eth1", (Inet6Address) InetAddress.getByName("fe80::2"), 700),
                new Medium.Ucast6("eth1", (Inet6Address) InetAddress.getByName("2001:db8::2"), 700)), c.media());
        assertTrue(c.media().stream().allMatch(Medium::ipv6));
        assertEquals(List.of(new PingNode("2001:db8::1", List.of(InetAddress.getByName("2001:db8::1")), false)), c.pingNodes());
        assertEquals(List.of("eth0", "eth1"), c.links());
        assertTrue(c.warnings().isEmpty(), c.warnings().toString());
    }

    @Test
    void aScopeOtherThanTheLinesDeviceWarns() throws Exception {
        ClusterConfig c = haCf("ucast6 eth1 fe80::2%eth2").load();
        assertTrue(messages(c).contains("ucast6 [eth1] peer [fe80::2%eth2] names scope eth2, not eth1"), messages(c).toString());
    }

    @Test
    void ipv6OnlyClusterIsValid() throws Exception {
        ClusterConfig c = f.write("ha.cf", "ucast6 eth0 2001:db8::1\nucast6 eth0 2001:db8::2\nnode linux1 linux2\nauto_failback on\n").load();
        assertEquals(2, c.media().size());
    }

    @Test
    void noDirectiveOfTheIssueIsListedAsIgnored() throws Exception {
        ClusterConfig c = haCf("hbgenmethod time", "uuidfrom nodename", "msgfmt netstring", "log_badpack off",
                "respawn root /bin/true", "env A=b", "mcast6 eth0 ff15::694 694 1 0").load();
        for (String d : List.of("hbgenmethod", "uuidfrom", "msgfmt", "log_badpack", "respawn", "env", "mcast6")) {
            assertTrue(HaCfTest.setting(c, d).actedOn(), d);
            assertFalse(messages(c).stream().anyMatch(m -> m.startsWith("'" + d + "' is accepted")), d + " " + messages(c));
        }
        assertEquals("time", c.hbgenmethod());
        assertEquals("nodename", c.uuidfrom());
        assertEquals("netstring", c.msgfmt());
        assertFalse(c.logBadpack());
    }

    @Test
    void pingPolicyPlacementIsTheDefaultAndShownWithItsOrigin() throws Exception {
        ClusterConfig c = haCf("ping 192.0.2.1").load();
        assertEquals(PingPolicy.PLACEMENT, c.vigil().pingPolicy());
        assertEquals(1, c.placementPingNodes());
        Setting s = HaCfTest.setting(c, "vigil.ping-policy");
        assertEquals("placement (ping nodes decide placement)", s.value());
        assertEquals("default", s.origin());
    }

    @Test
    void pingPolicyHeartbeatReportsOnlyUnlessIpfailIsRespawned() throws Exception {
        f.write("vigil.properties", "vigil.ping-policy=heartbeat\n");
        ClusterConfig c = haCf("ping 192.0.2.1").load();
        assertEquals(0, c.placementPingNodes());
        Setting s = HaCfTest.setting(c, "vigil.ping-policy");
        assertEquals("heartbeat (ping nodes only reported: no respawn of ipfail)", s.value());
        assertEquals(tmp.resolve("vigil.properties") + ":1", s.origin());

        ClusterConfig withIpfail = haCf("ping 192.0.2.1", "respawn hacluster /usr/lib/heartbeat/ipfail").load();
        assertEquals(1, withIpfail.placementPingNodes());
        assertEquals("heartbeat (ping nodes decide placement: ipfail respawned at " + tmp.resolve("ha.cf") + ":5)",
                HaCfTest.setting(withIpfail, "vigil.ping-policy").value());
    }

    @Test
    void badPingPolicyAndControlGroup() {
        f.write("vigil.properties", "vigil.ping-policy=sometimes\nvigil.control.group=bad group\n");
        List<String> p = f.problems();
        assertTrue(p.stream().anyMatch(s -> s.contains("vigil.properties:1: Invalid value [sometimes] for vigil.ping-policy — use placement")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("vigil.properties:2: Invalid value [bad group] for vigil.control.group")), p.toString());
    }

    @Test
    void controlGroupDefaultsToHaclient() throws Exception {
        assertEquals("haclient", f.load().vigil().controlGroup());
        f.env.put("VIGIL_CONTROL_GROUP", "monitoring");
        assertEquals("monitoring", f.load().vigil().controlGroup());
    }

    @Test
    void dottedNetmaskAndEveryIpaddrFormOfHeartbeatAreAccepted() throws Exception {
        f.write("haresources", "linux1 10.0.0.5/255.255.255.0 IPaddr2::10.0.0.6/24/eth1:vip/10.0.0.255 10.0.0.7/24/10.0.0.255"
                + " IPaddr::10.0.0.8/255.255.0.0/eth0 IPv6addr::2001:db8:0:0:0:0:0:10/64/eth0 Filesystem::-Ldata1::/data1::ext4\n");
        ClusterConfig c = f.load();
        assertEquals(6, c.groups().get(0).resources().size());
    }

    @Test
    void nodeTableIsInHaCfOrderAsHeartbeatListsIt() throws Exception {
        // the tutorial: ping (line 16) above the node lines (22, 23)
        assertEquals(List.of("192.0.2.1", "linux1", "linux2"), f.load().nodeTable());
        ClusterConfig c = f.write("ha.cf", "bcast eth0\nnode linux2\nping_group routers 192.0.2.1\nnode Linux1\nping 192.0.2.9\n"
                + "auto_failback on\n").load();
        assertEquals(List.of("linux2", "routers", "linux1", "192.0.2.9"), c.nodeTable());
    }

    @Test
    void hbparameterValuesAreHeartbeats() throws Exception {
        // as written when written, Heartbeat's default when not, derived times in ms
        Map<String, String> p = f.load().heartbeatParameters();
        assertEquals("1", p.get("keepalive"));
        assertEquals("10", p.get("deadtime"));
        assertEquals("5000ms", p.get("warntime"));
        assertEquals("20000ms", p.get("initdead"));
        assertEquals("10000ms", p.get("deadping"));
        assertEquals("694", p.get("udpport"));
        assertEquals("yes", p.get("auto_failback"));
        assertEquals("local0", p.get("logfacility"));
        assertEquals("0", p.get("debug"));
        assertEquals("zlib", p.get("compression"));
        assertEquals("linux-ha", p.get("cluster"));
        assertEquals(null, p.get("node"), "node is not a recorded parameter");
        assertEquals(null, p.get("bcast"));
        Map<String, String> bare = f.write("ha.cf", "bcast eth0\nnode linux1 linux2\nkeepalive 500ms\n").load().heartbeatParameters();
        assertEquals("500ms", bare.get("keepalive"));
        assertEquals("30000ms", bare.get("deadtime"));
        assertEquals("legacy", bare.get("auto_failback"));
        assertEquals("yes", bare.get("use_logd"), "no log target: Heartbeat turns use_logd on");
    }
}
