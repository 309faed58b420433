package io.vigil.reload;

import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigEnvironment;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.reload.ReloadPlan.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reconfiguration plan: old configuration, new configuration → what a reload applies and what it refuses. */
class ReloadPlanTest {

    static final String HA_CF = """
            keepalive 1
            deadtime 10
            bcast eth0
            auto_failback on
            node linux1 linux2
            """;
    static final String HARESOURCES = "linux1 192.0.2.10\n";

    @TempDir
    Path dir;

    private ClusterConfig load(String haCf, String haresources, String authkeys, String host) throws Exception {
        Files.writeString(dir.resolve("ha.cf"), haCf);
        Files.writeString(dir.resolve("haresources"), haresources);
        Files.writeString(dir.resolve("authkeys"), authkeys);
        Files.setPosixFilePermissions(dir.resolve("authkeys"), PosixFilePermissions.fromString("rw-------"));
        ConfigEnvironment env = new ConfigEnvironment(Map.of(), Map.of(), () -> host, name -> true,
                name -> Optional.empty(), List.of(dir), name -> Optional.empty());
        return new ConfigLoader(env).loadFrom(Optional.of(dir), Optional.empty());
    }

    private ClusterConfig load(String haCf, String haresources) throws Exception {
        return load(haCf, haresources, "auth 1\n1 sha1 secret\n", "linux1");
    }

    private static ReloadPlan.Item item(ReloadPlan plan, String subject) {
        return plan.items().stream().filter(i -> i.subject().equals(subject)).findFirst()
                .orElseThrow(() -> new AssertionError("no item " + subject + " in " + plan.items()));
    }

    @Test
    void commentsAndMovedLinesChangeNothing() throws Exception {
        ClusterConfig running = load(HA_CF, HARESOURCES);
        ClusterConfig next = load("# a comment\n\n" + HA_CF + "# another\n", "# the VIP\n\n" + HARESOURCES);
        ReloadPlan plan = ReloadPlan.of(running, next);
        assertTrue(plan.unchanged(), plan.render());
        assertFalse(plan.refused());
        assertEquals(Verdict.UNCHANGED, item(plan, "group 192.0.2.10").verdict());
        assertTrue(plan.render().contains("A reload would change nothing."), plan.render());
    }

    @Test
    void timingsMediaAndGroupsAreApplied() throws Exception {
        ClusterConfig running = load(HA_CF, HARESOURCES + "linux2 192.0.2.11\n");
        ClusterConfig next = load(HA_CF.replace("deadtime 10", "deadtime 5").replace("keepalive 1", "keepalive 500ms")
                + "bcast eth1\n", HARESOURCES + "linux2 192.0.2.12\n");
        ReloadPlan plan = ReloadPlan.of(running, next);
        assertFalse(plan.refused(), plan.render());
        assertEquals(Verdict.APPLIED, item(plan, "deadtime").verdict());
        assertEquals(Verdict.APPLIED, item(plan, "keepalive").verdict());
        assertEquals(Verdict.APPLIED, item(plan, "bcast").verdict());
        assertTrue(plan.mediaChanged());
        assertEquals(Verdict.UNCHANGED, item(plan, "group 192.0.2.10").verdict());
        assertEquals(Verdict.APPLIED, item(plan, "group 192.0.2.12").verdict());
        assertEquals(Verdict.APPLIED, item(plan, "group 192.0.2.11").verdict());
        assertEquals(List.of("192.0.2.12"), plan.added().stream().map(g -> g.key()).toList());
        assertEquals(List.of("192.0.2.11"), plan.removed().stream().map(g -> g.key()).toList());
        assertTrue(item(plan, "deadtime").change().contains("→"), item(plan, "deadtime").change());
    }

    @Test
    void whatCannotChangeLiveRefusesTheWholeReload() throws Exception {
        ClusterConfig running = load(HA_CF, HARESOURCES);
        ClusterConfig next = load(HA_CF.replace("node linux1 linux2", "node linux1 linux2 linux3")
                .replace("deadtime 10", "deadtime 5") + "udpport 695\n", HARESOURCES);
        ReloadPlan plan = ReloadPlan.of(running, next);
        assertTrue(plan.refused());
        assertEquals(Verdict.REFUSED, item(plan, "node").verdict());
        assertEquals(Verdict.REFUSED, item(plan, "udpport").verdict());
        assertEquals(Verdict.APPLIED, item(plan, "deadtime").verdict()); // applicable, but the reload is refused
        assertTrue(plan.refusalText().contains("udpport"), plan.refusalText());
        assertTrue(plan.render().contains("REFUSED"), plan.render());
    }

    @Test
    void aChangedGroupIsRefusedNotRestarted() throws Exception {
        ClusterConfig running = load(HA_CF, "linux1 192.0.2.10 Dummy::a\n");
        ClusterConfig next = load(HA_CF, "linux1 192.0.2.10 Dummy::b\n");
        ReloadPlan plan = ReloadPlan.of(running, next);
        assertEquals(Verdict.REFUSED, item(plan, "group 192.0.2.10").verdict(), plan.render());
    }

    @Test
    void preferredNodeChangeIsRefused() throws Exception {
        ReloadPlan plan = ReloadPlan.of(load(HA_CF, HARESOURCES), load(HA_CF, "linux2 192.0.2.10\n"));
        assertEquals(Verdict.REFUSED, item(plan, "group 192.0.2.10").verdict(), plan.render());
    }

    @Test
    void nodeNameAndLegacyFailbackAreRefused() throws Exception {
        ClusterConfig running = load(HA_CF, HARESOURCES);
        ClusterConfig renamed = load(HA_CF, HARESOURCES, "auth 1\n1 sha1 secret\n", "linux2");
        assertEquals(Verdict.REFUSED, item(ReloadPlan.of(running, renamed), "local node").verdict());
        ReloadPlan legacy = ReloadPlan.of(running, load(HA_CF.replace("auto_failback on", "auto_failback legacy"),
                HARESOURCES));
        assertEquals(Verdict.REFUSED, item(legacy, "auto_failback").verdict());
        ReloadPlan off = ReloadPlan.of(running, load(HA_CF.replace("auto_failback on", "auto_failback off"),
                HARESOURCES));
        assertEquals(Verdict.APPLIED, item(off, "auto_failback").verdict(), off.render());
    }

    @Test
    void pingNodesAndStartOnlySettingsAreRefused() throws Exception {
        ClusterConfig running = load(HA_CF, HARESOURCES);
        ReloadPlan ping = ReloadPlan.of(running, load(HA_CF + "ping 192.0.2.1\n", HARESOURCES));
        assertEquals(Verdict.REFUSED, item(ping, "ping").verdict(), ping.render());
        ReloadPlan logfile = ReloadPlan.of(running, load(HA_CF + "debug 1\n", HARESOURCES));
        assertTrue(logfile.refused(), logfile.render());
        assertTrue(logfile.refusalText().contains("read at start only"), logfile.refusalText());
    }

    @Test
    void newKeysAreApplied() throws Exception {
        ClusterConfig running = load(HA_CF, HARESOURCES);
        ClusterConfig same = load(HA_CF, HARESOURCES);
        assertEquals(Verdict.UNCHANGED, item(ReloadPlan.of(running, same), "authkeys").verdict());
        ClusterConfig rotated = load(HA_CF, HARESOURCES, "auth 2\n1 sha1 secret\n2 sha1 other\n", "linux1");
        ReloadPlan plan = ReloadPlan.of(running, rotated);
        assertEquals(Verdict.APPLIED, item(plan, "authkeys").verdict());
        assertFalse(plan.refused());
    }
}
