package io.vigil.resource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every script shipped in resource.d passes the compliance checker, and does its job. */
class ShippedScriptsTest {

    @TempDir
    Path dir;

    private ResourceManager manager(Map<String, String> env) {
        return new ResourceManager(TestScripts.settings(dir.resolve("rsctmp"), TestScripts.shipped()).withEnvironment(env));
    }

    private ComplianceChecker.Report check(ResourceManager m, String token) {
        ComplianceChecker.Report r = new ComplianceChecker(m).check(SpecSyntax.parse(token));
        assertTrue(r.agent().startsWith(TestScripts.shipped().toString()), r.agent());
        return r;
    }

    @Test
    void shippedScriptsAreExecutableAndPosix() throws Exception {
        for (String name : List.of("Dummy", "Delay", "MailTo", "Filesystem", "WebServer")) {
            Path p = TestScripts.shipped().resolve(name);
            assertTrue(Files.isExecutable(p), p + " not executable");
            assertEquals("#!/bin/sh", Files.readAllLines(p).get(0));
            ProcessRunner.Outcome o = new ProcessRunner().run(List.of("sh", "-n", p.toString()), Map.of(),
                    java.time.Duration.ofSeconds(5));
            assertEquals(0, o.exitCode(), name + ": " + o.lastLines());
            // a wrong call is a usage error (LSB 2), not a crash
            ProcessRunner.Outcome bad = new ProcessRunner().run(List.of(p.toString()), Map.of(), java.time.Duration.ofSeconds(5));
            assertEquals(2, bad.exitCode(), name);
        }
    }

    @Test
    void dummyAndDelayAreCompliant() {
        ResourceManager m = manager(Map.of());
        ComplianceChecker.Report r = check(m, "Dummy::vt-res-a");
        assertTrue(r.compliant(), r.deviations().toString());
        r = check(m, "Dummy");
        assertTrue(r.compliant(), r.deviations().toString());
        r = check(m, "Delay::1::0");
        assertTrue(r.compliant(), r.deviations().toString());
        OperationResult firstStart = r.operations().get(1);
        assertEquals("start", firstStart.operation());
        assertTrue(firstStart.duration().toMillis() >= 1000, firstStart.describe());
    }

    @Test
    void mailToSendsThroughSendmailOncePerTransition() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path mails = dir.resolve("mails");
        TestScripts.write(bin, "sendmail", "echo \"ARGS $*\" >> " + mails + "\ncat >> " + mails + "\n");
        ResourceManager m = manager(Map.of("PATH", bin + ":" + System.getenv("PATH"), "HA_CURHOST", "alice"));
        ComplianceChecker.Report r = check(m, "MailTo::ops@example.org,dev@example.org::vt-res");
        assertTrue(r.compliant(), r.deviations().toString());
        String text = Files.readString(mails);
        assertTrue(text.contains("ARGS -oi -- ops@example.org dev@example.org"), text);
        assertTrue(text.contains("Subject: vt-res Takeover in progress on alice"), text);
        assertTrue(text.contains("Subject: vt-res Migrating resource away from alice"), text);
        // the repeated start and stop of the check sent nothing more
        assertEquals(2, text.lines().filter(l -> l.startsWith("ARGS")).count(), text);
    }

    @Test
    void mailToWithoutSendmailStillSucceeds() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assumeTrue(!Files.exists(Path.of("/usr/sbin/sendmail")) && !Files.exists(Path.of("/usr/lib/sendmail")),
                "a real sendmail is installed");
        ResourceManager m = manager(Map.of("PATH", empty + ":/usr/bin:/bin"));
        ComplianceChecker.Report r = check(m, "MailTo::ops@example.org");
        assertTrue(r.compliant(), r.deviations().toString());
        assertTrue(r.operations().get(1).lastLines().stream().anyMatch(l -> l.contains("no sendmail found")),
                r.operations().get(1).lastLines().toString());
    }

    @Test
    void filesystemMountsAndUnmountsWithSafetyChecks() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting needs root");
        Path mp = dir.resolve("vt-res-mnt");
        ResourceManager m = manager(Map.of());
        try {
            ComplianceChecker.Report r = check(m, "Filesystem::tmpfs::" + mp + "::tmpfs::size=1m");
            assertTrue(r.compliant(), r.deviations().toString());
            assertFalse(Files.readString(Path.of("/proc/mounts")).contains(mp.toString()));

            // a busy file system is released: its user is killed, then it unmounts
            ResourceAgent fs = m.agentFor(SpecSyntax.parse("Filesystem::tmpfs::" + mp + "::tmpfs"));
            assertTrue(fs.start().ok());
            Process user = new ProcessBuilder("sh", "-c", "cd " + mp + " && exec sleep 300").start();
            Thread.sleep(200);
            assertTrue(fs.stop().ok());
            assertTrue(user.waitFor(5, java.util.concurrent.TimeUnit.SECONDS), "the file system's user survived");
            assertEquals(ResourceState.STOPPED, fs.status().state());

            // something else mounted there: refuse
            new ProcessBuilder("mount", "-t", "tmpfs", "vt-res-other", mp.toString()).start().waitFor();
            OperationResult refused = fs.start();
            assertFalse(refused.ok());
            assertTrue(String.join(" ", refused.lastLines()).contains("vt-res-other is already mounted"), refused.lastLines().toString());
            // the root file system is never managed
            assertEquals(2, m.agentFor(SpecSyntax.parse("Filesystem::/dev/sda1::/")).start().exitCode());
        } finally {
            while (Files.readString(Path.of("/proc/mounts")).contains(" " + mp + " ")) {
                new ProcessBuilder("umount", mp.toString()).start().waitFor();
            }
        }
    }

    @Test
    void webServerServesAndIsCompliant() throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v python3").start().waitFor() == 0, "python3 not installed");
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("index.html"), "vt-res hello\n");
        ResourceManager m = manager(Map.of());
        String spec = "WebServer::" + www + "::18481::127.0.0.1";
        ResourceAgent web = m.agentFor(SpecSyntax.parse(spec));
        try {
            assertTrue(web.start().ok());
            java.net.http.HttpResponse<String> resp = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:18481/index.html")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals("vt-res hello\n", resp.body());
            assertTrue(web.stop().ok());
            ComplianceChecker.Report r = check(m, spec);
            assertTrue(r.compliant(), r.deviations().toString());
        } finally {
            web.stop();
        }
    }
}
