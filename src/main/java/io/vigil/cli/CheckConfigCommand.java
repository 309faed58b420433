package io.vigil.cli;

import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.config.ConfigProblem;
import io.vigil.config.ResourceGroup;
import io.vigil.config.ResourceSpec;
import io.vigil.config.Setting;
import picocli.CommandLine.Command;
import io.vigil.migration.MigrationChecklist;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code vigil check-config}: reads ha.cf, authkeys, haresources and vigil.properties, prints the effective
 * configuration with the origin of every value, then the warnings. Exit 0 if Vigil could start with it, 6 (LSB "not
 * configured") with every problem on stderr otherwise. Opens no socket.
 */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = "Check the configuration and print its effective values with their origin.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:configuration valid", "6:configuration error (every problem printed as file:line: what — fix)"})
public class CheckConfigCommand implements Callable<Integer> {

    public static final int EXIT_NOT_CONFIGURED = 6;

    @Mixin
    ConfigOptions options;

    @Option(names = "--migration", description = {"Also print the migration checklist: every ha.cf line, the authkeys "
            + "method, every haresources resource (and the script it runs), the extra files of the configuration "
            + "directory and Heartbeat's commands, each marked same, different (how) or not supported (what instead)."})
    boolean migration;

    @Override
    public Integer call() {
        return run(System.out, System.err);
    }

    int run(PrintStream out, PrintStream err) {
        ClusterConfig config;
        try {
            config = ConfigLoader.load(options.configDir(), options.nodeName());
        } catch (ConfigException e) {
            e.problems().forEach(p -> err.println(p.format()));
            long errors = e.errors().size();
            err.println("Configuration error: " + errors + (errors == 1 ? " error" : " errors") + ", Vigil would not start.");
            return EXIT_NOT_CONFIGURED;
        }
        print(config, out);
        if (migration) {
            out.println();
            out.print(MigrationChecklist.render(config, MigrationChecklist.build(config, MigrationChecklist.Host.system())));
        }
        return 0;
    }

    static void print(ClusterConfig config, PrintStream out) {
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
        if (!config.warnings().isEmpty()) {
            out.println();
            out.println("Warnings:");
            config.warnings().stream().map(ConfigProblem::format).forEach(w -> out.println("  " + w));
        }
        out.println();
        out.println("Configuration OK" + (config.warnings().isEmpty() ? "." : " (" + config.warnings().size()
                + (config.warnings().size() == 1 ? " warning)." : " warnings).")));
    }
}
