package io.vigil.daemon;

import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigProblem;
import io.vigil.config.Origin;
import io.vigil.config.ResourceGroup;
import io.vigil.config.Setting;
import io.vigil.config.StonithDevice;
import io.vigil.config.StopFailurePolicy;
import io.vigil.resource.ProcessRunner;
import io.vigil.resource.ResourceManager;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code vigil check-config} and {@code vigil run} verify on this host before a failover needs it, so a missing
 * script or tool is found at start-up rather than at takeover time: every resource of haresources resolves (script
 * found and executable, OCF agent present and its meta-data readable with the given parameters, {@code ip} and
 * {@code arping}/{@code send_ua} present for the addresses), every STONITH device's type is installed, the watchdog
 * device exists, and this node can carry out {@code vigil.on-stop-failure}. Each problem names its file and line.
 */
public final class Preflight {

    private Preflight() {
    }

    /** Every problem found; errors make {@code vigil run} refuse to start unless told to start anyway. */
    public static List<ConfigProblem> check(ClusterConfig config) {
        List<ConfigProblem> problems = new ArrayList<>();
        ResourceManager resources = new ResourceManager(DaemonResources.settings(config,
                new DaemonPaths(Path.of("/run/vigil"), config.vigil().stateDir())));
        for (ResourceGroup g : config.groups()) {
            problems.addAll(resources.validate(g, config.haresources()));
        }
        problems.addAll(stonith(config.stonith()));
        config.watchdog().ifPresent(w -> watchdog(w, origin(config, "watchdog"), problems));
        if (config.vigil().onStopFailure() == StopFailurePolicy.REBOOT) {
            Origin at = origin(config, "vigil.reboot-command");
            Rebooter.of(config).refusal().ifPresent(why -> problems.add(at.warning("this node would refuse to reboot itself "
                    + "after a failed stop (" + why + "), so such a group would stay blocked here",
                    "set vigil.reboot-command to the lab's stand-in, or vigil.on-stop-failure=block")));
            String program = config.vigil().rebootCommand().strip().split("\\s+")[0];
            if (!program.contains("/") && ProcessRunner.findExecutable(program).isEmpty()
                    || program.contains("/") && !Files.isExecutable(Path.of(program))) {
                problems.add(at.warning("the reboot command's program " + program + " is not found",
                        "give vigil.reboot-command a command that exists"));
            }
        }
        return problems;
    }

    /**
     * The gate of {@code vigil run}: prints every problem; true when the daemon may start (no error, or
     * {@code startAnyway}).
     */
    public static boolean admit(ClusterConfig config, boolean startAnyway, PrintStream err) {
        List<ConfigProblem> problems = check(config);
        problems.forEach(p -> err.println(p.format()));
        long errors = problems.stream().filter(ConfigProblem::isError).count();
        if (errors == 0) {
            return true;
        }
        if (startAnyway) {
            err.println("Pre-flight: " + errors + (errors == 1 ? " problem" : " problems")
                    + " above; starting anyway (--start-anyway): those resources will fail when they are needed.");
            return true;
        }
        err.println("Pre-flight: " + errors + (errors == 1 ? " problem" : " problems") + " above, vigil not started. "
                + "Fix them, or start with --start-anyway.");
        return false;
    }

    private static List<ConfigProblem> stonith(List<StonithDevice> devices) {
        if (devices.isEmpty()) {
            return List.of();
        }
        List<ConfigProblem> problems = new ArrayList<>();
        Optional<Path> tool = Fencing.stonithTool();
        if (tool.isEmpty()) {
            devices.forEach(d -> problems.add(d.origin().error("STONITH device " + d.type() + " cannot be used: the stonith "
                    + "tool is not installed", "apt-get install cluster-glue")));
            return problems;
        }
        ProcessRunner.Outcome listed = new ProcessRunner(20, ProcessRunner.OutputLimit.whole(1 << 20))
                .run(List.of(tool.get().toString(), "-L"), Map.of(), Duration.ofSeconds(30));
        Set<String> types = new HashSet<>();
        listed.stdout().forEach(l -> types.add(l.strip()));
        for (StonithDevice d : devices) {
            if (!types.contains(d.type())) {
                problems.add(d.origin().error("Invalid Stonith type [" + d.type() + "]",
                        "`stonith -L` lists the installed types; install the plugin or correct the name"));
            }
        }
        return problems;
    }

    private static void watchdog(Path device, Origin at, List<ConfigProblem> problems) {
        if (!Files.exists(device)) {
            problems.add(at.error("watchdog device " + device + " does not exist",
                    "load a watchdog driver (modprobe softdog) or remove the watchdog line"));
        } else if (!Files.isWritable(device)) {
            problems.add(at.error("watchdog device " + device + " is not writable", "vigil must run as root"));
        } else if (!isCharacterDevice(device)) {
            problems.add(at.warning("watchdog " + device + " is not a character device: writing to it resets nothing "
                    + "when Vigil hangs", "give the kernel watchdog device, e.g. /dev/watchdog"));
        }
    }

    static boolean isCharacterDevice(Path p) {
        try {
            Object type = Files.getAttribute(p, "unix:mode");
            return type instanceof Integer mode && (mode & 0170000) == 0020000;
        } catch (Exception e) {
            return false;
        }
    }

    /** Where a setting came from, as a problem location ({@code /etc/ha.d/ha.cf:12}, {@code default}, …). */
    private static Origin origin(ClusterConfig config, String name) {
        return config.effective().stream().filter(s -> s.name().equals(name)).findFirst().map(Setting::origin)
                .map(Origin::of).orElse(Origin.at(config.haCf(), 0));
    }
}
