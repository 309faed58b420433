package io.vigil.resource;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Tells the neighbours that an address moved here: IPv4 gratuitous ARPs, IPv6 unsolicited neighbour advertisements,
 * {@code count} of them {@code interval} apart. Sent from the JVM on a packet socket when the backend has one (the
 * first frame at once, on the caller's thread, so the address is announced the moment it is up), else with iputils
 * {@code arping -U} (one process per packet, started {@code interval} apart, because iputils' own {@code -i} takes
 * whole seconds only) and resource-agents' {@code send_ua} (what IPaddr2 uses), else {@code ndsend}. What follows the
 * first runs in the background so a takeover is not delayed by it; a new announcement of the same address, or its
 * stop, cancels a running one.
 */
final class Announcer {

    private static final Logger LOG = Logger.getLogger("io.vigil.resource");

    static final List<Path> SEND_UA = List.of(Path.of("/usr/libexec/heartbeat/send_ua"), Path.of("/usr/lib/heartbeat/send_ua"));

    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "vigil-announce");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Announcement> running = new ConcurrentHashMap<>();
    private final ProcessRunner runner = new ProcessRunner(5);
    private final AddressBackend addresses;

    Announcer(AddressBackend addresses) {
        this.addresses = addresses;
    }

    /** One announcement; cancel() kills what it started. */
    private static final class Announcement {
        private final List<ProcessRunner.Running> processes = new ArrayList<>();
        private volatile boolean cancelled;

        synchronized boolean add(ProcessRunner.Running r) {
            if (cancelled) {
                r.kill();
                return false;
            }
            processes.add(r);
            return true;
        }

        synchronized List<ProcessRunner.Running> all() {
            return List.copyOf(processes);
        }

        /** Sends one frame unless cancelled; under the lock that cancel() takes, so none leaves after a stop. */
        synchronized void send(AddressBackend.Announcement frame, String ip) {
            if (cancelled) {
                return;
            }
            try {
                frame.send();
            } catch (IOException e) {
                LOG.warnf("announcing %s: %s", ip, e.getMessage());
            }
        }

        void cancel() {
            synchronized (this) {
                cancelled = true;
            }
            all().stream().filter(ProcessRunner.Running::isAlive).forEach(ProcessRunner.Running::kill);
        }
    }

    /**
     * Starts announcing {@code ip} on {@code nic}; returns a description of the command for the operation's output,
     * or an explanation when no tool is installed.
     */
    String announce(List<String> nsPrefix, String nic, InetAddress address, int prefix, int count, Duration interval) {
        cancel(address);
        if (count <= 0) {
            return "announcements disabled (arp count 0)";
        }
        String ip = address.getHostAddress();
        boolean ipv6 = address instanceof Inet6Address;
        Optional<AddressBackend.Announcement> frame;
        try {
            frame = addresses.frames(nic, address);
        } catch (IOException e) {
            LOG.warnf("cannot announce %s: %s", ip, e.getMessage());
            return "no announcement: " + e.getMessage();
        }
        if (frame.isPresent()) {
            return announceFrames(frame.get(), nic, ip, ipv6, count, interval);
        }
        List<List<String>> commands = new ArrayList<>();
        String what;
        if (!ipv6) {
            Optional<Path> arping = ProcessRunner.findExecutable("arping");
            if (arping.isEmpty()) {
                LOG.warnf("cannot send gratuitous ARP for %s: arping not found (install iputils-arping)", ip);
                return "no gratuitous ARP: arping not found (install iputils-arping)";
            }
            for (int i = 0; i < count; i++) {
                commands.add(with(nsPrefix, arping.get().toString(), "-q", "-U", "-c", "1", "-I", nic, ip));
            }
            what = count + " gratuitous ARPs for " + ip + " on " + nic + " every " + interval.toMillis() + " ms (arping -U)";
        } else {
            Optional<Path> sendUa = SEND_UA.stream().filter(Files::isExecutable).findFirst();
            if (sendUa.isPresent()) {
                commands.add(with(nsPrefix, sendUa.get().toString(), "-i", Long.toString(interval.toMillis()),
                        "-c", Integer.toString(count), ip, Integer.toString(prefix), nic));
                what = count + " unsolicited neighbour advertisements for " + ip + " on " + nic + " (send_ua)";
            } else {
                Optional<Path> ndsend = ProcessRunner.findExecutable("ndsend");
                if (ndsend.isEmpty()) {
                    LOG.warnf("cannot announce %s: neither send_ua (resource-agents) nor ndsend found", ip);
                    return "no unsolicited neighbour advertisement: install resource-agents (send_ua)";
                }
                for (int i = 0; i < count; i++) {
                    commands.add(with(nsPrefix, ndsend.get().toString(), ip, nic));
                }
                what = count + " unsolicited neighbour advertisements for " + ip + " on " + nic + " (ndsend)";
            }
        }
        Announcement a = new Announcement();
        running.put(ip, a);
        LOG.infof("Sending %s", what);
        pool.execute(() -> {
            try {
                for (int i = 0; i < commands.size() && !a.cancelled; i++) {
                    if (i > 0) {
                        Thread.sleep(interval.toMillis());
                    }
                    a.add(runner.launch(commands.get(i), Map.of()));
                }
                Duration bound = Duration.ofSeconds(5).plus(interval.multipliedBy(count));
                for (ProcessRunner.Running r : a.all()) {
                    ProcessRunner.Outcome o = r.await(bound);
                    if (!o.ok() && !a.cancelled) {
                        LOG.warnf("announcing %s: %s exited %d %s", ip, commands.get(0).get(nsPrefix.size()), o.exitCode(),
                                o.lastLines());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                a.cancel();
            } finally {
                running.remove(ip, a);
            }
        });
        return what;
    }

    private String announceFrames(AddressBackend.Announcement frame, String nic, String ip, boolean ipv6, int count,
                                  Duration interval) {
        String what = count + (ipv6 ? " unsolicited neighbour advertisements" : " gratuitous ARPs") + " for " + ip + " on "
                + nic + " every " + interval.toMillis() + " ms (packet socket)";
        LOG.infof("Sending %s", what);
        Announcement a = new Announcement();
        a.send(frame, ip);
        if (count > 1) {
            running.put(ip, a);
            pool.execute(() -> {
                try {
                    for (int i = 1; i < count && !a.cancelled; i++) {
                        Thread.sleep(interval.toMillis());
                        a.send(frame, ip);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    running.remove(ip, a);
                }
            });
        }
        return what;
    }

    /** Stops a running announcement of {@code address}, if any (IPaddr2 kills its send_arp on stop). */
    void cancel(InetAddress address) {
        Announcement old = running.remove(address.getHostAddress());
        if (old != null) {
            old.cancel();
        }
    }

    /** Waits until no announcement runs (at most {@code timeout}); true when all are done. */
    boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return running.isEmpty();
    }

    private static List<String> with(List<String> prefix, String... argv) {
        List<String> l = new ArrayList<>(prefix);
        l.addAll(List.of(argv));
        return l;
    }
}
