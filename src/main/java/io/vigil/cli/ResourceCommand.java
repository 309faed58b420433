package io.vigil.cli;

import io.vigil.config.ConfigEnvironment;
import io.vigil.config.ConfigLoader;
import io.vigil.config.HaresourcesParser;
import io.vigil.config.ResourceGroup;
import io.vigil.config.ResourceSpec;
import io.vigil.daemon.PidFile;
import io.vigil.resource.ComplianceChecker;
import io.vigil.resource.GroupResult;
import io.vigil.resource.GroupStatus;
import io.vigil.resource.OperationResult;
import io.vigil.resource.ResourceSettings;
import io.vigil.resource.ResourceState;
import io.vigil.resource.SpecSyntax;
import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code vigil resource start|stop|status|check <spec>}: one resource, by hand, outside the daemon. */
@Command(name = "resource", mixinStandardHelpOptions = true,
        description = "Start, stop, probe or compliance-check one resource (a haresources token such as "
                + "IPaddr::192.0.2.10/24/eth0, Dummy::a, 192.0.2.10 or ocf:heartbeat:Dummy::state=/tmp/x).",
        subcommands = {ResourceCommand.Start.class, ResourceCommand.Stop.class, ResourceCommand.Status.class,
                ResourceCommand.Check.class, ResourceCommand.Cleanup.class})
public class ResourceCommand {

