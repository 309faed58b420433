package io.vigil.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

/** The `vigil` command: only a list of sub-commands. */
@TopCommand
@Command(name = "vigil",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "High-availability failover daemon that reads Linux-HA Heartbeat's ha.cf, authkeys and haresources.",
        subcommands = {RunCommand.class, StatusCommand.class, StandbyCommand.class, TakeoverCommand.class, ReloadCommand.class, StopCommand.class, CheckConfigCommand.class, ResourceCommand.class, CleanupCommand.class, ExportCommand.class, VersionCommand.class})
public class VigilCommand {
}
