package io.vigil.migration;

import java.util.Map;

/**
 * Facts about the files the Debian heartbeat 1:3.0.6 package installs in /etc/ha.d (its conffiles and their MD5
 * sums, as dpkg records them), so a user's copy can be told apart from Heartbeat's own.
 */
final class HeartbeatStock {

    private HeartbeatStock() {
    }

    /** resource.d scripts: name → MD5 of Heartbeat 3.0.6's file (Debian 12). */
    static final Map<String, String> RESOURCE_D = Map.ofEntries(
            Map.entry("AudibleAlarm", "0346d449c06cde5a8205d4c5cbd35d11"),
            Map.entry("Delay", "8d016e89b8577bc07ed05f681afdeaaa"),
            Map.entry("Filesystem", "a338211d0ca1550dbbe927f83b2d3697"),
            Map.entry("ICP", "835efc5f7131d12244d7af328668439c"),
            Map.entry("IPaddr", "a7688c675b28921a25fa3c0fbb223a55"),
            Map.entry("IPaddr2", "e89a056cc5db0d0e10a387dd4259fbd7"),
            Map.entry("IPsrcaddr", "a89f1b9a261213ce493176ed96f021b3"),
            Map.entry("IPv6addr", "512c5273b85d4cb2fa38ae68be6d16b9"),
            Map.entry("LVM", "df6d3b0e0316999875eb5714294e3c8e"),
            Map.entry("LinuxSCSI", "5e29afa053b6c3bf5c53acd9831b52eb"),
            Map.entry("MailTo", "acf68ea900dfd4c93900012fa416074c"),
            Map.entry("OCF", "67cf57e903a65dd3c766cea26f96a9ab"),
            Map.entry("Raid1", "82b59d7ca278f10520344ec1bfad93db"),
            Map.entry("SendArp", "2954795a70cf8196bd018fa9bc7e5e0a"),
            Map.entry("ServeRAID", "4891c52b2c2189952fe825e10d31c23c"),
            Map.entry("WAS", "5c7299860e4ab5554c34d4eccfb176f2"),
            Map.entry("WinPopup", "0933c8d867ade59878aab259b71bfff2"),
            Map.entry("Xinetd", "175626f1090aee96e8968764a9a68bcb"),
            Map.entry("apache", "41159bb4711e39433d855c8d1ee6de58"),
            Map.entry("db2", "0e59a10a6b2f0e62f9e2f7e313dedb6b"),
            Map.entry("hto-mapfuncs", "5b62aa27e3c7e6182fa1513b9585a391"),
            Map.entry("ids", "f06c4516ad6e674f755ee58252dfad97"),
            Map.entry("portblock", "4904b71ef97925bd126793eb9d5c22de"));

    /**
     * rc.d scripts: the handlers of Heartbeat's own messages (status, ip-request, ip-request-resp, hb_takeover,
     * ask_resources). Vigil handles those messages itself, as part of the protocol.
     */
    static final Map<String, String> RC_D = Map.of(
            "ask_resources", "75f0bba9a05855ea6928bb52c4d256c4",
            "hb_takeover", "a0cc84fff08b1e7cafe901881ff43afe",
            "ip-request", "e9d60274532fad2123364cd91dab1be8",
            "ip-request-resp", "0b88432734529b255cb6dd14b0a34096",
            "status", "8765723352d8d8f00976e27ee1b84d53");

    /** Files of the package directly in /etc/ha.d that are not the user's configuration. */
    static final Map<String, String> TOP = Map.of(
            "README.config", "afa5c282db10586dae0d7ef3b3c67bbf",
            "harc", "74ede8fa0846265fe75485ff79c0a9e5");
}
