package io.vigil.resource;

import io.vigil.config.ConfigProblem;
import io.vigil.config.HaresourcesParser;
import io.vigil.config.Origin;
import java.util.Optional;

import io.vigil.config.ResourceSpec;

import java.util.ArrayList;
import java.util.List;

/** One resource token as {@code vigil resource …} takes it, in haresources' own grammar (§3.1, config's parser). */
public final class SpecSyntax {

    private SpecSyntax() {
    }

    /**
     * Parses one token with haresources' own grammar ({@link HaresourcesParser}); throws
     * {@link IllegalArgumentException} with the parser's message when it is malformed.
     */
    public static ResourceSpec parse(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("empty resource specification");
        }
        List<ConfigProblem> problems = new ArrayList<>();
        Optional<ResourceSpec> spec = HaresourcesParser.parseResource(Origin.of("argument"), token.trim(), problems);
        if (spec.isEmpty() || problems.stream().anyMatch(ConfigProblem::isError)) {
            throw new IllegalArgumentException(problems.stream().map(p -> p.message() + " — " + p.fix())
                    .reduce((a, b) -> a + "; " + b).orElse("malformed resource '" + token.trim() + "'"));
        }
        return spec.get();
    }
}
