package io.vigil.failover;

import io.vigil.failover.FailoverAction.Log;
import io.vigil.failover.FailoverAction.Send;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/** The actions produced for the event in hand, in order. */
final class Actions {

    private List<FailoverAction> out = new ArrayList<>();

    /** The actions so far; starts a new list. */
    List<FailoverAction> take() {
        List<FailoverAction> r = out;
        out = new ArrayList<>();
        return r;
    }

    void add(FailoverAction a) {
        out.add(a);
    }

    void send(ResourceMessage m) {
        out.add(new Send(m));
    }

    void info(String text) {
        out.add(new Log(Level.INFO, text));
    }

    void warn(String text) {
        out.add(new Log(Level.WARNING, text));
    }

    void error(String text) {
        out.add(new Log(Level.ERROR, text));
    }
}
