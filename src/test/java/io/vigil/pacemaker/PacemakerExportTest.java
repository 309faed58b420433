package io.vigil.pacemaker;

import io.vigil.config.AuthKey;
import io.vigil.config.AuthMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The translation itself, on the tutorial and on realistic configurations, with a fake host (no tool is run). */
class PacemakerExportTest {

    @TempDir
    Path dir;

    private PacemakerExport.Export tutorial() throws Exception {
        ExportFixture f = ExportFixture.copyOf(Path.of("deploy/examples/tutorial"), dir);
        return f.export();
    }

    private ExportFixture realistic(String name) throws Exception {
        String[] c = ExportFixture.REALISTIC.get(name);
        ExportFixture f = ExportFixture.of(dir, c[0], c[1], c[2], c[3]);
        f.scripts.put("mysql", Path.of("/etc/init.d/mysql"));
        f.scripts.put("nfs-kernel-server", Path.of("/etc/init.d/nfs-kernel-server"));
        f.scripts.put("WebServer", Path.of("/usr/lib/vigil/resource.d/WebServer"));
        f.file(dir.resolve("baytech.cfg"), List.of("# the switch", "192.0.2.99 admin pass word"));
        return f;
    }

    private static String crm(PacemakerExport.Export e) {
        return CrmWriter.write(e.cib(), List.of());
    }

    @Test
    void tutorialBecomesOneGroupPreferringLinux1WithThePingCloneAndNoFencing() throws Exception {
        PacemakerExport.Export e = tutorial();
        String crm = crm(e);
        assertTrue(crm.contains("primitive ip-192.0.2.253 ocf:heartbeat:IPaddr2 \\\n    params ip=192.0.2.253 cidr_netmask=24 nic=eth0"), crm);
        assertTrue(crm.contains("op monitor interval=10s timeout=20s \\\n    op start interval=0s timeout=60s \\\n    op stop interval=0s timeout=60s"), crm);
        assertTrue(crm.contains("group grp-ip-192.0.2.253 ip-192.0.2.253\n"), crm);
        assertTrue(crm.contains("location grp-ip-192.0.2.253-prefers-linux1 grp-ip-192.0.2.253 100: linux1\n"), crm);
        assertTrue(crm.contains("primitive ping ocf:pacemaker:ping \\\n    params host_list=192.0.2.1 multiplier=1000 dampen=5s"), crm);
        assertTrue(crm.contains("clone ping-clone ping\n"), crm);
        assertTrue(crm.contains("location grp-ip-192.0.2.253-connectivity grp-ip-192.0.2.253 rule pingd: defined pingd\n"), crm);
        assertTrue(crm.contains("property cib-bootstrap-options: stonith-enabled=false no-quorum-policy=stop dc-deadtime=20s\n"), crm);
        assertTrue(crm.contains("rsc_defaults rsc-options: resource-stickiness=0 migration-threshold=3\n"), crm);
        assertTrue(crm.contains("node 1: linux1\nnode 2: linux2\n"), crm);
        assertTrue(e.warnings().stream().anyMatch(w -> w.contains("stonith-enabled=false") && w.contains("unprotected")), e.warnings().toString());

        String conf = e.corosync().text();
        assertTrue(conf.contains("    token: 4500\n"), conf);
        assertTrue(conf.contains("    knet_ping_interval: 1000\n    knet_ping_timeout: 2250\n"), conf);
        assertTrue(conf.contains("    crypto_cipher: aes256\n    crypto_hash: sha256\n"), conf);
        assertTrue(conf.contains("        ring0_addr: 192.0.2.11\n        name: linux1\n        nodeid: 1\n"), conf);
        assertTrue(conf.contains("    two_node: 1\n"), conf);
        assertTrue(conf.contains("    to_syslog: yes\n    syslog_facility: local0\n"), conf);
    }

