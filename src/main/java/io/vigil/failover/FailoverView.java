package io.vigil.failover;

import java.util.Map;

/**
 * A read-only snapshot for status output.
 *
 * @param phase    the engine's phase, e.g. INIT, STARTING, STABLE, SHUTDOWN (free text, documented in docs/failover.md)
 * @param holding  what this node holds, as cl_status rscstatus says it (none/local/foreign/all)
 * @param transition true while resources are moving (cl_status rscstatus prints "transition")
 * @param groups   state of every group on this node, by key, in haresources order
 * @param standby  the standby exchange in progress, or "" when none
 */
public record FailoverView(String phase, ResourceSet holding, boolean transition, Map<String, GroupState> groups,
                           String standby) {
}
