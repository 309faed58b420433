package io.vigil.daemon;

import io.vertx.core.Vertx;
import io.vigil.config.ClusterConfig;
import io.vigil.control.ControlAccess;
import io.vigil.control.ControlServer;
import io.vigil.control.VigilHealth;
import io.vigil.control.VigilMetrics;
import io.vigil.live.LiveFeed;
import io.vigil.live.OperatorFeeds;
import io.vigil.respawn.RespawnSupervisor;
import org.jboss.logging.Logger;

import java.time.Duration;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code vigil run} from a loaded configuration to the exit code: the one place that wires the daemon to the PID
 * file, the control socket, metrics and health, the guardian and the signals.
 */
public final class DaemonProcess {

    private static final Logger LOG = Logger.getLogger("vigil");

    /** What Quarkus provides to the daemon. */
    public record Services(Vertx vertx, VigilMetrics metrics, VigilHealth health, LiveFeed live, String version) {
    }

    private DaemonProcess() {
    }

    /**
     * Runs until SIGTERM/SIGINT (graceful: exit 0) or a failure to start (1).
     *
     * @param cleanupCommand how the guardian runs {@code vigil cleanup} for this node after an abnormal exit
     * @param reader         how a reload reads the configuration again (as at start)
     */
    public static int run(ClusterConfig config, DaemonPaths paths, Services services, List<String> cleanupCommand,
                          Daemon.ConfigReader reader) throws Exception {
        try {
            paths.prepare(); // run and state directories created private, or refused (issue 14)
            PidFile.claim(paths.pidFile());
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        RespawnSupervisor respawn = RespawnSupervisor.of(config.respawnClients(), config.haEnv());
        DaemonReporting reporting = new DaemonReporting(services.metrics(), services.version(), config.logBadpack());
        reporting.whenCommUp(respawn::start); // ha.cf respawn children start at comm-up, as in Heartbeat
        Daemon daemon = new Daemon(config, services.vertx(), paths,
                OperatorFeeds.wrap(reporting, config, services.live(), services.metrics()), reader);
        DaemonControl requests = new DaemonControl(daemon, services.version());
        ControlServer control = new ControlServer(services.vertx(), paths.socket(), requests,
                ControlAccess.forGroup(config.vigil().controlGroup()), services.live());
        try {
            daemon.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            control.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.errorf("vigil not started: %s", e instanceof ExecutionException ? e.getCause().getMessage()
                    : "start-up did not complete in time");
            giveUpStart(daemon);
            respawn.stop(Duration.ofSeconds(10));
            PidFile.release(paths.pidFile());
            return 1;
        }
        long startupMs = RestartWindow.startupMs(System.currentTimeMillis());
        requests.started(startupMs);
        LOG.infof("vigil started in %d ms (process launch to first keepalive; a restart keeping the groups has %d ms)",
                startupMs, RestartWindow.windowMs(config.deadtimeMs(), config.keepaliveMs()));
        services.metrics().bindStatus(() -> DaemonReporting.report(daemon, services.version()));
        // a reload may add or remove links and groups: their gauges follow
        daemon.afterReload(() -> services.metrics().bindStatus(() -> DaemonReporting.report(daemon, services.version())));
        services.live().bind(() -> DaemonReporting.report(daemon, services.version()));
        services.metrics().bindAuth(daemon::authKeys); // vigil_auth_insecure while crc is the active key
        services.health().bindLiveness(() -> !daemon.exitCode().isComplete());
        services.health().bindReadiness(daemon::ready);
        Guardian.keep(paths.pidFile(), Handover.file(paths.stateDir()), DaemonResources.tmpDir(paths),
                cleanupCommand,
                paths.runDir().resolve("guardian.log"));
        installSignals(daemon);
        int code = daemon.exitCode().toCompletionStage().toCompletableFuture().get();
        respawn.stop(Duration.ofSeconds(10)); // after the groups are released, as Heartbeat's final shutdown
        control.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        PidFile.release(paths.pidFile());
        LOG.infof("vigil stopped (exit %d)", code);
        return code;
    }

    /**
     * A start that failed or hung half-way may already hold a group or a socket: the daemon is shut down like on
     * SIGTERM (groups released) before the process exits, so nothing is left active behind it.
     */
    private static void giveUpStart(Daemon daemon) {
        if (!daemon.started()) {
            return;
        }
        daemon.shutdown();
        long limit = daemon.shutdownLimitMs() + 5_000; // the daemon's own safety net ends it before this
        try {
            daemon.exitCode().toCompletionStage().toCompletableFuture().get(limit, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.errorf("Shutdown after a failed start did not complete: %s", e);
        }
    }

    /** Our own handlers replace the JVM's: a TERM must stop the groups before the process exits, and exit 0. */
    private static void installSignals(Daemon daemon) {
        sun.misc.SignalHandler stop = sig -> daemon.shutdown();
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), stop);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), stop);
        // the reload logs its own outcome; it blocks until applied, so not on the signal dispatcher's thread
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> new Thread(daemon::reload, "vigil-reload").start());
    }
}
