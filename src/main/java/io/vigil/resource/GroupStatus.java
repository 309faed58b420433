package io.vigil.resource;

import java.util.List;

/**
 * The status of every resource of a group, and the group's overall state as ResourceManager's {@code statgroup}
 * prints it: ALL when every resource runs, NONE when none does, SOME otherwise (UNKNOWN counts as not running, as
 * Heartbeat's boolean {@code we_own_resource} does).
 */
public record GroupStatus(String key, List<ResourceStatus> resources, Overall overall) {

    public enum Overall { NONE, SOME, ALL }

    /** One resource's state and the probe that told it. */
    public record ResourceStatus(String resource, ResourceState state, OperationResult probe) {
    }

    public GroupStatus {
        resources = List.copyOf(resources);
    }

    static GroupStatus of(String key, List<ResourceStatus> resources) {
        long running = resources.stream().filter(r -> r.state() == ResourceState.RUNNING).count();
        Overall overall = running == 0 ? Overall.NONE : running == resources.size() ? Overall.ALL : Overall.SOME;
        return new GroupStatus(key, resources, overall);
    }
}
