package io.vigil.wire;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The node UUID Heartbeat derives from the node name with {@code uuidfrom nodename} (hb_uuid.c gen_uuid_from_name):
 * a hash of the name seeds glibc's {@code srand}, and 32 calls of {@code rand() % 16} give the hex digits. Same
 * name, same UUID, on any node and after any reinstall, which is the point of the setting; being bit-for-bit
 * Heartbeat's, a node keeps the UUID its Heartbeat peers have in their host cache.
 */
public final class NameUuid {

    private NameUuid() {
    }

    /** The 16 UUID bytes for {@code nodename} (as lower-cased by ha.cf parsing). */
    public static byte[] of(String nodename) {
        GlibcRandom random = new GlibcRandom(stringHash(nodename));
        StringBuilder hex = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            hex.append(Character.forDigit(random.next() % 16, 16));
        }
        return HexFormat.of().parseHex(hex);
    }

    /** hb_uuid.c string_hash: h = h * 31 + c over the name's bytes, each a signed char, the first one included. */
    static int stringHash(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0) {
            return 0;
        }
        int h = b[0];
        for (int i = 1; i < b.length; i++) {
            h = (h << 5) - h + b[i];
        }
        return h;
    }

    /** glibc's {@code srand}/{@code rand} (random_r.c, the default TYPE_3 additive feedback generator, degree 31). */
    static final class GlibcRandom {
        private final int[] state = new int[31];
        private int front = 3;
        private int rear = 0;

        GlibcRandom(int seed) {
            int word = seed == 0 ? 1 : seed;
            state[0] = word;
            for (int i = 1; i < 31; i++) {
                // state[i] = (16807 * state[i - 1]) % 2147483647, Schrage's way, as glibc computes it
                long hi = word / 127773;
                long lo = word % 127773;
                long w = 16807 * lo - 2836 * hi;
                word = (int) w;
                if (word < 0) {
                    word += 2147483647;
                }
                state[i] = word;
            }
            for (int i = 0; i < 310; i++) {
                next();
            }
        }

        /** rand(): 0 .. 2^31 - 1 */
        int next() {
            state[front] += state[rear];
            int result = state[front] >>> 1;
            front = (front + 1) % 31;
            rear = (rear + 1) % 31;
            return result;
        }
    }
}
