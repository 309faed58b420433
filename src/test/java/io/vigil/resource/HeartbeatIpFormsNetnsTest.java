package io.vigil.resource;

import io.vigil.testsupport.Netns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 15 item 4: every IPaddr / IPaddr2 / IPv6addr argument form of reference §6 gives, with Vigil's built-in
 * agent, the address Heartbeat's own script gives. In a namespace (eth0 192.0.2.1/24 and 2001:db8::1/64), each
 * haresources token is started with Heartbeat 3.0.6's wrapper from /etc/ha.d/resource.d (which runs resource-agents'
 * OCF agent), the resulting address is recorded (address/prefix, broadcast, label) and stopped; then the same token
 * is started with Vigil's agent and must give the same. Needs the Debian heartbeat package (and net-tools for IPaddr).
 */
@Tag("netns")
class HeartbeatIpFormsNetnsTest {

    static final String NS = "cp-ipf";
    static final Path HEARTBEAT_RESOURCE_D = Path.of("/etc/ha.d/resource.d");
    static Netns net;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void network() {
        Netns.assumeAvailable();
        assumeTrue(Files.isExecutable(HEARTBEAT_RESOURCE_D.resolve("IPaddr2")), "Heartbeat's resource.d is not installed");
        net = new Netns();
        String sw = net.add("cp-ipf-sw");
        net.add(NS);
        net.bridge(sw);
        net.plug(sw, NS, "eth0", "192.0.2.1/24", "02:00:00:00:0f:01");
        net.must("ip", "-n", NS, "addr", "add", "2001:db8::1/64", "dev", "eth0", "nodad");
    }

    @AfterAll
    static void teardown() {
        if (net != null) {
            net.close();
        }
    }

    /** One configured address as {@code ip -o addr} shows it: "address/prefix brd <b> label <l>". */
    static Optional<String> shown(java.net.InetAddress address) throws java.net.UnknownHostException {
        boolean v6 = address instanceof java.net.Inet6Address;
        String out = Netns.exec(NS, "ip", "-o", v6 ? "-6" : "-4", "addr", "show", "dev", "eth0").output();
        for (String line : out.split("\n")) {
            List<String> w = List.of(line.trim().split("\\s+"));
            int inet = w.indexOf(v6 ? "inet6" : "inet");
            if (inet < 0 || !java.net.InetAddress.getByName(w.get(inet + 1).split("/")[0]).equals(address)) {
                continue;
            }
            StringBuilder b = new StringBuilder(w.get(inet + 1));
            int brd = w.indexOf("brd");
            if (brd > 0) {
                b.append(" brd ").append(w.get(brd + 1));
            }
            // the label is the word before "valid_lft", where ip glues the line-continuation backslash to it
            int lft = w.indexOf("valid_lft");
            if (!v6 && lft > 0) {
                String label = w.get(lft - 1).equals("\\") ? w.get(lft - 2) : w.get(lft - 1);
                b.append(" label ").append(label.endsWith("\\") ? label.substring(0, label.length() - 1) : label);
            }
            return Optional.of(b.toString());
        }
        return Optional.empty();
    }

    private static Netns.Result heartbeat(String script, List<String> args, String action) {
        List<String> argv = new ArrayList<>(List.of("env", "HA_RSCTMP=" + tmp, HEARTBEAT_RESOURCE_D.resolve(script).toString()));
        argv.addAll(args);
        argv.add(action);
        return Netns.exec(NS, argv.toArray(String[]::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "192.0.2.50",                                   // bare address: IPaddr, interface and prefix found
            "192.0.2.51/24/eth0",                           // bare with prefix and interface
            "IPaddr::192.0.2.52/255.255.255.0",             // dotted netmask
            "IPaddr::192.0.2.53/24/eth0/192.0.2.255",       // interface, then broadcast
            "IPaddr::192.0.2.54/24/192.0.2.255",            // third part starting with a digit: broadcast
            "IPaddr2::192.0.2.60",                          // IPaddr2, everything found
            "IPaddr2::192.0.2.61/24/eth0",
            "IPaddr2::192.0.2.62/24/eth0:vip/192.0.2.255",  // label and broadcast
            "IPaddr2::192.0.2.63/24/192.0.2.255",
            "IPv6addr::2001:db8:0:0:0:0:0:50/64/eth0",      // written out: :: separates arguments
            "IPv6addr::2001:db8:0:0:0:0:0:51/64"})
    void sameAddressAsHeartbeatsScript(String token) throws Exception {
        io.vigil.config.ResourceSpec spec = SpecSyntax.parse(token);
        java.net.InetAddress address = java.net.InetAddress.getByName(spec.args().get(0).split("/")[0]);
        if (spec.agent().equals("IPaddr")) {
            assumeTrue(Netns.run(List.of("sh", "-c", "command -v ifconfig")).exitCode() == 0,
                    "Heartbeat's IPaddr needs ifconfig (net-tools)");
        }

        Netns.Result theirs = heartbeat(spec.agent(), spec.args(), "start");
        Optional<String> heartbeatResult = shown(address);
        Netns.Result theirStop = heartbeat(spec.agent(), spec.args(), "stop");
        assertEquals(0, theirs.exitCode(), "Heartbeat's " + spec.agent() + " start failed: " + theirs.output());
        assertEquals(0, theirStop.exitCode(), "Heartbeat's " + spec.agent() + " stop failed: " + theirStop.output());
        assertEquals(Optional.empty(), shown(address), "Heartbeat's stop left " + address);

        ResourceManager vigil = new ResourceManager(TestScripts.settings(tmp, TestScripts.shipped()).withNetworkNamespace(NS));
        ResourceAgent agent = vigil.agentFor(spec);
        OperationResult start = agent.start();
        Optional<String> vigilResult = shown(address);
        OperationResult stop = agent.stop();
        assertTrue(start.ok(), start.describe());
        assertTrue(stop.ok(), stop.describe());
        System.out.printf("%-45s Heartbeat: %-50s Vigil: %s%n", token, heartbeatResult.orElse("-"), vigilResult.orElse("-"));
        assertEquals(heartbeatResult, vigilResult, token);
        assertEquals(Optional.empty(), shown(address));
    }
}
