package io.vigil.migration;

import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigEnvironment;
import io.vigil.config.ConfigLoader;
import io.vigil.config.UnixAccounts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The migration checklist from a user's own files: a Heartbeat installation in a temp directory (ha.cf, authkeys,
 * haresources, Heartbeat's stock and changed resource.d and rc.d scripts, an init.d service), Vigil's shipped
 * resource.d as its own.
 */
class MigrationChecklistTest {

    @TempDir
    Path root;
    Path etc;
    Path haResourceD;
    Path initD;

    @BeforeEach
    void installation() throws Exception {
        etc = Files.createDirectories(root.resolve("ha.d"));
        haResourceD = Files.createDirectories(etc.resolve("resource.d"));
        initD = Files.createDirectories(root.resolve("init.d"));
        Files.writeString(etc.resolve("ha.cf"), """
                logfile /var/log/ha-log
                logfacility local0
                keepalive 1
                deadtime 10   # the tutorial's
                bcast eth0
                ping 192.0.2.1
                respawn hacluster /usr/lib/heartbeat/ipfail
                serial /dev/ttyS0
                realtime on
                auto_failback on
                node linux1 linux2
                """);
        Files.writeString(etc.resolve("authkeys"), "auth 1\n1 sha1 secret\n");
        Files.setPosixFilePermissions(etc.resolve("authkeys"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(etc.resolve("haresources"),
                "linux1 192.0.2.253 IPsrcaddr::192.0.2.253 apache nginx-web nosuchscript ocf:heartbeat:Dummy::state=/tmp/x\n");
        // Heartbeat's apache, changed by the user; Heartbeat's stock portblock is not referenced
        Files.writeString(haResourceD.resolve("apache"), "#!/bin/sh\necho my apache\n");
        executable(haResourceD.resolve("apache"));
        executable(Files.writeString(initD.resolve("nginx-web"), "#!/bin/sh\necho running\n"));
        Files.createDirectories(etc.resolve("rc.d"));
        Files.writeString(etc.resolve("rc.d/notify-me"), "#!/bin/sh\n");
    }

    private static Path executable(Path p) throws Exception {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private List<ChecklistItem> build() throws Exception {
        ConfigEnvironment host = new ConfigEnvironment(Map.of(), Map.of(), () -> "linux1", n -> true, n -> Optional.empty(),
                List.of(etc), n -> n.equals("hacluster") ? Optional.of(new UnixAccounts.User("hacluster", 102, 105)) : Optional.empty());
        ClusterConfig config = new ConfigLoader(host).loadFrom(Optional.of(etc), Optional.empty());
        return MigrationChecklist.build(config, new MigrationChecklist.Host(
                List.of(Path.of("resource.d").toAbsolutePath(), haResourceD, initD), haResourceD, initD));
    }

    private static ChecklistItem item(List<ChecklistItem> items, String subjectStart) {
        return items.stream().filter(i -> i.subject().strip().startsWith(subjectStart)).findFirst()
                .orElseThrow(() -> new AssertionError(subjectStart + " not in " + items));
    }

    @Test
    void everyHaCfLineIsJudged() throws Exception {
        List<ChecklistItem> items = build();
        assertEquals(11, items.stream().filter(i -> i.section().equals("ha.cf")).count());
        ChecklistItem deadtime = item(items, "deadtime 10");
        assertEquals(Verdict.SAME, deadtime.verdict());
        assertEquals("ha.cf:4", deadtime.where());
        assertEquals(Verdict.DIFFERENT, item(items, "logfacility local0").verdict());
        assertEquals(Verdict.NOT_SUPPORTED, item(items, "serial /dev/ttyS0").verdict());
        assertEquals(Verdict.DIFFERENT, item(items, "realtime on").verdict());
        // ipfail is not started, and its job is done by ping nodes deciding placement: same as with ipfail
        assertEquals(Verdict.DIFFERENT, item(items, "respawn hacluster").verdict());
        assertEquals(Verdict.SAME, item(items, "ping 192.0.2.1").verdict());
    }

    @Test
    void pingWithoutIpfailIsADifferenceWithTheSettingToKeepHeartbeats() throws Exception {
        Files.writeString(etc.resolve("ha.cf"), "bcast eth0\nping 192.0.2.1\nauto_failback on\nnode linux1 linux2\n");
        ChecklistItem ping = item(build(), "ping 192.0.2.1");
        assertEquals(Verdict.DIFFERENT, ping.verdict());
        assertTrue(ping.note().contains("set vigil.ping-policy=heartbeat"), ping.note());
        Files.writeString(etc.resolve("vigil.properties"), "vigil.ping-policy=heartbeat\n");
        assertEquals(Verdict.SAME, item(build(), "ping 192.0.2.1").verdict());
    }

    @Test
    void everyResourceSaysWhatRunsIt() throws Exception {
        List<ChecklistItem> items = build();
        assertEquals(Verdict.SAME, item(items, "192.0.2.253").verdict());
        ChecklistItem src = item(items, "IPsrcaddr::192.0.2.253");
        assertEquals(Verdict.SAME, src.verdict());
        assertTrue(src.note().startsWith("runs " + Path.of("resource.d").toAbsolutePath().resolve("IPsrcaddr")), src.note());
        ChecklistItem apache = item(items, "apache");
        assertEquals(Verdict.DIFFERENT, apache.verdict());
        assertTrue(apache.note().contains("your changed " + haResourceD.resolve("apache") + " is not run"), apache.note());
        ChecklistItem nginx = item(items, "nginx-web");
        assertEquals(Verdict.SAME, nginx.verdict());
        assertEquals("runs " + initD.resolve("nginx-web") + ", as Heartbeat did", nginx.note());
        assertEquals(Verdict.NOT_SUPPORTED, item(items, "nosuchscript").verdict());
        assertEquals(Verdict.DIFFERENT, item(items, "ocf:heartbeat:Dummy").verdict());
        assertEquals(Verdict.SAME, item(items, "auth 1 (sha1)").verdict());
    }

    @Test
    void aStockHeartbeatScriptIsTheSameAndAHookIsNotRun() throws Exception {
        Path stock = Path.of("/etc/ha.d/resource.d/apache");
        if (Files.isRegularFile(stock) && MigrationChecklist.md5(stock).equals(HeartbeatStock.RESOURCE_D.get("apache"))) {
            Files.copy(stock, haResourceD.resolve("apache"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertEquals(Verdict.SAME, item(build(), "apache").verdict());
        }
        assertEquals(Verdict.NOT_SUPPORTED, item(build(), "rc.d/notify-me").verdict());
    }

    @Test
    void renderedWithCounts() throws Exception {
        List<ChecklistItem> items = build();
        ClusterConfig config = new ConfigLoader(new ConfigEnvironment(Map.of(), Map.of(), () -> "linux1", n -> true,
                n -> Optional.empty(), List.of(etc), n -> Optional.of(new UnixAccounts.User("hacluster", 102, 105))))
                .loadFrom(Optional.of(etc), Optional.empty());
        String text = MigrationChecklist.render(config, items);
        assertTrue(text.startsWith("Migration checklist: Heartbeat 3.0.6 -> Vigil, for " + etc + " (node linux1)\n"), text);
        assertTrue(text.contains("\nha.cf\n  same           logfile /var/log/ha-log   [ha.cf:1]\n"), text);
        assertTrue(text.contains("\n  same           deadtime 10   [ha.cf:4]\n"), text);
        assertTrue(text.contains("\ncommands\n"), text);
        assertTrue(text.matches("(?s).*\\n\\d+ same, \\d+ different, \\d+ not supported\\.\\n"), text);
    }
}
