package io.vigil.cli;

import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.config.HaCfParser;
import io.vigil.config.Setting;
import io.vigil.pacemaker.CorosyncKey;
import io.vigil.pacemaker.ExportHost;
import io.vigil.pacemaker.ExportOutput;
import io.vigil.pacemaker.NodeAddresses;
import io.vigil.pacemaker.PacemakerExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code vigil export}: the configuration written for another cluster stack. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write this cluster's configuration for another cluster stack.",
        subcommands = ExportCommand.Pacemaker.class)
public class ExportCommand {

    /** {@code vigil export pacemaker}: corosync.conf, authkey and the CIB (crm, pcs or XML) of a Corosync 3 + Pacemaker 2 cluster. */
    @Command(name = "pacemaker", mixinStandardHelpOptions = true,
            description = {"Translate ha.cf, authkeys, haresources and vigil.properties into a Corosync 3 + Pacemaker 2 "
                    + "configuration: corosync.conf, an authkey, and the CIB as crm shell text, pcs commands or CIB XML.",
                    "Every input that cannot be translated is listed with its file:line and the reason.",
                    "Without --output-dir everything is printed (the report on stderr); docs/pacemaker.md explains the "
                            + "mapping and the migration."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:written", "1:the output could not be written", "2:bad option",
                    "6:configuration error, or a node without an address for corosync.conf"})
    public static class Pacemaker implements Callable<Integer> {

        @Mixin
        ConfigOptions configOptions;

        @Option(names = "--format", paramLabel = "crm|pcs|cib",
                description = "Form of the CIB: crm shell text (crm configure load update), a pcs script, or CIB XML. "
                        + "Default: crm on stdout; all three in --output-dir.")
        String format;

        @Option(names = "--output-dir", paramLabel = "DIR",
                description = "Write corosync.conf, authkey, cib.crm|cib.pcs|cib.xml, generated init scripts or STONITH "
                        + "plugin and README.txt (the report) into DIR (created; existing files are kept unless --force).")
        Path outputDir;

        @Option(names = "--only", paramLabel = "corosync|cib|authkey",
                description = "Print one part alone on stdout, e.g. --only cib --format cib > cib.xml; "
                        + "--only authkey prints the binary key (with --authkey derive: the same on every node).")
        String only;

        @Option(names = "--node-address", paramLabel = "NAME=ADDR[,ADDR2]",
                description = "A node's address on each heartbeat link (repeat per node). Default: this node's interface "
                        + "addresses, /etc/hosts, ucast lines.")
        List<String> nodeAddresses = List.of();

        @Option(names = "--cluster-name", paramLabel = "NAME",
                description = "Corosync cluster_name. Default: ha.cf `cluster`, else vigil.")
        String clusterName;

        @Option(names = "--authkey", paramLabel = "fresh|derive", defaultValue = "fresh",
                description = "fresh (default): a random key, to copy to every node; derive: computed from the authkeys "
                        + "secret and the cluster name, so every node exporting gets the same key (as strong as that secret).")
        String authkey;

        @Option(names = "--force", description = "Overwrite files that already exist in --output-dir.")
        boolean force;

        @Override
        public Integer call() {
            return run(System.out, System.err);
        }

