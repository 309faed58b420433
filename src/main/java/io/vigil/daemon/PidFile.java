package io.vigil.daemon;

import io.vigil.security.SecureFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** {@code <run-dir>/vigil.pid}: written at start, removed on a graceful stop; a left-over file means an abnormal exit. */
public final class PidFile {

    private PidFile() {
    }

    /** The PID recorded in the file, if the file exists and parses. */
    public static OptionalLong read(Path file) {
        try {
            String s = new String(SecureFiles.readNoFollow(file), StandardCharsets.US_ASCII).trim();
            return s.matches("\\d+") ? OptionalLong.of(Long.parseLong(s)) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** The live process the file names, if any. */
    public static Optional<ProcessHandle> running(Path file) {
        OptionalLong pid = read(file);
        return pid.isPresent() ? ProcessHandle.of(pid.getAsLong()).filter(ProcessHandle::isAlive) : Optional.empty();
    }

    /**
     * Claims the file for this process (its directory is {@link DaemonPaths#prepare() prepared} first).
     *
     * @throws IllegalStateException when another live process holds it
     */
    public static void claim(Path file) throws IOException {
        Optional<ProcessHandle> other = running(file).filter(p -> p.pid() != ProcessHandle.current().pid());
        if (other.isPresent()) {
            throw new IllegalStateException("vigil is already running [pid " + other.get().pid() + "] (" + file + ")");
        }
        // A planted link at the PID file or its temporary name is replaced, never written through.
        SecureFiles.writeAtomically(file, (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII),
                SecureFiles.PUBLIC_FILE, false);
    }

    public static void release(Path file) {
        if (PidFile.read(file).orElse(-1) == ProcessHandle.current().pid()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // nothing useful to do on the way out
            }
        }
    }
}
