package io.vigil.failover;

/** Where one group stands on this node. */
public enum GroupState { STOPPED, STARTING, RUNNING, STOPPING, FAILED }
