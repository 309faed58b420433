package io.vigil.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** `vigil takeover [all|local|foreign|failback]`: Heartbeat's hb_takeover — take resource groups from the peer. */
@Command(name = "takeover", mixinStandardHelpOptions = true,
        description = {"Take resource groups over from the other node (Heartbeat's hb_takeover). Sets are relative to this",
                "node: local = groups this node is preferred for, foreign = the others, all = both.",
                "Returns when the daemon has queued the request."})
public class TakeoverCommand implements Callable<Integer> {

    @Mixin
    RunDirOption runDir;

    @Parameters(arity = "0..1", paramLabel = "all|local|foreign|failback", defaultValue = "all",
            description = "Which groups (default: ${DEFAULT-VALUE}).")
    String set;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return StandbyCommand.request(spec, runDir, "/v1/takeover", set);
    }
}