    @Test
    void everyTutorialLineIsAccountedForAndTheLogfileIsListedWithItsLine() throws Exception {
        PacemakerExport.Export e = tutorial();
        List<Mapping> un = e.untranslated();
        assertEquals(1, un.size(), un.toString());
        assertEquals(dir.resolve("ha.cf") + ":5", un.get(0).origin());
        assertTrue(un.get(0).format().contains("logfile /var/log/ha-log: not translated: Corosync logs to"), un.get(0).format());
        for (String d : List.of("keepalive", "deadtime", "logfacility", "bcast", "ping", "auto_failback", "node")) {
            assertTrue(e.mappings().stream().anyMatch(m -> m.translated() && m.input().startsWith(d + " ")), d + " " + e.mappings());
        }
        assertTrue(e.mappings().stream().anyMatch(m -> m.origin().equals(dir.resolve("haresources") + ":3")
                && m.input().equals("192.0.2.253") && m.result().orElse("").equals("ocf:heartbeat:IPaddr2 ip-192.0.2.253")));
    }

    @Test
    void webAndDatabasePair() throws Exception {
        PacemakerExport.Export e = realistic("web-db-pair").export();
        String crm = crm(e);
        assertTrue(crm.contains("params ip=192.0.2.10 cidr_netmask=24 nic=eth0"), crm);
        assertTrue(crm.contains("primitive filesystem-dev-drbd0 ocf:heartbeat:Filesystem \\\n    params device=/dev/drbd0 directory=/srv/www fstype=ext4 options=noatime"), crm);
        assertTrue(crm.contains("primitive apache-etc-apache2-apache2.conf ocf:heartbeat:apache \\\n    params configfile=/etc/apache2/apache2.conf"), crm);
        assertTrue(crm.contains("ocf:heartbeat:MailTo \\\n    params email=ops@example.org subject=web"), crm);
        assertTrue(crm.contains("ocf:heartbeat:IPsrcaddr \\\n    params ipaddress=192.0.2.20"), crm);
        assertTrue(crm.contains("primitive portblock-tcp ocf:heartbeat:portblock \\\n    params protocol=tcp portno=3306 action=block"), crm);
        assertTrue(crm.contains("primitive portblock-tcp-2 ocf:heartbeat:portblock \\\n    params protocol=tcp portno=3306 action=unblock"), crm);
        assertTrue(crm.contains("primitive mysql lsb:mysql"), crm);
        assertTrue(crm.contains("group grp-ip-192.0.2.20 ip-192.0.2.20 ipsrcaddr-192.0.2.20 portblock-tcp mysql portblock-tcp-2\n"), crm);
        // auto_failback off: stickiness above the preference; the ping score above preference + stickiness of the
        // largest group (5 resources x 200 + 100)
        assertTrue(crm.contains("resource-stickiness=200"), crm);
        assertTrue(crm.contains("multiplier=2000"), crm);
        // one IPMI device per stonith_host line, each banned from the other node
        assertTrue(crm.contains("primitive fence-ipmi stonith:external/ipmi \\\n    params hostname=linux2 ipaddr=192.0.2.202 userid=admin passwd=secret interface=lan"), crm);
        assertTrue(crm.contains("location fence-ipmi-not-on-linux2 fence-ipmi -INFINITY: linux2\n"), crm);
        assertTrue(crm.contains("location fence-ipmi-2-not-on-linux1 fence-ipmi-2 -INFINITY: linux1\n"), crm);
        assertTrue(crm.contains("stonith-enabled=true"), crm);
        assertTrue(crm.contains("dc-deadtime=30s"), crm);
        assertTrue(e.warnings().stream().noneMatch(w -> w.contains("unprotected")), e.warnings().toString());

        String conf = e.corosync().text();
        assertTrue(conf.contains("token: 2200\n"), conf);
        assertTrue(conf.contains("knet_ping_interval: 500\n    knet_ping_timeout: 1100\n"), conf);
        assertTrue(conf.contains("syslog_facility: daemon"), conf);
        // warntime and udpport have no counterpart: listed with their lines; the unused md5 key too
        List<String> un = e.untranslated().stream().map(Mapping::format).toList();
        assertTrue(un.stream().anyMatch(u -> u.startsWith(dir.resolve("ha.cf") + ":4: warntime 3000 ms: not translated")), un.toString());
        assertTrue(un.stream().anyMatch(u -> u.startsWith(dir.resolve("ha.cf") + ":6: udpport 694: not translated: Corosync (knet) uses UDP 5405")), un.toString());
        assertTrue(un.stream().anyMatch(u -> u.contains("key 1 (md5): not translated")), un.toString());
        assertTrue(e.mappings().stream().anyMatch(m -> m.origin().equals(dir.resolve("ha.cf") + ":11") && m.translated()
                && m.result().get().equals("stonith:external/ipmi fence-ipmi")), e.mappings().toString());
    }

