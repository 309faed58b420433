package io.vigil.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14 item 4: run and state directories created private or refused; the PID file never written through a link. */
class DaemonPathsTest {

    @TempDir
    Path tmp;

    @Test
    void missingDirectoriesAreCreatedPrivate() {
        DaemonPaths paths = new DaemonPaths(tmp.resolve("run/vigil"), tmp.resolve("lib/vigil"));
        paths.prepare();
        for (Path d : new Path[] {paths.runDir(), paths.stateDir()}) {
            assertTrue(Files.isDirectory(d));
            assertEquals("rwx------", mode(d));
        }
    }

    @Test
    void aRunDirectoryOthersCanWriteIsRefused() throws Exception {
        Path run = Files.createDirectory(tmp.resolve("run"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxrwxr-x"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new DaemonPaths(run, tmp.resolve("state")).prepare());
        assertTrue(e.getMessage().startsWith("Refusing the run directory (--run-dir) " + run + ": directory " + run
                + " is writable by group or others (mode 0775)"), e.getMessage());
        assertTrue(e.getMessage().endsWith("run `chmod go-w " + run + "`"), e.getMessage());
    }

    @Test
    void aPlantedPidFileLinkIsReplacedNotFollowed() throws Exception {
        DaemonPaths paths = new DaemonPaths(tmp.resolve("run"), tmp.resolve("state"));
        paths.prepare();
        Path victim = tmp.resolve("shadow");
        Files.writeString(victim, "root:x:0:0\n");
        Files.createSymbolicLink(paths.pidFile(), victim);
        PidFile.claim(paths.pidFile());
        assertEquals("root:x:0:0\n", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(paths.pidFile()));
        assertEquals(ProcessHandle.current().pid(), PidFile.read(paths.pidFile()).orElseThrow());
    }

    private static String mode(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
