package io.vigil.control;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged app: commands other than `run` open no port. We hold the metrics port ourselves; a command that
 * tried to open Quarkus HTTP on it would fail with "Port … seems to be in use".
 */
class NoPortForCommandsIT {

    record Run(int rc, String out) {
    }

    static Run vigil(int metricsPort, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("java", "-Dvigil.metrics.port=" + metricsPort, "-jar",
                System.getProperty("vigil.app", "target/quarkus-app/quarkus-run.jar")));
        argv.addAll(List.of(args));
        Path out = Files.createTempFile("vigil-it", ".txt");
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "vigil " + String.join(" ", args) + " did not finish");
            return new Run(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void commandsWorkWhileTheMetricsPortIsTaken(@TempDir Path runDir) throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();

            Run version = vigil(port, "version");
            assertEquals(0, version.rc(), version.out());
            assertTrue(version.out().startsWith("vigil "), version.out());
            assertFalse(version.out().contains("in use"), version.out());

            Run status = vigil(port, "status", "--run-dir", runDir.toString());
            assertEquals(3, status.rc(), status.out());
            assertEquals("vigil is not running (no control socket at " + runDir.resolve("vigil.sock") + ")\n", status.out());
        }
    }

    /** `run` itself: one clear line (address, where the port was set, what to change) instead of Quarkus' trace. */
    @Test
    void runSaysWhichPortIsTakenAndWhereItWasSet(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();

            Run byProperty = vigil(port, "run", "--config-dir", dir.toString(), "--run-dir", dir.resolve("run").toString());
            assertEquals(1, byProperty.rc(), byProperty.out());
            assertTrue(byProperty.out().startsWith("vigil: cannot serve metrics and health on 127.0.0.1:" + port
                    + " (-Dvigil.metrics.port): address already in use"), byProperty.out());
            assertFalse(byProperty.out().contains("Failed to start"), byProperty.out());

            // The same port written in <config-dir>/vigil.properties is honoured by the HTTP server, hence refused too.
            Path file = Files.writeString(dir.resolve("vigil.properties"), "vigil.metrics.port=" + port + "\n");
            List<String> argv = List.of("java", "-jar", System.getProperty("vigil.app", "target/quarkus-app/quarkus-run.jar"),
                    "run", "--config-dir", dir.toString(), "--run-dir", dir.resolve("run").toString());
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue(), out);
            assertTrue(out.startsWith("vigil: cannot serve metrics and health on 127.0.0.1:" + port
                    + " (vigil.metrics.port in " + file + "): address already in use"), out);
        }
    }
}
