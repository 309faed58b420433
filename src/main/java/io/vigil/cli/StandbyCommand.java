package io.vigil.cli;

import io.vigil.failover.ResourceSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** `vigil standby [all|local|foreign|failback]`: Heartbeat's hb_standby — give resource groups to the peer. */
@Command(name = "standby", mixinStandardHelpOptions = true,
        description = {"Give resource groups to the other node (Heartbeat's hb_standby). Sets are relative to this node:",
                "local = groups this node is preferred for, foreign = the others (failback = foreign), all = both.",
                "Needs auto_failback on or off. Returns when the daemon has queued the request."})
public class StandbyCommand implements Callable<Integer> {

    @Mixin
    RunDirOption runDir;

    @Parameters(arity = "0..1", paramLabel = "all|local|foreign|failback", defaultValue = "all",
            description = "Which groups (default: ${DEFAULT-VALUE}).")
    String set;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return request(spec, runDir, "/v1/standby", set);
    }

    static int request(CommandSpec spec, RunDirOption runDir, String path, String set) {
        if (ResourceSet.parse(set).filter(s -> s != ResourceSet.NONE).isEmpty()) {
            spec.commandLine().getErr().println("vigil " + spec.name() + ": wrong resources(" + set
                    + "): expected all, local, foreign or failback");
            spec.commandLine().getErr().flush();
            return 1;
        }
        return ControlCommands.post(runDir, path + "?" + ControlCommands.query("set", set),
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
