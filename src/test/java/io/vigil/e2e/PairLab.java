package io.vigil.e2e;

import io.vigil.testsupport.Netns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static io.vigil.e2e.ClusterLab.VIP;

/**
 * What most namespace ITs share: one lab with two Vigil nodes, linux1 (192.0.2.11) and linux2 (192.0.2.12), opened by
 * the class's own {@code @BeforeAll} (which configures and starts them as its test needs) and closed after the class,
 * even when a test or the set-up failed. A class with more to tear down adds its own {@code @AfterAll}: JUnit runs it
 * before this one.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PairLab {

    /** The lab's directory: the nodes' homes, logs and whatever a test keeps. */
    protected java.nio.file.Path dir;
    protected ClusterLab lab;
    protected ClusterLab.Node l1;
    protected ClusterLab.Node l2;

    /** The lab's namespaces are named {@code <prefix>-…} and its files live under {@code E2e.dir(prefix)}. */
    protected void openPair(String prefix) throws java.io.IOException {
        Netns.assumeAvailable();
        dir = E2e.dir(prefix);
        lab = new ClusterLab(prefix, dir);
        l1 = lab.node("linux1", "192.0.2.11");
        l2 = lab.node("linux2", "192.0.2.12");
    }

    /** The VIP on linux1 alone, and each node has heard more than a few packets of the other. */
    protected void awaitVipOnLinux1AndTalking() throws InterruptedException {
        ClusterLab.await(E2e.BOOT, () -> "VIP on linux1, both nodes talking\n" + lab.logs(),
                () -> lab.holders(VIP).equals(List.of("linux1")) && l1.metric("vigil_packets_received_total") > 10
                        && l2.metric("vigil_packets_received_total") > 10);
    }

    @AfterAll
    void closeLab() {
        if (lab != null) {
            lab.close();
        }
    }
}
