package io.vigil.daemon;

/** The outcome of a reload (SIGHUP or {@code vigil reload}): applied, or refused with the running configuration kept. */
public record ReloadResult(boolean applied, String message) {

    static ReloadResult applied(String message) {
        return new ReloadResult(true, message);
    }

    static ReloadResult refused(String message) {
        return new ReloadResult(false, message);
    }
}
