package io.vigil.control;

import io.vigil.failover.ResourceSet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A ControlHandler with a fixed two-node cluster (alice here, bob, ping node 192.0.2.1) that records requests. */
public class FakeControlHandler implements ControlHandler {

    public final List<String> requests = new ArrayList<>();
    public volatile StatusReport report = sample();
    public volatile boolean refuse;

    public static StatusReport sample() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("keepalive", "1000ms");
        params.put("deadtime", "10");
        params.put("udpport", "694");
        params.put("auto_failback", "on");
        params.put("hbversion", "vigil 0.1.0");
        return new StatusReport("alice", "0.1.0", 4242, 3_723_000, "active", "on",
                List.of(
                        new StatusReport.NodeInfo("alice", "normal", "active",
                                List.of(new StatusReport.LinkInfo("eth0", true), new StatusReport.LinkInfo("eth1", true)), 0),
                        new StatusReport.NodeInfo("bob", "normal", "dead",
                                List.of(new StatusReport.LinkInfo("eth0", false), new StatusReport.LinkInfo("eth1", true)), 12_345),
                        new StatusReport.NodeInfo("192.0.2.1", "ping", "ping",
                                List.of(new StatusReport.LinkInfo("192.0.2.1", true)), 800)),
                List.of(new StatusReport.GroupInfo("192.0.2.253", "alice", "192.0.2.253 apache2", "running", "alice"),
                        new StatusReport.GroupInfo("198.51.100.7", "bob", "198.51.100.7", "running", "alice")),
                "all",
                List.of(new StatusReport.Transition(1_700_000_000_000L, "node bob: is dead"),
                        new StatusReport.Transition(1_700_000_002_000L, "mach_down takeover complete.")),
                params);
    }

    @Override
    public StatusReport status() {
        return report;
    }

    @Override
    public synchronized Reply standby(ResourceSet set) {
        requests.add("standby " + set.wire());
        return refuse ? Reply.refused("auto_failback is set to legacy.  Cannot enter standby.")
                : Reply.ok("standby [" + set.wire() + "] requested");
    }

    @Override
    public synchronized Reply takeover(ResourceSet set) {
        requests.add("takeover " + set.wire());
        return refuse ? Reply.refused("refused") : Reply.ok("takeover [" + set.wire() + "] requested");
    }

    /** When the answer to an accepted keeping stop was written (the daemon exits then). */
    public final java.util.concurrent.CompletableFuture<Void> keepStopAnswered = new java.util.concurrent.CompletableFuture<>();

    @Override
    public synchronized Reply stopKeepingResources() {
        requests.add("stop keep");
        return refuse ? Reply.refused("resources are moving") : Reply.ok("Exiting, resource groups kept running here");
    }

    @Override
    public void stopKeepingResourcesAnswered() {
        keepStopAnswered.complete(null);
    }

    @Override
    public synchronized Reply cleanup(String group) {
        requests.add("cleanup " + group);
        return Reply.ok("group " + group + ": released");
    }

    @Override
    public synchronized Reply reload() {
        requests.add("reload");
        return Reply.ok("Configuration reloaded.");
    }
}
