package io.vigil.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Heartbeat's netstring encoding (reference §4.4): {@code ###\n}, one netstring {@code <len>:(<type>)name=value,}
 * per field with raw value bytes, {@code %%%\n}, then one more netstring holding the auth token
 * {@code <index> <hexdigest>}.
 */
final class NetstringFormat {
    static final byte[] START = {'#', '#', '#', '\n'};
    static final byte[] END = {'%', '%', '%', '\n'};
    /** Longest netstring length prefix we read: the whole packet is at most 256 KiB (6 digits). */
    private static final int MAX_LENGTH_DIGITS = 7;

    private NetstringFormat() {
    }

    /** The longest auth token netstring: {@code 3 digits + ':' + 2 digits + ' ' + 64 hex + ','}, with margin. */
    private static final int MAX_TRAILER_BYTES = 128;

    /** Where the signed part ends (relative to the packet start) and the token after it. */
    record Trailer(int signedEnd, String token) {
    }

    /**
     * Finds the auth token from the end, without parsing a field: trailing NULs skipped, the last {@code %%%\n} within
     * the last {@value #MAX_TRAILER_BYTES} bytes is the end marker (a token holds no '%'), and exactly one netstring
     * must follow it. What the fields hold is checked only once the trailer's signature is.
     */
    static Trailer trailer(byte[] d, int off, int len) throws WireFormatException {
        int tail = off + len;
        while (tail > off && d[tail - 1] == 0) {
            tail--;
        }
        int from = Math.max(off + START.length, tail - MAX_TRAILER_BYTES - END.length);
        int marker = -1;
        for (int i = tail - END.length; i >= from; i--) {
            if (ClassicFormat.startsWith(d, i, END.length, END)) {
                marker = i;
                break;
            }
        }
        if (marker < 0) {
            throw WireFormatException.malformed("netstring message has no \"%%%\" end marker before its auth token");
        }
        int tokenStart = marker + END.length;
        if (tokenStart == tail) {
            throw new WireFormatException(DropReason.MISSING_AUTH, "netstring authentication failed: no auth token");
        }
        int[] span = new int[2];
        if (readNetstring(d, tokenStart, tail, span) != tail) {
            throw WireFormatException.malformed("bytes after the auth token");
        }
        return new Trailer(tokenStart - off, new String(d, span[0], span[1], StandardCharsets.ISO_8859_1));
    }

    /** What {@link #parse} found: the fields, the end of the signed part, and the token (null when absent). */
    record Parsed(Message message, int signedEnd, String token) {
    }

    /** {@code ###\n} + the fields + {@code %%%\n}: exactly the bytes the trailer signs. */
    static byte[] encodeSignedPart(Message m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        out.writeBytes(START);
        for (Message.Field f : m.fields()) {
            checkName(f.name());
            byte[] name = f.name().getBytes(StandardCharsets.ISO_8859_1);
            byte[] value = f.value();
            int length = 3 + name.length + 1 + value.length;
            out.writeBytes(Integer.toString(length).getBytes(StandardCharsets.US_ASCII));
            out.write(':');
            out.write('(');
            out.write('0' + f.type().code());
            out.write(')');
            out.writeBytes(name);
            out.write('=');
            out.writeBytes(value);
            out.write(',');
        }
        out.writeBytes(END);
        return out.toByteArray();
    }

    /** The trailing netstring {@code <len>:<index> <digest>,}. */
    static byte[] token(int index, String digest) {
        String value = index + " " + digest;
        return (value.length() + ":" + value + ",").getBytes(StandardCharsets.US_ASCII);
    }

    /** A name must be non-empty and hold neither '=' (ends the name) nor a newline (ends a classic line). */
    static void checkName(String name) {
        if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("field name cannot be encoded: \"" + name + "\"");
        }
    }

    static boolean startsNetstring(byte[] d, int off, int len) {
        return ClassicFormat.startsWith(d, off, len, START);
    }

    /** Parses the framing; verifies nothing. Trailing NUL bytes after the token are ignored. */
    static Parsed parse(byte[] d, int off, int len) throws WireFormatException {
        int end = off + len;
        if (!startsNetstring(d, off, len)) {
            throw WireFormatException.malformed("netstring message must start with \"###\\n\"");
        }
        Message m = new Message();
        int[] span = new int[2];
        int pos = off + START.length;
        while (true) {
            if (end - pos >= END.length && ClassicFormat.startsWith(d, pos, END.length, END)) {
                pos += END.length;
                break;
            }
            if (pos >= end) {
                throw WireFormatException.malformed("netstring message has no \"%%%\" end marker");
            }
            pos = readNetstring(d, pos, end, span);
            m.add(parseField(d, span[0], span[1]));
        }
        int signedEnd = pos - off;
        int tail = end;
        while (tail > pos && d[tail - 1] == 0) {
            tail--;
        }
        if (tail == pos) {
            return new Parsed(m, signedEnd, null);
        }
        pos = readNetstring(d, pos, tail, span);
        if (pos != tail) {
            throw WireFormatException.malformed("bytes after the auth token");
        }
        return new Parsed(m, signedEnd, new String(d, span[0], span[1], StandardCharsets.ISO_8859_1));
    }

    /** Reads {@code <len>:<bytes>,} at {@code pos}; stores content start and length in span; returns the next position. */
    private static int readNetstring(byte[] d, int pos, int end, int[] span) throws WireFormatException {
        int p = pos;
        int length = 0;
        while (p < end && d[p] >= '0' && d[p] <= '9') {
            if (p - pos == MAX_LENGTH_DIGITS) {
                throw WireFormatException.malformed("netstring length too long at offset " + pos);
            }
            length = length * 10 + (d[p] - '0');
            p++;
        }
        if (p == pos) {
            throw WireFormatException.malformed("netstring length expected at offset " + pos);
        }
        if (p >= end || d[p] != ':') {
            throw WireFormatException.malformed("':' expected after netstring length at offset " + p);
        }
        p++;
        if (length >= end - p) {
            throw WireFormatException.malformed("netstring of " + length + " bytes runs past the packet end");
        }
        if (d[p + length] != ',') {
            throw WireFormatException.malformed("',' expected after netstring at offset " + (p + length));
        }
        span[0] = p;
        span[1] = length;
        return p + length + 1;
    }

    /** {@code (<type>)name=value}: type one digit 0..5, name up to the first '=', value raw. */
    private static Message.Field parseField(byte[] d, int start, int length) throws WireFormatException {
        if (length < 5 || d[start] != '(' || d[start + 2] != ')') {
            throw WireFormatException.malformed("field netstring is not \"(type)name=value\"");
        }
        Message.FieldType type = Message.FieldType.ofCode(d[start + 1] - '0')
                .orElseThrow(() -> WireFormatException.malformed("unknown field type at offset " + (start + 1)));
        int nameStart = start + 3;
        int eq = ClassicFormat.indexOf(d, (byte) '=', nameStart, start + length);
        if (eq < 0) {
            throw WireFormatException.malformed("field without '='");
        }
        if (eq == nameStart) {
            throw WireFormatException.malformed("field with an empty name");
        }
        String name = new String(d, nameStart, eq - nameStart, StandardCharsets.ISO_8859_1);
        byte[] value = java.util.Arrays.copyOfRange(d, eq + 1, start + length);
        return new Message.Field(name, type, value);
    }
}
