package io.vigil.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vigil.security.FileTrust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and checks one node's configuration: {@code ha.cf}, {@code authkeys}, {@code haresources} and the optional
 * {@code vigil.properties}, collecting every problem before deciding. Nothing is returned unless all of it is valid.
 * <p>
 * Sources, lowest to highest: ha.cf (keys {@code vigil.hacf.<directive>}), {@code <config-dir>/vigil.properties},
 * environment ({@code VIGIL_HACF_DEADTIME}, {@code VIGIL_MONITOR_INTERVAL}), system properties.
 */
public final class ConfigLoader {

    public static final String CONFIG_DIR_KEY = "vigil.config-dir";
    public static final String CONFIG_DIR_ENV = "VIGIL_CONFIG_DIR";

    /** Vigil-only keys, the kind of value each takes and its default. */
    enum Kind { DURATION, COUNT, PORT, PATH, EXECUTABLE, TEXT, STOP_FAILURE, PING_POLICY, GROUP }

    record VigilKey(String key, Kind kind, String defaultValue) {
    }

    static final Map<String, VigilKey> VIGIL_KEYS = new LinkedHashMap<>();

    /**
     * System properties that are not settings but set by deploy/bin/vigil (and the tests) for the process itself:
     * where Vigil is installed, its resource.d and how to run it again, and whether the built-in IPaddr may use
     * netlink (io.vigil.resource.AddressBackend). Rejecting them stopped every daemon.
     */
    static final java.util.Set<String> LAUNCHER_PROPERTIES = java.util.Set.of("vigil.home", "vigil.resource-dir",
            "vigil.launcher", "vigil.app", "vigil.ipaddr.netlink");

    private static void vigilKey(String key, Kind kind, String defaultValue) {
        VIGIL_KEYS.put(key, new VigilKey(key, kind, defaultValue));
    }

    static {
        vigilKey("vigil.fence-script", Kind.EXECUTABLE, null);
        vigilKey("vigil.monitor.interval", Kind.DURATION, "10s");
        vigilKey("vigil.monitor.restarts", Kind.COUNT, "2");
        vigilKey("vigil.resource.start-timeout", Kind.DURATION, "60s");
        vigilKey("vigil.resource.stop-timeout", Kind.DURATION, "60s");
        vigilKey("vigil.resource.status-timeout", Kind.DURATION, "20s");
        vigilKey("vigil.arp.count", Kind.COUNT, "5");
        vigilKey("vigil.arp.interval", Kind.DURATION, "200ms");
        vigilKey("vigil.state-dir", Kind.PATH, "/var/lib/vigil");
        vigilKey("vigil.metrics.port", Kind.PORT, "9694");
        vigilKey("vigil.metrics.host", Kind.TEXT, "127.0.0.1");
        vigilKey("vigil.auth.rotation-window", Kind.DURATION, "5m");
        vigilKey("vigil.fence-timeout", Kind.DURATION, "60s");
        // default derived from the fencing configured (see vigilSettings)
        vigilKey("vigil.on-stop-failure", Kind.STOP_FAILURE, null);
        vigilKey("vigil.reboot-command", Kind.TEXT, VigilSettings.DEFAULT_REBOOT_COMMAND);
        vigilKey(PingPolicy.KEY, Kind.PING_POLICY, PingPolicy.PLACEMENT.word());
        vigilKey("vigil.control.group", Kind.GROUP, "haclient");
        // Notifications (io.vigil.notify.NotifySettings reads them from the effective settings).
        vigilKey("vigil.notify-script", Kind.EXECUTABLE, null);
        vigilKey("vigil.notify-dir", Kind.PATH, "<config-dir>/notify.d");
        vigilKey("vigil.notify-timeout", Kind.DURATION, "30s");
    }

    private final ConfigEnvironment host;

    public ConfigLoader(ConfigEnvironment host) {
        this.host = host;
    }

    /**
     * Loads the configuration of this host.
     *
     * @param configDir {@code --config-dir}; else {@code vigil.config-dir} / {@code VIGIL_CONFIG_DIR}; else
     *                  {@code /etc/ha.d} if it has ha.cf, else {@code /etc/heartbeat} if it has, else {@code /etc/ha.d}
     * @param nodeName  {@code --node-name}; else the first line of {@code <dir>/nodeinfo}; else {@code uname -n}
     * @throws ConfigException with every problem found (errors and warnings), if there is at least one error
     */
    public static ClusterConfig load(Optional<Path> configDir, Optional<String> nodeName) throws ConfigException {
        return new ConfigLoader(ConfigEnvironment.system()).loadFrom(configDir, nodeName);
    }

