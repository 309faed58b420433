package io.vigil.daemon;

import io.vertx.core.Vertx;
import io.vigil.config.ClusterConfig;
import io.vigil.control.ControlServer;
import io.vigil.control.VigilHealth;
import io.vigil.control.VigilMetrics;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code vigil run} from a loaded configuration to the exit code: the one place that wires the daemon to the PID
 * file, the control socket, metrics and health, the guardian and the signals.
 */
public final class DaemonProcess {

    private static final Logger LOG = Logger.getLogger("vigil");

    /** What Quarkus provides to the daemon. */
    public record Services(Vertx vertx, VigilMetrics metrics, VigilHealth health, String version) {
    }

    private DaemonProcess() {
    }

    /**
     * Runs until SIGTERM/SIGINT (graceful: exit 0) or a failure to start (1).
     *
     * @param cleanupCommand how the guardian runs {@code vigil cleanup} for this node after an abnormal exit
     */
    public static int run(ClusterConfig config, DaemonPaths paths, Services services, List<String> cleanupCommand)
            throws Exception {
        try {
            PidFile.claim(paths.pidFile());
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        Daemon daemon = new Daemon(config, services.vertx(), paths,
                new DaemonReporting(services.metrics(), services.version()));
        ControlServer control = new ControlServer(services.vertx(), paths.socket(),
                new DaemonControl(daemon, services.version()));
        try {
            daemon.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            control.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            LOG.errorf("vigil not started: %s", e.getCause().getMessage());
            PidFile.release(paths.pidFile());
            return 1;
        }
        services.metrics().bindStatus(() -> DaemonReporting.report(daemon, services.version()));
        services.health().bindLiveness(() -> !daemon.exitCode().isComplete());
        services.health().bindReadiness(daemon::ready);
        Guardian.spawn(paths.pidFile(), cleanupCommand, paths.runDir().resolve("guardian.log"));
        installSignals(daemon);
        int code = daemon.exitCode().toCompletionStage().toCompletableFuture().get();
        control.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        PidFile.release(paths.pidFile());
        LOG.infof("vigil stopped (exit %d)", code);
        return code;
    }

    /** Our own handlers replace the JVM's: a TERM must stop the groups before the process exits, and exit 0. */
    private static void installSignals(Daemon daemon) {
        sun.misc.SignalHandler stop = sig -> daemon.shutdown();
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), stop);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), stop);
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> LOG.info(daemon.reload().message()));
    }
}
