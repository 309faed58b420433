package io.vigil.control;

/** The daemon's answer to an operator request (standby, takeover, reload). */
public record Reply(boolean ok, String message) {

    public static Reply ok(String message) {
        return new Reply(true, message);
    }

    public static Reply refused(String message) {
        return new Reply(false, message);
    }
}