    /** Re-reads authkeys alone (SIGHUP): same rules and messages as at start. */
    public static AuthKeys loadAuthKeys(Path file) throws ConfigException {
        AuthKeysParser.Result result = AuthKeysParser.parse(file);
        if (result.keys().isEmpty() || result.problems().stream().anyMatch(ConfigProblem::isError)) {
            throw new ConfigException(result.problems());
        }
        return result.keys().get();
    }

    /** Where the files are read from, and why (for check-config). */
    public record ConfigDir(Path path, String origin) {
    }

    public ConfigDir resolveDir(Optional<Path> configDir) {
        if (configDir.isPresent()) {
            return new ConfigDir(configDir.get(), "--config-dir");
        }
        String prop = host.systemProperties().get(CONFIG_DIR_KEY);
        if (prop != null && !prop.isBlank()) {
            return new ConfigDir(Path.of(prop), "system property " + CONFIG_DIR_KEY);
        }
        String env = host.env().get(CONFIG_DIR_ENV);
        if (env != null && !env.isBlank()) {
            return new ConfigDir(Path.of(env), "env " + CONFIG_DIR_ENV);
        }
        for (Path dir : host.defaultDirs()) {
            if (Files.isRegularFile(dir.resolve("ha.cf"))) {
                return new ConfigDir(dir, "default");
            }
        }
        return new ConfigDir(host.defaultDirs().get(0), "default");
    }

