package io.vigil.failover;

/** What the engine knows of a resource group: its key and preferred node. The resources are the daemon's business. */
public record GroupSpec(String key, String preferredNode) {
}
