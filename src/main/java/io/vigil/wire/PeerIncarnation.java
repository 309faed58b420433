package io.vigil.wire;

/**
 * What this node knows of one peer's current incarnation, kept across its own restarts ({@link PeerGenerationStore})
 * so that a packet captured in it, or in an older one, is not taken for new after this node restarts (issue 14).
 *
 * @param node       the peer, lower-case
 * @param generation its generation ({@code hg})
 * @param seq        the highest sequence number heard from that generation
 * @param ts         the {@code ts} of that message (the peer's clock, epoch seconds)
 * @param closed     the generation said goodbye ({@code shutdone}, or a status {@code st=dead}): nothing more of it
 *                   is genuine
 */
public record PeerIncarnation(String node, long generation, long seq, long ts, boolean closed) {
}
