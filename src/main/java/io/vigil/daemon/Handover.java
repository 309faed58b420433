package io.vigil.daemon;

import io.vigil.resource.HeldAddresses;
import io.vigil.security.SecureFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code <state-dir>/handover}: written by a daemon that exits keeping its groups ({@code vigil stop
 * --keep-resources}, the package's upgrade), read and removed by the next start, which adopts those groups if they
 * still run and the peers confirm. It names the groups, the boot, and until when the peers still count the old daemon
 * alive (its last keepalive plus deadtime): a later start, or one after a reboot, finds it stale and stops the
 * groups first, as after a crash. In the state directory because systemd removes the run directory at stop.
 *
 * <p>Format: first line {@code <deadline epoch ms> <boot id>}, then one group key per line.
 */
public record Handover(long deadlineEpochMs, String bootId, List<String> groups) {

    static final String FILE = "handover";

    public Handover {
        groups = List.copyOf(groups);
    }

    public static Path file(Path stateDir) {
        return stateDir.resolve(FILE);
    }

    /**
     * Beside the record, the virtual addresses held at the handover ({@code resource/HeldAddresses} records): the shell
     * watcher removes them at the deadline if no daemon took the groups, without waiting for a JVM to start.
     */
    public static Path heldDir(Path file) {
        return file.resolveSibling(file.getFileName() + ".held");
    }

    /** Still valid now: same boot, before the deadline (less {@code marginMs} for the first packet to get out). */
    public boolean fresh(long nowEpochMs, long marginMs) {
        return bootId.equals(currentBootId()) && nowEpochMs + marginMs < deadlineEpochMs;
    }

    void write(Path file) throws IOException {
        StringBuilder b = new StringBuilder().append(deadlineEpochMs).append(' ').append(bootId).append('\n');
        groups.forEach(g -> b.append(g).append('\n'));
        SecureFiles.writeAtomically(file, b.toString().getBytes(StandardCharsets.UTF_8), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"), false);
    }

    /** The record, if there is a readable one; it is removed either way (it is good for one start only). */
    public static Optional<Handover> take(Path file) {
        Optional<Handover> h = read(file);
        try {
            Files.deleteIfExists(file);
            HeldAddresses.clear(heldDir(file));
        } catch (IOException e) {
            // a record we could not remove is stale by the next start anyway (deadline)
        }
        return h;
    }

    public static Optional<Handover> read(Path file) {
        try {
            List<String> lines = new String(SecureFiles.readNoFollow(file), StandardCharsets.UTF_8).lines().toList();
            String[] head = lines.isEmpty() ? new String[0] : lines.get(0).trim().split(" ");
            if (head.length != 2 || !head[0].matches("\\d{1,18}")) {
                return Optional.empty();
            }
            List<String> groups = new ArrayList<>();
            lines.stream().skip(1).map(String::trim).filter(l -> !l.isEmpty()).forEach(groups::add);
            return Optional.of(new Handover(Long.parseLong(head[0]), head[1], groups));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The kernel's id of this boot ("-" where there is none). */
    static String currentBootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        } catch (IOException e) {
            return "-";
        }
    }
}
