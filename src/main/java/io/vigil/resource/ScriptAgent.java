package io.vigil.resource;

import java.time.Duration;

/** An agent that is an external script (LSB or OCF): start and stop are one call each, with their time-outs. */
abstract sealed class ScriptAgent implements ResourceAgent permits LsbAgent, OcfAgent {

    protected final ResourceSettings settings;

    ScriptAgent(ResourceSettings settings) {
        this.settings = settings;
    }

    /** Runs the script with {@code action}; {@code quiet} keeps a probe's failure out of the error log. */
    abstract ProcessRunner.Outcome call(String action, Duration timeout, boolean quiet);

    @Override
    public OperationResult start() {
        return OperationResult.of(name(), "start", call("start", settings.startTimeout(), false));
    }

    @Override
    public OperationResult stop() {
        return OperationResult.of(name(), "stop", call("stop", settings.stopTimeout(), false));
    }
}
