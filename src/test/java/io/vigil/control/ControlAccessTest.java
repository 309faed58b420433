package io.vigil.control;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vigil.config.UnixAccounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The control socket's access rule with real processes of other users: the shipped cl_status and hb_standby run
 * through {@code setpriv} as an unprivileged uid that is (a) a member of the control group, (b) not one. The group
 * is a gid of its own (no entry in /etc/group is needed: the daemon compares numbers), so the host's files stay
 * untouched. Root only (switching users).
 */
class ControlAccessTest {

    static final int GID = 64231;         // the control group
    static final int MEMBER = 64232;      // a monitoring user in it
    static final int OUTSIDER = 64233;    // an unprivileged user outside it
    static final Path BIN = Path.of("deploy/bin").toAbsolutePath();

    static Vertx vertx;
    static Path dir;
    static Path socket;
    static FakeControlHandler handler = new FakeControlHandler();
    static ControlServer server;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(ControlAccess.ownUid() == 0, "switching users needs root");
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        // a directory others may traverse, holding the daemon's run directory (created by the server, 0700)
        dir = Files.createTempDirectory("cp-access-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        socket = dir.resolve("run").resolve("vigil.sock");
        ControlAccess access = new ControlAccess("cpgroup", Optional.of(new UnixAccounts.Group("cpgroup", GID)), 0);
        server = new ControlServer(vertx, socket, handler, access, null);
        server.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (dir != null) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    record Run(String stdout, String stderr, int rc) {
    }

    /** A shipped command as uid {@code uid} (primary gid = uid), with the control group as supplementary or not. */
    static Run as(int uid, boolean inGroup, String command, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid,
                inGroup ? "--groups=" + GID : "--clear-groups", "--", BIN.resolve(command).toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("VIGIL_SOCKET", socket.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Run(out, err, p.exitValue());
    }

    @Test
    void socketAndDirectoryAreOpenToTheGroupOnly() throws Exception {
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals(GID, Files.getAttribute(socket, "unix:gid"));
        assertEquals("rwx--x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
        assertEquals(GID, Files.getAttribute(socket.getParent(), "unix:gid"));
    }

    @Test
    void aGroupMemberQueriesWithClStatus() throws Exception {
        Run r = as(MEMBER, true, "cl_status", "nodestatus", "alice");
        assertEquals(new Run("active\n", "", 0), r);
        assertEquals(new Run("dead\n", "", 1), as(MEMBER, true, "cl_status", "nodestatus", "bob"));
        assertEquals(new Run("Heartbeat is running on this machine.\n", "", 0), as(MEMBER, true, "cl_status", "hbstatus"));
        assertEquals("all\n", as(MEMBER, true, "cl_status", "rscstatus").stdout());
    }

    @Test
    void aGroupMemberCannotChangeAnything() throws Exception {
        int before = handler.requests.size();
        Run r = as(MEMBER, true, "hb_standby");
        assertEquals(1, r.rc());
        assertTrue(r.stderr().contains("permission denied: uid " + MEMBER + " may only query; standby, takeover and reload need root"),
                r.stderr());
        assertEquals(1, as(MEMBER, true, "hb_takeover", "local").rc());
        assertEquals(before, handler.requests.size(), "the daemon acted on a refused request: " + handler.requests);
    }

    @Test
    void anOutsiderIsRefusedAsHeartbeatRefusesASignOn() throws Exception {
        Run r = as(OUTSIDER, false, "cl_status", "nodestatus", "bob");
        assertEquals(1, r.rc());
        assertEquals("", r.stdout());
        assertTrue(r.stderr().contains("ERROR: Cannot signon with heartbeat"), r.stderr());
        Run hb = as(OUTSIDER, false, "cl_status", "hbstatus");
        assertEquals(new Run("Heartbeat is apparently running on this machine, but refuses my connection\n", "", 0), hb);
    }

    @Test
    void theDaemonRefusesAnOutsiderEvenWhenFileModesWouldLetHimIn() throws Exception {
        Set<java.nio.file.attribute.PosixFilePermission> socketMode = Files.getPosixFilePermissions(socket);
        Set<java.nio.file.attribute.PosixFilePermission> dirMode = Files.getPosixFilePermissions(socket.getParent());
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
            Run r = as(OUTSIDER, false, "cl_status", "nodestatus", "bob");
            assertEquals(1, r.rc());
            assertTrue(r.stderr().contains("ERROR: REASON: permission denied: uid " + OUTSIDER
                    + " is neither root nor a member of group cpgroup"), r.stderr());
            Run standby = as(OUTSIDER, false, "hb_standby");
            assertEquals(1, standby.rc());
            assertTrue(standby.stderr().contains("is neither root nor a member of group cpgroup"), standby.stderr());
        } finally {
            Files.setPosixFilePermissions(socket, socketMode);
            Files.setPosixFilePermissions(socket.getParent(), dirMode);
        }
    }

    @Test
    void rootMayDoEverything() throws Exception {
        ControlClient c = new ControlClient(socket);
        assertEquals(200, c.get("/v1/status").status());
        assertEquals(200, c.post("/v1/reload").status());
    }

    @Test
    void levels() {
        ControlAccess a = new ControlAccess("haclient", Optional.of(new UnixAccounts.Group("haclient", 105)), 0);
        assertEquals(ControlAccess.Level.CONTROL, a.levelOf(new ControlAccess.Peer(1, 0, 0, Set.of())));
        assertEquals(ControlAccess.Level.QUERY, a.levelOf(new ControlAccess.Peer(1, 1000, 105, Set.of())));
        assertEquals(ControlAccess.Level.QUERY, a.levelOf(new ControlAccess.Peer(1, 1000, 1000, Set.of(27, 105))));
        assertEquals(ControlAccess.Level.NONE, a.levelOf(new ControlAccess.Peer(1, 1000, 1000, Set.of(27))));
        ControlAccess rootOnly = new ControlAccess("haclient", Optional.empty(), 0);
        assertEquals(ControlAccess.Level.NONE, rootOnly.levelOf(new ControlAccess.Peer(1, 1000, 105, Set.of(105))));
        // the daemon's own user (vigil run as a non-root user in a test) controls its daemon
        ControlAccess own = new ControlAccess("", Optional.empty(), 1000);
        assertEquals(ControlAccess.Level.CONTROL, own.levelOf(new ControlAccess.Peer(1, 1000, 1000, Set.of())));
    }
}
