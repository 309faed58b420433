package io.vigil.cli;

import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.config.ResourceGroup;
import io.vigil.daemon.DaemonPaths;
import io.vigil.daemon.DaemonResources;
import io.vigil.daemon.Handover;
import io.vigil.daemon.PidFile;
import io.vigil.resource.GroupResult;
import io.vigil.resource.GroupStatus;
import io.vigil.resource.ResourceManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
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
        exitCodeList = {"0:nothing left active (--after-handover: or a new daemon took the groups over)",
                "1:a daemon is running, or a group could not be stopped", "6:configuration error"})
public class CleanupCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Mixin
    RunDirOption runDirOption;

    @Option(names = "--after-handover", description = {"After `vigil stop --keep-resources`: wait until the peers"
            + " count the old daemon dead (the handover's deadline), then clean up only if no new daemon took the"
            + " groups over. Run by the guardian and the systemd unit."})
    boolean afterHandover;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "State directory of the daemon (its handover record); default: vigil.state-dir.")
    Path stateDir;

    @Override
    public Integer call() throws InterruptedException {
        ClusterConfig config;
        try {
            config = ConfigLoader.load(configOptions.configDir(), configOptions.nodeName());
        } catch (ConfigException e) {
            e.problems().forEach(p -> System.err.println(p.format()));
            return CheckConfigCommand.EXIT_NOT_CONFIGURED;
        }
        if (afterHandover && !handoverExpired(Handover.file(stateDir != null ? stateDir : config.vigil().stateDir()))) {
            return 0;
        }
        Optional<ProcessHandle> running = PidFile.running(runDirOption.pidFile());
        if (running.isPresent()) {
            System.err.println("vigil is running [pid " + running.get().pid() + "]: stop it first (cleanup is for after a crash)");
            return afterHandover ? 0 : 1;
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

    /**
     * Waits for the handover's deadline; true when the record is still there then (no new daemon took it), so the
     * groups left running must go before the peers take them over.
     */
    private static boolean handoverExpired(Path file) throws InterruptedException {
        Optional<Handover> h = Handover.read(file);
        if (h.isEmpty()) {
            System.out.println("no handover pending (" + file + "): nothing to do");
            return false;
        }
        long wait = h.get().deadlineEpochMs() - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        if (!h.equals(Handover.read(file))) {
            System.out.println("the resource groups were handed over to a new daemon: nothing to do");
            return false;
        }
        System.out.println("no daemon took the resource groups over by the handover's deadline: stopping them");
        Handover.take(file);
        return true;
    }
}
