package io.vigil.config;

import java.nio.file.Path;
import java.util.Set;

/**
 * A {@code respawn} (or {@code failfast}) line of ha.cf: a program the daemon starts once communication is up, as
 * {@code user}, through {@code /bin/sh -c "exec <command>"} as Heartbeat does, and restarts when it exits (except
 * with exit code 100, or after more than 10 quick restarts).
 *
 * @param user     the account from the line
 * @param uid      its uid
 * @param gid      its primary gid
 * @param command  the rest of the line: an absolute path and its arguments
 * @param path     the program (the first word of the command)
 * @param failfast written as {@code failfast} (Heartbeat rebooted the machine when such a child died; Vigil does not)
 * @param origin   where the line is
 */
public record RespawnClient(String user, int uid, int gid, String command, Path path, boolean failfast, Origin origin) {

    /**
     * Heartbeat's own API clients: they sign on to Heartbeat's client API ({@code /run/heartbeat/register}), which
     * Vigil does not provide, so starting them would only make them fail and respawn.
     */
    static final Set<String> HEARTBEAT_API_CLIENTS = Set.of("ipfail", "dopd", "drbd-peer-outdater", "ccm", "cib", "crmd",
            "lrmd", "stonithd", "attrd", "pengine", "mgmtd", "hbagent", "pacemakerd");

    /** The program's file name ({@code ipfail} for {@code /usr/lib/heartbeat/ipfail}). */
    public String program() {
        return path.getFileName() == null ? path.toString() : path.getFileName().toString();
    }

    /** Heartbeat's ipfail: its presence is what makes ping nodes decide placement in Heartbeat. */
    public boolean ipfail() {
        return program().equals("ipfail");
    }

    /** A client of Heartbeat's API (ipfail, dopd, the Pacemaker daemons…): not started by Vigil. */
    public boolean heartbeatApiClient() {
        return HEARTBEAT_API_CLIENTS.contains(program());
    }
}
