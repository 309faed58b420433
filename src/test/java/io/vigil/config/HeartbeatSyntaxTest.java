package io.vigil.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reference §1.2, §1.3 and the vectors of §9.6. */
class HeartbeatSyntaxTest {

    @ParameterizedTest(name = "cl_get_msec({0}) = {1}")
    @CsvSource(delimiter = '|', value = {
            "1|1000", "1.5|1500", "500ms|500", "2000msec|2000", "250000us|250", "' 3'|3000", "0|0",
            "2s|-1", "abc|-1", "10 ms|10", "m|-1", "1sec|-1", "''|-1"})
    void time(String text, long expected) {
        assertEquals(expected, HeartbeatSyntax.parseMsec(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "Yes", "Y", "1", "true", "TRUE", "y"})
    void trueValues(String text) {
        assertEquals(Optional.of(true), HeartbeatSyntax.parseBoolean(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"off", "N", "0", "false", "no", "n"})
    void falseValues(String text) {
        assertEquals(Optional.of(false), HeartbeatSyntax.parseBoolean(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"legacy", "enable", "", "2"})
    void notBooleans(String text) {
        assertEquals(Optional.empty(), HeartbeatSyntax.parseBoolean(text));
    }

    @Test
    void optionTokensSplitOnWhitespaceAndComma() {
        assertEquals(List.of("a", "b", "c"), HeartbeatSyntax.split("a, b\tc,", HeartbeatSyntax.DELIMS));
    }
}
