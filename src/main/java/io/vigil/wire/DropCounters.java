package io.vigil.wire;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Dropped packets counted by reason; safe to update from any thread. */
public final class DropCounters {

    private final EnumMap<DropReason, LongAdder> counters = new EnumMap<>(DropReason.class);

    public DropCounters() {
        for (DropReason reason : DropReason.values()) {
            counters.put(reason, new LongAdder());
        }
    }

    public void increment(DropReason reason) {
        counters.get(reason).increment();
    }

    public long get(DropReason reason) {
        return counters.get(reason).sum();
    }

    public long total() {
        return counters.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Every reason with its count, zeros included, in declaration order. */
    public Map<DropReason, Long> snapshot() {
        EnumMap<DropReason, Long> out = new EnumMap<>(DropReason.class);
        counters.forEach((reason, adder) -> out.put(reason, adder.sum()));
        return out;
    }
}
