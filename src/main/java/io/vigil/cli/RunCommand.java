package io.vigil.cli;

import io.vertx.core.Vertx;
import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.control.ControlHandler;
import io.vigil.control.ControlServer;
import io.vigil.control.LogSetup;
import io.vigil.control.Reply;
import io.vigil.control.StatusReport;
import io.vigil.control.VigilHealth;
import io.vigil.control.VigilMetrics;
import io.vigil.daemon.Daemon;
import io.vigil.daemon.DaemonPaths;
import io.vigil.daemon.DaemonReporting;
import io.vigil.daemon.Guardian;
import io.vigil.daemon.PidFile;
import io.vigil.failover.FailoverEvent;
import io.vigil.failover.ResourceSet;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** `vigil run`: the daemon, in the foreground, until SIGTERM (graceful) or SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the failover daemon in the foreground until SIGTERM.",
                "SIGTERM or SIGINT: stop the groups held here (right to left), send shutdone, exit 0.",
                "SIGHUP: re-read authkeys (a broken file is refused and the old keys kept)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped gracefully", "1:failure (already running, a medium cannot be opened, ...)",
                "6:configuration error (every problem printed as file:line: what — fix)"})
public class RunCommand implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger("vigil");

    @Mixin
    ConfigOptions configOptions;

    @Mixin
    RunDirOption runDirOption;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Generation counter and node UUID (default: vigil.state-dir, /var/lib/vigil).")
    Path stateDir;

    @Inject
    Vertx vertx;

    @Inject
    VigilMetrics metrics;

    @Inject
    VigilHealth health;

    @Inject
    io.vigil.live.LiveFeed live;

    @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
    String version;

    @Override
    public Integer call() throws Exception {
        ClusterConfig config;
        try {
            config = ConfigLoader.load(configOptions.configDir(), configOptions.nodeName());
        } catch (ConfigException e) {
            e.problems().forEach(p -> System.err.println(p.format()));
            System.err.println("Configuration error, vigil not started.");
            return CheckConfigCommand.EXIT_NOT_CONFIGURED;
        }
        config.warnings().forEach(w -> LOG.warn(w.format()));
        LogSetup.apply(config.logfile().orElse(null), config.debugfile().orElse(null),
                config.logfacility().orElse(null), config.debugLevel());
        DaemonPaths paths = new DaemonPaths(runDirOption.runDir(), stateDir != null ? stateDir : config.vigil().stateDir());
        try {
            PidFile.claim(paths.pidFile());
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        Daemon daemon = new Daemon(config, vertx, paths,
                io.vigil.live.OperatorFeeds.wrap(new DaemonReporting(metrics, version), config, live, metrics));
        ControlServer control = new ControlServer(vertx, paths.socket(), handler(daemon), live);
        try {
            daemon.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            control.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.errorf("vigil not started: %s", e.getCause().getMessage());
            PidFile.release(paths.pidFile());
            return 1;
        }
        metrics.bindStatus(() -> DaemonReporting.report(daemon, version));
        live.bind(() -> DaemonReporting.report(daemon, version));
        health.bindLiveness(() -> !daemon.exitCode().isComplete());
        health.bindReadiness(daemon::ready);
        Guardian.spawn(paths.pidFile(), cleanupCommand(paths), paths.runDir().resolve("guardian.log"));
        installSignals(daemon);
        int code = daemon.exitCode().toCompletionStage().toCompletableFuture().get();
        control.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        PidFile.release(paths.pidFile());
        LOG.infof("vigil stopped (exit %d)", code);
        return code;
    }

    private ControlHandler handler(Daemon daemon) {
        return new ControlHandler() {
            @Override
            public StatusReport status() {
                return DaemonReporting.report(daemon, version);
            }

            @Override
            public Reply standby(ResourceSet set) {
                daemon.operator(FailoverEvent.OperatorKind.STANDBY, set);
                return Reply.ok("Going standby [" + set.wire() + "].");
            }

            @Override
            public Reply takeover(ResourceSet set) {
                daemon.operator(FailoverEvent.OperatorKind.TAKEOVER, set);
                return Reply.ok("Taking over [" + set.wire() + "].");
            }

            @Override
            public Reply reload() {
                String result = daemon.reload();
                return result.startsWith("reload refused") ? Reply.refused(result) : Reply.ok(result);
            }
        };
    }

    /** How the guardian runs `vigil cleanup` for this node after an abnormal exit. */
    private List<String> cleanupCommand(DaemonPaths paths) {
        List<String> argv = new ArrayList<>(Guardian.selfCommand());
        argv.add("cleanup");
        configOptions.configDir().ifPresent(d -> argv.addAll(List.of("--config-dir", d.toAbsolutePath().toString())));
        configOptions.nodeName().ifPresent(n -> argv.addAll(List.of("--node-name", n)));
        argv.addAll(List.of("--run-dir", paths.runDir().toAbsolutePath().toString()));
        return argv;
    }

    /** Our own handlers replace the JVM's: a TERM must stop the groups before the process exits, and exit 0. */
    private static void installSignals(Daemon daemon) {
        sun.misc.SignalHandler stop = sig -> daemon.shutdown();
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), stop);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), stop);
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> LOG.info(daemon.reload()));
    }
}
