package io.vigil.notify;

import io.vigil.config.ClusterConfig;
import io.vigil.wire.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Heartbeat's rc.d hooks: run with the HA_ environment, through harc when present, never Heartbeat's own. */
class RcHooksTest {

    private final List<String> outcomes = Collections.synchronizedList(new ArrayList<>());

    private static void await(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 20 s");
            }
            Thread.sleep(20);
        }
    }

    /** A status hook writing {@code hookBody}'s output to a file; runs {@code change} and returns the file's lines. */
    private List<String> statusHook(Path tmp, String hookBody, java.util.function.Consumer<RcHooks> change) throws Exception {
        Path dir = NotifyFixture.configDir(tmp, null);
        Path out = tmp.resolve("status.out");
        NotifyFixture.script(dir.resolve("rc.d/status"), "{ " + hookBody + "; } >> " + out);
        ClusterConfig config = NotifyFixture.load(dir);
        try (ScriptQueue queue = new ScriptQueue(8, Duration.ofSeconds(5), (k, o) -> outcomes.add(k + " " + o))) {
            RcHooks hooks = new RcHooks(config, NotifySettings.of(config), queue);
            assertEquals(List.of("status"), List.copyOf(hooks.hooks().keySet()));
            change.accept(hooks);
            await(() -> outcomes.size() == 1);
        }
        assertEquals(List.of("rc.d ok"), outcomes);
        return Files.readAllLines(out);
    }

    @Test
    void statusHookGetsHeartbeatsEnvironmentWithoutHarc(@TempDir Path tmp) throws Exception {
        List<String> lines = statusHook(tmp, "echo \"args=$*\"; env | grep -E '^(HA_|OCF_ROOT)' | sort",
                hooks -> hooks.nodeStatus("linux2", "active", "dead", false));
        Path dir = tmp.resolve("ha.d");
        assertEquals("args=status", lines.get(0));
        for (String expected : List.of("HA_t=status", "HA_src=linux2", "HA_st=dead", "HA_OSTATUS=active",
                "HA_CURHOST=linux1", "HA_NICEFAILBACK=yes", "HA_DIR=" + dir, "HA_RCDIR=" + dir.resolve("rc.d"),
                "HA_FUNCS=" + dir.resolve("shellfuncs"), "HA_LOGFILE=/var/log/ha-log", "HA_LOGFACILITY=local0",
                "HA_LOGD=no", "HA_debug=0", "OCF_ROOT=/usr/lib/ocf")) {
            assertTrue(lines.contains(expected), expected + " in " + lines);
        }
    }

    @Test
    void messagesGoThroughHarcWithTheirFields(@TempDir Path tmp) throws Exception {
        Path dir = NotifyFixture.configDir(tmp, null);
        Path out = tmp.resolve("harc.log");
        NotifyFixture.script(dir.resolve("harc"), "echo \"harc $1 src=$HA_src rsc_hold=$HA_rsc_hold t=$HA_t\" >> " + out
                + "; exec \"$HA_DIR/rc.d/$1\" \"$@\"");
        NotifyFixture.script(dir.resolve("rc.d/custom-event"), "echo \"hook $1 $HA_info\" >> " + out);
        NotifyFixture.script(dir.resolve("rc.d/starting"), "echo starting-must-not-run >> " + out);
        ClusterConfig config = NotifyFixture.load(dir);
        try (ScriptQueue queue = new ScriptQueue(8, Duration.ofSeconds(5), (k, o) -> outcomes.add(k + " " + o))) {
            RcHooks hooks = new RcHooks(config, NotifySettings.of(config), queue);
            hooks.message(Message.of("custom-event").add("src", "linux2").add("rsc_hold", "foreign").add("info", "hello"));
            hooks.message(Message.of("starting").add("src", "linux2"));
            hooks.message(Message.of("no-hook-for-this").add("src", "linux2"));
            hooks.nodeStatus("linux2", "up", "active", false); // no status hook: nothing
            await(() -> outcomes.size() == 1);
            Thread.sleep(300);
        }
        assertEquals(List.of("harc custom-event src=linux2 rsc_hold=foreign t=custom-event", "hook custom-event hello"),
                Files.readAllLines(out));
        assertEquals(List.of("rc.d ok"), outcomes);
    }

    @Test
    void heartbeatsOwnResourceManagementIsNeverRun(@TempDir Path tmp) throws Exception {
        Path dir = NotifyFixture.configDir(tmp, null);
        Path rc = Files.createDirectories(dir.resolve("rc.d"));
        NotifyFixture.script(rc.resolve("ip-request"), "RSCMGR=$HA_NOARCHBIN/ResourceManager\n$RSCMGR givegroup $HA_ipaddr");
        NotifyFixture.script(rc.resolve("hb_takeover"), "/usr/share/heartbeat/hb_standby all");
        NotifyFixture.script(rc.resolve("status"), "case $HA_st in dead) $HA_NOARCHBIN/mach_down $HA_src;; esac");
        NotifyFixture.script(rc.resolve("num_ping_nodes"), "logger ping count");
        Path stock = Path.of("/etc/ha.d/rc.d/ip-request-resp");
        boolean haveStock = Files.isRegularFile(stock);
        if (haveStock) {
            Files.copy(stock, rc.resolve("ip-request-resp"));
        }
        ClusterConfig config = NotifyFixture.load(dir);
        try (ScriptQueue queue = new ScriptQueue(8, Duration.ofSeconds(5), (k, o) -> outcomes.add(k + " " + o))) {
            RcHooks hooks = new RcHooks(config, NotifySettings.of(config), queue);
            assertEquals(List.of("num_ping_nodes"), List.copyOf(hooks.hooks().keySet()));
        }
        assumeTrue(haveStock, "Heartbeat's package is not installed here: its own files were not tried");
        assertTrue(RcHooks.HEARTBEAT_PACKAGE_FILES.contains(RcHooks.sha256(Files.readAllBytes(stock))));
    }

    @Test
    void pingNodeDeathCarriesInfoPing(@TempDir Path tmp) throws Exception {
        assertEquals(List.of("192.0.2.1 dead ping"), statusHook(tmp, "echo \"$HA_src $HA_st $HA_info\"",
                hooks -> hooks.nodeStatus("192.0.2.1", "ping", "dead", true)));
        ClusterConfig config = NotifyFixture.load(tmp.resolve("ha.d"));
        Map<String, String> env = new RcHooks(config, NotifySettings.of(config), new ScriptQueue(1, Duration.ofSeconds(1),
                (k, o) -> { })).environment(Map.of("t", "status"), null);
        assertFalse(env.containsKey("HA_OSTATUS"));
    }
}
