package io.vigil.cli;

import picocli.CommandLine.Command;

/** `vigil standby [all|local|foreign|failback]`: Heartbeat's hb_standby — give resource groups to the peer. */
@Command(name = "standby", mixinStandardHelpOptions = true,
        description = {"Give resource groups to the other node (Heartbeat's hb_standby). Sets are relative to this node:",
                "local = groups this node is preferred for, foreign = the others (failback = foreign), all = both.",
                "Needs auto_failback on or off. Returns when the daemon has queued the request."})
public class StandbyCommand extends ResourceSetRequest {

    @Override
    String path() {
        return "/v1/standby";
    }
}
