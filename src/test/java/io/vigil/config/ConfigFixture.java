package io.vigil.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A copy of the tutorial configuration in a temp dir, with a host whose name and environment the test controls. */
final class ConfigFixture {

    static final Path TUTORIAL = Path.of("deploy/examples/tutorial");

    final Path dir;
    final Map<String, String> env = new HashMap<>();
    final Map<String, String> sysprops = new HashMap<>();
    String hostname = "linux1";
    /** Accounts for respawn lines: the fixture knows root and hacluster (uid 102, gid 105), nobody else. */
    java.util.function.Function<String, Optional<UnixAccounts.User>> users = name -> switch (name) {
        case "root" -> Optional.of(new UnixAccounts.User("root", 0, 0));
        case "hacluster" -> Optional.of(new UnixAccounts.User("hacluster", 102, 105));
        default -> Optional.empty();
    };

    ConfigFixture(Path tempDir) {
        this.dir = tempDir;
        try {
            for (String f : List.of("ha.cf", "authkeys", "haresources")) {
                Files.copy(TUTORIAL.resolve(f), dir.resolve(f));
            }
            mode("authkeys", "rw-------");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ConfigFixture write(String file, String content) {
        try {
            Files.writeString(dir.resolve(file), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** ha.cf with the tutorial's medium and nodes (bcast eth0, linux1 linux2, auto_failback on) plus the given lines. */
    ConfigFixture haCfWith(String... lines) {
        return write("ha.cf", "bcast eth0\nnode linux1 linux2\nauto_failback on\n" + String.join("\n", lines) + "\n");
    }

    ConfigFixture mode(String file, String perms) {
        try {
            Files.setPosixFilePermissions(dir.resolve(file), PosixFilePermissions.fromString(perms));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Replaces line {@code lineNo} (1-based) of a file. */
    ConfigFixture replaceLine(String file, int lineNo, String text) {
        try {
            List<String> lines = new java.util.ArrayList<>(Files.readAllLines(dir.resolve(file)));
            lines.set(lineNo - 1, text);
            Files.write(dir.resolve(file), lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    ConfigFixture append(String file, String text) {
        try {
            Files.writeString(dir.resolve(file), text + "\n", java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    ConfigEnvironment host() {
        return new ConfigEnvironment(env, sysprops, () -> hostname, name -> true,
                name -> name.equals("peer.example") ? HaresourcesParser.parseLiteral("192.0.2.2")
                        : name.equals("peer6.example") ? HaresourcesParser.parseLiteral("2001:db8::2") : Optional.empty(),
                List.of(dir), users);
    }

    ClusterConfig load() throws ConfigException {
        return new ConfigLoader(host()).loadFrom(Optional.of(dir), Optional.empty());
    }

    /** Loads, expecting failure; returns the formatted problems. */
    List<String> problems() {
        try {
            ClusterConfig c = load();
            throw new AssertionError("expected a configuration error, got a valid config; warnings " + c.warnings());
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::format).toList();
        }
    }
}
