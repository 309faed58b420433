package io.vigil.control;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MetricsPortInterceptorTest {

    static String hostEnabled(Map<String, String> props) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withInterceptors(new MetricsPortInterceptor())
                .withSources(new PropertiesConfigSource(props, "test", 100))
                .build();
        return config.getOptionalValue("quarkus.http.host-enabled", String.class).orElse("(unset)");
    }

    @Test
    void portZeroDisablesHttp() {
        assertEquals("false", hostEnabled(Map.of("vigil.metrics.port", "0")));
        assertEquals("false", hostEnabled(Map.of("vigil.metrics.port", "0", "quarkus.http.host-enabled", "true")));
        assertEquals("(unset)", hostEnabled(Map.of("vigil.metrics.port", "9694")));
        assertEquals("false", hostEnabled(Map.of("vigil.metrics.port", "9694", "quarkus.http.host-enabled", "false")));
    }
}
