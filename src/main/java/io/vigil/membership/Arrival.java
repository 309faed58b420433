package io.vigil.membership;

import java.util.Set;

/**
 * Where a peer's message stands among what its sender's current incarnation has told us, as membership judged it:
 * the types of its messages with a higher sequence number that were handed on before this one (the network
 * reorders packets; a snapshot overtaken by a later one is stale).
 *
 * @param seq the message's sequence number in its sender's current generation, -1 if it had none
 */
public record Arrival(long seq, Set<String> overtakenBy) {

    public Arrival {
        overtakenBy = Set.copyOf(overtakenBy);
    }

    /** A message whose place in its sender's sequence is unknown (no {@code seq}): overtaken by nothing. */
    public static Arrival unordered() {
        return new Arrival(-1, Set.of());
    }

    /** A message of {@code type} with a higher sequence number was handed on before this one. */
    public boolean overtakenBy(String type) {
        return overtakenBy.contains(type);
    }
}
