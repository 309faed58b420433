package io.vigil.control;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import io.vigil.config.UnixAccounts;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Who may use the control socket, decided on the credentials the kernel gives for the connecting process
 * (SO_PEERCRED: pid, uid, gid) and that process's supplementary groups:
 * <ul>
 *   <li>root, or the daemon's own user: everything;</li>
 *   <li>a member of the control group ({@code vigil.control.group}, {@code haclient} by default, the group of
 *       Heartbeat's API): read-only queries, i.e. {@code vigil status} and {@code cl_status};</li>
 *   <li>anybody else: nothing.</li>
 * </ul>
 * So monitoring run as an unprivileged user keeps working as it did with Heartbeat, while standby, takeover and
 * reload stay root-only. The socket file itself is {@code root:<group>} mode 0660 in a directory the group may
 * traverse (0710), so file modes and the daemon's check agree; the daemon's check holds even if the modes are loosened.
 */
public final class ControlAccess {

    private static final Logger LOG = Logger.getLogger(ControlAccess.class);

    /** What a caller may do. */
    public enum Level { NONE, QUERY, CONTROL }

    /** The kernel's word on the connecting process. */
    public record Peer(long pid, int uid, int gid, Set<Integer> groups) {
    }

    private final String groupName;
    private final Optional<UnixAccounts.Group> group;
    private final int ownUid;

    /** @param groupName {@code vigil.control.group}: a group name or numeric gid; resolved now */
    public static ControlAccess forGroup(String groupName) {
        return new ControlAccess(groupName, UnixAccounts.group(groupName), ownUid());
    }

    /** Root and the daemon's user only: no group. */
    public static ControlAccess rootOnly() {
        return new ControlAccess("", Optional.empty(), ownUid());
    }

    ControlAccess(String groupName, Optional<UnixAccounts.Group> group, int ownUid) {
        this.groupName = groupName;
        this.group = group;
        this.ownUid = ownUid;
    }

    public Level levelOf(Peer peer) {
        if (peer.uid() == 0 || peer.uid() == ownUid) {
            return Level.CONTROL;
        }
        if (group.isPresent() && (peer.gid() == group.get().gid() || peer.groups().contains(group.get().gid()))) {
            return Level.QUERY;
        }
        return Level.NONE;
    }

    /** Why {@code peer} was refused, for the 403 answer. */
    public String refusal(Peer peer, boolean wantsControl) {
        if (wantsControl) {
            return "permission denied: uid " + peer.uid() + " may only query; standby, takeover and reload need root";
        }
        return "permission denied: uid " + peer.uid() + " is neither root nor a member of group "
                + (group.isPresent() ? group.get().name() : groupName + " (which does not exist here)")
                + " (vigil.control.group)";
    }

    /** The credentials of the process on the other end of a request's connection; empty if they cannot be read. */
    public static Optional<Peer> peerOf(HttpConnection connection) {
        if (!(connection instanceof ConnectionBase base)) {
            return Optional.empty();
        }
        Channel ch = base.channel();
        if (!(ch instanceof EpollDomainSocketChannel domain)) {
            return Optional.empty();
        }
        try {
            PeerCredentials c = domain.peerCredentials();
            int gid = c.gids().length > 0 ? c.gids()[0] : -1;
            return Optional.of(new Peer(c.pid(), c.uid(), gid, supplementaryGroups(c.pid())));
        } catch (IOException e) {
            LOG.debugf("cannot read the peer's credentials: %s", e.toString());
            return Optional.empty();
        }
    }

    /** The {@code Groups:} line of /proc/PID/status: the process's supplementary groups (SO_PEERCRED has one gid). */
    static Set<Integer> supplementaryGroups(long pid) {
        Set<Integer> groups = new HashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Groups:")) {
                    for (String g : line.substring(7).trim().split("\\s+")) {
                        if (!g.isEmpty()) {
                            groups.add(Integer.parseInt(g));
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process has gone, or /proc is not mounted: its primary gid is all we know
        }
        return groups;
    }

    /**
     * Gives the control group access to the socket: {@code root:<group>} mode 0660, and its directory group-traversable
     * (0710) when this daemon owns it. Without the group (it does not exist here) the socket stays 0600.
     */
    public void applyTo(Path socket) throws IOException {
        if (group.isEmpty()) {
            if (!groupName.isEmpty()) {
                LOG.infof("group %s (vigil.control.group) does not exist: the control socket %s is root-only", groupName, socket);
            }
            return;
        }
        int gid = group.get().gid();
        try {
            Files.setAttribute(socket, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            Path dir = socket.getParent();
            if (dir != null && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                    && ((Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == ownUid) {
                Files.setAttribute(dir, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
                Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
                perms.add(java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE);
                Files.setPosixFilePermissions(dir, perms);
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // e.g. a daemon run by a user who may not give files to that group: the socket stays owner-only
            LOG.warnf("cannot open the control socket %s to group %s (%s): it stays owner-only", socket,
                    group.get().name(), e.toString());
            return;
        }
        LOG.debugf("control socket %s: root and group %s (queries only)", socket, group.get().name());
    }

    /** This process's uid, from /proc (the JDK has no getuid). */
    static int ownUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
