package io.vigil.cli;

import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.config.ResourceGroup;
import io.vigil.daemon.DaemonPaths;
import io.vigil.daemon.DaemonResources;
import io.vigil.daemon.PidFile;
import io.vigil.resource.GroupResult;
import io.vigil.resource.GroupStatus;
import io.vigil.resource.ResourceManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * `vigil cleanup`: after an abnormal exit, stop every group still active on this node, so the address is never
 * answered by two nodes. Run by the guardian process and by the systemd unit (ExecStopPost).
 */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = {"Stop every resource group still active on this node (right to left, groups in reverse order).",
                "For use after the daemon died abnormally; refuses while a daemon runs."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:nothing left active", "1:a daemon is running, or a group could not be stopped",
                "6:configuration error"})
public class CleanupCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Mixin
    RunDirOption runDirOption;

    @Override
    public Integer call() {
        Optional<ProcessHandle> running = PidFile.running(runDirOption.pidFile());
        if (running.isPresent()) {
            System.err.println("vigil is running [pid " + running.get().pid() + "]: stop it first (cleanup is for after a crash)");
            return 1;
        }
        ClusterConfig config;
        try {
            config = ConfigLoader.load(configOptions.configDir(), configOptions.nodeName());
        } catch (ConfigException e) {
            e.problems().forEach(p -> System.err.println(p.format()));
            return CheckConfigCommand.EXIT_NOT_CONFIGURED;
        }
        ResourceManager resources = new ResourceManager(DaemonResources.settings(config,
                new DaemonPaths(runDirOption.runDir(), config.vigil().stateDir())));
        List<ResourceGroup> groups = new ArrayList<>(config.groups());
        java.util.Collections.reverse(groups);
        boolean ok = true;
        for (ResourceGroup g : groups) {
            GroupStatus status = resources.status(g);
            if (status.overall() == GroupStatus.Overall.NONE) {
                System.out.println(g.key() + ": not active");
                continue;
            }
            GroupResult r = resources.stop(g);
            System.out.println(g.key() + ": " + r.summary());
            ok &= r.success();
        }
        return ok ? 0 : 1;
    }
}
