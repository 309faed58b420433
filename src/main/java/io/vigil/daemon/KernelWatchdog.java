package io.vigil.daemon;

import io.vigil.resource.ProcessRunner;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * ha.cf {@code watchdog <device>} as Heartbeat used it (heartbeat.c:5376-5466): the kernel watchdog (e.g. softdog's
 * {@code /dev/watchdog}) with its timeout set to ceil((deadtime + 10 ms) / 1 s), written at every heartbeat, and
 * closed with the magic {@code V} on a clean stop only, so a daemon that hangs, is stopped or dies uncleanly gets the
 * node reset by the kernel. The timeout is set with util-linux's {@code wdctl} (the JDK cannot issue the ioctl);
 * without it the driver's own timeout applies.
 */
public final class KernelWatchdog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger("vigil");

    private final Path device;
    private final FileChannel channel;
    private final ByteBuffer beat = ByteBuffer.wrap(new byte[]{'\n'});
    private boolean failedOnce;

    private KernelWatchdog(Path device, FileChannel channel) {
        this.device = device;
        this.channel = channel;
    }

    /** Heartbeat's timeout for a deadtime: whole seconds, at least one. */
    static long timeoutSeconds(long deadtimeMs) {
        return Math.max(1, (deadtimeMs + 10 + 999) / 1000);
    }

    /**
     * Sets the timeout (character devices only) and opens the device: from now on the kernel resets the node unless
     * {@link #beat()} is called often enough.
     */
    public static KernelWatchdog open(Path device, long deadtimeMs) throws IOException {
        if (Preflight.isCharacterDevice(device)) {
            long secs = timeoutSeconds(deadtimeMs);
            ProcessRunner.Outcome o = ProcessRunner.findExecutable("wdctl")
                    .map(w -> new ProcessRunner().run(List.of(w.toString(), "--settimeout", Long.toString(secs), device.toString()),
                            Map.of(), Duration.ofSeconds(10)))
                    .orElse(null);
            if (o == null || !o.ok()) {
                LOG.warnf("Could not set the timeout of watchdog %s to %d s (%s): the driver's own timeout applies", device, secs,
                        o == null ? "wdctl not installed" : String.join(" | ", o.lastLines()));
            } else {
                LOG.infof("Watchdog %s timeout set to %d s", device, secs);
            }
        }
        FileChannel ch = FileChannel.open(device, StandardOpenOption.WRITE);
        LOG.infof("Watchdog device %s opened: written at every heartbeat", device);
        return new KernelWatchdog(device, ch);
    }

    /** One write: the kernel's timer starts again. */
    public synchronized void beat() {
        beat.rewind();
        try {
            channel.write(beat);
            failedOnce = false;
        } catch (IOException e) {
            if (!failedOnce) {
                LOG.errorf("Cannot write to watchdog device %s: %s", device, e.getMessage());
                failedOnce = true;
            }
        }
    }

    /** Clean stop: the magic close ({@code V}) disarms the watchdog (unless its driver was loaded with nowayout). */
    @Override
    public synchronized void close() {
        try {
            channel.write(ByteBuffer.wrap(new byte[]{'V'}));
            channel.close();
            LOG.infof("Watchdog device %s closed (magic close)", device);
        } catch (IOException e) {
            LOG.errorf("Cannot close watchdog device %s cleanly: %s", device, e.getMessage());
        }
    }

    /** Unclean stop: closed without the magic byte, so an armed kernel watchdog will reset the node. */
    public synchronized void abandon() {
        try {
            channel.close();
        } catch (IOException e) {
            // the process is going away
        }
    }
}
