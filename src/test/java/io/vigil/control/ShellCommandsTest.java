package io.vigil.control;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real deploy/bin commands (cl_status: Perl; hb_*: bash + curl) against a control server with a fake daemon behind it. */
class ShellCommandsTest {

    static final Path BIN = Path.of("deploy/bin").toAbsolutePath();
    /** Heartbeat's cl_status log prefix on stderr: {@code Dec 07 07:19:22 <host> cl_status: [pid]: }. */
    static final String PREFIX = "[A-Z][a-z]{2} \\d{2} \\d{2}:\\d{2}:\\d{2} \\S+ cl_status: \\[\\d+\\]: ";

    static FakeDaemon daemon;
    static Path socket;
    static FakeControlHandler handler;

    record Run(String stdout, String stderr, int rc) {
    }

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        daemon = new FakeDaemon(tmp);
        socket = daemon.socket();
        handler = daemon.handler;
    }

    @AfterAll
    static void stop() throws Exception {
        daemon.close();
    }

    static Run run(Path sock, String command, String... args) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add(BIN.resolve(command).toString());
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("VIGIL_SOCKET", sock.toString());
        Path out = Files.createTempFile("sh-out", ".txt");
        Path err = Files.createTempFile("sh-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), command + " did not finish");
            return new Run(Files.readString(out), Files.readString(err), p.exitValue());
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The script must print exactly what ClStatus renders (its log lines differ only by pid and time). */
    static void sameAsRenderer(String... args) throws Exception {
        Run r = run(socket, "cl_status", args);
        CommandOutput expected = ClStatus.run(handler.status(), List.of(args), 1, LocalDateTime.now());
        String what = "cl_status " + String.join(" ", args);
        assertEquals(expected.stdout(), r.stdout(), what + ": stdout");
        assertEquals(expected.exitCode(), r.rc(), what + ": exit code (stderr " + r.stderr() + ")");
        assertEquals(normalise(expected.stderr()), normalise(r.stderr()), what + ": stderr");
    }

    static String normalise(String stderr) {
        return stderr.replaceAll(PREFIX, "TIME HOST cl_status: [PID]: ");
    }

    @Test
    void everySubCommandOfReference73() throws Exception {
        sameAsRenderer("hbstatus");
        sameAsRenderer("hbstatus", "-v");
        sameAsRenderer("listnodes");
        sameAsRenderer("listnodes", "-p");
        sameAsRenderer("listnodes", "-n", "-v");
        sameAsRenderer("nodestatus", "alice");
        sameAsRenderer("nodestatus", "bob");
        sameAsRenderer("nodestatus", "-m", "bob");
        sameAsRenderer("nodestatus", "nosuch");
        sameAsRenderer("nodestatus");
        sameAsRenderer("nodetype", "192.0.2.1");
        sameAsRenderer("nodeweight", "bob");
        sameAsRenderer("nodesite", "bob");
        sameAsRenderer("listhblinks", "-v", "bob");
        sameAsRenderer("hblinkstatus", "bob", "eth0");
        sameAsRenderer("hblinkstatus", "bob", "eth1");
        sameAsRenderer("clientstatus", "bob", "ipfail", "500");
        sameAsRenderer("rscstatus");
        sameAsRenderer("rscstatus", "-m");
        sameAsRenderer("hbparameter", "-p", "keepalive");
        sameAsRenderer("hbparameter", "-p", "no such thing");
        sameAsRenderer("hbparameter");
        sameAsRenderer("nodestatus", "-z", "bob");
        // spot checks of the literal texts, independent of the renderer
        assertEquals(new Run("dead\n", "", 1), run(socket, "cl_status", "nodestatus", "bob"));
        assertEquals(new Run("1000ms\n", "", 0), run(socket, "cl_status", "hbparameter", "-p", "keepalive"));
    }

    @Test
    void helpAndInvalidSubCommandNeedNoDaemon(@TempDir Path tmp) throws Exception {
        Path none = tmp.resolve("none.sock");
        assertEquals(new Run(ClStatus.HELP, "", 0), run(none, "cl_status"));
        assertEquals(new Run(ClStatus.HELP, "", 0), run(none, "cl_status", "-h"));
        Run bad = run(none, "cl_status", "bogus");
        assertEquals(11, bad.rc());
        assertTrue(bad.stderr().matches(PREFIX + "ERROR: bogus: invalid sub-command\\.\n"), bad.stderr());
    }

    @Test
    void daemonNotRunning(@TempDir Path tmp) throws Exception {
        Path none = tmp.resolve("none.sock");
        assertEquals(new Run("Heartbeat is stopped on this machine.\n", "", 1), run(none, "cl_status", "hbstatus"));
        assertEquals(new Run("Heartbeat is stopped on this machine.\n(hb_api_signon: Can't initiate connection to heartbeat)\n", "", 1),
                run(none, "cl_status", "hbstatus", "-v"));
        for (String[] args : List.of(new String[] {"nodestatus", "bob"}, new String[] {"rscstatus"},
                new String[] {"listnodes"}, new String[] {"hbparameter", "-p", "keepalive"}, new String[] {"nodestatus"})) {
            Run r = run(none, "cl_status", args);
            assertEquals("", r.stdout());
            assertEquals(1, r.rc(), String.join(" ", args));
            assertEquals("TIME HOST cl_status: [PID]: ERROR: Cannot signon with heartbeat\n"
                    + "TIME HOST cl_status: [PID]: ERROR: REASON: hb_api_signon: Can't initiate connection to heartbeat\n",
                    normalise(r.stderr()));
        }
    }

    @Test
    void silentDaemonTimesOutWithExit12(@TempDir Path tmp) throws Exception {
        Path mute = tmp.resolve("mute.sock");
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(mute));
            CompletableFuture<SocketChannel> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return ch.accept();   // accept, never answer
                } catch (IOException e) {
                    return null;
                }
            });
            Run r = run(mute, "cl_status", "rscstatus");
            assertEquals(12, r.rc());
            SocketChannel c = accepted.get(5, TimeUnit.SECONDS);
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void hbStandbyAndTakeoverArgumentChecks() throws Exception {
        String standby = BIN.resolve("hb_standby").toString();
        assertEquals(new Run("usage:\n", standby + ": wrong resources(bogus).\n" + standby + " [all|foreign|local|failback]\n", 1),
                run(socket, "hb_standby", "bogus"));
        String takeover = BIN.resolve("hb_takeover").toString();
        assertEquals(new Run("usage:\n", takeover + ": too many arguments\n" + takeover + " [all|foreign|local|failback]\n", 1),
                run(socket, "hb_takeover", "a", "b"));
        assertEquals(new Run("usage:\n", standby + " [all|foreign|local|failback]\n", 1), run(socket, "hb_standby", "--help"));
    }

    @Test
    void hbStandbyAndTakeoverReachTheDaemon(@TempDir Path tmp) throws Exception {
        handler.requests.clear();
        assertEquals(new Run("", "", 0), run(socket, "hb_standby"));
        assertEquals(new Run("", "", 0), run(socket, "hb_standby", "failback"));
        assertEquals(new Run("", "", 0), run(socket, "hb_takeover", "local"));
        assertEquals(List.of("standby all", "standby foreign", "takeover local"), handler.requests);

        handler.refuse = true;
        try {
            Run refused = run(socket, "hb_standby", "all");
            assertEquals(1, refused.rc());
            assertEquals(BIN.resolve("hb_standby") + ": auto_failback is set to legacy.  Cannot enter standby.\n", refused.stderr());
        } finally {
            handler.refuse = false;
        }
        Path none = tmp.resolve("none.sock");
        Run r = run(none, "hb_takeover");
        assertEquals(1, r.rc());
        assertEquals(BIN.resolve("hb_takeover") + ": vigil is not running (no control socket at " + none + ")\n", r.stderr());
    }

    @Test
    void scriptsNeedNoJvm() throws IOException {
        for (String s : List.of("cl_status", "hb_standby", "hb_takeover")) {
            Path p = BIN.resolve(s);
            assertTrue(Files.isExecutable(p), s);
            String interpreter = s.equals("cl_status") ? "#!/usr/bin/perl\n" : "#!/bin/bash\n";
            assertTrue(Files.readString(p, StandardCharsets.UTF_8).startsWith(interpreter), s);
        }
    }
}
