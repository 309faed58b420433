package io.vigil.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ha.cf: the tutorial golden values, lexical rules (§1.1), defaults and cross-checks (§1.5, §9.6). */
class HaCfTest extends ConfigFixtureTest {

    @Test
    void tutorialGolden() throws Exception {
        ClusterConfig c = f.load();
        assertEquals(tmp, c.configDir());
        assertEquals("linux1", c.localNode());
        assertEquals(List.of("linux1", "linux2"), c.nodes());
        assertEquals(1000, c.keepaliveMs());
        assertEquals(10000, c.deadtimeMs());
        assertEquals(5000, c.warntimeMs());
        assertEquals(20000, c.initdeadMs());
        assertEquals(10000, c.deadpingMs());
        assertEquals(694, c.udpPort());
        assertEquals(List.of(new Medium.Bcast("eth0", 694)), c.media());
        assertEquals(List.of(new PingNode("192.0.2.1", List.of(InetAddress.getByName("192.0.2.1")), false)), c.pingNodes());
        assertEquals(AutoFailback.ON, c.autoFailback());
        assertEquals(Optional.of("/var/log/ha-log"), c.logfile());
        assertEquals(Optional.of("local0"), c.logfacility());
        assertEquals(Optional.empty(), c.debugfile());
        assertEquals(0, c.debugLevel());
        assertEquals(250, c.maxRexmitDelayMs());
        assertEquals("file", c.hbgenmethod());
        assertEquals(AuthMethod.SHA1, c.authKeys().active().method());
        assertEquals("MaClefSecrete", new String(c.authKeys().active().key()));
        assertEquals(1, c.groups().size());
        ResourceGroup g = c.groups().get(0);
        assertEquals("linux1", g.preferredNode());
        assertEquals("192.0.2.253", g.key());
        assertEquals(List.of(new ResourceSpec("IPaddr", List.of("192.0.2.253"), "192.0.2.253")), g.resources());
        assertEquals(VigilSettings.defaults(), c.vigil());
        assertEquals(List.of(), c.warnings());
        assertEquals(tmp.resolve("ha.cf") + ":9", setting(c, "keepalive").origin());
        assertEquals("1000 ms", setting(c, "keepalive").value());
        assertEquals("default (deadtime/2)", setting(c, "warntime").origin());
        assertEquals("default", setting(c, "udpport").origin());
    }

