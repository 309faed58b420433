package io.vigil.cli;

import picocli.CommandLine.Command;

/** `vigil takeover [all|local|foreign|failback]`: Heartbeat's hb_takeover — take resource groups from the peer. */
@Command(name = "takeover", mixinStandardHelpOptions = true,
        description = {"Take resource groups over from the other node (Heartbeat's hb_takeover). Sets are relative to this",
                "node: local = groups this node is preferred for, foreign = the others, all = both.",
                "Returns when the daemon has queued the request."})
public class TakeoverCommand extends ResourceSetRequest {

    @Override
    String path() {
        return "/v1/takeover";
    }
}
