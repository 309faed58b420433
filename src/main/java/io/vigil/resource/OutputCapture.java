package io.vigil.resource;

import java.nio.charset.StandardCharsets;

/**
 * What one output stream of a process printed, within a fixed number of bytes whatever it prints: the first
 * {@code headBytes} and the last {@code tailBytes}, and how many bytes were left out in between. A script that
 * prints 100 MB, with or without newlines, costs the daemon these two buffers and nothing more.
 */
final class OutputCapture {

    private final int headMax;
    private byte[] head = new byte[0];
    private final byte[] tail;
    private int headLength;
    private long tailWritten;
    private long total;

    OutputCapture(int headBytes, int tailBytes) {
        this.headMax = Math.max(0, headBytes);
        this.tail = new byte[Math.max(0, tailBytes)];
    }

    synchronized void add(byte[] b, int off, int len) {
        total += len;
        int toHead = Math.min(len, headMax - headLength);
        if (headLength + toHead > head.length) {
            // grown on demand: a large limit for parsed output (ip addr, meta-data) costs nothing when output is short
            head = java.util.Arrays.copyOf(head, Math.min(headMax, Math.max(headLength + toHead, 2 * head.length + 4096)));
        }
        System.arraycopy(b, off, head, headLength, toHead);
        headLength += toHead;
        off += toHead;
        len -= toHead;
        if (len == 0 || tail.length == 0) {
            return;
        }
        if (len >= tail.length) {
            // only the last tail.length bytes of this chunk can survive
            off += len - tail.length;
            tailWritten += len - tail.length;
            len = tail.length;
        }
        int pos = (int) (tailWritten % tail.length);
        int first = Math.min(len, tail.length - pos);
        System.arraycopy(b, off, tail, pos, first);
        System.arraycopy(b, off + first, tail, 0, len - first);
        tailWritten += len;
    }

    /** Every byte the stream carried, kept or not. */
    synchronized long total() {
        return total;
    }

    /** Bytes printed but not kept (between the head and the tail). */
    synchronized long omitted() {
        return total - headLength - Math.min(tailWritten, tail.length);
    }

    /**
     * The kept text: the head, then (when something was left out) a line {@code [… N bytes omitted …]}, then the
     * tail. The marker contains none of the words a status is judged on.
     */
    synchronized String text() {
        StringBuilder s = new StringBuilder(new String(head, 0, headLength, StandardCharsets.UTF_8));
        long kept = Math.min(tailWritten, tail.length);
        if (kept == 0) {
            return s.toString();
        }
        byte[] t = new byte[(int) kept];
        int start = (int) ((tailWritten - kept) % tail.length);
        int first = (int) Math.min(kept, tail.length - start);
        System.arraycopy(tail, start, t, 0, first);
        System.arraycopy(tail, 0, t, first, (int) kept - first);
        long omitted = omitted();
        if (omitted > 0) {
            if (s.length() > 0 && s.charAt(s.length() - 1) != '\n') {
                s.append('\n');
            }
            s.append("[… ").append(omitted).append(" bytes omitted …]\n");
        }
        s.append(new String(t, StandardCharsets.UTF_8));
        return s.toString();
    }
}
