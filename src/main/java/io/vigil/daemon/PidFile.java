package io.vigil.daemon;

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
            String s = Files.readString(file, StandardCharsets.US_ASCII).trim();
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
     * Claims the file for this process.
     *
     * @throws IllegalStateException when another live process holds it
     */
    public static void claim(Path file) throws IOException {
        Optional<ProcessHandle> other = running(file).filter(p -> p.pid() != ProcessHandle.current().pid());
        if (other.isPresent()) {
            throw new IllegalStateException("vigil is already running [pid " + other.get().pid() + "] (" + file + ")");
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
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
