package io.vigil.resource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Heartbeat's Filesystem device forms (reference §3.4, the wrapper's usage: {@code Filesystem::-Ldata1::/data1::ext2}):
 * the device named by label or UUID, written {@code -L<label>}, {@code -U<uuid>}, {@code LABEL=…} or {@code UUID=…}.
 * A real ext4 file system on a loop device; each form passes the compliance check (start twice, status, stop twice)
 * and is mounted from the device that carries the label. Root only.
 */
class FilesystemDeviceFormsTest {

    static final String LABEL = "cp-vigil-fs";
    static final String UUID = "5e1f0c2a-7b3d-4e8f-9a10-2b3c4d5e6f70";

    @TempDir
    Path dir;
    String loop;
    Path mp;

    private static String sh(String cmd) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), cmd);
        assertEquals(0, p.exitValue(), cmd + ": " + out);
        return out.strip();
    }

    @BeforeEach
    void device() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "loop devices and mounts need root");
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v losetup && command -v mkfs.ext4 && command -v blkid && losetup -f")
                .start().waitFor() == 0, "losetup, mkfs.ext4 and blkid with a free loop device are needed");
        Path image = dir.resolve("fs.img");
        sh("truncate -s 16M " + image + " && mkfs.ext4 -q -F -L " + LABEL + " -U " + UUID + " " + image);
        loop = sh("losetup --find --show " + image);
        mp = dir.resolve("mnt");
    }

    @AfterEach
    void release() throws Exception {
        if (mp != null) {
            while (Files.readString(Path.of("/proc/mounts")).contains(" " + mp + " ")) {
                new ProcessBuilder("umount", mp.toString()).start().waitFor();
            }
        }
        if (loop != null) {
            new ProcessBuilder("losetup", "-d", loop).start().waitFor();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-L" + LABEL, "-U" + UUID, "LABEL=" + LABEL, "UUID=" + UUID})
    void mountsTheDeviceItNames(String device) throws Exception {
        ResourceManager m = new ResourceManager(TestScripts.settings(dir.resolve("rsctmp"), TestScripts.shipped()));
        String token = "Filesystem::" + device + "::" + mp + "::ext4";
        ComplianceChecker.Report r = new ComplianceChecker(m).check(io.vigil.resource.SpecSyntax.parse(token));
        assertTrue(r.compliant(), token + ": " + r.deviations());

        ResourceAgent fs = m.agentFor(SpecSyntax.parse(token));
        assertTrue(fs.start().ok());
        String mounted = Files.readAllLines(Path.of("/proc/mounts")).stream()
                .filter(l -> l.split(" ")[1].equals(mp.toString())).findFirst().orElse("");
        assertEquals(loop, mounted.split(" ")[0], "mounted from " + mounted);
        assertEquals(ResourceState.RUNNING, fs.status().state());
        assertTrue(fs.stop().ok());
        assertFalse(Files.readString(Path.of("/proc/mounts")).contains(" " + mp + " "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-Lcp-no-such-label", "UUID=00000000-0000-4000-8000-000000000000"})
    void aLabelNoDeviceCarriesFailsToStartAndIsStopped(String device) {
        ResourceManager m = new ResourceManager(TestScripts.settings(dir.resolve("rsctmp"), TestScripts.shipped()));
        ResourceAgent fs = m.agentFor(SpecSyntax.parse("Filesystem::" + device + "::" + mp + "::ext4"));
        OperationResult start = fs.start();
        assertEquals(1, start.exitCode());
        assertTrue(String.join(" ", start.lastLines()).contains("no block device has"), start.lastLines().toString());
        assertEquals(ResourceState.STOPPED, fs.status().state());
        assertTrue(fs.stop().ok());
    }
}
