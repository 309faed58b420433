package io.vigil.pacemaker;

import java.util.Optional;

/**
 * One input of the Heartbeat configuration and what the export made of it: every ha.cf directive, authkeys entry,
 * haresources resource and Vigil setting given is accounted for, so that nothing is dropped silently.
 *
 * @param origin where it is written ({@code /etc/ha.d/ha.cf:12}, {@code env VIGIL_MONITOR_INTERVAL})
 * @param input  the input as written ({@code deadtime 10}, {@code IPaddr::192.0.2.10})
 * @param result what it became; empty when it is not translated
 * @param note   how, or why not and what to do
 */
public record Mapping(String origin, String input, Optional<String> result, String note) {

    public static Mapping to(String origin, String input, String result, String note) {
        return new Mapping(origin, input, Optional.of(result), note);
    }

    public static Mapping untranslated(String origin, String input, String reason) {
        return new Mapping(origin, input, Optional.empty(), reason);
    }

    public boolean translated() {
        return result.isPresent();
    }

    /** {@code origin: input -> result (note)} or {@code origin: input: not translated: reason}. */
    public String format() {
        return origin + ": " + input + (result.map(r -> " -> " + r + (note.isEmpty() ? "" : " (" + note + ")"))
                .orElse(": not translated: " + note));
    }
}
