package io.vigil.cli;

import io.vigil.failover.ResourceSet;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** What `vigil standby` and `vigil takeover` share: a resource set, checked, then posted to the daemon. */
abstract class ResourceSetRequest implements Callable<Integer> {

    @Mixin
    RunDirOption runDir;

    @Parameters(arity = "0..1", paramLabel = "all|local|foreign|failback", defaultValue = "all",
            description = "Which groups (default: ${DEFAULT-VALUE}).")
    String set;

    @Spec
    CommandSpec spec;

    /** The control-socket endpoint, e.g. {@code /v1/standby}. */
    abstract String path();

    @Override
    public Integer call() {
        if (ResourceSet.parse(set).filter(s -> s != ResourceSet.NONE).isEmpty()) {
            spec.commandLine().getErr().println("vigil " + spec.name() + ": wrong resources(" + set
                    + "): expected all, local, foreign or failback");
            spec.commandLine().getErr().flush();
            return 1;
        }
        return ControlCommands.post(runDir, path() + "?" + ControlCommands.query("set", set),
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
