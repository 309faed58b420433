package io.vigil.notify;

import java.util.Locale;
import java.util.Optional;

/**
 * The transitions Vigil tells the outside world about: notification scripts get the {@link #word()} as their first
 * argument and in {@code VIGIL_EVENT}, the live page and {@code vigil status --watch} show it, and
 * {@code vigil_events_total{event=…}} counts it. The words are part of the interface: documented in
 * docs/operations.md, never renamed.
 */
public enum EventType {
    /** A node (or ping node) was heard for the first time. */
    NODE_UP(Subject.NODE),
    /** A node was declared dead: silent for longer than its deadtime, or it said goodbye. */
    NODE_DEAD(Subject.NODE),
    /** A node declared dead is heard again (a restart, or the end of a partition). */
    NODE_RETURNED(Subject.NODE),
    /** A heartbeat link to a node carries packets again. */
    LINK_UP(Subject.LINK),
    /** A heartbeat link to a node has been silent for longer than the node's deadtime. */
    LINK_DEAD(Subject.LINK),
    /** This node starts a resource group. */
    GROUP_STARTING(Subject.GROUP),
    /** A group's start completed here: all its resources run. */
    GROUP_RUNNING(Subject.GROUP),
    /** This node stops a resource group. */
    GROUP_STOPPING(Subject.GROUP),
    /** A group's stop completed here. */
    GROUP_STOPPED(Subject.GROUP),
    /** A group failed here: its start failed, or its status check did. */
    GROUP_FAILED(Subject.GROUP),
    /** A group's stop failed here: parts of it may still be active (manual intervention needed). */
    GROUP_STOP_FAILED(Subject.GROUP),
    /** A group is active on two nodes at once. */
    SPLIT_BRAIN_DETECTED(Subject.GROUP),
    /** The node that gave a doubly held group up has stopped it: one holder again. */
    SPLIT_BRAIN_HEALED(Subject.GROUP),
    /** This node asks for a dead node to be fenced before it takes its groups over. */
    FENCE_REQUESTED(Subject.NODE),
    /** The fence succeeded: the node is known to be off. */
    FENCE_DONE(Subject.NODE),
    /** The fence failed: the node's groups stay down until a later attempt succeeds. */
    FENCE_FAILED(Subject.NODE);

    /** What an event is about, which decides the arguments that matter. */
    public enum Subject { NODE, LINK, GROUP }

    private final Subject subject;

    EventType(Subject subject) {
        this.subject = subject;
    }

    public Subject subject() {
        return subject;
    }

    /** {@code node-dead}, {@code group-stop-failed}, … */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<EventType> ofWord(String word) {
        for (EventType t : values()) {
            if (t.word().equals(word)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
