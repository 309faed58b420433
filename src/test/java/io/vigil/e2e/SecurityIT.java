package io.vigil.e2e;

import io.vigil.testsupport.Netns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.vigil.e2e.ClusterLab.VIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, attacked for real in namespaces: two Vigil nodes whose authkeys still carry a {@code 2 crc} line beside
 * the active sha1 key (what Heartbeat lets anyone exploit), heartbeats over ucast (udpport 694, each node naming the
 * other) and one mcast medium (port 695). An attacker on the segment (the client namespace) sniffs linux1's multicast
 * packets and sends linux2 a {@code shutdone} "from linux1" with linux1's generation and the next sequence numbers,
 * signed with crc: linux2 must refuse every one and keep the VIP where it is. Then files that decide what runs as root
 * are made untrustworthy one at a time: {@code vigil run} refuses to start (exit 6) naming the file and the fix.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT extends PairLab {

    private static final String AUTHKEYS_WITH_CRC = E2e.AUTHKEYS + "2 crc\n";
    private static final String MCAST = "239.192.0.14";

    @BeforeAll
    void up() throws Exception {
        openPair("sc-se");
        for (ClusterLab.Node n : List.of(l1, l2)) {
            n.configure(E2e.fastHaCf(n, "ucast eth0 192.0.2.11\nucast eth0 192.0.2.12\nmcast eth0 " + MCAST + " 695 1 0",
                    "auto_failback on"), AUTHKEYS_WITH_CRC, "linux1 " + VIP + "\n", null);
        }
        l1.start();
        l2.start();
        awaitVipOnLinux1AndTalking();
    }


    @Test
    @Order(1)
    void aForgedCrcShutdoneIsRefusedAndNothingMoves() throws Exception {
        assertTrue(l2.logText().contains("key 2 (crc) is never accepted by Vigil"), "the inactive crc line is reported\n"
                + l2.logText());
        double inactiveBefore = l2.dropped("inactive_key");
        double unlistedBefore = l2.dropped("unlisted_source");
        List<String> argv = new ArrayList<>(List.of(ClusterLab.javaCommand0(), "-XX:+UseSerialGC", "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), AttackTool.class.getName(), "forge", E2e.KEY, "linux1", "5000",
                MCAST + ":695:eth0", l2.ip + ":695", l2.ip + ":694"));
        Path out = l2.home.resolve("forge.out");
        Process attacker = lab.netns().start(lab.clientNs(), out, argv.toArray(String[]::new));
        List<String> moved = new ArrayList<>();
        long t0 = System.currentTimeMillis();
        while (attacker.isAlive() && System.currentTimeMillis() - t0 < 60_000) {
            if (!lab.holders(VIP).equals(List.of("linux1"))) {
                moved.add((System.currentTimeMillis() - t0) + " ms: " + lab.holders(VIP));
            }
            Thread.sleep(200);
        }
        Thread.sleep(2 * E2e.FAST_DEADTIME_MS);   // anything the forgeries set off has had time to happen
        if (!lab.holders(VIP).equals(List.of("linux1"))) {
            moved.add("after: " + lab.holders(VIP));
        }
        String attack = Files.readString(out).strip();
        System.out.println("forge: " + attack);
        Matcher sent = Pattern.compile("SENT (\\d+)").matcher(attack);
        assertTrue(sent.find() && Integer.parseInt(sent.group(1)) >= 20, "the attacker sent its forgeries: " + attack);
        int forgeries = Integer.parseInt(sent.group(1)) / 2;

        double inactive = l2.dropped("inactive_key") - inactiveBefore;
        double unlisted = l2.dropped("unlisted_source") - unlistedBefore;
        System.out.printf("forge: linux2 dropped %.0f as inactive_key (mcast port), %.0f as unlisted_source (ucast port)%n",
                inactive, unlisted);
        assertEquals(List.of(), moved, "the VIP moved\n" + lab.logs());
        assertTrue(l1.holds(VIP) && !l2.holds(VIP));
        assertEquals(forgeries, inactive, 0.5, "every forgery to the mcast port refused for naming the crc key");
        assertEquals(forgeries + 1, unlisted, 0.5, "every datagram from the client to the ucast-only port dropped unread");
        String log2 = l2.logText();
        assertFalse(log2.contains("linux1: is dead") || log2.contains("shutdone"), "linux2 acted on a forgery\n" + log2);
        assertTrue(log2.contains("INACTIVE_KEY: the packet names key 2, not the active key 1"), log2);
        assertTrue(log2.contains("UNLISTED_SOURCE: source 192.0.2.100 is not a ucast peer on this port"), log2);
    }

    @Test
    @Order(2)
    void untrustedFilesStopTheStartWithTheFileAndTheFix() throws Exception {
        assertRefused("group-writable haresources", conf -> Files.setPosixFilePermissions(conf.resolve("haresources"),
                PosixFilePermissions.fromString("rw-rw-r--")), "haresources is writable by group or others (mode 0664)");
        assertRefused("authkeys mode 0620", conf -> Files.setPosixFilePermissions(conf.resolve("authkeys"),
                PosixFilePermissions.fromString("rw--w----")), "Bad permissions on keyfile");
        assertRefused("authkeys owned by another user", conf -> Files.setAttribute(conf.resolve("authkeys"), "unix:uid", 4242),
                "authkeys is owned by uid 4242, not root");
        assertRefused("symlinked authkeys", conf -> {
            Path real = conf.resolveSibling("real-authkeys");
            Files.move(conf.resolve("authkeys"), real);
            Files.createSymbolicLink(conf.resolve("authkeys"), real);
        }, "authkeys is a symbolic link");
        assertTrue(l1.alive() && l2.alive() && lab.holders(VIP).equals(List.of("linux1")),
                "the running cluster is not disturbed\n" + lab.logs());
    }

    private interface Spoil {
        void apply(Path conf) throws Exception;
    }

    /** A copy of linux1's configuration spoiled one way: {@code vigil run} must exit 6 naming the problem. */
    private void assertRefused(String what, Spoil spoil, String expected) throws Exception {
        Path home = l1.home.resolve("untrusted-" + what.replace(' ', '-'));
        Path conf = home.resolve("ha.d");
        Files.createDirectories(conf);
        for (String f : List.of("ha.cf", "haresources", "authkeys")) {
            Files.copy(l1.configDir().resolve(f), conf.resolve(f), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        spoil.apply(conf);
        List<String> argv = new ArrayList<>(ClusterLab.javaCommand(l1.resourceDir()));
        argv.add(argv.size() - 2, "-Dvigil.metrics.port=0"); // linux1's daemon serves 9694 in this namespace
        argv.addAll(List.of("run", "--config-dir", conf.toString(), "--node-name", "linux1", "--run-dir",
                home.resolve("run").toString(), "--state-dir", home.resolve("state").toString()));
        long t0 = System.nanoTime();
        Netns.Result r = Netns.exec(l1.ns, argv.toArray(String[]::new));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("untrusted file (" + what + "): exit " + r.exitCode() + " after " + ms + " ms: "
                + r.output().lines().filter(x -> x.contains(expected)).findFirst().orElse("?"));
        assertEquals(6, r.exitCode(), what + ": a configuration error\n" + r.output());
        assertTrue(r.output().contains(expected), what + ": the message names the problem\n" + r.output());
        assertTrue(r.output().contains(" — run `ch") || r.output().contains(" — replace the link"), what + ": and the fix\n" + r.output());
        assertFalse(Files.exists(home.resolve("run").resolve("vigil.pid")), what + ": nothing started");
    }
}
