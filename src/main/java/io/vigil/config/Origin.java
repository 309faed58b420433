package io.vigil.config;

import java.nio.file.Path;

/**
 * Where an effective value comes from: a file line, a default, an environment variable, a system property.
 *
 * @param file  the file, or a pseudo-path naming the non-file source (used to locate problems)
 * @param line  1-based line in {@code file}, 0 if none
 * @param label how check-config shows it: {@code /etc/ha.d/ha.cf:12}, {@code default}, {@code env VIGIL_HACF_DEADTIME}
 */
public record Origin(Path file, int line, String label) {

    public static final Origin DEFAULT = new Origin(Path.of("default"), 0, "default");

    public static Origin at(Path file, int line) {
        return new Origin(file, line, line > 0 ? file + ":" + line : file.toString());
    }

    /** A value that is not in any file: the label doubles as the problem location. */
    public static Origin of(String label) {
        return new Origin(Path.of(label), 0, label);
    }

    public static Origin derived(String how) {
        return new Origin(Path.of("default"), 0, "default (" + how + ")");
    }

    public boolean isDefault() {
        return label.startsWith("default");
    }

    public ConfigProblem error(String message, String fix) {
        return new ConfigProblem(file, line, ConfigProblem.Severity.ERROR, message, fix);
    }

    public ConfigProblem warning(String message, String fix) {
        return new ConfigProblem(file, line, ConfigProblem.Severity.WARNING, message, fix);
    }

    @Override
    public String toString() {
        return label;
    }
}
