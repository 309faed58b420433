package io.vigil.config;

/**
 * One line of the effective configuration, as check-config prints it.
 *
 * @param name    directive ({@code deadtime}) or Vigil key ({@code vigil.monitor.interval})
 * @param value   value as text with its unit ({@code 10000 ms})
 * @param origin  {@code /etc/ha.d/ha.cf:12}, {@code default}, {@code env VIGIL_HACF_DEADTIME}, …
 * @param actedOn false for directives Vigil accepts but ignores
 */
public record Setting(String name, String value, String origin, boolean actedOn) {
}
