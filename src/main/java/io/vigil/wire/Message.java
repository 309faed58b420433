package io.vigil.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A Heartbeat cluster message: an ordered list of (name, type, value) fields. Duplicate names are kept in order;
 * lookups return the first. Values are raw bytes; string accessors map bytes 1:1 to chars (ISO-8859-1) so that
 * nothing is lost between decoding and re-encoding.
 */
public final class Message {

    /** Heartbeat's field types (ha_msg.h); control traffic uses only STRING and BINARY. */
    public enum FieldType {
        STRING, BINARY, STRUCT, LIST, COMPRESSED, UNCOMPRESSED;

        public int code() {
            return ordinal();
        }

        private static final FieldType[] ALL = values();

        public static Optional<FieldType> ofCode(int code) {
            return code >= 0 && code < ALL.length ? Optional.of(ALL[code]) : Optional.empty();
        }
    }

    /** One field; the value array is not shared with callers. */
    public record Field(String name, FieldType type, byte[] value) {
        public Field {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        public String text() {
            return new String(value, StandardCharsets.ISO_8859_1);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Field f && f.name.equals(name) && f.type == type && Arrays.equals(f.value, value);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return type == FieldType.STRING ? name + "=" + text() : "(" + type.code() + ")" + name + "=<" + value.length + " bytes>";
        }
    }

    public static final String TYPE = "t";

    private final List<Field> fields = new ArrayList<>();

    public Message() {
    }

    /** A new message whose first field is {@code t=<type>}. */
    public static Message of(String type) {
        return new Message().add(TYPE, type);
    }

    public Message copy() {
        Message m = new Message();
        m.fields.addAll(fields);
        return m;
    }

    public List<Field> fields() {
        return Collections.unmodifiableList(fields);
    }

    /** The message type ({@code t}), or the empty string when absent. */
    public String type() {
        return get(TYPE).orElse("");
    }

    public Optional<String> get(String name) {
        return field(name).map(Field::text);
    }

    public Optional<Field> field(String name) {
        for (Field f : fields) {
            if (f.name().equals(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    public boolean has(String name) {
        return field(name).isPresent();
    }

    /** Every value of that name, in order (duplicates are legal). */
    public List<String> getAll(String name) {
        List<String> values = new ArrayList<>();
        for (Field f : fields) {
            if (f.name().equals(name)) {
                values.add(f.text());
            }
        }
        return values;
    }

    public Message add(String name, String value) {
        return add(new Field(name, FieldType.STRING, bytes(value)));
    }

    public Message addBinary(String name, byte[] value) {
        return add(new Field(name, FieldType.BINARY, value));
    }

    public Message add(Field field) {
        fields.add(field);
        return this;
    }

    /** Replaces the first field of that name in place, or appends it (Heartbeat's ha_msg_mod semantics). */
    public Message set(String name, String value) {
        return set(new Field(name, FieldType.STRING, bytes(value)));
    }

    public Message setBinary(String name, byte[] value) {
        return set(new Field(name, FieldType.BINARY, value));
    }

    private Message set(Field field) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(field.name())) {
                fields.set(i, field);
                return this;
            }
        }
        return add(field);
    }

    /** Removes every field of that name. */
    public Message remove(String name) {
        fields.removeIf(f -> f.name().equals(name));
        return this;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && m.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
