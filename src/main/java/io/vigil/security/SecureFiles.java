package io.vigil.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * File operations for files an attacker would like to swap: a secret read only after the <em>opened</em> file is
 * checked, files written without following a planted symbolic link, Vigil's own directories created private or
 * refused when others could write them.
 */
public final class SecureFiles {

    public static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private static final SecureRandom RANDOM = new SecureRandom();

    private SecureFiles() {
    }

    /** The file cannot be trusted; nothing was read. */
    public static final class UntrustedFileException extends IOException {
        private final transient List<FileTrust.Finding> findings;

        public UntrustedFileException(List<FileTrust.Finding> findings) {
            super(findings.stream().map(FileTrust.Finding::toString).collect(Collectors.joining("; ")));
            this.findings = List.copyOf(findings);
        }

        public List<FileTrust.Finding> findings() {
            return findings;
        }
    }

    /**
     * Reads a secret (authkeys): opened with {@code O_NOFOLLOW} (a link is refused, not followed), then the opened
     * file itself is checked — regular, owned by root, no group or other bit — and its directories, before one byte is
     * read, so swapping the file between check and read gains nothing.
     *
     * @throws NoSuchFileException    when it does not exist
     * @throws UntrustedFileException with every finding, when it must not be used
     */
    public static byte[] readSecret(Path file) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        int euid = FileTrust.effectiveUid();
        List<FileTrust.Finding> findings = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(abs, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            FileTrust.judgeFile(abs, OpenedFile.stat(ch, abs), FileTrust.Kind.SECRET, euid).ifPresent(findings::add);
            findings.addAll(FileTrust.judgeDirectories(abs, abs.getParent().toRealPath(), euid));
            if (!findings.isEmpty()) {
                throw new UntrustedFileException(findings);
            }
            return readAll(ch);
        } catch (UntrustedFileException | NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            if (Files.isSymbolicLink(abs)) {
                // O_NOFOLLOW on a link: ELOOP
                throw new UntrustedFileException(FileTrust.check(abs, FileTrust.Kind.SECRET, euid));
            }
            throw e;
        }
    }

    /** The whole file, refusing to follow a symbolic link in its last component. */
    public static byte[] readNoFollow(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return readAll(ch);
        }
    }

    private static byte[] readAll(FileChannel ch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        ch.position(0);
        while (ch.read(buf) > 0) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }
        return out.toByteArray();
    }

    /**
     * Replaces {@code file} atomically: a fresh temporary file in the same directory (created with
     * {@code O_CREAT|O_EXCL}, so a planted link is never followed), written, then renamed over the target (a rename
     * replaces a link at the target, it does not write through it). With {@code durable} the content and the rename
     * are fsynced.
     */
    public static void writeAtomically(Path file, byte[] content, Set<PosixFilePermission> perms, boolean durable)
            throws IOException {
        writeAtomically(file, content, perms, durable, durable);
    }

    /**
     * As {@link #writeAtomically(Path, byte[], Set, boolean)}, the content's fsync and the rename's (the directory's)
     * chosen apart. Content synced and the rename not: after a crash the file is whole, either this version or the one
     * before it (the rename reaches the disk with the file system's next commit).
     */
    public static void writeAtomically(Path file, byte[] content, Set<PosixFilePermission> perms, boolean syncContent,
                                       boolean syncRename) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp", PosixFilePermissions.asFileAttribute(perms));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (syncContent) {
                    ch.force(true);
                }
            }
            Files.setPosixFilePermissions(tmp, perms); // the creation mode went through the umask
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        if (syncRename) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true); // makes the rename itself durable
            } catch (IOException e) {
                // Some file systems cannot open or sync a directory; the content is already synced.
            }
        }
    }

    /**
     * Creates {@code dir} with {@code mode} when it is missing (parents with the default mode), then verifies it and
     * every directory above it: owned by root (or this user), not writable by group or others.
     *
     * @param what how the message names it, e.g. {@code run directory (--run-dir)}
     * @throws IOException with the problem and the fix, naming the directory
     */
    public static void ensureDirectory(Path dir, Set<PosixFilePermission> mode, String what) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            try {
                Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(mode));
                Files.setPosixFilePermissions(abs, mode);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // created meanwhile: verified below like any existing directory
            }
        }
        List<FileTrust.Finding> findings = FileTrust.checkDirectory(abs);
        if (!findings.isEmpty()) {
            throw new IOException("Refusing the " + what + " " + abs + ": " + findings.stream()
                    .map(FileTrust.Finding::toString).collect(Collectors.joining("; ")));
        }
    }

    /**
     * {@code fstat} of an open channel, which the JDK does not offer: the kernel lists the channel under
     * {@code /proc/self/fdinfo} with its position, so the channel is moved to a position no other descriptor has, its
     * descriptor number found there, and {@code /proc/self/fd/<n>} stat'ed (that link leads to the opened file even
     * if its name was replaced meanwhile).
     */
    static final class OpenedFile {
        private OpenedFile() {
        }

        static FileTrust.Stat stat(FileChannel ch, Path path) throws IOException {
            long marker = (1L << 40) + (RANDOM.nextLong() & 0xFFFFFFFFFL);
            long saved = ch.position();
            String fd = null;
            ch.position(marker);
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fdinfo"))) {
                String needle = "pos:\t" + marker + "\n";
                for (Path info : fds) {
                    try {
                        if (new String(Files.readAllBytes(info), StandardCharsets.US_ASCII).startsWith(needle)) {
                            fd = info.getFileName().toString();
                            break;
                        }
                    } catch (IOException e) {
                        // a descriptor closed meanwhile
                    }
                }
            } finally {
                ch.position(saved);
            }
            if (fd == null) {
                throw new IOException("cannot inspect the opened " + path + " (is /proc mounted?)");
            }
            Map<String, Object> a = Files.readAttributes(Path.of("/proc/self/fd", fd), "unix:mode,uid");
            return new FileTrust.Stat((Integer) a.get("mode"), (Integer) a.get("uid"));
        }
    }
}
