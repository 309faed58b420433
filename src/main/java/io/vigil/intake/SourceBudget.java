package io.vigil.intake;

import io.vigil.wire.TokenBucket;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How much unauthenticated work each source gets, so that a flood costs a hash lookup per datagram instead of a parse
 * and an HMAC, and never starves the peers:
 * <ul>
 * <li>an endpoint (address <em>and</em> port) that sent an authenticated packet within {@link #trustMs} is
 * <b>trusted</b>: its datagrams are always decoded. A peer sends from one socket per medium, so its endpoints are few
 * and stable; a flood with random source ports never hits them, even when it spoofs the peer's address;</li>
 * <li>everything else spends from a token bucket per source <b>address</b> (not port: varying the port gains nothing),
 * and from one bucket shared by all untrusted sources (spoofing many addresses gains nothing either). A datagram costs
 * one unit plus one per KiB, since the HMAC cost grows with the length. Over budget, it is dropped unread.</li>
 * </ul>
 * Both maps are bounded. Pure: the clock is passed in (monotonic milliseconds). Synchronized: receive threads share it.
 */
public final class SourceBudget {

    /** Per source address: sustained units per second and burst. A peer needs one authenticated packet. */
    public static final double PER_SOURCE_RATE = 50;
    public static final double PER_SOURCE_BURST = 100;
    /** All untrusted sources together. */
    public static final double ALL_SOURCES_RATE = 2000;
    public static final double ALL_SOURCES_BURST = 2000;
    static final int MAX_ENDPOINTS = 256;
    static final int MAX_SOURCES = 4096;

    private final long trustMs;
    private final double rate;
    private final double burst;
    private final TokenBucket all;
    private final Map<InetSocketAddress, Long> trusted = new LinkedHashMap<>(64, 0.75f, true);
    private final Map<InetAddress, TokenBucket> sources = new LinkedHashMap<>(256, 0.75f, true);

    /** @param trustMs how long an endpoint stays trusted after its last authenticated packet */
    public SourceBudget(long trustMs) {
        this(trustMs, PER_SOURCE_RATE, PER_SOURCE_BURST, ALL_SOURCES_RATE, ALL_SOURCES_BURST);
    }

    SourceBudget(long trustMs, double rate, double burst, double allRate, double allBurst) {
        this.trustMs = trustMs;
        this.rate = rate;
        this.burst = burst;
        this.all = new TokenBucket(allRate, allBurst);
    }

    /** Whether a datagram of {@code length} bytes from {@code sender} may be decoded now (spends its cost if so). */
    public synchronized boolean admit(InetSocketAddress sender, int length, long nowMs) {
        Long last = trusted.get(sender);
        if (last != null) {
            if (nowMs - last < trustMs) {
                return true;
            }
            trusted.remove(sender);
        }
        double cost = 1 + length / 1024;
        TokenBucket own = sources.get(sender.getAddress());
        if (own == null) {
            if (sources.size() >= MAX_SOURCES) {
                sources.remove(sources.keySet().iterator().next()); // least recently seen
            }
            own = new TokenBucket(rate, burst);
            sources.put(sender.getAddress(), own);
        }
        boolean ownOk = own.has(cost, nowMs);
        if (!all.has(cost, nowMs) || !ownOk) {
            return false;
        }
        own.take(cost);
        all.take(cost);
        return true;
    }

    /** {@code sender} just sent an authenticated packet: trust the endpoint. */
    public synchronized void authenticated(InetSocketAddress sender, long nowMs) {
        if (!trusted.containsKey(sender) && trusted.size() >= MAX_ENDPOINTS) {
            trusted.remove(trusted.keySet().iterator().next());
        }
        trusted.put(sender, nowMs);
    }

    /** A short description for the drop log. */
    String describe() {
        return String.format("%.0f packets/s, burst %.0f, 1 more per KiB", rate, burst);
    }
}
