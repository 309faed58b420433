package io.vigil.cli;

import io.vigil.daemon.PidFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * `vigil stop`: stop the running daemon and wait until it has exited. Plain: SIGTERM, the groups are released and the
 * peers take them (Heartbeat's {@code heartbeat -k}). {@code --keep-resources}: the daemon exits leaving its groups
 * running, for a restart or an upgrade that moves nothing: the next start adopts them.
 */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = {"Stop the running daemon and wait until it has exited.",
                "Without options the groups are released (as SIGTERM, systemctl stop vigil, heartbeat -k).",
                "With --keep-resources the daemon exits leaving its groups running: start it again within deadtime"
                        + " (less one keepalive) and it adopts them, nothing moves. Refused while groups move."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the daemon has exited (or was not running)", "1:refused, or it did not exit in time"})
public class StopCommand implements Callable<Integer> {

    @Mixin
    RunDirOption runDir;

    @Option(names = "--keep-resources", description = "Exit leaving the resource groups running, for a restart that adopts them.")
    boolean keep;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long to wait for the daemon to exit (default: ${DEFAULT-VALUE}; a release waits for every stop script).")
    int timeoutSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<ProcessHandle> daemon = PidFile.running(runDir.pidFile());
        if (daemon.isEmpty()) {
            out.println("vigil is not running (no live process in " + runDir.pidFile() + ")");
            out.flush();
            return 0;
        }
        if (keep) {
            int rc = ControlCommands.post(runDir, "/v1/stop?keep=resources", out, err);
            if (rc != 0) {
                return rc;
            }
        } else if (!daemon.get().destroy()) {
            err.println("vigil: cannot signal pid " + daemon.get().pid());
            err.flush();
            return 1;
        }
        long until = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (daemon.get().isAlive()) {
            if (System.nanoTime() > until) {
                err.println("vigil: pid " + daemon.get().pid() + " has not exited after " + timeoutSeconds + " s");
                err.flush();
                return 1;
            }
            Thread.sleep(50);
        }
        out.println("vigil (pid " + daemon.get().pid() + ") stopped" + (keep ? ", resource groups kept running" : ""));
        out.flush();
        return 0;
    }
}
