package io.vigil.cli;

import io.vertx.core.json.JsonObject;
import io.vigil.control.FakeControlHandler;
import io.vigil.control.FakeDaemon;
import io.vigil.control.StatusReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vigil status / standby / takeover / reload through the entry point the launcher gives them ({@link ClientMain}: plain
 * picocli, no Quarkus), against a control server with a fake daemon.
 */
class OperatorCommandsTest {

    static FakeDaemon daemon;
    static FakeControlHandler handler;
    static Path runDir;

    record Run(int rc, String out, String err) {
    }

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        runDir = tmp;
        daemon = new FakeDaemon(tmp);
        handler = daemon.handler;
    }

    @AfterAll
    static void stop() throws Exception {
        daemon.close();
    }

    static Run vigil(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = ClientMain.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        return new Run(rc, out.toString(), err.toString());
    }

    @Test
    void statusTableAndJson() {
        Run table = vigil("status", "--run-dir", runDir.toString());
        assertEquals(0, table.rc(), table.err());
        assertTrue(table.out().startsWith("vigil 0.1.0 on alice: active"), table.out());
        assertTrue(table.out().contains("GROUP"), table.out());
        Run json = vigil("status", "--json", "--run-dir", runDir.toString());
        assertEquals(0, json.rc(), json.err());
        assertEquals(handler.report, StatusReport.fromJson(new JsonObject(json.out())));
    }

    @Test
    void notRunning(@TempDir Path empty) {
        String expected = "vigil is not running (no control socket at " + empty.resolve("vigil.sock") + ")\n";
        assertEquals(new Run(3, "", expected), vigil("status", "--run-dir", empty.toString()));
        assertEquals(new Run(1, "", expected), vigil("standby", "--run-dir", empty.toString()));
        assertEquals(new Run(1, "", expected), vigil("takeover", "local", "--run-dir", empty.toString()));
        assertEquals(new Run(1, "", expected), vigil("reload", "--run-dir", empty.toString()));
    }

    @Test
    void requestsReachTheDaemon() {
        handler.requests.clear();
        assertEquals(new Run(0, "standby [foreign] requested\n", ""), vigil("standby", "failback", "--run-dir", runDir.toString()));
        assertEquals(new Run(0, "takeover [all] requested\n", ""), vigil("takeover", "--run-dir", runDir.toString()));
        assertEquals(new Run(0, "Configuration reloaded.\n", ""), vigil("reload", "--run-dir", runDir.toString()));
        assertEquals(List.of("standby foreign", "takeover all", "reload"), handler.requests);
        Run bad = vigil("standby", "bogus", "--run-dir", runDir.toString());
        assertEquals(1, bad.rc());
        assertEquals("vigil standby: wrong resources(bogus): expected all, local, foreign or failback\n", bad.err());
        handler.refuse = true;
        try {
            assertEquals(new Run(1, "", "auto_failback is set to legacy.  Cannot enter standby.\n"),
                    vigil("standby", "--run-dir", runDir.toString()));
        } finally {
            handler.refuse = false;
        }
    }
}
