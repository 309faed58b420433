package io.vigil.resource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every resource script name of Heartbeat 3.0.6's /etc/ha.d/resource.d (reference §3.4) resolves with Vigil's own
 * resource.d alone, as after {@code apt-get purge heartbeat}: IPaddr, IPaddr2 and IPv6addr to the built-in agent,
 * the others to a script of the same name, which (but for Vigil's own Delay, Filesystem, MailTo, and portblock but for
 * its meta-data) hands its positional arguments to the OCF agent of resource-agents as Heartbeat's wrapper did.
 */
class HeartbeatScriptNamesTest {

    static final List<String> HEARTBEAT_3_0_6 = List.of("AudibleAlarm", "Delay", "Filesystem", "ICP", "IPaddr", "IPaddr2",
            "IPsrcaddr", "IPv6addr", "LVM", "LinuxSCSI", "MailTo", "OCF", "Raid1", "SendArp", "ServeRAID", "WAS", "WinPopup",
            "Xinetd", "apache", "db2", "ids", "portblock");

    @TempDir
    Path dir;

    private ResourceManager manager() {
        // Vigil's resource.d only: no /etc/ha.d/resource.d, no /etc/init.d
        return new ResourceManager(TestScripts.settings(dir, TestScripts.shipped()));
    }

    @Test
    void everyNameResolvesWithoutHeartbeat() {
        assertEquals(22, HEARTBEAT_3_0_6.size());
        ResourceManager m = manager();
        for (String name : HEARTBEAT_3_0_6) {
            ResourceAgent a = m.agentFor(SpecSyntax.parse(name.startsWith("IP") && !name.equals("IPsrcaddr")
                    ? name + "::" + (name.equals("IPv6addr") ? "2001:db8:0:0:0:0:0:10/64/eth0" : "192.0.2.10/24/eth0") : name));
            if (IpAddrAgent.handles(name)) {
                assertInstanceOf(IpAddrAgent.class, a, name);
            } else {
                LsbAgent lsb = assertInstanceOf(LsbAgent.class, a, name);
                assertEquals(TestScripts.shipped().resolve(name), lsb.script(), name);
            }
        }
    }

    private static ProcessRunner.Outcome run(String... argv) {
        return new ProcessRunner(10_000).run(List.of(argv), Map.of(), Duration.ofSeconds(20));
    }

    /**
     * The wrappers reach the OCF agent: its meta-data names the agent, and an unknown action is a usage error. Only
     * meta-data runs an agent here: start/stop/status would act on this host (AudibleAlarm beeps, portblock edits
     * iptables); those run in a namespace lab (HeartbeatStockScriptsLabIT).
     */
    @ParameterizedTest
    @ValueSource(strings = {"AudibleAlarm", "ICP", "IPsrcaddr", "LVM", "LinuxSCSI", "Raid1", "SendArp", "ServeRAID", "WAS",
            "WinPopup", "Xinetd", "apache", "db2", "ids", "portblock"})
    void wrappersReachTheirOcfAgent(String name) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/lib/ocf/resource.d/heartbeat", name)), "resource-agents is not installed");
        Path script = TestScripts.shipped().resolve(name);
        assertEquals("#!/bin/sh", Files.readAllLines(script).get(0));
        assertEquals(0, run("sh", "-n", script.toString()).exitCode(), name);
        // meta-data needs no parameters: the OCF agent answers with its own name
        List<String> args = switch (name) {
            case "IPsrcaddr", "LVM", "LinuxSCSI", "SendArp", "Xinetd", "db2" -> List.of("x", "meta-data");
            case "ICP", "Raid1", "ServeRAID" -> List.of("x", "y", "meta-data");
            case "portblock" -> List.of("tcp", "80", "block", "meta-data");
            default -> List.of("meta-data");
        };
        ProcessRunner.Outcome meta = run(java.util.stream.Stream.concat(java.util.stream.Stream.of(script.toString()),
                args.stream()).toArray(String[]::new));
        assertEquals(0, meta.exitCode(), name + ": " + meta.lastLines());
        assertTrue(String.join("\n", meta.stdout()).contains("<resource-agent name=\"" + name + "\""), name + ": " + meta.stdout());
        // an unknown action is a usage error, decided before the agent runs (nothing is started here)
        List<String> badCall = new java.util.ArrayList<>(List.of(script.toString()));
        badCall.addAll(args.subList(0, args.size() - 1));
        badCall.add("bogus");
        ProcessRunner.Outcome bad = run(badCall.toArray(String[]::new));
        assertEquals(2, bad.exitCode(), name + ": " + bad.lastLines());
    }
}