    /** {@code vigil resource cleanup GROUP}: the running daemon re-probes a stop-failed group and releases it if stopped. */
    @Command(name = "cleanup", mixinStandardHelpOptions = true,
            description = {"After fixing why a group's stop failed: the running daemon probes the group, stops it again"
                    + " if anything is not stopped, probes again, and releases it (normal placement resumes) only if"
                    + " every resource then says stopped."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:released (or nothing to release)", "1:still not stopped, or no daemon running"})
    static class Cleanup implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "GROUP", description = "The group's key (its first haresources resource).")
        String group;

        @Mixin
        RunDirOption runDir;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return ControlCommands.post(runDir, "/v1/cleanup?" + ControlCommands.query("group", group),
                    spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }

    /** Options and checks shared by the sub-commands. */
    abstract static class Base implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RESOURCE", description = "The resource, written as in haresources.")
        String token;

        @Mixin
        ConfigOptions config;

        @Mixin
        RunDirOption runDir;

        @Option(names = "--timeout", paramLabel = "DURATION",
                description = "Timeout of every action (30, 30s, 500ms, 2m). Default: vigil.resource.*-timeout.")
        String timeout;

        ResourceSpec spec;

        ResourceSettings settings() {
            ResourceSettings s = ResourceSettings.fromConfig(ConfigProvider.getConfig());
            if (timeout != null) {
                var d = ResourceSettings.parseDuration("--timeout", timeout);
                s = s.withTimeouts(d, d, d);
            }
            return s;
        }

        @Override
        public final Integer call() {
            try {
                spec = SpecSyntax.parse(token);
                return run(settings());
            } catch (IllegalArgumentException e) {
                System.err.println("vigil resource: " + e.getMessage());
                return 2;
            }
        }

        abstract Integer run(ResourceSettings settings);

        /** The running daemon's PID when it is alive and this resource is in its haresources. */
        Optional<Long> managingDaemon() {
            Optional<ProcessHandle> daemon = PidFile.running(runDir.pidFile());
            if (daemon.isEmpty()) {
                return Optional.empty();
            }
            Path haresources = configDir().resolve("haresources");
            try {
                // the node column is not checked here (no node list): only "is this resource in the file?"
                HaresourcesParser.Result parsed = HaresourcesParser.parse(haresources, Files.readAllLines(haresources), List.of());
                boolean managed = parsed.groups().stream().flatMap(g -> g.resources().stream())
                        .anyMatch(s -> s.canonical().equals(spec.canonical()));
                return managed ? Optional.of(daemon.get().pid()) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        /** The configuration directory the daemon would read: --config-dir, vigil.config-dir, VIGIL_CONFIG_DIR, defaults. */
        Path configDir() {
            return new ConfigLoader(ConfigEnvironment.system()).resolveDir(config.configDir()).path();
        }

        /** False (after printing why) when the daemon manages the resource and --force is not given. */
        boolean mayTouch(boolean force) {
            Optional<Long> pid = managingDaemon();
            if (pid.isPresent() && !force) {
                System.err.println("vigil resource: " + spec.canonical() + " is managed by the running daemon (pid " + pid.get()
                        + ", " + configDir().resolve("haresources") + "); changing it behind the daemon's back can cause a "
                        + "split brain. Use `vigil standby`/`takeover` instead, or --force if you know better.");
                return false;
            }
            return true;
        }

        static void printFailure(GroupResult r) {
            for (OperationResult o : r.operations()) {
                if (!o.ok() && !o.operation().equals("status") && !o.operation().equals("monitor")) {
                    System.err.println(o.describe());
                    o.lastLines().forEach(l -> System.err.println("  " + l));
                }
            }
        }

        ResourceGroup single() {
            return new ResourceGroup(spec.token(), "", List.of(spec), 0);
        }
    }

    /** Start and stop: refused while the daemon manages the resource unless forced; the outcome printed. */
    abstract static class Change extends Base {
        @Option(names = "--force", description = "Act even though the running daemon manages this resource.")
        boolean force;

        abstract GroupResult change(io.vigil.resource.ResourceManager manager, ResourceSettings settings);

        @Override
        Integer run(ResourceSettings settings) {
            if (!mayTouch(force)) {
                return 1;
            }
            GroupResult r = change(new io.vigil.resource.ResourceManager(settings), settings);
            System.out.println(r.summary());
            if (!r.success()) {
                printFailure(r);
            }
            return r.success() ? 0 : 1;
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start the resource (nothing is done when its status says running). Exit 0 ok, 1 failure.")
    static class Start extends Change {
        @Override
        GroupResult change(io.vigil.resource.ResourceManager manager, ResourceSettings settings) {
            GroupResult r = manager.start(single());
            // the gratuitous ARPs run in the background: let them leave before this process exits
            manager.awaitAnnouncements(settings.arpInterval().multipliedBy(settings.arpCount()).plusSeconds(5));
            return r;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop the resource (retried like Heartbeat when it fails). Exit 0 ok, 1 failure.")
    static class Stop extends Change {
        @Override
        GroupResult change(io.vigil.resource.ResourceManager manager, ResourceSettings settings) {
            return manager.stop(single());
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Print running/stopped. Exit codes as LSB: 0 running, 3 stopped, 4 unknown.")
    static class Status extends Base {
        @Override
        Integer run(ResourceSettings settings) {
            GroupStatus g = new io.vigil.resource.ResourceManager(settings).status(single());
            GroupStatus.ResourceStatus st = g.resources().get(0);
            System.out.println(st.resource() + ": " + st.state().name().toLowerCase(java.util.Locale.ROOT));
            if (st.state() == ResourceState.UNKNOWN) {
                st.probe().lastLines().forEach(l -> System.err.println("  " + l));
            }
            return switch (st.state()) {
                case RUNNING -> 0;
                case STOPPED -> 3;
                case UNKNOWN -> 4;
            };
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Compliance check for script authors: status, start, start, status, stop, stop, status; "
                    + "prints each deviation from the contract (docs/resource-scripts.md). Exit 0 compliant, 1 deviations.")
    static class Check extends Base {
        @Option(names = "--force", description = "Check even though the running daemon manages this resource.")
        boolean force;

        @Override
        Integer run(ResourceSettings settings) {
            if (!mayTouch(force)) {
                return 1;
            }
            ComplianceChecker.Report r = new ComplianceChecker(new io.vigil.resource.ResourceManager(settings)).check(spec);
            System.out.println("checking " + r.resource() + " (" + r.agent() + ")");
            r.deviations().forEach(d -> System.out.println(d.line()));
            System.out.println(r.compliant() ? "compliant" : r.deviations().size() + " deviation(s)");
            return r.compliant() ? 0 : 1;
        }
    }
}
