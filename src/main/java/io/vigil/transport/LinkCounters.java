package io.vigil.transport;

/**
 * Per-link traffic figures since {@link Transport#start()}.
 *
 * @param sent        datagrams handed to the kernel successfully (one per medium line per {@code send})
 * @param received    datagrams from other hosts delivered to the receiver
 * @param sendErrors  sends the kernel refused (link down, no route, ...)
 * @param ownDropped  our own datagrams heard back (broadcast, multicast with loop) and dropped
 */
public record LinkCounters(long sent, long received, long sendErrors, long ownDropped) {
}
