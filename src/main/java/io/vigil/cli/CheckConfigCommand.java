package io.vigil.cli;

import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.config.ConfigProblem;
import io.vigil.config.ResourceGroup;
import io.vigil.config.ResourceSpec;
import io.vigil.config.Setting;
import io.vigil.resource.ScriptTrust;
import picocli.CommandLine.Command;
import io.vigil.daemon.Preflight;
import io.vertx.core.json.JsonObject;
import io.vigil.control.ControlClient;
import io.vigil.migration.MigrationChecklist;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code vigil check-config}: reads ha.cf, authkeys, haresources and vigil.properties, prints the effective
 * configuration with the origin of every value, then the warnings; then the pre-flight of this host
 * ({@link Preflight}: every resource resolvable, STONITH types installed, watchdog device present). Exit 0 if Vigil
 * could start with it, 6 (LSB "not configured") with every problem on stderr otherwise. Opens no socket.
 */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = {"Check the configuration and print its effective values with their origin.",
                "Then the pre-flight of this host: every haresources resource resolvable (script found and executable, "
                        + "OCF meta-data readable, ip/arping/send_ua present), STONITH types installed, watchdog device present."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:configuration valid (--diff: a reload would apply every change)",
                "1:--diff: a reload would be refused (why is printed), or the daemon could not be asked",
                "3:--diff: no daemon is running: there is nothing to compare with",
                "6:configuration error or pre-flight problem (each printed as file:line: what — fix)"})
public class CheckConfigCommand implements Callable<Integer> {

    public static final int EXIT_NOT_CONFIGURED = 6;

    @Mixin
    ConfigOptions options;

    @Option(names = "--no-preflight",
            description = "Check the files only, not this host (scripts, tools, devices): for a configuration prepared elsewhere.")
    boolean noPreflight;

    @Option(names = "--migration", description = {"Also print the migration checklist: every ha.cf line, the authkeys "
            + "method, every haresources resource (and the script it runs), the extra files of the configuration "
            + "directory and Heartbeat's commands, each marked same, different (how) or not supported (what instead)."})
    boolean migration;

    @Option(names = "--diff", description = {"Show what `vigil reload` would do now: asks the running daemon to compare "
            + "its running configuration with the files, per directive and group: unchanged, changed and how it is "
            + "applied, or refused and why (then the whole reload is refused). Applies nothing."})
    boolean diff;

    @Mixin
    RunDirOption runDir;

    public static final int EXIT_NOT_RUNNING = 3;

    @Override
    public Integer call() {
        return run(System.out, System.err);
    }

    int run(PrintStream out, PrintStream err) {
        ClusterConfig config;
        try {
            config = ConfigLoader.load(options.configDir(), options.nodeName());
            ScriptTrust.refuseUntrusted(config);
        } catch (ConfigException e) {
            e.problems().forEach(p -> err.println(p.format()));
            long errors = e.errors().size();
            err.println("Configuration error: " + errors + (errors == 1 ? " error" : " errors") + ", Vigil would not start.");
            return EXIT_NOT_CONFIGURED;
        }
        if (diff) {
            return diff(config, out, err);
        }
        List<ConfigProblem> preflight = noPreflight ? List.of() : Preflight.check(config);
        List<ConfigProblem> errors = preflight.stream().filter(ConfigProblem::isError).toList();
        print(config, preflight.stream().filter(p -> !p.isError()).toList(), errors.isEmpty(), out);
        if (!errors.isEmpty()) {
            errors.forEach(p -> err.println(p.format()));
            err.println("Pre-flight: " + errors.size() + (errors.size() == 1 ? " problem" : " problems")
                    + ", `vigil run` would refuse to start (unless --start-anyway).");
            return EXIT_NOT_CONFIGURED;
        }
        if (migration) {
            out.println();
            out.print(MigrationChecklist.render(config, MigrationChecklist.build(config, MigrationChecklist.Host.system())));
        }
        return 0;
    }

    /** The running daemon's plan for its files (the daemon reads them itself: what it sees is what a reload gets). */
    private int diff(ClusterConfig config, PrintStream out, PrintStream err) {
        ControlClient client = new ControlClient(runDir.socket());
        try {
            JsonObject body = ControlCommands.parse(client.get("/v1/reload-plan"));
            if (body.containsKey("error")) {
                err.println("vigil: " + body.getString("error"));
                return 1;
            }
            out.print(body.getString("message", ""));
            String dir = config.configDir().toAbsolutePath().normalize().toString();
            if (!body.getString("message", "").contains(" " + dir + ")")) {
                out.println("Note: the daemon reads its own configuration directory, not " + dir
                        + " (the plan above is for the daemon's).");
            }
            return body.getBoolean("ok", false) ? 0 : 1;
        } catch (ControlClient.NotRunningException e) {
            out.println("vigil is not running (no control socket at " + runDir.socket() + "): there is no running "
                    + "configuration to compare with; `vigil run` would start with the configuration above being valid.");
            return EXIT_NOT_RUNNING;
        } catch (java.io.IOException e) {
            err.println("vigil: " + e.getMessage());
            return 1;
        }
    }

    static void print(ClusterConfig config, PrintStream out) {
        print(config, List.of(), true, out);
    }

    static void print(ClusterConfig config, List<ConfigProblem> moreWarnings, boolean ok, PrintStream out) {
        List<Setting> settings = config.effective();
        int nameWidth = Math.max(9, settings.stream().mapToInt(s -> s.name().length()).max().orElse(0));
        int valueWidth = Math.min(40, Math.max(5, settings.stream().mapToInt(s -> s.value().length()).max().orElse(0)));
        String format = "%-" + nameWidth + "s  %-" + valueWidth + "s  %s%n";
        out.printf(format, "DIRECTIVE", "VALUE", "ORIGIN");
        for (Setting s : settings) {
            out.printf(format, s.name(), s.value(), s.actedOn() ? s.origin() : s.origin() + "  [ignored by Vigil]");
        }
        out.println();
        out.println("Resource groups (" + config.haresources() + "):");
        if (config.groups().isEmpty()) {
            out.println("  (none)");
        }
        for (ResourceGroup g : config.groups()) {
            out.println("  " + g.preferredNode() + " " + g.resources().stream().map(ResourceSpec::canonical)
                    .collect(Collectors.joining(" ")) + "    (group " + g.key() + ", line " + g.line() + ")");
        }
        out.println();
        out.println("Authentication: auth " + config.authKeys().activeIndex() + " (" + config.authKeys().active().method().fileName()
                + "), " + config.authKeys().keys().size() + (config.authKeys().keys().size() == 1 ? " key" : " keys"));
        if (!config.stonith().isEmpty()) {
            out.println();
            out.println("STONITH devices usable from " + config.localNode() + " (tried in this order, then vigil.fence-script):");
            config.stonith().forEach(d -> out.println("  stonith " + String.join(" ", d.deviceArgs()) + "    (" + d.origin().label() + ")"));
        }
        List<ConfigProblem> warnings = new java.util.ArrayList<>(config.warnings());
        warnings.addAll(moreWarnings);
        if (!warnings.isEmpty()) {
            out.println();
            out.println("Warnings:");
            warnings.stream().map(ConfigProblem::format).forEach(w -> out.println("  " + w));
        }
        if (!ok) {
            return;
        }
        out.println();
        out.println("Configuration OK" + (warnings.isEmpty() ? "." : " (" + warnings.size()
                + (warnings.size() == 1 ? " warning)." : " warnings).")));
    }
}
