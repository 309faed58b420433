package io.vigil.e2e;

import io.vigil.testsupport.Netns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15 item 4: an IPv6-only cluster. The lab's namespaces lose every IPv4 address; the nodes, the router (the
 * ping6 node) and the client get 2001:db8::/64 addresses. ha.cf uses Heartbeat's IPv6 media (ucast6 with one line per
 * node, mcast6), a ping6 node, {@code hbgenmethod time}, {@code uuidfrom nodename}, {@code msgfmt netstring},
 * {@code log_badpack off} and a {@code respawn} child; haresources holds an {@code IPv6addr} address. The group
 * starts on linux1, cl_status shows the IPv6 links (our own included) and the ping6 node, a kill -9 moves the
 * address to linux2, the respawn child runs as it should, and bad packets are counted without a log line.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Ipv6OnlyIT extends PairLab {

    static final String VIP = "2001:db8::253";
    static final String ROUTER6 = "2001:db8::1";
    static final String CL_STATUS = Path.of("deploy/bin/cl_status").toAbsolutePath().toString();


    @BeforeAll
    void up() throws Exception {
        openPair("cp6");
        Netns n = lab.netns();
        n.must("ip", "-n", lab.switchNs(), "addr", "flush", "dev", "br0");
        n.must("ip", "-n", lab.switchNs(), "addr", "add", ROUTER6 + "/64", "dev", "br0", "nodad");
        n.must("ip", "-n", lab.clientNs(), "addr", "flush", "dev", "eth0", "scope", "global");
        n.must("ip", "-n", lab.clientNs(), "addr", "add", "2001:db8::100/64", "dev", "eth0", "nodad");
        for (ClusterLab.Node node : List.of(l1, l2)) {
            n.must("ip", "-n", node.ns, "-4", "addr", "flush", "dev", "eth0");
            n.must("ip", "-n", node.ns, "addr", "add", "2001:db8::" + node.ip.substring(node.ip.lastIndexOf('.') + 1) + "/64",
                    "dev", "eth0", "nodad");
            assertEquals("", Netns.exec(node.ns, "ip", "-4", "-o", "addr", "show", "scope", "global").output().strip(),
                    node.name + " must have no IPv4 address");
        }
        // wait for the link-local addresses (multicast is sent from them) to leave duplicate address detection
        for (String ns : List.of(l1.ns, l2.ns)) {
            ClusterLab.await(Duration.ofSeconds(20), ns + " link-local address usable",
                    () -> !Netns.exec(ns, "ip", "-6", "-o", "addr", "show", "dev", "eth0").output().contains("tentative"));
        }
        for (ClusterLab.Node node : List.of(l1, l2)) {
            String media = "ucast6 eth0 2001:db8::11\nucast6 eth0 2001:db8::12\nmcast6 eth0 ff15::694 694 1 0\n"
                    + "ping6 " + ROUTER6;
            String extra = "auto_failback on\nhbgenmethod time\nuuidfrom nodename\nmsgfmt netstring\n"
                    + (node == l2 ? "log_badpack off\n" : "")
                    + "respawn root /bin/sh -c \"echo $$ > " + node.home.resolve("respawn.pid") + "; exec sleep 600\"";
            node.configure(E2e.fastHaCf(node, media, extra), E2e.AUTHKEYS,
                    "linux1 IPv6addr::2001:db8:0:0:0:0:0:253/64/eth0\n", null);
        }
    }

    /** Both daemons stopped the graceful way before the lab closes (the base class's {@code closeLab} runs after). */
    @AfterAll
    void stopNodes() throws Exception {
        if (lab != null) {
            for (ClusterLab.Node n : List.of(l1, l2)) {
                if (n.alive()) {
                    n.stop(Duration.ofSeconds(60));
                }
            }
        }
    }

    /** The shipped cl_status against a node's daemon: its output and exit code, as "out\nrc=N". */
    private static String clStatus(ClusterLab.Node node, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("env", "VIGIL_RUN_DIR=" + node.runDir(), "sh", "-c",
                "\"$@\" 2>&1; echo rc=$?", "sh", CL_STATUS));
        argv.addAll(List.of(args));
        return Netns.exec(node.ns, argv.toArray(String[]::new)).output().stripTrailing(); // keep cl_status's leading tabs
    }

    @Test
    void ipv6OnlyClusterFailsOver() throws Exception {
        l1.start();
        l2.start();
        long up = lab.awaitSoleHolder(VIP, "linux1", E2e.BOOT);
        System.out.println("IPv6-only: VIP " + VIP + " on linux1 " + up + " ms after start");
        ClusterLab.await(Duration.ofSeconds(60), () -> "linux2 active on linux1\n" + lab.logs(),
                () -> clStatus(l1, "nodestatus", "linux2").equals("active\nrc=0"));

        // links over IPv6, our own included (the ucast6 line naming ourselves), and the ping6 node
        assertEquals("\teth0\nrc=0", clStatus(l1, "listhblinks", "linux1"));
        assertEquals("up\nrc=0", clStatus(l1, "hblinkstatus", "linux1", "eth0"));
        assertEquals("up\nrc=0", clStatus(l1, "hblinkstatus", "linux2", "eth0"));
        ClusterLab.await(Duration.ofSeconds(30), "ping6 node up", () -> clStatus(l1, "nodestatus", ROUTER6).equals("ping\nrc=0"));
        assertEquals("ping\nrc=0", clStatus(l1, "nodetype", ROUTER6));

        // the respawn child runs as its line says, in the node's namespace
        ClusterLab.await(Duration.ofSeconds(30), "respawn child of linux1", () -> Files.exists(l1.home.resolve("respawn.pid")));
        long child = Long.parseLong(Files.readString(l1.home.resolve("respawn.pid")).strip());
        assertTrue(ProcessHandle.of(child).isPresent(), "respawn child " + child + " not running");

        // log_badpack off (linux2): a forged packet is counted, not logged
        double droppedBefore = l2.metric("vigil_packets_dropped_total");
        Netns.exec(lab.clientNs(), "sh", "-c", "printf 'not a heartbeat packet' | socat - UDP6-SENDTO:[2001:db8::12]:694");
        ClusterLab.await(Duration.ofSeconds(20), "linux2 counts the bad packet",
                () -> l2.metric("vigil_packets_dropped_total") > droppedBefore);
        assertFalse(l2.logText().contains("dropped packet from"), "log_badpack off, but a bad packet was logged");

        // kill -9 of the holder: the IPv6 address moves over IPv6 heartbeats alone
        l1.kill9();
        long takeover = lab.awaitSoleHolder(VIP, "linux2", Duration.ofSeconds(60));
        System.out.println("IPv6-only: kill -9 linux1 -> " + VIP + " on linux2 after " + takeover + " ms");
        ClusterLab.bound("IPv6-only kill -9 linux1 -> VIP on linux2", takeover, E2e.FAST_DEADTIME_MS + E2e.SLACK_MS);
        assertTrue(Netns.exec(lab.clientNs(), "ping", "-6", "-c", "1", "-W", "2", VIP).exitCode() == 0
                || Netns.exec(lab.clientNs(), "ping6", "-c", "1", "-W", "2", VIP).exitCode() == 0, "the client cannot reach " + VIP);

        // graceful stop of linux2 ends its respawn child
        ClusterLab.await(Duration.ofSeconds(30), "respawn child of linux2", () -> Files.exists(l2.home.resolve("respawn.pid")));
        long child2 = Long.parseLong(Files.readString(l2.home.resolve("respawn.pid")).strip());
        assertEquals(0, l2.stop(Duration.ofSeconds(60)));
        ClusterLab.await(Duration.ofSeconds(15), "respawn child stopped with its daemon",
                () -> ProcessHandle.of(child2).map(p -> !p.isAlive()).orElse(true));
        ProcessHandle.of(child).ifPresent(ProcessHandle::destroy); // linux1 was killed -9: its child is ours to end
    }
}
