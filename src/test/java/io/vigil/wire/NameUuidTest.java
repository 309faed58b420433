package io.vigil.wire;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code uuidfrom nodename}: the UUID Heartbeat derives from a node name. Expected values were computed with Debian
 * 12's glibc through Python ctypes ({@code srand(string_hash(name))}, 32 × {@code rand() % 16}), string_hash as in
 * hb_uuid.c.
 */
class NameUuidTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "linux1, b76cf2b9-aee4-2077-4a83-cd45b3ceaed6, -1102656067",
            "linux2, d50c9fb4-4c87-3343-1502-5573ed864321, -1102656066",
            "alice,  4d92ef93-86a6-39de-4440-963a4d87f4d4, 92903040",
            "bob,    802cf3cf-1976-6552-1106-e8c4a75062ee, 97717",
            "a,      e44c7868-10c2-3db7-763c-3b17dc88f2ed, 97",
            "éa,     85bf395e-3211-65e5-b4d6-e36755d09851, -61221",
            "node-with-a-long-name-éé, 1172f505-0845-0617-0c3f-c54c555227f3, -188587387"})
    void sameUuidAsHeartbeat(String name, String uuid, int seed) {
        assertEquals(seed, NameUuid.stringHash(name));
        assertEquals(uuid.replace("-", ""), HexFormat.of().formatHex(NameUuid.of(name)));
    }

    @ParameterizedTest
    @CsvSource({"0, 76931fac-9dab-2b36-c248-b87d6ae33f9a"})
    void seedZeroIsSeedOneAsInGlibc(int seed, String uuid) {
        assertEquals(0, NameUuid.stringHash(""));
        assertEquals(uuid.replace("-", ""), HexFormat.of().formatHex(NameUuid.of("")));
    }
}