    @Test
    void threeNodesWithPingGroupScriptsAndVigilSettings() throws Exception {
        PacemakerExport.Export e = realistic("three-nodes").export();
        String crm = crm(e);
        // Vigil's own script with arguments: a generated init script runs it
        assertTrue(crm.contains("primitive webserver-srv-www lsb:vigil-webserver-srv-www"), crm);
        GeneratedFile wrapper = e.files().stream().filter(f -> f.path().equals("init.d/vigil-webserver-srv-www")).findFirst().orElseThrow();
        assertTrue(wrapper.content().contains("exec /usr/lib/vigil/resource.d/WebServer /srv/www 8080 192.0.2.30 \"$1\""), wrapper.content());
        assertEquals("/etc/init.d/vigil-webserver-srv-www", wrapper.installAs());
        assertTrue(crm.contains("ocf:heartbeat:Delay \\\n    params startdelay=2 stopdelay=1"), crm);
        assertTrue(crm.contains("params ip=198.51.100.31 cidr_netmask=24 nic=eth1 iflabel=web arp_count=8"), crm);
        assertTrue(crm.contains("primitive dummy-marker ocf:heartbeat:Dummy \\\n"), crm);
        assertTrue(crm.contains("primitive dummy ocf:heartbeat:Dummy \\\n    params state=/run/dummy-a"), crm);
        assertTrue(crm.contains("params ip=192.0.2.32 cidr_netmask=24 nic=eth0 broadcast=192.0.2.255"), crm);
        assertTrue(crm.contains("primitive nfs-kernel-server lsb:nfs-kernel-server"), crm);
        // monitoring and timeouts from vigil.properties; restarts 1 -> the second failure moves the group
        assertTrue(crm.contains("op monitor interval=5s timeout=15s \\\n    op start interval=0s timeout=90s \\\n    op stop interval=0s timeout=120s"), crm);
        assertTrue(crm.contains("migration-threshold=2"), crm);
        // legacy failback returns groups like on
        assertTrue(crm.contains("resource-stickiness=0"), crm);
        // a ping group counts once whichever member answers
        assertTrue(crm.contains("primitive ping-routers ocf:pacemaker:ping \\\n    params host_list=\"192.0.2.1 192.0.2.2\" name=pingd-routers multiplier=1"), crm);
        assertTrue(crm.contains("location grp-ip-192.0.2.30-pingd-routers grp-ip-192.0.2.30 rule 1000: pingd-routers number:gt 0\n"), crm);
        assertTrue(crm.contains("primitive fence-ssh stonith:external/ssh \\\n    params hostlist=\"linux1 linux2 linux3\""), crm);
        assertFalse(crm.contains("-INFINITY"), crm);

        String conf = e.corosync().text();
        assertTrue(conf.contains("token: 3850\n") || conf.contains("token: 3800\n"), conf);
        assertFalse(conf.contains("two_node"), conf);
        assertTrue(conf.contains("nodeid: 3\n"), conf);
        assertTrue(e.mappings().stream().anyMatch(m -> m.input().startsWith("mcast ") && m.note().contains("multicast group is not used")));
        assertTrue(e.mappings().stream().anyMatch(m -> m.origin().endsWith("vigil.properties:2") && m.result().orElse("").equals("migration-threshold 2")),
                e.mappings().toString());
    }

