package io.vigil.resource;

import io.vigil.config.ResourceSpec;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;

/** A resource whose script or agent cannot be found: every operation fails with the reason, as Heartbeat's does. */
public final class MissingAgent implements ResourceAgent {

    private static final Logger LOG = Logger.getLogger("io.vigil.resource");

    private final ResourceSpec spec;
    private final String problem;

    MissingAgent(ResourceSpec spec, String problem) {
        this.spec = spec;
        this.problem = problem;
    }

    @Override
    public String name() {
        return spec.canonical();
    }

    @Override
    public String describe() {
        return "missing agent " + spec.agent();
    }

    private OperationResult fail(String op) {
        LOG.error(problem);
        // 5 = LSB "program is not installed"
        return new OperationResult(name(), op, 5, Duration.ZERO, List.of(problem), false);
    }

    @Override
    public OperationResult start() {
        return fail("start");
    }

    @Override
    public OperationResult stop() {
        return fail("stop");
    }

    @Override
    public Status status() {
        return new Status(ResourceState.UNKNOWN, fail("status"), "", List.of());
    }

    @Override
    public List<String> validate() {
        return List.of(problem);
    }
}
