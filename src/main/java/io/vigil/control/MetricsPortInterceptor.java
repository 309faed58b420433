package io.vigil.control;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

/**
 * {@code vigil.metrics.port=0} means "no metrics/health HTTP at all" (for Quarkus, port 0 would mean "any free
 * port"): this turns it into {@code quarkus.http.host-enabled=false}. Registered through
 * META-INF/services/io.smallrye.config.ConfigSourceInterceptor, so it sees every config source (vigil.properties,
 * VIGIL_METRICS_PORT, -Dvigil.metrics.port).
 */
@Priority(Priorities.APPLICATION + 100)
public class MetricsPortInterceptor implements ConfigSourceInterceptor {

    static final String HOST_ENABLED = "quarkus.http.host-enabled";
    static final String METRICS_PORT = "vigil.metrics.port";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (HOST_ENABLED.equals(name)) {
            ConfigValue port = context.proceed(METRICS_PORT);
            if (port != null && port.getValue() != null && port.getValue().trim().equals("0")) {
                return (value != null ? value : ConfigValue.builder().withName(name).build())
                        .withValue("false").withConfigSourceName("vigil.metrics.port=0");
            }
        }
        return value;
    }
}