        int run(PrintStream out, PrintStream err) {
            Optional<ExportOutput.Format> chosen;
            try {
                chosen = format == null ? Optional.empty() : Optional.of(ExportOutput.Format.valueOf(format.toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                err.println("vigil export pacemaker: --format " + format + ": use crm, pcs or cib");
                return 2;
            }
            if (only != null && !List.of("corosync", "cib", "authkey").contains(only)) {
                err.println("vigil export pacemaker: --only " + only + ": use corosync, cib or authkey");
                return 2;
            }
            if (!authkey.equals("fresh") && !authkey.equals("derive")) {
                err.println("vigil export pacemaker: --authkey " + authkey + ": use fresh or derive");
                return 2;
            }
            if (only != null && outputDir != null) {
                err.println("vigil export pacemaker: --only prints on stdout; leave out --output-dir");
                return 2;
            }
            Map<String, List<String>> explicit = new LinkedHashMap<>();
            try {
                for (String a : nodeAddresses) {
                    Map.Entry<String, List<String>> e = NodeAddresses.parseOption(a);
                    explicit.put(e.getKey(), e.getValue());
                }
            } catch (IllegalArgumentException e) {
                err.println("vigil export pacemaker: " + e.getMessage());
                return 2;
            }
            ClusterConfig config;
            List<HaCfParser.Entry> entries;
            try {
                config = ConfigLoader.load(configOptions.configDir(), configOptions.nodeName());
                List<String> lines = new String(Files.readAllBytes(config.haCf()), StandardCharsets.UTF_8).lines().toList();
                entries = HaCfParser.parse(config.haCf(), lines).entries();
            } catch (ConfigException e) {
                e.problems().forEach(p -> err.println(p.format()));
                err.println("Configuration error: nothing exported (vigil check-config shows the same problems).");
                return CheckConfigCommand.EXIT_NOT_CONFIGURED;
            } catch (IOException e) {
                err.println("vigil export pacemaker: cannot read ha.cf: " + e.getMessage());
                return CheckConfigCommand.EXIT_NOT_CONFIGURED;
            }
            for (String name : explicit.keySet()) {
                if (!config.nodes().contains(name)) {
                    err.println("vigil export pacemaker: --node-address " + name + ": no such node in " + config.haCf()
                            + " (nodes: " + String.join(", ", config.nodes()) + ")");
                    return 2;
                }
            }
            String cluster = clusterName != null ? clusterName : config.effective().stream()
                    .filter(s -> s.name().equals("cluster") && !s.origin().startsWith("default")).map(Setting::value)
                    .findFirst().orElse("vigil");
            if (!cluster.matches("[A-Za-z0-9_-]{1,32}")) {
                err.println("vigil export pacemaker: cluster name '" + cluster + "': 1 to 32 of A-Z a-z 0-9 _ - (--cluster-name)");
                return 2;
            }
            NodeAddresses.Result addresses = NodeAddresses.resolve(config.nodes(), config.localNode(), config.media(), explicit,
                    readHosts(), NodeAddresses.thisHostIpv4());
            boolean needAddresses = only == null || only.equals("corosync");
            if (needAddresses && !addresses.missing().isEmpty()) {
                for (String n : addresses.missing()) {
                    err.println(config.haCf() + ": node " + n + " has no address for corosync.conf: give --node-address " + n
                            + "=ADDR, or list " + n + " in /etc/hosts");
                }
                err.println("Nothing exported.");
                return CheckConfigCommand.EXIT_NOT_CONFIGURED;
            }
            PacemakerExport.Export export = PacemakerExport.translate(config, entries, addresses, cluster, ExportHost.thisHost());

            Optional<byte[]> derived = authkey.equals("derive") ? CorosyncKey.derive(config.authKeys().active(), cluster) : Optional.empty();
            if (authkey.equals("derive") && derived.isEmpty()) {
                err.println("vigil export pacemaker: --authkey derive: the active authkeys entry (" + config.authKeys().active().method()
                        .fileName() + ") has no secret to derive from: use --authkey fresh");
                return 2;
            }
            String source = config.configDir().toString();
            if (only != null) {
                switch (only) {
                    case "corosync" -> out.print(export.corosync().text());
                    case "cib" -> out.print(ExportOutput.cib(export, chosen.orElse(ExportOutput.Format.CRM), source));
                    default -> {
                        byte[] key = derived.orElseGet(() -> CorosyncKey.fresh(new SecureRandom()));
                        out.write(key, 0, key.length);
                        out.flush();
                    }
                }
                if (!only.equals("authkey")) {
                    err.print(ExportOutput.summary(export));
                }
                return 0;
            }
            List<ExportOutput.Format> formats = chosen.map(List::of).orElse(outputDir == null ? List.of(ExportOutput.Format.CRM)
                    : List.of(ExportOutput.Format.values()));
            if (outputDir == null) {
                return printAll(export, formats.get(0), derived, source, out, err);
            }
            byte[] key = derived.orElseGet(() -> CorosyncKey.fresh(new SecureRandom()));
            String keyHow = derived.isPresent() ? "derived from the authkeys secret: every node running this export gets the same"
                    : "random: copy this very file to every node";
            List<ExportOutput.OutputFile> files = ExportOutput.files(export, formats, Optional.of(key), keyHow, source);
            try {
                write(files);
            } catch (IOException e) {
                err.println("vigil export pacemaker: " + e.getMessage());
                return 1;
            }
            out.println("Written to " + outputDir + ":");
            out.print(ExportOutput.report(export, files, formats, keyHow, false));
            out.println("The full mapping (every input and what it became) is in " + outputDir.resolve("README.txt") + ".");
            return 0;
        }

        private int printAll(PacemakerExport.Export export, ExportOutput.Format format, Optional<byte[]> derived, String source,
                             PrintStream out, PrintStream err) {
            out.println("# ==== /etc/corosync/corosync.conf (on every node) ====");
            out.print(export.corosync().text());
            out.println();
            out.println("# ==== /etc/corosync/authkey (on every node, mode 400) ====");
            out.println(derived.isPresent() ? "# derived from authkeys: write it with --authkey derive --only authkey > /etc/corosync/authkey"
                    : "# run corosync-keygen on one node and copy /etc/corosync/authkey to the others (or use --output-dir)");
            out.println();
            out.println("# ==== " + format.file + " (load once, on one node: " + format.load + ") ====");
            out.print(ExportOutput.cib(export, format, source));
            for (var g : export.files()) {
                out.println();
                out.println("# ==== " + g.installAs() + " (on every node, mode " + (g.executable() ? "755" : "644") + ") ====");
                out.print(g.content());
            }
            err.print(ExportOutput.summary(export));
            return 0;
        }

        private void write(List<ExportOutput.OutputFile> files) throws IOException {
            Files.createDirectories(outputDir);
            if (!force) {
                for (ExportOutput.OutputFile f : files) {
                    if (Files.exists(outputDir.resolve(f.path()))) {
                        throw new IOException(outputDir.resolve(f.path()) + " exists already: nothing written (--force overwrites)");
                    }
                }
            }
            for (ExportOutput.OutputFile f : files) {
                Path p = outputDir.resolve(f.path());
                Files.createDirectories(p.getParent());
                Files.deleteIfExists(p);
                // created with its final mode: the key is never readable by others, not even for an instant
                Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                                "rw" + f.permissions().substring(2))));
                Files.write(p, f.content());
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(f.permissions()));
            }
        }

        private static List<String> readHosts() {
            try {
                return Files.readAllLines(Path.of("/etc/hosts"));
            } catch (IOException e) {
                return List.of();
            }
        }
    }
}
