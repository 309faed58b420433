package io.vigil.daemon;

import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The last state changes of this node, one line each, for {@code vigil status}; each is logged as it happens. */
final class Transitions {

    private static final Logger LOG = Logger.getLogger("vigil");
    private static final int KEPT = 50;

    private final Deque<Daemon.Transition> lines = new ArrayDeque<>();

    /** Called on the daemon's context only. */
    void record(String text) {
        lines.addLast(new Daemon.Transition(System.currentTimeMillis(), text));
        while (lines.size() > KEPT) {
            lines.removeFirst();
        }
        LOG.info(text);
    }

    List<Daemon.Transition> snapshot() {
        return List.copyOf(lines);
    }
}
