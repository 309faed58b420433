package io.vigil.pacemaker;

/**
 * A file the export writes besides corosync.conf and the CIB: an init script wrapping a Heartbeat resource script,
 * a STONITH plugin running vigil.fence-script.
 *
 * @param path       relative to the output directory ({@code init.d/vigil-webserver-1})
 * @param content    the text
 * @param executable mode 755 rather than 644
 * @param installAs  where it belongs on every node ({@code /etc/init.d/vigil-webserver-1})
 */
public record GeneratedFile(String path, String content, boolean executable, String installAs) {
}