    public ClusterConfig loadFrom(Optional<Path> configDirOption, Optional<String> nodeNameOption) throws ConfigException {
        ConfigDir dir = resolveDir(configDirOption);
        List<ConfigProblem> problems = new ArrayList<>();
        if (!Files.isDirectory(dir.path())) {
            problems.add(Origin.at(dir.path(), 0).error("Configuration directory [" + dir.path() + "] does not exist ("
                    + dir.origin() + ")", "give the directory holding ha.cf, authkeys and haresources with --config-dir"));
            throw new ConfigException(problems);
        }
        Path haCf = dir.path().resolve("ha.cf");
        Path authkeys = dir.path().resolve("authkeys");
        Path haresources = dir.path().resolve("haresources");
        Path properties = dir.path().resolve("vigil.properties");
        for (Path f : List.of(haCf, haresources, properties, dir.path().resolve("nodeinfo"))) {
            untrusted(f, Origin.at(f, 0), problems);
        }

        // ha.cf: lexical pass, then SmallRye sources so any directive can be overridden.
        List<HaCfParser.Entry> entries = List.of();
        Optional<List<String>> haCfLines = readLines(haCf, problems, "Cannot open config file [" + haCf + "]",
                "create it (see deploy/examples/tutorial/ha.cf) or point --config-dir at the right directory");
        if (haCfLines.isPresent()) {
            HaCfParser.Result parsed = HaCfParser.parse(haCf, haCfLines.get());
            entries = parsed.entries();
            problems.addAll(parsed.problems());
        }
        HaCfConfigSource haCfSource = new HaCfConfigSource(haCf, entries);
        Map<String, Origin> namedSources = new HashMap<>();
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withSources(haCfSource)
                .withSources(new EnvConfigSource(host.env(), EnvConfigSource.ORDINAL))
                .withSources(new PropertiesConfigSource(host.systemProperties(), "SysPropConfigSource", 400))
                .withConverter(Duration.class, 200, DurationConverter::parseDuration);
        PropertiesConfigSource propertiesSource = null;
        if (Files.isRegularFile(properties)) {
            try {
                propertiesSource = new PropertiesConfigSource(properties.toUri().toURL(), 250);
                builder.withSources(propertiesSource);
                namedSources.put(propertiesSource.getName(), Origin.at(properties, 0));
            } catch (IOException | IllegalArgumentException e) {
                problems.add(Origin.at(properties, 0).error("Cannot read " + properties + ": " + e.getMessage(),
                        "fix the file (key=value lines)"));
            }
        }
        SmallRyeConfig config = builder.build();
        checkUnknownKeys(propertiesSource, properties, problems);

        HaCfInterpreter hacf = new HaCfInterpreter(haCf, entries, config, haCfSource.getName(), namedSources, host, problems);
        hacf.interpret();

        // Node name: --node-name, nodeinfo, uname -n; lower-cased like Heartbeat.
        String localOrigin;
        String localNode;
        Path nodeinfo = dir.path().resolve("nodeinfo");
        if (nodeNameOption.isPresent()) {
            localNode = nodeNameOption.get();
            localOrigin = "from --node-name";
        } else if (Files.isRegularFile(nodeinfo)) {
            localNode = readLines(nodeinfo, problems, "Cannot read " + nodeinfo, "fix its permissions")
                    .flatMap(l -> l.stream().findFirst()).orElse("").strip();
            localOrigin = "from " + nodeinfo;
        } else {
            localNode = host.hostname().get();
            localOrigin = "from uname -n";
        }
        localNode = localNode.toLowerCase(Locale.ROOT);

        AuthKeysParser.Result keys = AuthKeysParser.parse(authkeys);
        problems.addAll(keys.problems());

        // haresources is checked after ha.cf's cross-checks, as in Heartbeat: report its problems in that order.
        List<ConfigProblem> resourceProblems = new ArrayList<>();
        List<ResourceGroup> groups = List.of();
        Optional<List<String>> resourceLines = readLines(haresources, resourceProblems, "Cannot open resources file [" + haresources + "]",
                "create it with one line per group, e.g. `" + (hacf.nodes.isEmpty() ? "node1" : hacf.nodes.get(0)) + " 192.0.2.10`");
        if (resourceLines.isPresent()) {
            HaresourcesParser.Result parsed = HaresourcesParser.parse(haresources, resourceLines.get(), hacf.nodes);
            groups = parsed.groups();
            resourceProblems.addAll(parsed.problems());
        }

        hacf.finish(localNode, localOrigin, !groups.isEmpty());
        problems.addAll(resourceProblems);

        List<Setting> effective = new ArrayList<>(hacf.effective);
        VigilSettings vigil = vigilSettings(config, hacf, effective, problems);
        if (vigil != null) {
            ConfigValue fence = config.getConfigValue("vigil.fence-script");
            vigil.fenceScript().ifPresent(script -> untrusted(script, hacf.originOf(fence, "VIGIL_FENCE_SCRIPT"), problems));
            if (vigil.metricsEnabled() && VigilSettings.isWildcard(vigil.metricsHost())) {
                ConfigValue host = config.getConfigValue("vigil.metrics.host");
                problems.add(hacf.originOf(host, "VIGIL_METRICS_HOST").warning("vigil.metrics.host " + vigil.metricsHost()
                        + " serves metrics and health on every address: node names, groups and packet counters are then"
                        + " readable from any network this host is on", "keep 127.0.0.1, or give one management address"
                        + " and firewall the port"));
            }
        }
        if (vigil != null && vigil.onStopFailure() == StopFailurePolicy.FENCE && hacf.stonith.isEmpty()
                && vigil.fenceScript().isEmpty()) {
            ConfigValue cv = config.getConfigValue("vigil.on-stop-failure");
            problems.add(hacf.originOf(cv, "VIGIL_ON_STOP_FAILURE").warning("vigil.on-stop-failure=fence but no fencing is "
                    + "configured on this node", "configure the same stonith/stonith_host lines (or vigil.fence-script) on "
                    + "every node: the peer fences this node before it takes over a group whose stop failed here"));
        }

        if (problems.stream().anyMatch(ConfigProblem::isError)) {
            throw new ConfigException(problems);
        }
        effective.add(0, new Setting("config-dir", dir.path().toString(), dir.origin(), true));
        effective.add(1, new Setting("local node", localNode, localOrigin.replaceFirst("^from ", ""), true));
        return new ClusterConfig(dir.path(), localNode, hacf.nodes, hacf.keepaliveMs, hacf.deadtimeMs, hacf.warntimeMs,
                hacf.initdeadMs, hacf.deadpingMs, hacf.udpPort, hacf.media, hacf.pingNodes, hacf.autoFailback,
                keys.keys().orElseThrow(), groups, Optional.ofNullable(hacf.logfile), Optional.ofNullable(hacf.debugfile),
                Optional.ofNullable(hacf.logfacility), hacf.debugLevel, hacf.maxRexmitDelayMs, hacf.hbgenmethod,
                hacf.msgfmt, hacf.uuidfrom, hacf.logBadpack, effective,
                problems.stream().filter(p -> !p.isError()).toList(), vigil, hacf.stonith, Optional.ofNullable(hacf.watchdog),
                hacf.respawnClients, hacf.haEnv, hacf.nodeTable(), hacf.heartbeatParameters());
    }

