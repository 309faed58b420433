package io.vigil.config;

import java.nio.file.Path;

/**
 * One problem found in the configuration, located as precisely as the source allows.
 *
 * @param file     the file; for a value that came from outside a file, a pseudo-path naming its source
 *                 (e.g. {@code env VIGIL_HACF_DEADTIME}, {@code default})
 * @param line     1-based line, or 0 when the problem concerns the file as a whole or a non-file source
 * @param severity ERROR stops Vigil from starting; WARNING is reported and startup continues
 * @param message  what is wrong (Heartbeat's wording where it has one)
 * @param fix      what to do about it
 */
public record ConfigProblem(Path file, int line, Severity severity, String message, String fix) {

    public enum Severity { ERROR, WARNING }

    /** {@code file:line: message — fix} (the line is left out when unknown). */
    public String format() {
        String where = file == null ? "" : line > 0 ? file + ":" + line + ": " : file + ": ";
        String what = severity == Severity.WARNING ? "warning: " + message : message;
        return fix == null || fix.isBlank() ? where + what : where + what + " — " + fix;
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return format();
    }
}
