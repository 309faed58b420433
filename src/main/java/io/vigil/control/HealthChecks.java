package io.vigil.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** SmallRye Health checks backed by {@link VigilHealth}. */
final class HealthChecks {

    private HealthChecks() {
    }

    static HealthCheckResponse answer(String name, Boolean up, String downReason) {
        if (up == null) {
            return HealthCheckResponse.named(name).down().withData("reason", "daemon not started").build();
        }
        return up ? HealthCheckResponse.up(name)
                : HealthCheckResponse.named(name).down().withData("reason", downReason).build();
    }

    @Liveness
    @ApplicationScoped
    static class Live implements HealthCheck {
        @Inject
        VigilHealth health;

        @Override
        public HealthCheckResponse call() {
            return answer("vigil-daemon-loop", health.live(), "the daemon loop has stopped");
        }
    }

    @Readiness
    @ApplicationScoped
    static class Ready implements HealthCheck {
        @Inject
        VigilHealth health;

        @Override
        public HealthCheckResponse call() {
            return answer("vigil-resources", health.ready(),
                    "not holding the resources it should, or a transition is in progress");
        }
    }
}
