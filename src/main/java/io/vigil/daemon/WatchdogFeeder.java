package io.vigil.daemon;

import io.vertx.core.Vertx;
import io.vigil.config.ClusterConfig;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Feeds the watchdogs that end a hung daemon: systemd's ({@code WatchdogSec=}, via {@link SystemdNotify}) and the
 * kernel's (ha.cf {@code watchdog}, via {@link KernelWatchdog}). It beats on the daemon's own Vert.x context, the event
 * loop that sends the keepalives: when that loop hangs or the JVM is stopped, the beats stop too, systemd kills the
 * process and its ExecStopPost cleanup releases the addresses (or the kernel resets the node). It beats with each
 * keepalive (no wake-up of its own) unless half of systemd's timeout is shorter than the keepalive; then it keeps a
 * timer of its own at that period.
 */
public final class WatchdogFeeder {

    private static final Logger LOG = Logger.getLogger("vigil");

    private final Optional<SystemdNotify> systemd;
    private final Optional<java.nio.file.Path> kernelDevice;
    private final long deadtimeMs;
    private Optional<KernelWatchdog> kernel = Optional.empty();
    private Vertx vertx;
    private long timer = -1;
    private long period;
    /** Beating with each keepalive (else from {@link #timer}). */
    private boolean alongKeepalive;

    WatchdogFeeder(Optional<SystemdNotify> systemd, Optional<java.nio.file.Path> kernelDevice, long deadtimeMs) {
        this.systemd = systemd;
        this.kernelDevice = kernelDevice;
        this.deadtimeMs = deadtimeMs;
    }

    /** systemd's notifier when NOTIFY_SOCKET is set, and the kernel device of ha.cf {@code watchdog} (opened at start). */
    public static WatchdogFeeder of(ClusterConfig config) {
        return new WatchdogFeeder(SystemdNotify.fromEnvironment(System.getenv(), ProcessHandle.current().pid()),
                config.watchdog(), config.deadtimeMs());
    }

    /** The beat period: every keepalive, or half of systemd's watchdog timeout when that is shorter. */
    long period(long keepaliveMs) {
        long p = keepaliveMs;
        if (systemd.isPresent() && systemd.get().watchdogTimeout().isPresent()) {
            p = Math.min(p, Math.max(1, systemd.get().watchdogTimeout().get().toMillis() / 2));
        }
        return p;
    }

    /**
     * Call on the daemon's context once it runs: arms the kernel watchdog, tells systemd it is ready, then beats on
     * this context's event loop. The device is opened only now, so a daemon that fails to start leaves no armed
     * watchdog behind; a device that cannot be opened (pre-flight checks it) is logged and done without.
     */
    public void start(Vertx vertx, long keepaliveMs, Consumer<Runnable> eachKeepalive) {
        this.vertx = vertx;
        if (kernelDevice.isPresent()) {
            try {
                kernel = Optional.of(KernelWatchdog.open(kernelDevice.get(), deadtimeMs));
            } catch (IOException | RuntimeException e) {
                LOG.errorf("Cannot open watchdog device %s: %s; running without the kernel watchdog", kernelDevice.get(),
                        e.getMessage());
            }
        }
        systemd.ifPresent(SystemdNotify::ready);
        if (!feeding()) {
            return;
        }
        eachKeepalive.accept(() -> {
            if (alongKeepalive) {
                beat();
            }
        });
        retime(keepaliveMs);
        systemd.flatMap(SystemdNotify::watchdogTimeout).ifPresent(t -> {
            LOG.infof("systemd watchdog: %d ms, pinged %s from the keepalive event loop", t.toMillis(),
                    alongKeepalive ? "with each keepalive" : "every " + period + " ms");
            tooLateWarning(t.toMillis()).ifPresent(LOG::warn);
        });
    }

    /**
     * systemd kills a hung daemon (and the unit's ExecStopPost releases its addresses) only after the watchdog time;
     * the peers take the addresses over after deadtime: a watchdog as long as deadtime leaves them on two nodes.
     */
    Optional<String> tooLateWarning(long watchdogMs) {
        if (watchdogMs < deadtimeMs) {
            return Optional.empty();
        }
        return Optional.of(String.format("systemd watchdog (%d ms) is not shorter than deadtime (%d ms): a hung daemon"
                + " is killed, and its addresses released, only after the peers have taken them over; set the unit's"
                + " WatchdogSec= below deadtime (the package ships 5s for the tutorial's deadtime 10)", watchdogMs,
                deadtimeMs));
    }

    /**
     * The keepalive interval is (now) {@code keepaliveMs}: beat with each keepalive when that is often enough, else
     * from a timer of its own; beats once at once, so a change never leaves a gap. On the daemon's context.
     */
    public void retime(long keepaliveMs) {
        if (vertx == null || !feeding()) {
            return;
        }
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        period = period(keepaliveMs);
        alongKeepalive = period == keepaliveMs;
        beat();
        if (!alongKeepalive) {
            timer = vertx.setPeriodic(period, id -> beat());
        }
    }

    /** A watchdog to feed: systemd's (it gave a timeout) or the kernel's (the device opened). */
    private boolean feeding() {
        return kernel.isPresent() || systemd.flatMap(SystemdNotify::watchdogTimeout).isPresent();
    }

    /** Whether it beats with each keepalive rather than from a timer of its own. */
    boolean alongKeepalive() {
        return alongKeepalive;
    }

    void beat() {
        kernel.ifPresent(KernelWatchdog::beat);
        systemd.ifPresent(SystemdNotify::watchdogPing);
    }

    /** On the way out: a clean stop disarms the kernel watchdog (magic close), an unclean one leaves it armed. */
    public void stop(boolean clean) {
        alongKeepalive = false;
        if (timer >= 0 && vertx != null) {
            vertx.cancelTimer(timer);
        }
        kernel.ifPresent(k -> {
            if (clean) {
                k.close();
            } else {
                k.abandon();
            }
        });
        systemd.ifPresent(s -> {
            s.stopping();
            s.close();
        });
    }
}
