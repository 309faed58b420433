package io.vigil.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * User and group look-ups through the system's name service ({@code getent}, so LDAP or sssd accounts count as
 * they did for Heartbeat's getpwnam), for the {@code respawn} user and the control socket's group.
 */
public final class UnixAccounts {

    /** A passwd entry: name, uid and primary gid. */
    public record User(String name, int uid, int gid) {
    }

    /** A group entry: name and gid. */
    public record Group(String name, int gid) {
    }

    private UnixAccounts() {
    }

    /** The passwd entry of {@code nameOrUid}, or empty when the name service does not know it. */
    public static Optional<User> user(String nameOrUid) {
        return getent("passwd", nameOrUid).flatMap(UnixAccounts::parseUser);
    }

    /** The group entry of {@code nameOrGid}, or empty. */
    public static Optional<Group> group(String nameOrGid) {
        return getent("group", nameOrGid).flatMap(UnixAccounts::parseGroup);
    }

    /** {@code name:x:uid:gid:…} */
    static Optional<User> parseUser(String line) {
        String[] f = line.split(":", -1);
        if (f.length < 4) {
            return Optional.empty();
        }
        try {
            return Optional.of(new User(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code name:x:gid:members} */
    static Optional<Group> parseGroup(String line) {
        String[] f = line.split(":", -1);
        if (f.length < 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Group(f[0], Integer.parseInt(f[2])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> getent(String database, String key) {
        if (key == null || key.isBlank() || key.contains("\n") || key.startsWith("-")) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder("getent", database, key).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String line = new String(out, StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 && !line.isEmpty() ? Optional.of(line.lines().findFirst().orElse("")) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
