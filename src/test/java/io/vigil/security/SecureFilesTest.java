package io.vigil.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14 item 4: secrets checked on the opened file, writes that never follow a planted link, private dirs. */
class SecureFilesTest {

    @TempDir
    Path tmp;

    @Test
    void readsAGoodSecret() throws Exception {
        Path f = tmp.resolve("authkeys");
        Files.writeString(f, "auth 1\n1 sha1 k\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        assertArrayEquals("auth 1\n1 sha1 k\n".getBytes(StandardCharsets.US_ASCII), SecureFiles.readSecret(f));
    }

    @Test
    void theOpenedFileIsWhatIsJudged() throws Exception {
        Path f = tmp.resolve("authkeys");
        Files.writeString(f, "auth 1\n1 sha1 k\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        try (var ch = java.nio.channels.FileChannel.open(f)) {
            assertEquals(0600, SecureFiles.OpenedFile.stat(ch, f).permissions());
            // the name now points elsewhere: the descriptor still shows the opened file
            Files.move(f, tmp.resolve("moved"));
            Files.writeString(f, "other\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
            assertEquals(0600, SecureFiles.OpenedFile.stat(ch, f).permissions());
            assertEquals(0, ch.position(), "the position is restored");
        }
    }

    @Test
    void badSecretIsNotRead() throws Exception {
        Path f = tmp.resolve("authkeys");
        Files.writeString(f, "auth 1\n1 sha1 k\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        SecureFiles.UntrustedFileException e = assertThrows(SecureFiles.UntrustedFileException.class, () -> SecureFiles.readSecret(f));
        assertEquals(1, e.findings().size());
        assertThrows(NoSuchFileException.class, () -> SecureFiles.readSecret(tmp.resolve("absent")));
    }

    @Test
    void writeReplacesAPlantedLinkInsteadOfWritingThroughIt() throws Exception {
        Path victim = tmp.resolve("victim");
        Files.writeString(victim, "precious\n");
        Path pid = tmp.resolve("vigil.pid");
        Files.createSymbolicLink(pid, victim);
        SecureFiles.writeAtomically(pid, "1234\n".getBytes(StandardCharsets.US_ASCII), SecureFiles.PUBLIC_FILE, true);
        assertEquals("precious\n", Files.readString(victim), "the link target was written through");
        assertFalse(Files.isSymbolicLink(pid));
        assertEquals("1234\n", Files.readString(pid));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(pid)));
        try (var left = Files.list(tmp)) {
            assertEquals(List.of("victim", "vigil.pid"), left.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void readNoFollowRefusesALink() throws Exception {
        Path target = tmp.resolve("t");
        Files.writeString(target, "42\n");
        Path link = Files.createSymbolicLink(tmp.resolve("hb_generation"), target);
        assertThrows(IOException.class, () -> SecureFiles.readNoFollow(link));
    }

    @Test
    void missingDirectoryIsCreatedPrivate() throws Exception {
        Path d = tmp.resolve("a/run");
        SecureFiles.ensureDirectory(d, SecureFiles.PRIVATE_DIR, "run directory");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
    }

    @Test
    void existingWritableDirectoryIsRefusedWithTheFix() throws Exception {
        Path d = Files.createDirectory(tmp.resolve("run"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> SecureFiles.ensureDirectory(d, SecureFiles.PRIVATE_DIR, "run directory (--run-dir)"));
        assertEquals("Refusing the run directory (--run-dir) " + d + ": directory " + d + " is writable by group or others"
                + " (mode 0777): whoever can write it can replace what it holds — run `chmod go-w " + d + "`", e.getMessage());
        assertTrue(Files.isDirectory(d), "left as it is");
    }
}
