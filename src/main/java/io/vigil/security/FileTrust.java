package io.vigil.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether a file that decides what runs as root may be believed, judged as sshd's {@code StrictModes} judges
 * {@code authorized_keys}: the file and every directory above it (links resolved) are owned by root — or by the user
 * running Vigil, so that a non-root {@code check-config} works on one's own copy — and writable by nobody else. A
 * directory writable by others passes only with the sticky bit ({@code /tmp}): others can then not rename or delete
 * entries they do not own. A {@link Kind#SECRET} (authkeys) must in addition be a regular file itself, not a link,
 * with no group or other permission bit at all.
 */
public final class FileTrust {

    /** What the file is, which decides the bits refused. */
    public enum Kind {
        /** authkeys: regular file, not a link, no group/other bit at all (Heartbeat only refused read bits). */
        SECRET,
        /** ha.cf, haresources, vigil.properties, fence and resource scripts: not writable by group or others. */
        CONTROL
    }

    /** One reason not to trust a file, with what to do about it. */
    public record Finding(Path file, String problem, String fix) {
        @Override
        public String toString() {
            return problem + " — " + fix;
        }
    }

    /** {@code st_mode}, owner and kind of one file as {@code lstat} or {@code fstat} sees it. */
    public record Stat(int mode, int uid) {
        static final int S_IFMT = 0170000;
        static final int S_IFREG = 0100000;
        static final int S_IFDIR = 0040000;
        static final int S_IFLNK = 0120000;

        boolean regular() {
            return (mode & S_IFMT) == S_IFREG;
        }

        boolean directory() {
            return (mode & S_IFMT) == S_IFDIR;
        }

        boolean link() {
            return (mode & S_IFMT) == S_IFLNK;
        }

        int permissions() {
            return mode & 07777;
        }
    }

    private FileTrust() {
    }

    /**
     * Every finding for {@code file}; empty when it can be trusted or does not exist (a missing file is its reader's
     * business).
     */
    public static List<Finding> check(Path file, Kind kind) {
        return check(file, kind, effectiveUid());
    }

    static List<Finding> check(Path file, Kind kind, int euid) {
        Path abs = file.toAbsolutePath().normalize();
        List<Finding> findings = new ArrayList<>();
        Stat own;
        Path real;
        boolean viaLink;
        try {
            own = stat(abs, false);
            if (own.link() && kind == Kind.SECRET) {
                findings.add(symlink(abs));
                return findings;
            }
            real = abs.toRealPath();
            viaLink = own.link();
            if (viaLink) {
                own = stat(real, false); // judged, and named in the message, at the link's target
            }
        } catch (NoSuchFileException e) {
            return findings;
        } catch (IOException e) {
            findings.add(new Finding(abs, "cannot inspect " + abs + ": " + e.getMessage(), "check the path"));
            return findings;
        }
        judgeFile(viaLink ? real : abs, own, kind, euid).ifPresent(findings::add);
        findings.addAll(judgeDirectories(abs, real.getParent(), euid));
        return findings;
    }

    /** The file's own attributes (after {@code fstat} on the opened file, or {@code lstat}): one finding at most. */
    public static java.util.Optional<Finding> judgeFile(Path file, Stat st, Kind kind, int euid) {
        if (st.link()) {
            return java.util.Optional.of(symlink(file));
        }
        if (!st.regular()) {
            return java.util.Optional.of(new Finding(file, file + " is not a regular file",
                    "replace it with a regular file"));
        }
        if (!ownerOk(st.uid(), euid)) {
            return java.util.Optional.of(new Finding(file, file + " is owned by uid " + st.uid() + ", not " + owners(euid),
                    "run `chown root:root " + file + "`"));
        }
        if (kind == Kind.SECRET && (st.permissions() & 077) != 0) {
            return java.util.Optional.of(new Finding(file, "Bad permissions on keyfile [" + file + "], 600 recommended: mode "
                    + octal(st.permissions()) + " gives group or others access to the key", "run `chmod 600 " + file + "`"));
        }
        if (kind == Kind.CONTROL && (st.permissions() & 022) != 0) {
            return java.util.Optional.of(new Finding(file, file + " is writable by group or others (mode "
                    + octal(st.permissions()) + "): whoever can write it decides what Vigil runs as root",
                    "run `chmod go-w " + file + "`"));
        }
        return java.util.Optional.empty();
    }

    /** Findings for {@code dir} and every directory above it (a real path, no links left in it). */
    public static List<Finding> judgeDirectories(Path file, Path dir, int euid) {
        List<Finding> findings = new ArrayList<>();
        for (Path d = dir; d != null; d = d.getParent()) {
            Stat st;
            try {
                st = stat(d, true);
            } catch (IOException e) {
                findings.add(new Finding(file, "cannot inspect directory " + d + ": " + e.getMessage(), "check the path"));
                continue;
            }
            String above = d.equals(file) ? "" : " (above " + file + ")";
            if (!ownerOk(st.uid(), euid)) {
                findings.add(new Finding(file, "directory " + d + above + " is owned by uid " + st.uid() + ", not "
                        + owners(euid) + ": its owner can replace what it holds", "run `chown root " + d + "`"));
            }
            if ((st.permissions() & 022) != 0 && (st.permissions() & 01000) == 0) {
                findings.add(new Finding(file, "directory " + d + above + " is writable by group or others (mode "
                        + octal(st.permissions()) + "): whoever can write it can replace what it holds",
                        "run `chmod go-w " + d + "`"));
            }
        }
        return findings;
    }

    /** A directory Vigil keeps its own files in (run, state): itself and everything above it. */
    public static List<Finding> checkDirectory(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            Path real = abs.toRealPath();
            if (!stat(real, true).directory()) {
                return List.of(new Finding(abs, abs + " is not a directory", "remove it or choose another directory"));
            }
            return judgeDirectories(abs, real, effectiveUid());
        } catch (IOException e) {
            return List.of(new Finding(abs, "cannot inspect " + abs + ": " + e.getMessage(), "check the path"));
        }
    }

    static Stat stat(Path p, boolean follow) throws IOException {
        LinkOption[] options = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid", options);
        return new Stat((Integer) a.get("mode"), (Integer) a.get("uid"));
    }

    private static Finding symlink(Path file) {
        String target;
        try {
            target = " (to " + Files.readSymbolicLink(file) + ")";
        } catch (IOException | UnsupportedOperationException e) {
            target = "";
        }
        return new Finding(file, file + " is a symbolic link" + target + ": the key file must be a regular file",
                "replace the link with the file itself: `cp --remove-destination \"$(readlink -f " + file + ")\" " + file
                        + "; chmod 600 " + file + "`");
    }

    private static boolean ownerOk(int uid, int euid) {
        return uid == 0 || uid == euid;
    }

    private static String owners(int euid) {
        return euid == 0 || euid < 0 ? "root" : "root or uid " + euid + " (the user running vigil)";
    }

    static String octal(int permissions) {
        return String.format("%04o", permissions);
    }

    /** The effective uid of this process ({@code /proc/self/status}); -1 when unknown (only root is trusted then). */
    public static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }
}