    @Test
    void legacyPairListsWhatCannotBeTranslated() throws Exception {
        PacemakerExport.Export e = realistic("legacy-pair").export();
        String crm = crm(e);
        assertTrue(crm.contains("primitive fence-baytech stonith:baytech \\\n    params ipaddr=192.0.2.99 login=admin password=\"pass word\""), crm);
        assertTrue(crm.contains("ocf:heartbeat:LVM \\\n    params volgrpname=vg0"), crm);
        assertTrue(crm.contains("ocf:heartbeat:Filesystem \\\n    params device=/dev/vg0/data directory=/data"), crm);
        assertTrue(crm.contains("ocf:heartbeat:Xinetd \\\n    params service=tftp"), crm);
        assertTrue(crm.contains("ocf:heartbeat:AudibleAlarm \\\n    params nodelist=\"linux1 linux2\""), crm);
        assertTrue(crm.contains("ocf:heartbeat:SendArp \\\n    params ip=192.0.2.41 nic=eth0"), crm);
        assertTrue(crm.contains("ocf:heartbeat:WAS \\\n    params port=9080"), crm);
        assertTrue(crm.contains("ocf:heartbeat:db2 \\\n    params instance=db2inst1"), crm);
        assertTrue(crm.contains("primitive ids ocf:heartbeat:ids \\\n    op monitor"), crm);
        assertTrue(e.corosync().text().contains("debug: on"), e.corosync().text());
        assertTrue(e.corosync().text().contains("token: 13600\n    knet_ping_interval: 2000\n    knet_ping_timeout: 6800\n"),
                e.corosync().text());
        List<String> un = e.untranslated().stream().map(Mapping::format).toList();
        assertTrue(un.stream().anyMatch(u -> u.contains(":7: apiauth ipfail gid=haclient uid=hacluster: not translated: Pacemaker has no Heartbeat API")), un.toString());
        assertTrue(e.mappings().stream().anyMatch(m -> m.input().startsWith("respawn ") && m.result().orElse("").equals("the ping clone")));
        assertTrue(e.mappings().stream().anyMatch(m -> m.input().startsWith("auth 3 (crc)") && m.note().contains("crc authenticated nothing")));
    }

    @Test
    void badResourcesAndUnknownStonithTypesAreListedWithTheirLines() throws Exception {
        ExportFixture f = ExportFixture.of(dir, """
                keepalive 1
                deadtime 10
                bcast eth0
                stonith_host * external/unknown a b
                stonith_host linux1 baytech 192.0.2.9 admin
                auto_failback on
                node linux1 linux2
                """, "auth 1\n1 sha1 k\n", """
                linux1 192.0.2.50 portblock::tcp::80 MailTo OCF::IPaddr2::web
                linux2 Filesystem::/dev/sdb1
                """, null);
        PacemakerExport.Export e = f.export();
        List<String> un = e.untranslated().stream().map(Mapping::format).toList();
        String haCf = dir.resolve("ha.cf").toString();
        String hr = dir.resolve("haresources").toString();
        assertTrue(un.contains(haCf + ":4: stonith_host * external/unknown a b: not translated: STONITH type external/unknown is not "
                + "known here (`stonith -t external/unknown -n` failed; is cluster-glue installed?): write its primitive with named "
                + "parameters by hand"), un.toString());
        assertTrue(un.contains(haCf + ":5: stonith_host linux1 baytech 192.0.2.9 admin: not translated: baytech needs 3 parameters "
                + "(ipaddr login password), the line gives fewer; Heartbeat would refuse it too"), un.toString());
        assertTrue(un.contains(hr + ":1: portblock::tcp::80: not translated: portblock takes 3 arguments "
                + "(portblock::protocol::portno::action), not 2; Heartbeat's wrapper would refuse it too"), un.toString());
        assertTrue(un.contains(hr + ":1: MailTo: not translated: MailTo takes 1 to 2 arguments (MailTo::email::subject), not 0; "
                + "Heartbeat's wrapper would refuse it too"), un.toString());
        assertTrue(un.stream().anyMatch(u -> u.startsWith(hr + ":1: OCF::IPaddr2::web: not translated: its instance file "
                + dir.resolve("conf/OCF/IPaddr2/web") + " cannot be read here")), un.toString());
        assertTrue(un.contains(hr + ":2: Filesystem::/dev/sdb1: not translated: Filesystem takes 2 to 4 arguments "
                + "(Filesystem::device::directory::fstype::options), not 1; Heartbeat's wrapper would refuse it too"), un.toString());
        // a group keeps what could be translated; a group with nothing left is not exported, and both are warned about
        String crm = crm(e);
        assertTrue(crm.contains("group grp-ip-192.0.2.50 ip-192.0.2.50\n"), crm);
        assertFalse(crm.contains("linux2:"), crm);
        assertFalse(crm.contains("Filesystem"), crm);
        assertTrue(e.warnings().stream().anyMatch(w -> w.contains("exported without portblock::tcp::80")), e.warnings().toString());
        assertTrue(crm.contains("stonith-enabled=false"), crm);
    }