    /**
     * A file that decides what runs as root (ha.cf's respawn, haresources' scripts, the fence script) must not be
     * writable by anyone but root: one error per finding, naming the file and the fix.
     */
    private static void untrusted(Path file, Origin at, List<ConfigProblem> problems) {
        for (FileTrust.Finding f : FileTrust.check(file, FileTrust.Kind.CONTROL)) {
            problems.add(at.error(f.problem(), f.fix()));
        }
    }

    /** Typos in override keys would silently do nothing: report them. */
    private void checkUnknownKeys(PropertiesConfigSource propertiesSource, Path properties, List<ConfigProblem> problems) {
        if (propertiesSource != null) {
            for (String key : propertiesSource.getPropertyNames()) {
                ConfigValue cv = propertiesSource.getConfigValue(key);
                Origin at = Origin.at(properties, cv == null ? 0 : cv.getLineNumber());
                unknownKey(key).ifPresent(why -> problems.add(at.error(why, "see docs/configuration.md for the keys Vigil knows")));
            }
        }
        // System properties are shared with the rest of the JVM: an unknown vigil.* one is only a warning there.
        host.systemProperties().keySet().stream().filter(k -> k.startsWith("vigil.")).sorted().forEach(key ->
                unknownKey(key).ifPresent(why -> problems.add(Origin.of("system property " + key)
                        .warning(why, "see docs/configuration.md for the keys Vigil knows"))));
        host.env().keySet().stream().filter(k -> k.startsWith("VIGIL_HACF_")).sorted().forEach(name -> {
            if (Directive.byEnvName(name).isEmpty()) {
                problems.add(Origin.of("env " + name).error("Unknown ha.cf directive in environment variable " + name,
                        "use VIGIL_HACF_<DIRECTIVE>, e.g. VIGIL_HACF_DEADTIME"));
            }
        });
    }

    private static Optional<String> unknownKey(String key) {
        if (key.startsWith(Directive.KEY_PREFIX)) {
            String name = key.substring(Directive.KEY_PREFIX.length());
            return Directive.byName(name).isPresent() ? Optional.empty()
                    : Optional.of("Unknown ha.cf directive [" + name + "] in key " + key);
        }
        if (key.startsWith("vigil.") && !VIGIL_KEYS.containsKey(key) && !key.equals(CONFIG_DIR_KEY)
                && !LAUNCHER_PROPERTIES.contains(key)) {
            return Optional.of("Unknown setting [" + key + "]");
        }
        return Optional.empty();
    }

    /** Reads and checks each Vigil key, recording its origin; null if any is invalid. */
    private VigilSettings vigilSettings(SmallRyeConfig config, HaCfInterpreter hacf, List<Setting> effective,
                                        List<ConfigProblem> problems) {
        Map<String, String> values = new HashMap<>();
        boolean ok = true;
        for (VigilKey k : VIGIL_KEYS.values()) {
            ConfigValue cv = config.getConfigValue(k.key());
            String envName = k.key().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
            String value = cv.getValue();
            if (value == null) {
                if (k.kind() == Kind.STOP_FAILURE) {
                    boolean fencing = !hacf.stonith.isEmpty() || values.containsKey("vigil.fence-script");
                    effective.add(new Setting(k.key(), (fencing ? StopFailurePolicy.FENCE : StopFailurePolicy.REBOOT).word(),
                            fencing ? "default (fencing configured)" : "default (no fencing configured)", true));
                    continue;
                }
                effective.add(new Setting(k.key(), k.defaultValue() == null ? "(none)" : k.defaultValue(), "default", true));
                continue;
            }
            Origin origin = hacf.originOf(cv, envName);
            Optional<String> error;
            try {
                error = check(k.kind(), value.strip());
            } catch (java.nio.file.InvalidPathException ex) {
                error = Optional.of("give a valid path");
            }
            if (error.isPresent()) {
                problems.add(origin.error("Invalid value [" + value + "] for " + k.key(), error.get()));
                ok = false;
                continue;
            }
            values.put(k.key(), value.strip());
            effective.add(new Setting(k.key(), value.strip(), origin.label(), true));
        }
        // The ping policy's row says what it means for this ha.cf (ipfail present or not), with its origin.
        PingPolicy policy = PingPolicy.parse(values.getOrDefault(PingPolicy.KEY, PingPolicy.PLACEMENT.word())).orElse(PingPolicy.PLACEMENT);
        for (int i = 0; i < effective.size(); i++) {
            Setting s = effective.get(i);
            if (s.name().equals(PingPolicy.KEY)) {
                effective.set(i, new Setting(s.name(), policy.describe(hacf.pingNodes, hacf.respawnClients), s.origin(), true));
            }
        }
        if (!ok) {
            return null;
        }
        java.util.function.Function<String, String> v = key -> values.getOrDefault(key, VIGIL_KEYS.get(key).defaultValue());
        return new VigilSettings(Optional.ofNullable(values.get("vigil.fence-script")).map(Path::of),
                DurationConverter.parseDuration(v.apply("vigil.monitor.interval")),
                Integer.parseInt(v.apply("vigil.monitor.restarts")),
                DurationConverter.parseDuration(v.apply("vigil.resource.start-timeout")),
                DurationConverter.parseDuration(v.apply("vigil.resource.stop-timeout")),
                DurationConverter.parseDuration(v.apply("vigil.resource.status-timeout")),
                Integer.parseInt(v.apply("vigil.arp.count")),
                DurationConverter.parseDuration(v.apply("vigil.arp.interval")),
                Path.of(v.apply("vigil.state-dir")),
                Integer.parseInt(v.apply("vigil.metrics.port")),
                v.apply("vigil.metrics.host"),
                DurationConverter.parseDuration(v.apply("vigil.auth.rotation-window")),
                DurationConverter.parseDuration(v.apply("vigil.fence-timeout")),
                Optional.ofNullable(values.get("vigil.on-stop-failure")).flatMap(StopFailurePolicy::parse)
                        .orElse(!hacf.stonith.isEmpty() || values.containsKey("vigil.fence-script")
                                ? StopFailurePolicy.FENCE : StopFailurePolicy.REBOOT),
                v.apply("vigil.reboot-command"),

                policy,
                v.apply("vigil.control.group"));
    }

