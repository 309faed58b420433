package io.vigil.failover;

import io.vigil.failover.FailoverAction.Send;

import java.util.ArrayList;
import java.util.List;

/** Drives engines in a test: a clock that moves 10 ms per event, a message counter, and what the engine sent. */
abstract class EngineDriver {

    protected long now = 1000;
    protected int seq = 1;

    protected List<FailoverAction> feed(FailoverEngine e, FailoverEvent ev) {
        now += 10;
        return e.handle(now, ev);
    }

    /** The messages among {@code actions}, as text ({@code [t=..., ...]}). */
    static List<String> sent(List<FailoverAction> actions) {
        List<String> r = new ArrayList<>();
        for (FailoverAction a : actions) {
            if (a instanceof Send s) {
                r.add(s.message().toString());
            }
        }
        return r;
    }
}
