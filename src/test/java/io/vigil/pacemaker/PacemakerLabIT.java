package io.vigil.pacemaker;

import io.vigil.testsupport.Netns;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The exported tutorial on a real Corosync 3 + Pacemaker 2.1 pair in namespaces ({@code deploy/pacemaker/pm-lab.sh
 * check}, the two-node Pacemaker part of {@code make pacemaker-lab}): `vigil export pacemaker` runs in linux1, the
 * cluster forms with the exported corosync.conf and authkey, the crm form of the CIB loads, the VIP answers the client
 * from linux1, a host crash of linux1 moves it to linux2, and linux1's return brings it back (stickiness 0). About two
 * minutes; needs root and the corosync, pacemaker and crmsh packages (.ci/run installs them).
 */
@Tag("netns")
class PacemakerLabIT {

    @Test
    void exportedTutorialFailsOverAndBackOnARealPacemakerPair() throws Exception {
        Netns.assumeAvailable();
        for (String tool : new String[] {"/usr/sbin/corosync", "/usr/sbin/pacemakerd", "/usr/sbin/crm", "/usr/sbin/crm_mon"}) {
            assumeTrue(Files.isExecutable(Path.of(tool)), tool + " is not installed (corosync, pacemaker, crmsh)");
        }
        Path dir = Path.of("target", "pm-lab-it").toAbsolutePath();
        Files.createDirectories(dir);
        Path log = dir.resolve("check.out");
        ProcessBuilder pb = new ProcessBuilder("deploy/pacemaker/pm-lab.sh", "check").redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("PM_LAB_DIR", dir.resolve("lab").toString());
        pb.environment().put("PM_NS_PREFIX", "pmit-");
        Process p = pb.start();
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        if (!done) {
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(out);
        assertTrue(done, "pm-lab.sh check did not finish within 10 minutes\n" + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("CIB loaded with the exported cib.crm"), out);
        assertTrue(out.contains("VIP 192.0.2.253 answers from linux1 (02:00:00:00:00:11)"), out);
        assertTrue(out.contains("CRASH of linux1 -> the VIP answers from linux2 (02:00:00:00:00:12)"), out);
        assertTrue(out.contains("linux1 back -> the VIP answers from linux1 again"), out);
    }
}
