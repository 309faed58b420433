package io.vigil.transport;

import io.vigil.testsupport.Netns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Pinger} in namespace vt-tr-pa (203.0.113.1) probing vt-tr-pb (203.0.113.2, answers echo), vt-tr-pc
 * (203.0.113.3, up but ignores ICMP echo) and unused addresses.
 */
@Tag("netns")
class PingerNetnsTest {

    private static final String PA = "vt-tr-pa";
    private static Netns netns;

    @TempDir
    static Path dir;

    @BeforeAll
    static void network() {
        Netns.assumeAvailable();
        netns = new Netns();
        String sw = netns.add("vt-tr-psw");
        netns.bridge(sw);
        netns.add(PA);
        netns.add("vt-tr-pb");
        netns.add("vt-tr-pc");
        netns.plug(sw, PA, "eth0", "203.0.113.1/24", null);
        netns.plug(sw, "vt-tr-pb", "eth0", "203.0.113.2/24", null);
        netns.plug(sw, "vt-tr-pc", "eth0", "203.0.113.3/24", null);
        netns.must("ip", "netns", "exec", "vt-tr-pc", "sysctl", "-q", "-w", "net.ipv4.icmp_echo_ignore_all=1");
    }

    @AfterAll
    static void cleanup() {
        if (netns != null) {
            netns.close();
        }
    }

    private static String runPinger(List<String> prefix, String... args) throws Exception {
        Path log = dir.resolve("ping-" + System.nanoTime() + ".log");
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(ProbeRun.java("io.vigil.transport.PingProbeMain", List.of(args)));
        Process p = netns.start(PA, log, argv.toArray(String[]::new));
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "ping probe did not finish: " + ProbeRun.read(log));
        return ProbeRun.read(log);
    }

    @Test
    void repliesOnlyFromHostsAnsweringIcmpEcho() throws Exception {
        String out = runPinger(List.of(), "--interval-ms", "500", "--duration-ms", "2500",
                "--ping", "203.0.113.2", "--ping", "203.0.113.99", "--ping", "203.0.113.3",
                "--group", "uplinks 203.0.113.77 203.0.113.2");
        assertTrue(out.contains("DONE"), out);
        long fromLive = out.lines().filter("REPLY node=203.0.113.2 member=203.0.113.2"::equals).count();
        assertTrue(fromLive >= 2, "one probe per interval should be answered:\n" + out);
        assertTrue(out.lines().anyMatch("REPLY node=uplinks member=203.0.113.2"::equals), out);
        assertFalse(out.contains("member=203.0.113.99"), "dead address answered:\n" + out);
        assertFalse(out.contains("member=203.0.113.77"), "dead group member answered:\n" + out);
        // 203.0.113.3 is up (a TCP probe to port 7 would be refused, i.e. "reachable") but ignores echo requests:
        // no reply proves the probe is ICMP.
        assertFalse(out.contains("member=203.0.113.3"), "host ignoring ICMP echo answered:\n" + out);
    }

    @Test
    void refusesToRunWithoutCapNetRaw() throws Exception {
        String out = runPinger(List.of("setpriv", "--inh-caps", "-net_raw", "--bounding-set", "-net_raw"),
                "--interval-ms", "500", "--duration-ms", "500", "--ping", "203.0.113.2");
        assertTrue(out.contains("ERROR ping 203.0.113.2: ICMP echo needs CAP_NET_RAW (run vigil as root)"), out);
        assertFalse(out.contains("REPLY"), out);
        assertEquals(-1, out.indexOf("READY"), out);
    }
}