    @Test
    void ocfWrapperInstanceFileAndFenceScript() throws Exception {
        Path fence = dir.resolve("fence.sh");
        Files.writeString(fence, "#!/bin/sh\nexit 0\n");
        fence.toFile().setExecutable(true);
        ExportFixture f = ExportFixture.of(dir, "keepalive 1\ndeadtime 10\nbcast eth0\nauto_failback on\nnode linux1 linux2\n",
                "auth 1\n1 sha1 k\n", "linux1 OCF::IPaddr2::web\n", "vigil.fence-script=" + fence + "\nvigil.monitor.interval=0\n");
        f.files.put(dir.resolve("conf/OCF/IPaddr2/web"), List.of("# web address", "OCF_RESKEY_ip=192.0.2.60",
                "export OCF_RESKEY_cidr_netmask=\"24\""));
        PacemakerExport.Export e = f.export();
        String crm = crm(e);
        assertTrue(crm.contains("primitive ipaddr2-web ocf:heartbeat:IPaddr2 \\\n    params ip=192.0.2.60 cidr_netmask=24 \\\n"
                + "    op start interval=0s timeout=60s"), "no monitor op with vigil.monitor.interval=0\n" + crm);
        assertTrue(crm.contains("primitive fence-vigil stonith:external/vigil-fence \\\n    params hostlist=\"linux1 linux2\" script="
                + fence), crm);
        assertTrue(crm.contains("stonith-enabled=true"), crm);
        GeneratedFile plugin = e.files().stream().filter(g -> g.path().equals("stonith/external/vigil-fence")).findFirst().orElseThrow();
        assertEquals("/usr/lib/stonith/plugins/external/vigil-fence", plugin.installAs());
        assertTrue(plugin.content().contains("HA_CURHOST=$(uname -n) VIGIL_FENCE_NODE=$2 exec \"$script\" \"$2\""), plugin.content());
    }

