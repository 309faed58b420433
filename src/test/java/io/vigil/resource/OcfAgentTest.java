package io.vigil.resource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** With the real agents of Debian's resource-agents package. */
class OcfAgentTest {

    static final Path DUMMY = Path.of("/usr/lib/ocf/resource.d/heartbeat/Dummy");

    @TempDir
    Path dir;

    @BeforeAll
    static void agentsInstalled() {
        assumeTrue(Files.isExecutable(DUMMY), "resource-agents is not installed");
    }

    private ResourceManager manager() {
        return new ResourceManager(TestScripts.settings(dir.resolve("rsctmp"), dir));
    }

    @Test
    void dummyRunsUnderOcfRootWithItsParameters() {
        Path state = dir.resolve("vt-res.state");
        ResourceAgent a = manager().agentFor(SpecSyntax.parse("ocf:heartbeat:Dummy::state=" + state));
        assertTrue(a instanceof OcfAgent);
        assertEquals(List.of(), a.validate());
        ResourceAgent.Status st = a.status();
        assertEquals(ResourceState.STOPPED, st.state());
        assertEquals(7, st.probe().exitCode());
        assertEquals("monitor", st.probe().operation());
        assertTrue(a.start().ok());
        assertTrue(Files.exists(state), "OCF_RESKEY_state was not passed");
        assertEquals(ResourceState.RUNNING, a.status().state());
        assertTrue(a.stop().ok());
        assertEquals(ResourceState.STOPPED, a.status().state());
    }

    @Test
    void dummyPassesTheComplianceCheck() {
        ComplianceChecker.Report r = new ComplianceChecker(manager())
                .check(SpecSyntax.parse("ocf:heartbeat:Dummy::state=" + dir.resolve("c.state")));
        assertTrue(r.compliant(), r.deviations().toString());
    }

    @Test
    void metaDataValidatesParameters() {
        List<String> problems = manager().agentFor(SpecSyntax.parse("ocf:heartbeat:Dummy::stat=/tmp/x::fake=1")).validate();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("parameter 'stat' is not one of ocf:heartbeat:Dummy's"), problems.get(0));
        assumeTrue(Files.isExecutable(Path.of("/usr/lib/ocf/resource.d/heartbeat/IPaddr2")));
        problems = manager().agentFor(SpecSyntax.parse("ocf:heartbeat:IPaddr2::cidr_netmask=24")).validate();
        assertTrue(problems.stream().anyMatch(p -> p.contains("required parameter 'ip' of ocf:heartbeat:IPaddr2 is missing")),
                problems.toString());
        assertEquals(List.of(), manager().agentFor(SpecSyntax.parse("ocf:heartbeat:IPaddr2::ip=192.0.2.10::cidr_netmask=24"))
                .validate());
    }

    @Test
    void aMissingAgentIsReported() {
        ResourceAgent a = manager().agentFor(SpecSyntax.parse("ocf:heartbeat:VtResNothing"));
        assertTrue(a instanceof MissingAgent);
        assertTrue(a.validate().get(0).contains("/usr/lib/ocf/resource.d/heartbeat/VtResNothing not found"));
        assertEquals(ResourceState.UNKNOWN, a.status().state());
    }
}
