package io.vigil.wire;

/**
 * A token bucket: {@code rate} tokens a second up to {@code burst}, starting full. Pure (the clock is passed in,
 * milliseconds); not thread-safe — its owner synchronizes.
 */
public final class TokenBucket {

    private final double rate;
    private final double burst;
    private double tokens;
    private long atMs;
    private boolean started;

    public TokenBucket(double rate, double burst) {
        this.rate = rate;
        this.burst = burst;
        this.tokens = burst;
    }

    /** Whether {@code cost} tokens are there now (refilling first); takes nothing. */
    public boolean has(double cost, long nowMs) {
        if (!started) {
            started = true;
            atMs = nowMs;
        } else if (nowMs > atMs) {
            tokens = Math.min(burst, tokens + (nowMs - atMs) * rate / 1000.0);
            atMs = nowMs;
        }
        return tokens >= cost;
    }

    /** Takes {@code cost} tokens (after {@link #has} said they are there). */
    public void take(double cost) {
        tokens -= cost;
    }

    /** {@link #has} and {@link #take} in one. */
    public boolean tryTake(double cost, long nowMs) {
        if (!has(cost, nowMs)) {
            return false;
        }
        take(cost);
        return true;
    }
}
