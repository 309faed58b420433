package io.vigil.resource;

/** What a status probe concluded about one resource. UNKNOWN: the agent could not tell (error, timeout, not found). */
public enum ResourceState {
    RUNNING, STOPPED, UNKNOWN
}
