package io.vigil.e2e;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Samples two lab nodes every 20 ms until closed and remembers the first instant a group was active on both, by its
 * resource's own marker or by its address: the fault matrix's "no sampled instant with the resource on both nodes".
 */
final class DoubleWatch implements AutoCloseable {

    final AtomicReference<String> seen = new AtomicReference<>();
    private volatile boolean stop;
    private volatile long samples;
    private final Thread thread;

    /**
     * @param what         the marker's name, for the report (e.g. "Dummy::a state file")
     * @param markerOnBoth the marker is on both nodes now
     * @param vipOnBoth    the address is on both nodes now
     */
    DoubleWatch(String what, BooleanSupplier markerOnBoth, BooleanSupplier vipOnBoth) {
        thread = new Thread(() -> {
            while (!stop) {
                boolean marker = markerOnBoth.getAsBoolean();
                boolean vip = vipOnBoth.getAsBoolean();
                samples++;
                if ((marker || vip) && seen.get() == null) {
                    seen.set((marker ? what : "") + (vip ? " VIP" : "") + " on both nodes at " + java.time.Instant.now());
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "double-watch");
        thread.start();
    }

    long samples() {
        return samples;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join();
    }
}
