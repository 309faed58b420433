package io.vigil.failover;

/**
 * Where one group stands on this node. STOP_FAILED: its stop failed and its status says it may still be active here;
 * it is still ours (announced as held, never released) until {@code vigil resource cleanup} finds it stopped.
 */
public enum GroupState { STOPPED, STARTING, RUNNING, STOPPING, FAILED, STOP_FAILED }
