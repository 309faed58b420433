package io.vigil.interop;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 15 item 4, against the real thing: a Vigil node (linux1) and a Heartbeat 3.0.6 node (linux2) on an IPv6-only
 * link, talking over Heartbeat's own ucast6 medium (one line per node, the same ha.cf on both). Heartbeat runs in
 * its own network, UTS and mount namespaces (private /etc/ha.d, /var/lib/heartbeat, /run, /var/log), without
 * CAP_SYS_BOOT. Each must see the other active, the IPv6addr group settles on its preferred node linux1, and a
 * kill -9 of Vigil moves the address to Heartbeat.
 */
@Tag("netns")
@Tag("slow") // left out of `make test` for CI's time budget: `make test-slow`
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Ipv6HeartbeatPeerIT {

    static final String SW = "cp-i6-sw";
    static final String VIGIL_NS = "cp-i6-linux1";
    static final String HB_NS = "cp-i6-linux2";
    static final String VIP = "2001:db8::253";
    static final String HA_CF = """
            logfile /var/log/ha-log
            keepalive 500ms
            deadtime 3
            initdead 30
            ucast6 eth0 2001:db8::11
            ucast6 eth0 2001:db8::12
            auto_failback on
            node linux1
            node linux2
            """;

    private Netns net;
    private Path dir;
    private Process vigil;
    private Process heartbeat;

    @BeforeAll
    void up() throws Exception {
        InteropLab.assumeAvailable();
        assumeTrue(Files.exists(Path.of("/usr/lib/heartbeat/plugins/HBcomm/ucast6.so")), "Heartbeat's ucast6 plugin is missing");
        dir = Files.createTempDirectory("cp-i6-");
        net = new Netns();
        net.add(SW);
        net.bridge(SW);
        for (String ns : List.of(VIGIL_NS, HB_NS)) {
            net.add(ns);
            net.must("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                    "net.ipv6.conf.default.accept_dad=0");
        }
        net.plug(SW, VIGIL_NS, "eth0", null, "02:00:00:00:16:11");
        net.plug(SW, HB_NS, "eth0", null, "02:00:00:00:16:12");
        net.must("ip", "-n", VIGIL_NS, "addr", "add", "2001:db8::11/64", "dev", "eth0", "nodad");
        net.must("ip", "-n", HB_NS, "addr", "add", "2001:db8::12/64", "dev", "eth0", "nodad");
        String haresources = "linux1 IPv6addr::2001:db8:0:0:0:0:0:253/64/eth0\n";
        String authkeys = "auth 1\n1 sha1 MaClefSecrete\n";

        // Vigil: its own files, its own run and state directories
        Path v = Files.createDirectories(dir.resolve("linux1/ha.d"));
        Files.writeString(v.resolve("ha.cf"), HA_CF.replace("/var/log/ha-log", dir.resolve("linux1/ha-log").toString()));
        Files.writeString(v.resolve("haresources"), haresources);
        Files.writeString(v.resolve("authkeys"), authkeys);
        Files.setPosixFilePermissions(v.resolve("authkeys"), PosixFilePermissions.fromString("rw-------"));

        // Heartbeat: a copy of the package's /etc/ha.d (harc, rc.d, resource.d) with the three files
        Path h = Files.createDirectories(dir.resolve("linux2"));
        run("cp", "-a", "/etc/ha.d", h.resolve("ha.d").toString());
        run("cp", "-a", "/var/lib/heartbeat", h.resolve("varlib").toString());
        Files.writeString(h.resolve("ha.d/ha.cf"), HA_CF);
        Files.writeString(h.resolve("ha.d/haresources"), haresources);
        Files.writeString(h.resolve("ha.d/authkeys"), authkeys);
        Files.setPosixFilePermissions(h.resolve("ha.d/authkeys"), PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(h.resolve("log"));
        for (String d : List.of("run/heartbeat/ccm", "run/heartbeat/crm", "run/heartbeat/dopd", "run/crm",
                "run/resource-agents", "run/lock")) {
            Files.createDirectories(h.resolve(d));
        }
        run("chown", "-R", "hacluster:haclient", h.resolve("run/heartbeat").toString(), h.resolve("run/crm").toString());
    }

    @AfterAll
    void down() throws Exception {
        for (Process p : new Process[] {heartbeat, vigil}) {
            if (p != null && p.isAlive()) {
                p.destroy();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            }
        }
        if (net != null) {
            net.close(); // kills what is left in the namespaces
        }
        if (dir != null) {
            run("rm", "-rf", dir.toString());
        }
    }

    private static String run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", argv));
        assertEquals(0, p.exitValue(), String.join(" ", argv) + ": " + out);
        return out;
    }

    private Process startHeartbeat() throws IOException {
        Path h = dir.resolve("linux2");
        String script = "hostname linux2"
                + " && mount --bind " + h.resolve("ha.d") + " /etc/ha.d"
                + " && mount --bind " + h.resolve("varlib") + " /var/lib/heartbeat"
                + " && mount --bind " + h.resolve("run") + " /run"
                + " && mount --bind " + h.resolve("log") + " /var/log"
                + " && exec setpriv --bounding-set -sys_boot --inh-caps -sys_boot -- /usr/libexec/heartbeat/heartbeat -f";
        return net.start(HB_NS, h.resolve("heartbeat.out"), "unshare", "--uts", "--mount", "--propagation", "private",
                "sh", "-c", script);
    }

    /** A command inside Heartbeat's namespaces (its /run holds the API socket cl_status needs). */
    private String inHeartbeat(String... argv) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", Long.toString(heartbeat.pid()), "-n", "-u", "-m"));
        cmd.addAll(List.of(argv));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static boolean holds(String ns) {
        return Netns.exec(ns, "ip", "-6", "-o", "addr", "show", "dev", "eth0").output().contains(" " + VIP + "/");
    }

    private static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting for: " + what);
            Thread.sleep(250);
        }
    }

    private String logs() {
        try {
            Path hbLog = dir.resolve("linux2/log/ha-log");
            Path vLog = dir.resolve("linux1/vigil.out");
            return "\n--- heartbeat (linux2)\n" + (Files.exists(hbLog) ? tail(Files.readString(hbLog)) : "")
                    + "\n--- vigil (linux1)\n" + (Files.exists(vLog) ? tail(Files.readString(vLog)) : "");
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String tail(String s) {
        String[] lines = s.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 40), lines.length));
    }

    @Test
    void vigilAndHeartbeatOverUcast6() throws Exception {
        List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1", "-jar",
                System.getProperty("vigil.app", "target/quarkus-app/quarkus-run.jar"),
                "run", "--config-dir", dir.resolve("linux1/ha.d").toString(), "--node-name", "linux1",
                "--run-dir", dir.resolve("linux1/run").toString(), "--state-dir", dir.resolve("linux1/state").toString()));
        vigil = net.start(VIGIL_NS, dir.resolve("linux1/vigil.out"), argv.toArray(String[]::new));
        heartbeat = startHeartbeat();

        await(Duration.ofSeconds(120), "the group on linux1 (Vigil) alone" + logs(), () -> holds(VIGIL_NS) && !holds(HB_NS));
        await(Duration.ofSeconds(30), "Heartbeat sees linux1 active" + logs(), () -> {
            try {
                return inHeartbeat("cl_status", "nodestatus", "linux1").equals("active");
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
        String ours = Netns.exec(VIGIL_NS, "env", "VIGIL_RUN_DIR=" + dir.resolve("linux1/run"),
                Path.of("deploy/bin/cl_status").toAbsolutePath().toString(), "nodestatus", "linux2").output().strip();
        assertEquals("active", ours, logs());
        assertEquals("up", inHeartbeat("cl_status", "hblinkstatus", "linux1", "eth0"), logs());
        String hbLog = Files.readString(dir.resolve("linux2/log/ha-log"));
        assertFalse(hbLog.matches("(?s).*(authentication failed|failed authentication|Invalid authentication|bad node).*"), hbLog);
        assertFalse(hbLog.contains("node linux1: is dead"), hbLog);

        vigil.destroyForcibly();
        // the guardian removes the address of the killed daemon; Heartbeat takes the group after its deadtime
        await(Duration.ofSeconds(90), "the group on linux2 (Heartbeat)" + logs(), () -> holds(HB_NS) && !holds(VIGIL_NS));
    }
}