    static Setting setting(ClusterConfig c, String name) {
        return c.effective().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name));
    }

    @ParameterizedTest(name = "keepalive {0}, deadtime {1} → warntime {2}, initdead {3}")
    @CsvSource({"'', '', 15000, 30000", "1, 10, 5000, 20000", "1, 8, 4000, 16000", "1, 5, 2500, 12000", "1, 12, 6000, 12000"})
    void derivedTimes(String keepalive, String deadtime, long warntime, long initdead) throws Exception {
        haCf(keepalive.isEmpty() ? "" : "keepalive " + keepalive, deadtime.isEmpty() ? "" : "deadtime " + deadtime);
        ClusterConfig c = f.load();
        assertEquals(warntime, c.warntimeMs());
        assertEquals(initdead, c.initdeadMs());
        assertEquals(c.deadtimeMs(), c.deadpingMs());
    }

    @Test
    void initdeadBelowTenSecondsWarns() throws Exception {
        haCf("keepalive 1", "deadtime 3", "initdead 8");
        ClusterConfig c = f.load();
        assertEquals(8000, c.initdeadMs());
        assertTrue(c.warnings().stream().anyMatch(w -> w.message().equals("Initial dead time [8000 ms] may be too small!")
                && w.line() == 6), c.warnings().toString());
    }

    @Test
    void commasAndSpacesSplitOptionTokensAndLastValueWins() throws Exception {
        f.write("ha.cf", "bcast eth0\nnode Linux1, b c\ndeadtime 10 20\nkeepalive 500ms\n");
        ClusterConfig c = f.load();
        assertEquals(List.of("linux1", "b", "c"), c.nodes());
        assertEquals(20000, c.deadtimeMs());
        assertEquals(500, c.keepaliveMs());
    }

    @Test
    void spaceBeforeUnitIsTwoTokensAndAnError() {
        haCf("deadtime 10 ms");
        assertTrue(f.problems().get(0).startsWith(tmp.resolve("ha.cf") + ":4: Invalid time [ms] for deadtime — write the unit right after"),
                f.problems().toString());
    }

    @Test
    void udpIsAnAliasOfBcastWithAWarning() throws Exception {
        f.write("ha.cf", "udp eth1\nnode linux1 linux2\nauto_failback off\n");
        ClusterConfig c = f.load();
        assertEquals(List.of(new Medium.Bcast("eth1", 694)), c.media());
        assertEquals(AutoFailback.OFF, c.autoFailback());
        assertEquals("directive 'udp' replaced by 'bcast'", c.warnings().get(0).message());
    }

    @Test
    void udpportAppliesToMediaBelowItOnly() throws Exception {
        f.write("ha.cf", "udpport 695\nbcast eth0\nucast eth1 192.0.2.2\nudpport 696\nbcast eth2\nnode linux1 linux2\nauto_failback on\n");
        ClusterConfig c = f.load();
        assertEquals(List.of(new Medium.Bcast("eth0", 695), new Medium.Ucast("eth1", InetAddress.getByName("192.0.2.2"), 695),
                new Medium.Bcast("eth2", 696)), c.media());
        assertEquals(696, c.udpPort());
        ConfigProblem w = c.warnings().get(0);
        assertEquals(4, w.line());
        assertTrue(w.message().startsWith("udpport setting must precede media statements"), w.message());
    }

    @Test
    void mediaForms() throws Exception {
        f.write("ha.cf", "mcast eth0 239.0.0.1 694 1 0\nucast eth1 peer.example\nping_group routers 192.0.2.1 192.0.2.9\n"
                + "node linux1 linux2\nauto_failback on\n");
        ClusterConfig c = f.load();
        assertEquals(List.of(new Medium.Mcast("eth0", InetAddress.getByName("239.0.0.1"), 694, 1, false),
                new Medium.Ucast("eth1", InetAddress.getByName("192.0.2.2"), 694)), c.media());
        assertEquals(List.of(new PingNode("routers", List.of(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("192.0.2.9")), true)),
                c.pingNodes());
    }

    @Test
    void ignoredDirectivesAreAcceptedWithAWarningSayingSo() throws Exception {
        haCf("serial /dev/ttyS0", "baud 19200", "crm off", "apiauth ipfail uid=hacluster", "compression bz2", "realtime on");
        ClusterConfig c = f.load();
        for (String d : List.of("serial", "baud", "crm", "apiauth", "compression", "realtime")) {
            assertTrue(c.warnings().stream().anyMatch(w -> w.message().equals("'" + d
                    + "' is accepted for Heartbeat compatibility but ignored by Vigil")), d + " " + c.warnings());
            assertFalse(setting(c, d).actedOn());
        }
    }

    @Test
    void legacyAutoFailbackWarnsWhenResourcesAreManaged() throws Exception {
        f.write("ha.cf", "bcast eth0\nnode linux1 linux2\nnice_failback on\n");
        ClusterConfig c = f.load();
        assertEquals(AutoFailback.LEGACY, c.autoFailback());
        List<String> messages = c.warnings().stream().map(ConfigProblem::message).toList();
        assertTrue(messages.contains("Deprecated 'legacy' auto_failback option selected."), messages.toString());
        assertTrue(messages.contains("nice_failback flag is obsolete. Use auto_failback {on, off, legacy} instead."), messages.toString());
    }

    @Test
    void everyProblemOfARunIsReported() {
        f.write("ha.cf", "keepalive 2s\nfoo bar\nnode linux2\n");
        f.mode("authkeys", "rw-r--r--");
        List<String> p = f.problems();
        assertTrue(p.size() >= 5, p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("ha.cf:1: Invalid time [2s]")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("ha.cf:2: Illegal directive [foo]")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("No heartbeat media defined")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("Current node [linux1] not in configuration!")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("Bad permissions on keyfile")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("haresources:3: Bad nodename")), p.toString());
    }

    /** One case per ha.cf error message: lines appended to the tutorial (its last line is 23). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "keepalive 2s|ha.cf:24: Invalid time [2s] for keepalive — ha.cf times are seconds by default|",
            "keepalive 0|ha.cf:24: Invalid keepalive [0] — keepalive must be greater than 0|",
            "deadtime 2|ha.cf:24: Dead time [2000] is too small compared to keeplive [1000] — make deadtime|",
            "initdead 5|ha.cf:24: Initial dead time [5000] is smaller than deadtime [10000] — set initdead|",
            "deadping 1|ha.cf:24: Ping dead time [1000] is too small compared to keeplive [1000] — make deadping|",
            "warntime 0|ha.cf:24: Warn time [0] is invalid. — give a time greater than 0|",
            "warntime abc|ha.cf:24: Invalid time [abc] for warntime — write seconds|",
            "frobnicate 1|ha.cf:24: Illegal directive [frobnicate] in |",
            "Keepalive 1|ha.cf:24: Illegal directive [Keepalive] in |",
            "udpport 0|ha.cf:24: invalid port [0] — use a UDP port|",
            "udpport 70000|ha.cf:24: invalid port [70000]|",
            "auto_failback maybe|ha.cf:24: Invalid auto_failback [maybe] — use on, off or legacy|",
            "realtime enable|ha.cf:24: Invalid boolean [enable] for realtime — use on/off|",
            "logfacility local9|ha.cf:24: Log facility(local9) not valid — use a syslog facility|",
            "debug 300|ha.cf:24: Invalid debug level [300] — use a number from 0 to 255|",
            "max_rexmit_delay 0|ha.cf:24: Invalid max_rexmit_delay [0]|",
            "hbgenmethod random|ha.cf:24: Illegal hb generation method [random] — use one of: file, time|",
            "msgfmt xml|ha.cf:24: Invalid msgfmt [xml] — use one of: classic, netstring|",
            "mcast eth0 192.0.2.7 694 1 0|ha.cf:24: mcast [eth0] bad addr [192.0.2.7] — use an IPv4 multicast group|",
            "mcast eth0 239.0.0.1 0 1 0|ha.cf:24: mcast [eth0] bad port [0]|",
            "mcast eth0 239.0.0.1 694 5 0|ha.cf:24: mcast [eth0] bad ttl [5] — Heartbeat accepts a TTL from 0 to 4|",
            "mcast eth0 239.0.0.1 694 1 2|ha.cf:24: mcast [eth0] bad loop [2]|",
            "mcast eth0 239.0.0.1|ha.cf:24: mcast [eth0] missing port|",
            "ucast eth0|ha.cf:24: ucast [eth0] missing peer address|",
            "ucast eth0 nosuchhost|ha.cf:24: ucast [eth0] bad peer [nosuchhost]|",
            "ping nosuchhost|ha.cf:24: ping node [nosuchhost] is not an IP address or a known host name|",
            "ping_group g|ha.cf:24: ping_group [g] has no addresses|",
            "autojoin any|ha.cf:24: R1 style resource management conflicts with  autojoin set|",
            "use_logd off|ha.cf:24: warning: 'use_logd' is accepted|no-error-expected",
    })
    void errorMessages(String line, String expected, String note) {
        f.append("ha.cf", line);
        if ("no-error-expected".equals(note)) {
            // use_logd off is fine while logfile/logfacility are set; see the next test for the error.
            try {
                assertTrue(f.load().warnings().stream().anyMatch(w -> w.format().contains(expected)));
            } catch (ConfigException e) {
                throw new AssertionError(e.getMessage());
            }
            return;
        }
        List<String> p = f.problems();
        assertTrue(p.stream().anyMatch(s -> s.startsWith(tmp + "/" + expected)), () -> "expected " + expected + " in " + p);
    }

    @Test
    void useLogdOffWithoutLogTarget() {
        haCf("use_logd off");
        assertTrue(f.problems().stream().anyMatch(s -> s.startsWith(tmp + "/ha.cf:4: No log entry found in ha.cf and use_logd is set to off")));
    }

    @Test
    void missingMediaNodesAndFile() {
        f.write("ha.cf", "keepalive 1\n");
        List<String> p = f.problems();
        assertTrue(p.contains(tmp + "/ha.cf: No heartbeat media defined — add a medium, e.g. `bcast eth0` or `ucast eth0 <peer-ip>`"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith(tmp + "/ha.cf: no nodes defined — ")), p.toString());
        f.write("ha.cf", "");
        try {
            java.nio.file.Files.delete(tmp.resolve("ha.cf"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertTrue(f.problems().stream().anyMatch(s -> s.startsWith(tmp + "/ha.cf: Cannot open config file [" + tmp + "/ha.cf]")));
    }

    @Test
    void localNodeMustBeDeclared() {
        f.hostname = "Linux3";
        assertTrue(f.problems().stream().anyMatch(s -> s.startsWith(tmp + "/ha.cf:22: Current node [linux3] not in configuration! — "
                + "this node is named `linux3` (from uname -n): declare it with `node linux3`")), f.problems().toString());
    }

    @Test
    void nodeNameFromNodeinfoThenOption() throws Exception {
        f.hostname = "other";
        f.write("nodeinfo", "LINUX2\n");
        assertEquals("linux2", f.load().localNode());
        assertEquals("linux1", new ConfigLoader(f.host()).loadFrom(Optional.of(tmp), Optional.of("Linux1")).localNode());
    }

    @Test
    void dollarSignsAreNotSmallRyeExpressions() throws Exception {
        haCf("logfile /var/log/${NOPE}.log", "respawn root /bin/true ${ALSO_NOPE}");
        assertEquals(Optional.of("/var/log/${NOPE}.log"), f.load().logfile());
        assertEquals("/bin/true ${ALSO_NOPE}", f.load().respawnClients().get(0).command());
    }

    /** Every problem of the run, whether it failed or only warned. */
    private List<String> allProblems() {
        try {
            return f.load().warnings().stream().map(ConfigProblem::format).toList();
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::format).toList();
        }
    }

    /** The remaining ha.cf messages, warnings included: a line appended to the tutorial (line 24). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "node linux1|ha.cf:24: warning: node [linux1] is declared twice — remove the repeated name",
            "keepalive|ha.cf:24: warning: directive 'keepalive' has no value and does nothing",
            "hopfudge x|ha.cf:24: Invalid hopfudge [x] — give a whole number",
            "warntime 20|ha.cf:24: warning: warntime [20000 ms] is not below deadtime [10000 ms]",
            "ping_group g 192.0.2.1 nosuchhost|ha.cf:24: ping_group [g] bad address [nosuchhost]",
            "node abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij|"
                    + "ha.cf:24: Node name [abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij] is too long",
            "serial /dev/ttyS0|ha.cf:24: warning: 'serial' is accepted for Heartbeat compatibility but ignored by Vigil — serial links are not supported"})
    void remainingMessages(String line, String expected) {
        f.append("ha.cf", line);
        List<String> p = allProblems();
        assertTrue(p.stream().anyMatch(s -> s.startsWith(tmp + "/" + expected)), () -> expected + " in " + p);
    }

    @Test
    void tooManyNodes() {
        f.append("ha.cf", "node " + String.join(" ", java.util.stream.IntStream.range(0, 99).mapToObj(i -> "n" + i).toList()));
        assertTrue(allProblems().stream().anyMatch(s -> s.startsWith(tmp + "/ha.cf:24: Too many nodes: at most 100")), allProblems().toString());
    }

    @Test
    void missingInterfaceWarns() throws Exception {
        ConfigEnvironment noEth = new ConfigEnvironment(java.util.Map.of(), java.util.Map.of(), () -> "linux1", n -> false,
                n -> Optional.empty(), List.of(tmp));
        List<String> w = new ConfigLoader(noEth).loadFrom(Optional.of(tmp), Optional.empty()).warnings().stream()
                .map(ConfigProblem::format).toList();
        assertEquals(List.of(tmp + "/ha.cf:13: warning: interface [eth0] does not exist on this host — check the name with `ip link`; "
                + "Vigil cannot send heartbeats on a missing interface"), w);
    }

    @Test
    void missingHaresourcesAndUnknownOverrideKey() throws Exception {
        java.nio.file.Files.delete(tmp.resolve("haresources"));
        f.write("vigil.properties", "vigil.hacf.deadtme=5\n");
        List<String> p = allProblems();
        assertTrue(p.stream().anyMatch(s -> s.startsWith(tmp + "/haresources: Cannot open resources file [" + tmp + "/haresources] — create it")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith(tmp + "/vigil.properties:1: Unknown ha.cf directive [deadtme] in key vigil.hacf.deadtme")),
                p.toString());
    }
}
