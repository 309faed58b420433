package io.vigil.pacemaker;

import io.vigil.resource.FindIf;
import io.vigil.resource.IpAddrArgument;
import io.vigil.resource.ProcessRunner;
import io.vigil.resource.ResourceSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the export asks of the host it runs on; the translation itself is pure, tests give fakes.
 *
 * @param findif                 interface and prefix IPaddr2 would choose for an address here
 * @param stonithParameterNames  a cluster-glue STONITH type → its parameter names in order ({@code stonith -t TYPE -n})
 * @param script                 where Vigil would run a resource script from (its resource.d, /etc/ha.d/resource.d,
 *                               /etc/init.d)
 * @param ocfProvider            the provider directory holding an OCF agent type ({@code heartbeat}, {@code pacemaker})
 * @param readLines              a file's lines (STONITH configuration files, OCF wrapper instance files)
 */
public record ExportHost(Function<IpAddrArgument, Optional<FindIf.Placement>> findif,
                         Function<String, Optional<List<String>>> stonithParameterNames,
                         Function<String, Optional<Path>> script,
                         Function<String, Optional<String>> ocfProvider,
                         Function<Path, Optional<List<String>>> readLines) {

    /** Where LSB init scripts live. */
    public static final Path INIT_D = Path.of("/etc/init.d");

    /** This machine: findif through {@code ip}, {@code stonith -t TYPE -n}, Vigil's script directories, OCF_ROOT. */
    public static ExportHost thisHost() {
        return new ExportHost(FindIf::onThisHost, ExportHost::stonithNames, ExportHost::findScript, ExportHost::findOcf,
                ExportHost::lines);
    }

    private static Optional<List<String>> stonithNames(String type) {
        if (!type.matches("[A-Za-z0-9_./-]+")) {
            return Optional.empty();
        }
        ProcessRunner.Outcome o = new ProcessRunner().run(List.of("stonith", "-t", type, "-n"), java.util.Map.of(),
                java.time.Duration.ofSeconds(10));
        if (!o.ok()) {
            return Optional.empty();
        }
        List<String> names = java.util.Arrays.stream(o.stdoutText().trim().split("\\s+")).filter(n -> !n.isEmpty()).toList();
        return names.isEmpty() ? Optional.empty() : Optional.of(names);
    }

    private static Optional<Path> findScript(String name) {
        if (name.contains("/")) {
            return Optional.empty();
        }
        return ResourceSettings.defaultScriptDirs().stream().map(d -> d.resolve(name))
                .filter(f -> Files.isRegularFile(f) && Files.isExecutable(f)).findFirst();
    }

    private static Optional<String> findOcf(String type) {
        Path root = ResourceSettings.DEFAULT_OCF_ROOT.resolve("resource.d");
        for (String provider : List.of("heartbeat", "pacemaker")) {
            if (Files.isRegularFile(root.resolve(provider).resolve(type))) {
                return Optional.of(provider);
            }
        }
        try (var dirs = Files.list(root)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve(type))).map(d -> d.getFileName().toString()).sorted().findFirst();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<List<String>> lines(Path file) {
        try {
            return Optional.of(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8).lines().toList());
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }
}
