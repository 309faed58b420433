package io.vigil.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code ld} field: the first line of {@code /proc/loadavg} without its newline, or {@code n/a}. */
public final class LoadAverage {

    private static final Path PROC_LOADAVG = Path.of("/proc/loadavg");

    private LoadAverage() {
    }

    public static String read() {
        return read(PROC_LOADAVG);
    }

    static String read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            int nl = text.indexOf('\n');
            String line = nl >= 0 ? text.substring(0, nl) : text;
            return line.isEmpty() ? "n/a" : line;
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
