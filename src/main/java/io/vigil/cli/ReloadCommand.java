package io.vigil.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** `vigil reload`: make the running daemon re-read its files and apply the changes in place (SIGHUP). */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Make the running daemon re-read ha.cf, haresources, authkeys and vigil.properties (like SIGHUP) "
                + "and apply the changes in place: groups not changed are not touched, groups added are placed as at "
                + "start-up, groups removed are stopped, timings and media change without dropping the peer.",
                "Anything that cannot change while running (node name, node list, udpport, ping nodes, a changed "
                        + "group, ...) or a broken file refuses the whole reload: the running configuration is kept. "
                        + "`vigil check-config --diff` shows what a reload would do."})
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
