package io.vigil.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Set;

/**
 * The operator commands without the daemon's machinery: plain picocli over the control client, no Quarkus, no CDI,
 * no Vert.x instance, so a command answers in a JVM start-up plus one request. The launcher ({@code deploy/bin/vigil})
 * runs this class for the sub-commands in {@link #COMMANDS}; every other command goes through {@link io.vigil.Main}.
 * The command classes are the same ones the Quarkus entry point lists in {@link VigilCommand}.
 */
@Command(name = "vigil", mixinStandardHelpOptions = true,
        description = "Ask the running Vigil daemon (the commands that need only its control socket).",
        subcommands = {StatusCommand.class, StandbyCommand.class, TakeoverCommand.class, ReloadCommand.class,
                StopCommand.class})
public final class ClientMain {

    /** The sub-commands answered here; deploy/bin/vigil routes exactly these (ClientMainTest keeps both in step). */
    public static final Set<String> COMMANDS = Set.of("status", "standby", "takeover", "reload", "stop");

    public static void main(String... args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new ClientMain());
    }
}
