package io.vigil.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The handover record: written, taken once, fresh only in the same boot and before its deadline. */
class HandoverTest {

    @TempDir
    Path dir;

    @Test
    void writtenRecordIsTakenOnceAndFreshBeforeItsDeadline() throws Exception {
        Path f = Handover.file(dir);
        long now = System.currentTimeMillis();
        new Handover(now + 9_000, Handover.currentBootId(), List.of("192.0.2.253", "IPaddr2::192.0.2.252/24")).write(f);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Optional<Handover> h = Handover.take(f);
        assertTrue(h.isPresent());
        assertEquals(List.of("192.0.2.253", "IPaddr2::192.0.2.252/24"), h.get().groups());
        assertFalse(Files.exists(f), "good for one start only");
        assertTrue(Handover.take(f).isEmpty());
        assertTrue(h.get().fresh(now, 1_000));
        assertFalse(h.get().fresh(now + 8_500, 1_000), "too close to the deadline for the first packet");
        assertFalse(new Handover(now + 9_000, "another-boot", List.of()).fresh(now, 1_000), "after a reboot");
    }

    @Test
    void unreadableRecordIsIgnored() throws Exception {
        Path f = Files.writeString(Handover.file(dir), "garbage\n192.0.2.253\n");
        assertTrue(Handover.take(f).isEmpty());
        assertFalse(Files.exists(f));
    }
}
