package io.vigil.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What the loader reads from the host besides the config files; replaceable in tests.
 *
 * @param env              environment variables
 * @param systemProperties JVM system properties
 * @param hostname         {@code uname -n}
 * @param interfaceExists  whether a network interface of that name exists here (only warns)
 * @param resolver         host name → address for ucast/ping peers written as names
 * @param defaultDirs      config directories tried in order when none is given
 * @param users            account name → passwd entry (the user of a {@code respawn} line)
 */
public record ConfigEnvironment(Map<String, String> env, Map<String, String> systemProperties, Supplier<String> hostname,
                                Predicate<String> interfaceExists, Function<String, Optional<InetAddress>> resolver,
                                List<Path> defaultDirs, Function<String, Optional<UnixAccounts.User>> users) {

    public static final List<Path> DEFAULT_DIRS = List.of(Path.of("/etc/ha.d"), Path.of("/etc/heartbeat"));

    public ConfigEnvironment {
        env = Map.copyOf(env);
        systemProperties = Map.copyOf(systemProperties);
        defaultDirs = List.copyOf(defaultDirs);
    }

    /** Accounts looked up in the system's name service. */
    public ConfigEnvironment(Map<String, String> env, Map<String, String> systemProperties, Supplier<String> hostname,
                             Predicate<String> interfaceExists, Function<String, Optional<InetAddress>> resolver,
                             List<Path> defaultDirs) {
        this(env, systemProperties, hostname, interfaceExists, resolver, defaultDirs, UnixAccounts::user);
    }

    /** The real host. */
    public static ConfigEnvironment system() {
        Map<String, String> props = new HashMap<>();
        System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
        return new ConfigEnvironment(System.getenv(), props, ConfigEnvironment::unameNodename,
                name -> Files.exists(Path.of("/sys/class/net", name)), ConfigEnvironment::resolve, DEFAULT_DIRS);
    }

    /** The kernel's node name, which is what {@code uname -n} prints. */
    static String unameNodename() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException ex) {
                return "localhost";
            }
        }
    }

    static Optional<InetAddress> resolve(String name) {
        try {
            return Optional.of(InetAddress.getByName(name));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
