package io.vigil.cli;

import io.vertx.core.Vertx;
import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.control.LogSetup;
import io.vigil.control.VigilHealth;
import io.vigil.control.VigilMetrics;
import io.vigil.daemon.DaemonPaths;
import io.vigil.daemon.DaemonProcess;
import io.vigil.daemon.Guardian;
import io.vigil.live.LiveFeed;
import io.vigil.daemon.Preflight;
import io.vigil.resource.ScriptTrust;
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

/** `vigil run`: the daemon, in the foreground, until SIGTERM (graceful) or SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the failover daemon in the foreground until SIGTERM.",
                "SIGTERM or SIGINT: stop the groups held here (right to left), send shutdone, exit 0.",
                "SIGHUP: re-read authkeys (a broken file is refused and the old keys kept)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped gracefully", "1:failure (already running, a medium cannot be opened, ...)",
                "6:configuration error or pre-flight problem (every problem printed as file:line: what — fix)"})
public class RunCommand implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger("vigil");

    @Mixin
    ConfigOptions configOptions;

    @Mixin
    RunDirOption runDirOption;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Generation counter, node UUID and the peers' generations (default: vigil.state-dir, /var/lib/vigil).")
    Path stateDir;

    @Option(names = "--start-anyway",
            description = "Start even when the pre-flight finds a problem (a resource that cannot be resolved, a missing tool).")
    boolean startAnyway;

    @Inject
    Vertx vertx;

    @Inject
    VigilMetrics metrics;

    @Inject
    VigilHealth health;

    @Inject
    LiveFeed live;

    @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
    String version;

    @Override
    public Integer call() throws Exception {
        ClusterConfig config;
        try {
            config = ConfigLoader.load(configOptions.configDir(), configOptions.nodeName());
            ScriptTrust.refuseUntrusted(config); // resource scripts root-owned and not group/other-writable
        } catch (ConfigException e) {
            e.problems().forEach(p -> System.err.println(p.format()));
            System.err.println("Configuration error, vigil not started.");
            return CheckConfigCommand.EXIT_NOT_CONFIGURED;
        }
        config.warnings().forEach(w -> LOG.warn(w.format()));
        if (!Preflight.admit(config, startAnyway, System.err)) {
            return CheckConfigCommand.EXIT_NOT_CONFIGURED;
        }
        LogSetup.apply(config.logfile().orElse(null), config.debugfile().orElse(null),
                config.logfacility().orElse(null), config.debugLevel());
        DaemonPaths paths = new DaemonPaths(runDirOption.runDir(), stateDir != null ? stateDir : config.vigil().stateDir());
        return DaemonProcess.run(config, paths, new DaemonProcess.Services(vertx, metrics, health, live, version),
                cleanupCommand(paths), () -> {
                    ClusterConfig reread = ConfigLoader.load(configOptions.configDir(), configOptions.nodeName());
                    ScriptTrust.refuseUntrusted(reread);
                    return reread;
                });
    }

    /** How the guardian runs `vigil cleanup` for this node after an abnormal exit. */
    private List<String> cleanupCommand(DaemonPaths paths) {
        List<String> argv = new ArrayList<>(Guardian.selfCommand());
        argv.add("cleanup");
        configOptions.configDir().ifPresent(d -> argv.addAll(List.of("--config-dir", d.toAbsolutePath().toString())));
        configOptions.nodeName().ifPresent(n -> argv.addAll(List.of("--node-name", n)));
        argv.addAll(List.of("--run-dir", paths.runDir().toAbsolutePath().toString()));
        argv.addAll(List.of("--state-dir", paths.stateDir().toAbsolutePath().toString())); // its handover record
        return argv;
    }
}
