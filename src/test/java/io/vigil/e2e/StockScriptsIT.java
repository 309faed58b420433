package io.vigil.e2e;

import io.vigil.testsupport.Netns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static io.vigil.e2e.ClusterLab.VIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 15 item 5: a haresources group made of Heartbeat's stock scripts and a real init script, as Heartbeat users
 * write them: {@code linux1 192.0.2.253 portblock::tcp::8080::block IPsrcaddr::192.0.2.253 cp-vigil-echo
 * portblock::tcp::8080::unblock}. IPsrcaddr is Vigil's wrapper onto resource-agents' OCF agent, portblock Vigil's own
 * (the OCF agent's unblock never removed its rule with Debian 12's iptables 1.8.9: this test caught it);
 * cp-vigil-echo is an LSB script this test writes into /etc/init.d (and removes again) that serves TCP 8080 with
 * socat. On the holder the service answers the client through the VIP, outgoing traffic leaves from the VIP
 * (IPsrcaddr) and port 8080 is open (portblock unblocked at the end of the start); a graceful stop hands all of it to
 * the other node and leaves nothing behind (no rule, route as before, service stopped).
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StockScriptsIT {

    static final Path INIT_SCRIPT = Path.of("/etc/init.d/cp-vigil-echo");
    static final String SERVICE = """
            #!/bin/sh
            ### BEGIN INIT INFO
            # Provides:          cp-vigil-echo
            # Required-Start:    $network
            # Required-Stop:     $network
            # Default-Start:
            # Default-Stop:
            # Short-Description: Vigil test service: answers on TCP 8080 with the name of its network namespace
            ### END INIT INFO
            ns=$(ip netns identify $$ 2>/dev/null); [ -n "$ns" ] || ns=host
            pidfile=/run/cp-vigil-echo.$ns.pid
            running() { [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
            case "$1" in
            start)  running && exit 0
                    setsid socat TCP-LISTEN:8080,fork,reuseaddr SYSTEM:"echo hello from $ns" </dev/null >/dev/null 2>&1 &
                    echo $! > "$pidfile"; exit 0 ;;
            stop)   running && kill "$(cat "$pidfile")"; rm -f "$pidfile"; exit 0 ;;
            status) if running; then echo "cp-vigil-echo is running"; exit 0; fi
                    echo "cp-vigil-echo is not running"; exit 3 ;;
            *)      echo "usage: $0 {start|stop|status}" >&2; exit 2 ;;
            esac
            """;

    private ClusterLab lab;
    private ClusterLab.Node l1;
    private ClusterLab.Node l2;
    private final Thread removeScript = new Thread(StockScriptsIT::removeInitScript, "cp-vigil-echo-cleanup");

    static void removeInitScript() {
        try {
            Files.deleteIfExists(INIT_SCRIPT);
        } catch (IOException e) {
            System.err.println("could not remove " + INIT_SCRIPT + ": " + e);
        }
    }

    @BeforeAll
    void up() throws Exception {
        Netns.assumeAvailable();
        for (String tool : List.of("iptables", "socat", "/usr/lib/ocf/resource.d/heartbeat/IPsrcaddr")) {
            assumeTrue(Netns.run(List.of("sh", "-c", "command -v " + tool)).exitCode() == 0, tool + " is needed");
        }
        assumeTrue(!Files.exists(INIT_SCRIPT), INIT_SCRIPT + " exists already: not ours to overwrite");
        Runtime.getRuntime().addShutdownHook(removeScript);
        Files.writeString(INIT_SCRIPT, SERVICE);
        Files.setPosixFilePermissions(INIT_SCRIPT, PosixFilePermissions.fromString("rwxr-xr-x"));

        lab = new ClusterLab("a2s", E2e.dir("a2-stock"));
        l1 = lab.node("linux1", "192.0.2.11");
        l2 = lab.node("linux2", "192.0.2.12");
        for (ClusterLab.Node n : List.of(l1, l2)) {
            lab.netns().must("ip", "-n", n.ns, "route", "replace", "default", "via", ClusterLab.ROUTER);
            n.configure(E2e.fastHaCf(n, "bcast eth0", "auto_failback on"), E2e.AUTHKEYS,
                    "linux1 " + VIP + " portblock::tcp::8080::block IPsrcaddr::" + VIP + " cp-vigil-echo"
                            + " portblock::tcp::8080::unblock\n", null);
        }
    }

    @AfterAll
    void down() throws Exception {
        try {
            if (lab != null) {
                for (ClusterLab.Node n : List.of(l1, l2)) {
                    if (n.alive()) {
                        n.stop(Duration.ofSeconds(60));
                    }
                    // whatever a failed run left: the service of this node's namespace
                    Netns.exec(n.ns, INIT_SCRIPT.toString(), "stop");
                }
                lab.close();
            }
        } finally {
            removeInitScript();
            Runtime.getRuntime().removeShutdownHook(removeScript);
        }
        assertFalse(Files.exists(INIT_SCRIPT), "the host's /etc/init.d keeps the test's script");
    }

    private String answer() {
        return Netns.exec(lab.clientNs(), "socat", "-T", "3", "-", "TCP:" + VIP + ":8080,connect-timeout=3").output().strip();
    }

    private static String defaultRoute(ClusterLab.Node n) {
        return Netns.exec(n.ns, "ip", "route", "show", "default").output().strip();
    }

    private static String rules(ClusterLab.Node n) {
        return Netns.exec(n.ns, "iptables", "-S", "INPUT").output();
    }

    private void assertServing(ClusterLab.Node holder, ClusterLab.Node other) throws InterruptedException {
        try {
            ClusterLab.await(Duration.ofSeconds(60), "the service answers from " + holder.name,
                    () -> answer().equals("hello from " + holder.ns));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nthe client gets: " + answer() + "\n" + holder.name + " rules:\n"
                    + rules(holder) + "routes: " + Netns.exec(holder.ns, "ip", "route").output()
                    + "service: " + Netns.exec(holder.ns, INIT_SCRIPT.toString(), "status").output()
                    + "listening: " + Netns.exec(holder.ns, "ss", "-ltn").output() + "\n" + lab.logs(), e);
        }
        assertTrue(defaultRoute(holder).contains("src " + VIP), "IPsrcaddr on " + holder.name + ": " + defaultRoute(holder));
        // portblock writes "-m multiport --dports 8080 -j DROP": no rule naming the port may be left
        assertFalse(rules(holder).contains("8080"), "port 8080 still blocked on " + holder.name + ": " + rules(holder));
        assertFalse(defaultRoute(other).contains("src " + VIP), other.name + " keeps the source address: " + defaultRoute(other));
        assertFalse(rules(other).contains("8080"), other.name + " keeps a rule: " + rules(other));
        assertEquals(3, Netns.exec(other.ns, INIT_SCRIPT.toString(), "status").exitCode(), other.name + " runs the service");
    }

    @Test
    void stockScriptsAndAnInitScriptMoveTogether() throws Exception {
        l1.start();
        l2.start();
        lab.awaitSoleHolder(VIP, "linux1", E2e.BOOT);
        assertServing(l1, l2);

        assertEquals(0, l1.stop(Duration.ofSeconds(60)));
        long moved = lab.awaitSoleHolder(VIP, "linux2", Duration.ofSeconds(60));
        System.out.println("stock scripts: graceful stop of linux1 -> group on linux2 after " + moved + " ms");
        assertServing(l2, l1);
    }
}
