package io.vigil.daemon;

import io.vigil.wire.GenerationStore;
import io.vigil.wire.NameUuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** hbgenmethod and uuidfrom as Heartbeat applies them at start. */
class NodeIdentityTest {

    @TempDir
    Path state;

    @Test
    void fileMethodsCountUpAndKeepTheUuid() throws Exception {
        NodeIdentity first = NodeIdentity.establish("file", "file", "linux1", state, 1_700_000_000L);
        NodeIdentity second = NodeIdentity.establish("file", "file", "linux1", state, 1_700_000_000L);
        assertEquals(first.generation() + 1, second.generation());
        assertArrayEquals(first.uuid(), second.uuid());
        assertArrayEquals(Files.readAllBytes(state.resolve(GenerationStore.UUID_FILE)), first.uuid());
    }

    @Test
    void timeMethodIsTheClockAndWritesNothing() throws Exception {
        NodeIdentity id = NodeIdentity.establish("time", "file", "linux1", state, 1_700_000_123L);
        assertEquals(1_700_000_123L, id.generation());
        assertFalse(Files.exists(state.resolve(GenerationStore.GENERATION_FILE)));
    }

    @Test
    void nodenameUuidIsDerivedAndNotStored() throws Exception {
        NodeIdentity id = NodeIdentity.establish("file", "nodename", "linux1", state, 1_700_000_000L);
        assertArrayEquals(NameUuid.of("linux1"), id.uuid());
        assertFalse(Files.exists(state.resolve(GenerationStore.UUID_FILE)));
        assertTrue(Files.exists(state.resolve(GenerationStore.GENERATION_FILE)));
    }
}