    @Test
    void nodeAddressesFromOptionsInterfacesHostsAndUcast() {
        var media = List.<io.vigil.config.Medium>of(new io.vigil.config.Medium.Bcast("eth0", 694),
                new io.vigil.config.Medium.Ucast("eth1", addr("198.51.100.12"), 694),
                new io.vigil.config.Medium.Ucast("eth1", addr("198.51.100.11"), 694));
        NodeAddresses.Result r = NodeAddresses.resolve(List.of("linux1", "linux2"), "linux1", media, Map.of(),
                List.of("127.0.1.1 linux1", "192.0.2.12 linux2.example.org linux2 # peer"),
                Map.of("eth0", List.of("192.0.2.11"), "eth1", List.of("198.51.100.11")));
        assertEquals(List.of("192.0.2.11", "198.51.100.11"), r.byNode().get("linux1").addresses());
        assertEquals(List.of("192.0.2.12", "198.51.100.12"), r.byNode().get("linux2").addresses());
        assertEquals("/etc/hosts; ucast eth1 198.51.100.12", r.byNode().get("linux2").source());
        assertTrue(r.missing().isEmpty());

        NodeAddresses.Result none = NodeAddresses.resolve(List.of("linux1", "linux2"), "linux1", List.of(media.get(0)), Map.of(),
                List.of("127.0.1.1 linux1 linux2"), Map.of("eth0", List.of("192.0.2.11")));
        assertEquals(List.of("linux2"), none.missing(), "loopback entries of /etc/hosts are not node addresses");

        NodeAddresses.Result explicit = NodeAddresses.resolve(List.of("linux1", "linux2"), "linux1", media,
                Map.of("linux2", List.of("192.0.2.22")), List.of(), Map.of("eth0", List.of("192.0.2.11"), "eth1", List.of("198.51.100.11")));
        assertEquals(List.of("192.0.2.11"), explicit.byNode().get("linux1").addresses(), "links trimmed to the common count");
        assertTrue(explicit.notes().stream().anyMatch(n -> n.contains("only the first 1")), explicit.notes().toString());
        assertEquals(Map.entry("linux2", List.of("192.0.2.12", "198.51.100.12")), NodeAddresses.parseOption("Linux2=192.0.2.12,198.51.100.12"));
        assertEquals(Map.of("eth0", List.of("192.0.2.11")), NodeAddresses.primaryIpv4(List.of(
                "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever",
                "2: eth0    inet 192.0.2.11/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever",
                "2: eth0    inet 192.0.2.253/24 brd 192.0.2.255 scope global secondary eth0:0\\       valid_lft forever")));
    }

    @Test
    void derivedKeyIsTheSameOnEveryNodeAndNeedsASecret() {
        AuthKey sha1 = new AuthKey(1, AuthMethod.SHA1, "MaClefSecrete".getBytes());
        byte[] a = CorosyncKey.derive(sha1, "vigil").orElseThrow();
        assertEquals(256, a.length);
        assertArrayEquals(a, CorosyncKey.derive(new AuthKey(1, AuthMethod.SHA1, "MaClefSecrete".getBytes()), "vigil").orElseThrow());
        assertFalse(java.util.Arrays.equals(a, CorosyncKey.derive(sha1, "other").orElseThrow()), "the cluster name is part of it");
        assertEquals(Optional.empty(), CorosyncKey.derive(new AuthKey(1, AuthMethod.CRC, new byte[0]), "vigil"));
        assertEquals(256, CorosyncKey.fresh(new SecureRandom()).length);
    }

    @Test
    void idsQuotingAndStonithParameters() {
        Ids ids = new Ids();
        assertEquals("grp-192.0.2.253", ids.unique("grp-192.0.2.253"));
        assertEquals("grp-192.0.2.253-2", ids.unique("grp-192.0.2.253"));
        assertEquals("r-2001-db8-10", Ids.valid("2001:db8::10"));
        assertEquals("fs-srv-data", Ids.valid("fs-/srv/data"));
        assertEquals("\"a b\"", CrmWriter.quote("a b"));
        assertEquals("\"x\\\"y\"", CrmWriter.quote("x\"y"));
        assertEquals("'it'\\''s'", PcsWriter.shellQuote("it's"));
        assertEquals(Optional.of(Map.of("ipaddr", "10.0.0.1", "login", "admin", "password", "two words")),
                PacemakerExport.positional(List.of("ipaddr", "login", "password"), "10.0.0.1 admin two words"));
        assertEquals(Optional.empty(), PacemakerExport.positional(List.of("ipaddr", "login", "password"), "10.0.0.1 admin"));
    }

    private static java.net.InetAddress addr(String s) {
        try {
            return java.net.InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
