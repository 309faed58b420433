package io.vigil.migration;

/** How something of a Heartbeat installation fares under Vigil. */
public enum Verdict {
    /** Vigil does what Heartbeat did. */
    SAME("same"),
    /** Vigil does it, but not exactly as Heartbeat did: the note says how. */
    DIFFERENT("different"),
    /** Vigil does not do it: the note says what to do instead. */
    NOT_SUPPORTED("not supported");

    private final String word;

    Verdict(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }
}
