package io.vigil.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** `vigil reload`: make the running daemon re-read authkeys (SIGHUP); ha.cf and haresources need a restart. */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Make the running daemon re-read authkeys (like SIGHUP); a broken file is refused and the old keys kept. ha.cf and haresources changes need a restart.")
public class ReloadCommand implements Callable<Integer> {

    @Mixin
    RunDirOption runDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return ControlCommands.post(runDir, "/v1/reload", spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
