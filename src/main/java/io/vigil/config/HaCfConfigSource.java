package io.vigil.config;

import io.smallrye.config.ConfigValue;
import io.smallrye.config.MapBackedConfigValueConfigSource;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * ha.cf as a SmallRye ConfigSource: directive {@code d} becomes key {@code vigil.hacf.d}, so an environment variable
 * ({@code VIGIL_HACF_D}), a system property or {@code vigil.properties} can override it, and the winning value
 * carries its origin. Single-valued directives hold the last value (Heartbeat: last wins) and its line; multi-valued
 * ones (node, media…) hold every value, comma-separated, and the first line.
 */
public final class HaCfConfigSource extends MapBackedConfigValueConfigSource {

    /** Below vigil.properties (250), env (300) and system properties (400). */
    public static final int ORDINAL = 150;

    public HaCfConfigSource(Path file, List<HaCfParser.Entry> entries) {
        super(file.toString(), toMap(file, entries), ORDINAL);
    }

    private static Map<String, ConfigValue> toMap(Path file, List<HaCfParser.Entry> entries) {
        Map<Directive, List<HaCfParser.Entry>> byDirective = entries.stream()
                .collect(Collectors.groupingBy(HaCfParser.Entry::directive, LinkedHashMap::new, Collectors.toList()));
        Map<String, ConfigValue> map = new LinkedHashMap<>();
        byDirective.forEach((d, list) -> {
            HaCfParser.Entry shown = d.multi() ? list.get(0) : list.get(list.size() - 1);
            String value = d.multi()
                    ? list.stream().map(e -> e.value().replace(",", "\\,")).collect(Collectors.joining(","))
                    : shown.value();
            map.put(d.key(), ConfigValue.builder().withName(d.key()).withValue(value).withRawValue(value)
                    .withConfigSourceName(file.toString()).withConfigSourceOrdinal(ORDINAL)
                    .withLineNumber(shown.line()).build());
        });
        return map;
    }
}
