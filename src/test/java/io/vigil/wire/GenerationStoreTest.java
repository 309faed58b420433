package io.vigil.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationStoreTest {

    @TempDir
    Path dir;

    @Test
    void missingFileStartsAtEpochPlusOneThenIncrements() throws IOException {
        assertEquals(1_700_000_001L, GenerationStore.next(dir, 1_700_000_000L));
        assertEquals("     1700000001\n", Files.readString(dir.resolve("hb_generation")));
        assertEquals(1_700_000_002L, GenerationStore.next(dir, 5));
        assertEquals("     1700000002\n", Files.readString(dir.resolve("hb_generation")));
        assertFalse(Files.exists(dir.resolve("hb_generation.tmp")));
    }

    @Test
    void readsHeartbeatsFile() throws IOException {
        Files.writeString(dir.resolve("hb_generation"), "     1795534001\n");
        assertEquals(1795534002L, GenerationStore.next(dir));
    }

    @Test
    void createsTheStateDirectory() throws IOException {
        Path nested = dir.resolve("a/b");
        assertEquals(11, GenerationStore.next(nested, 10));
        assertTrue(Files.isRegularFile(nested.resolve("hb_generation")));
    }

    @Test
    void corruptFileIsAClearError() throws IOException {
        Files.writeString(dir.resolve("hb_generation"), "garbage\n");
        IOException e = assertThrows(IOException.class, () -> GenerationStore.next(dir, 1));
        assertTrue(e.getMessage().contains("hb_generation") && e.getMessage().contains("delete it"), e.getMessage());
        assertEquals("garbage\n", Files.readString(dir.resolve("hb_generation")), "left untouched");
    }

    @Test
    void uuidIsGeneratedOnceAndKept() throws IOException {
        byte[] first = GenerationStore.nodeUuid(dir);
        assertEquals(16, first.length);
        assertEquals(0x40, first[6] & 0xf0, "version 4");
        assertArrayEquals(first, Files.readAllBytes(dir.resolve("hb_uuid")));
        assertArrayEquals(first, GenerationStore.nodeUuid(dir));
    }

    @Test
    void uuidOfTheWrongSizeIsAClearError() throws IOException {
        Files.write(dir.resolve("hb_uuid"), new byte[5]);
        IOException e = assertThrows(IOException.class, () -> GenerationStore.nodeUuid(dir));
        assertTrue(e.getMessage().contains("16 bytes"), e.getMessage());
    }

    @Test
    void loadAverageIsTheFirstLineOrNa() throws IOException {
        Path f = dir.resolve("loadavg");
        Files.writeString(f, "0.08 0.03 0.01 1/97 1234\n");
        assertEquals("0.08 0.03 0.01 1/97 1234", LoadAverage.read(f));
        assertEquals("n/a", LoadAverage.read(dir.resolve("absent")));
        String live = LoadAverage.read();
        assertFalse(live.contains("\n"));
        assertFalse(live.isEmpty());
    }

    /** Issue 14 item 4: a link planted at the generation file is neither read nor written through. */
    @Test
    void aPlantedLinkIsNeitherReadNorWrittenThrough() throws IOException {
        Path victim = dir.resolve("victim");
        Files.writeString(victim, "     1700000000\n");
        Files.createSymbolicLink(dir.resolve("hb_generation"), victim);
        assertThrows(IOException.class, () -> GenerationStore.next(dir, 1));
        assertEquals("     1700000000\n", Files.readString(victim));
        Files.delete(dir.resolve("hb_generation"));
        Files.createSymbolicLink(dir.resolve("hb_uuid"), victim);
        assertThrows(IOException.class, () -> GenerationStore.nodeUuid(dir));
        assertEquals("     1700000000\n", Files.readString(victim));
    }
}
