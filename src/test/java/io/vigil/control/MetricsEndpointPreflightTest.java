package io.vigil.control;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsEndpointPreflightTest {

    @Test
    void defaultsWhenNothingIsSet(@TempDir Path dir) {
        MetricsEndpointPreflight.Endpoint e = MetricsEndpointPreflight.resolve(Map.of(), Map.of(), dir.resolve("vigil.properties"));
        assertEquals(new MetricsEndpointPreflight.Endpoint("127.0.0.1", 9694, "default", Map.of()), e);
    }

    @Test
    void theFileIsReadAndItsValuesAreHandedOn(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("vigil.properties"), "vigil.metrics.port = 9700\nvigil.metrics.host=127.0.0.2\n");
        MetricsEndpointPreflight.Endpoint e = MetricsEndpointPreflight.resolve(Map.of(), Map.of(), file);
        assertEquals("127.0.0.2", e.host());
        assertEquals(9700, e.port());
        assertEquals(Map.of("vigil.metrics.port", "9700", "vigil.metrics.host", "127.0.0.2"), e.fromFile());
        assertTrue(e.origin().contains("vigil.metrics.port in " + file), e.origin());
    }

    @Test
    void systemPropertyThenEnvironmentOutrankTheFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("vigil.properties"), "vigil.metrics.port=9700\nvigil.metrics.host=127.0.0.2\n");
        MetricsEndpointPreflight.Endpoint e = MetricsEndpointPreflight.resolve(
                Map.of("VIGIL_METRICS_PORT", "9800", "VIGIL_METRICS_HOST", "127.0.0.3"), Map.of("vigil.metrics.port", "9900"), file);
        assertEquals(9900, e.port());
        assertEquals("127.0.0.3", e.host());
        assertEquals(Map.of(), e.fromFile());
        assertEquals("-Dvigil.metrics.port, VIGIL_METRICS_HOST", e.origin());
    }

    @Test
    void portZeroMeansNoEndpointAndNoCheck() {
        assertEquals(Optional.empty(), MetricsEndpointPreflight.checkFree(
                new MetricsEndpointPreflight.Endpoint("127.0.0.1", 0, "default", Map.of())));
    }

    @Test
    void aTakenPortGivesOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            Optional<String> problem = MetricsEndpointPreflight.checkFree(
                    new MetricsEndpointPreflight.Endpoint("127.0.0.1", port, "vigil.metrics.port in /etc/ha.d/vigil.properties", Map.of()));
            assertTrue(problem.isPresent());
            String text = problem.get();
            assertTrue(text.startsWith("cannot serve metrics and health on 127.0.0.1:" + port
                    + " (vigil.metrics.port in /etc/ha.d/vigil.properties): address already in use"), text);
            assertTrue(text.contains("set vigil.metrics.port to a free port"), text);
        }
    }

    @Test
    void aFreePortPasses() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertEquals(Optional.empty(), MetricsEndpointPreflight.checkFree(
                new MetricsEndpointPreflight.Endpoint("127.0.0.1", port, "default", Map.of())));
    }

    @Test
    void configDirIsTakenFromTheArgumentsAsPicocliReadsThem() {
        assertEquals(Optional.of(Path.of("/x")), MetricsEndpointPreflight.configDirArgument("--node-name", "a", "--config-dir", "/x"));
        assertEquals(Optional.of(Path.of("/y")), MetricsEndpointPreflight.configDirArgument("--config-dir=/y"));
        assertEquals(Optional.empty(), MetricsEndpointPreflight.configDirArgument("--node-name", "a"));
    }
}
