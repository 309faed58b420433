package io.vigil.pacemaker;

import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigEnvironment;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.config.HaCfParser;
import io.vigil.resource.FindIf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Heartbeat configuration in a directory, exported with a fake host: findif puts 192.0.2.0/24 on eth0 and
 * 198.51.100.0/24 on eth1; the STONITH types and scripts it knows are set by the test.
 */
final class ExportFixture {

    final Path dir;
    final Map<String, List<String>> stonithTypes = new HashMap<>(Map.of(
            "external/ssh", List.of("hostlist"),
            "baytech", List.of("ipaddr", "login", "password"),
            "external/ipmi", List.of("hostname", "ipaddr", "userid", "passwd", "interface")));
    final Map<String, Path> scripts = new HashMap<>();
    final Map<Path, List<String>> files = new HashMap<>();
    final Map<String, List<String>> addresses = new HashMap<>();
    String localNode;

    ExportFixture(Path dir) {
        this.dir = dir;
    }

    /**
     * The three files (authkeys mode 600) and, when not null, vigil.properties; {@code @DIR@} in ha.cf is the
     * directory (a STONITH config file must exist where ha.cf names it).
     */
    static ExportFixture of(Path dir, String haCf, String authkeys, String haresources, String properties) throws IOException {
        Files.writeString(dir.resolve("ha.cf"), haCf.replace("@DIR@", dir.toString()));
        Files.writeString(dir.resolve("authkeys"), authkeys);
        Files.setPosixFilePermissions(dir.resolve("authkeys"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("haresources"), haresources);
        if (properties != null) {
            Files.writeString(dir.resolve("vigil.properties"), properties);
        }
        return new ExportFixture(dir);
    }

    /** A copy of a directory of the repository (deploy/examples/…), authkeys mode 600. */
    static ExportFixture copyOf(Path source, Path dir) throws IOException {
        try (var list = Files.list(source)) {
            for (Path f : list.filter(Files::isRegularFile).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Files.setPosixFilePermissions(dir.resolve("authkeys"), PosixFilePermissions.fromString("rw-------"));
        return new ExportFixture(dir);
    }

    /** A file the export reads, written for real too (the configuration loader checks that it exists). */
    void file(Path path, List<String> lines) throws IOException {
        Files.write(path, lines);
        files.put(path, lines);
    }

    ClusterConfig config() throws ConfigException {
        ConfigEnvironment env = new ConfigEnvironment(Map.of(), Map.of(), () -> "linux1", n -> true, n -> Optional.empty(),
                List.of(dir));
        return new ConfigLoader(env).loadFrom(Optional.of(dir), Optional.ofNullable(localNode));
    }

    ExportHost host() {
        return new ExportHost(arg -> {
            if (arg.nic().isPresent() && arg.prefix().isPresent()) {
                return Optional.of(new FindIf.Placement(arg.nic().get(), arg.prefix().getAsInt()));
            }
            if (arg.ip().startsWith("192.0.2.")) {
                return Optional.of(new FindIf.Placement(arg.nic().orElse("eth0"), arg.prefix().orElse(24)));
            }
            if (arg.ip().startsWith("198.51.100.")) {
                return Optional.of(new FindIf.Placement(arg.nic().orElse("eth1"), arg.prefix().orElse(24)));
            }
            return Optional.empty();
        }, t -> Optional.ofNullable(stonithTypes.get(t)), s -> Optional.ofNullable(scripts.get(s)),
                t -> Optional.of(t.equals("ping") ? "pacemaker" : "heartbeat"), p -> Optional.ofNullable(files.get(p)));
    }

    PacemakerExport.Export export() throws IOException, ConfigException {
        ClusterConfig config = config();
        List<HaCfParser.Entry> entries = HaCfParser.parse(config.haCf(), Files.readAllLines(config.haCf())).entries();
        Map<String, List<String>> explicit = new HashMap<>(addresses);
        for (int i = 0; i < config.nodes().size(); i++) {
            explicit.putIfAbsent(config.nodes().get(i), List.of("192.0.2." + (11 + i)));
        }
        NodeAddresses.Result a = NodeAddresses.resolve(config.nodes(), config.localNode(), config.media(), explicit, List.of(), Map.of());
        return PacemakerExport.translate(config, entries, a, "testcluster", host());
    }

    /** Realistic configurations beyond the tutorial, by name; each is a valid Vigil configuration. */
    static final Map<String, String[]> REALISTIC = new java.util.LinkedHashMap<>();

    static {
        // 1. web + database pair: DRBD-backed file system, apache, a mail on every move; the database on the other node,
        //    its port blocked while it moves; no failback; STONITH over IPMI, one device per target; a ping node.
        REALISTIC.put("web-db-pair", new String[] {"""
                logfacility daemon
                keepalive 500ms
                deadtime 5
                warntime 3
                initdead 30
                udpport 694
                bcast eth0
                ucast eth1 198.51.100.12
                ping 192.0.2.1
                auto_failback off
                stonith_host linux1 external/ipmi linux2 192.0.2.202 admin secret lan
                stonith_host linux2 external/ipmi linux1 192.0.2.201 admin secret lan
                node linux1
                node linux2
                """, "auth 2\n1 md5 old\n2 sha1 S3cr3t\n", """
                # web on linux1, database on linux2
                linux1 IPaddr2::192.0.2.10/24/eth0 Filesystem::/dev/drbd0::/srv/www::ext4::noatime \\
                       apache::/etc/apache2/apache2.conf MailTo::ops@example.org::web
                linux2 192.0.2.20 IPsrcaddr::192.0.2.20 portblock::tcp::3306::block mysql portblock::tcp::3306::unblock
                """, null});
        // 2. three nodes, legacy failback, a ping group, Vigil's own scripts (one with arguments), an OCF agent,
        //    a shared STONITH device, monitoring settings.
        REALISTIC.put("three-nodes", new String[] {"""
                logfile /var/log/ha-log
                keepalive 1
                deadtime 10
                mcast eth0 239.0.0.1 694 1 0
                ping_group routers 192.0.2.1 192.0.2.2
                stonith_host * external/ssh linux1 linux2 linux3
                node linux1 linux2 linux3
                """, "auth 1\n1 sha1 S3cr3t\n", """
                linux1 192.0.2.30 Delay::2::1 WebServer::/srv/www::8080::192.0.2.30
                linux2 IPaddr::198.51.100.31/24/eth1:web Dummy::marker ocf:heartbeat:Dummy::state=/run/dummy-a
                linux3 192.0.2.32/24/eth0/192.0.2.255 nfs-kernel-server
                """, """
                vigil.monitor.interval=5s
                vigil.monitor.restarts=1
                vigil.resource.start-timeout=90s
                vigil.resource.stop-timeout=2m
                vigil.resource.status-timeout=15s
                vigil.arp.count=8
                """});
        // 3. a Heartbeat 2.x style pair with crc, a STONITH config file, Heartbeat's own wrappers with odd arities
        REALISTIC.put("legacy-pair", new String[] {"""
                debug 1
                keepalive 2
                deadtime 30
                bcast eth0 eth1
                stonith baytech @DIR@/baytech.cfg
                respawn hacluster /usr/lib/heartbeat/ipfail
                apiauth ipfail gid=haclient uid=hacluster
                auto_failback on
                node linux1 linux2
                """, "auth 3\n3 crc\n", """
                linux1 IPaddr2::192.0.2.40 LVM::vg0 Filesystem::/dev/vg0/data::/data Xinetd::tftp AudibleAlarm::linux1::linux2
                linux2 IPaddr2::192.0.2.41 SendArp::192.0.2.41/eth0 WAS::9080 db2::db2inst1 ids
                """, null});
    }
}