    private static Optional<String> check(Kind kind, String value) {
        switch (kind) {
            case DURATION -> {
                try {
                    Duration d = DurationConverter.parseDuration(value);
                    return d == null || d.isNegative() ? Optional.of("give a duration such as 10s, 200ms or 1m")
                            : Optional.empty();
                } catch (RuntimeException ex) {
                    return Optional.of("give a duration such as 10s, 200ms or 1m");
                }
            }
            case COUNT, PORT -> {
                try {
                    int n = Integer.parseInt(value.strip());
                    if (n < 0 || (kind == Kind.PORT && n > 65535)) {
                        return Optional.of(kind == Kind.PORT ? "give a TCP port from 1 to 65535, or 0 to disable" : "give a whole number ≥ 0");
                    }
                    return Optional.empty();
                } catch (NumberFormatException ex) {
                    return Optional.of(kind == Kind.PORT ? "give a TCP port from 1 to 65535, or 0 to disable" : "give a whole number ≥ 0");
                }
            }
            case PING_POLICY -> {
                return PingPolicy.parse(value).isPresent() ? Optional.empty()
                        : Optional.of("use " + PingPolicy.PLACEMENT.word() + " (ping nodes decide placement) or "
                        + PingPolicy.HEARTBEAT.word() + " (report only, unless ha.cf respawns ipfail)");
            }
            case GROUP -> {
                return value.matches("[A-Za-z_][A-Za-z0-9_.-]*\\$?|[0-9]+") ? Optional.empty()
                        : Optional.of("give a group name (such as haclient) or a numeric gid");
            }
            case EXECUTABLE -> {
                Path p = Path.of(value);
                if (!p.isAbsolute() || !Files.isRegularFile(p) || !Files.isExecutable(p)) {
                    return Optional.of("give the absolute path of an executable file");
                }
                return Optional.empty();
            }
            case PATH -> {
                return Path.of(value).isAbsolute() ? Optional.empty() : Optional.of("give an absolute path");
            }
            case STOP_FAILURE -> {
                return StopFailurePolicy.parse(value).isPresent() ? Optional.empty() : Optional.of("give reboot, fence or block");
            }
            default -> {
                return value.isBlank() ? Optional.of("give a value") : Optional.empty();
            }
        }
    }

    /** The file's lines (UTF-8, bad bytes replaced), or empty after recording why not. */
    private static Optional<List<String>> readLines(Path file, List<ConfigProblem> problems, String missing, String fix) {
        try {
            return Optional.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList());
        } catch (NoSuchFileException e) {
            problems.add(Origin.at(file, 0).error(missing, fix));
        } catch (IOException e) {
            problems.add(Origin.at(file, 0).error(missing + ": " + e.getMessage(), "check the file's permissions"));
        }
        return Optional.empty();
    }
}
