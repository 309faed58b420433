package io.vigil.resource;

import io.vigil.config.ResourceSpec;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A Heartbeat resource script or LSB init script: {@code <script> [args…] start|stop|status}. */
public final class LsbAgent extends ScriptAgent {

    private static final Logger LOG = Logger.getLogger("io.vigil.resource");

    private final ResourceSpec spec;
    private final Path script;
    private final ProcessRunner runner;

    LsbAgent(ResourceSpec spec, Path script, ResourceSettings settings, ProcessRunner runner) {
        super(settings);
        this.spec = spec;
        this.script = script;
        this.runner = runner;
    }

    /** The first regular executable file {@code <dir>/<name>} in {@code dirs}. Names with a slash are not looked up. */
    public static Optional<Path> locate(String name, List<Path> dirs) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            return Optional.empty();
        }
        for (Path dir : dirs) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public Path script() {
        return script;
    }

    @Override
    public String name() {
        return spec.canonical();
    }

    @Override
    public String describe() {
        return script.toString();
    }

    @Override
    public Status status() {
        ProcessRunner.Outcome o = call("status", settings.statusTimeout(), true);
        StatusRule.Verdict v = StatusRule.judge(name(), o.exitCode(), o.stdoutText(), o.timedOut());
        v.warnings().forEach(LOG::warn);
        return new Status(v.state(), OperationResult.of(name(), "status", o), o.stdoutText(), v.warnings());
    }

    @Override
    public List<String> validate() {
        return List.of();
    }

    @Override
    ProcessRunner.Outcome call(String action, java.time.Duration timeout, boolean quiet) {
        ResourceManager.ensureDir(settings.tmpDir());
        return ScriptCall.run(runner, name(), script, spec.args(), action, settings.scriptEnvironment(), timeout, quiet);
    }
}
