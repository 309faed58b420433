package io.vigil.config;

import io.vigil.security.FileTrust;
import io.vigil.security.SecureFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * authkeys as Heartbeat's auth.c reads it: {@code auth n} selects the key line {@code n method [key]} that follows
 * it; indexes 0..15; sha1/md5 (and Vigil's sha256) need a key, crc has none. Stricter than Heartbeat on the file
 * itself (which refused only group/other read bits): a regular file, not a link, owned by root, no group or other bit,
 * checked on the opened file before it is read ({@link SecureFiles#readSecret}).
 */
public final class AuthKeysParser {

    public static final int MAX_INDEX = 15;

    private static final Pattern AUTH_LINE = Pattern.compile("auth[ \\t]*([+-]?\\d+).*");
    private static final Pattern KEY_LINE = Pattern.compile("([+-]?\\d+)[ \\t]+(\\S+)(?:[ \\t]+(\\S+))?.*");

    /** The keys, if the file was usable, and every problem found. */
    public record Result(Optional<AuthKeys> keys, List<ConfigProblem> problems) {
    }

    private AuthKeysParser() {
    }

    public static Result parse(Path file) {
        List<ConfigProblem> problems = new ArrayList<>();
        Origin whole = Origin.at(file, 0);
        byte[] bytes;
        try {
            bytes = SecureFiles.readSecret(file);
        } catch (SecureFiles.UntrustedFileException e) {
            for (FileTrust.Finding f : e.findings()) {
                problems.add(whole.error(f.problem(), f.fix()));
            }
            return new Result(Optional.empty(), problems);
        } catch (NoSuchFileException e) {
            problems.add(whole.error("Cannot open keyfile [" + file + "].  Stop.",
                    "create it with `auth 1` and `1 sha1 <secret>` lines, then `chmod 600 " + file + "`"));
            return new Result(Optional.empty(), problems);
        } catch (IOException e) {
            problems.add(whole.error("Cannot read keyfile [" + file + "]: " + e.getMessage(), "check the file and its permissions"));
            return new Result(Optional.empty(), problems);
        }
        // Keys are raw bytes: ISO-8859-1 maps each byte to one char and back unchanged.
        List<String> lines = new String(bytes, StandardCharsets.ISO_8859_1).lines().toList();
        Map<Integer, AuthKey> keys = new LinkedHashMap<>();
        Integer authIndex = null;
        int authLine = 0;
        boolean authLineValid = true;
        Integer active = null;
        int keyLineErrors = 0;
        Map<Integer, Integer> keyLines = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Origin at = Origin.at(file, i + 1);
            String line = HeartbeatSyntax.stripLeading(lines.get(i)).stripTrailing();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("a")) {
                Matcher m = AUTH_LINE.matcher(line);
                if (!m.matches()) {
                    problems.add(at.error("Invalid auth line [" + line + "] in " + file, "write `auth <n>`, n being the index of a key line below it"));
                    authLineValid = false;
                    continue;
                }
                authIndex = parseIndex(m.group(1));
                authLine = i + 1;
                authLineValid = authIndex != null && authIndex >= 0 && authIndex <= MAX_INDEX;
                if (!authLineValid) {
                    problems.add(at.error("Invalid authnum [" + m.group(1) + "] in " + file, "use an index from 0 to " + MAX_INDEX));
                }
                continue;
            }
            Matcher m = KEY_LINE.matcher(line);
            if (!m.matches()) {
                keyLineErrors++;
                problems.add(at.error("Auth line [" + redact(line) + "] is invalid.", "write `<n> <method> <key>`, e.g. `1 sha1 <secret>`"));
                continue;
            }
            Integer index = parseIndex(m.group(1));
            if (index == null || index < 0 || index > MAX_INDEX) {
                keyLineErrors++;
                problems.add(at.error("Invalid authnum [" + m.group(1) + "] in " + file, "use an index from 0 to " + MAX_INDEX));
                continue;
            }
            String methodName = m.group(2);
            Optional<AuthMethod> method = methodByName(methodName);
            if (method.isEmpty()) {
                keyLineErrors++;
                problems.add(at.error("Invalid authtype [" + methodName + "]", "use sha1, md5, crc, or sha256 (Vigil only)"));
                continue;
            }
            String key = m.group(3);
            if (method.get().needsKey() && key == null) {
                keyLineErrors++;
                problems.add(at.error("Auth method [" + methodName + "] requires a key", "write `" + index + " " + methodName + " <secret>`"));
                continue;
            }
            if (!method.get().needsKey() && key != null) {
                keyLineErrors++;
                problems.add(at.error("Auth method [" + methodName + "] doesn't use a key", "remove the key after `crc`, or use sha1 with it"));
                continue;
            }
            keys.put(index, new AuthKey(index, method.get(), key == null ? null : key.getBytes(StandardCharsets.ISO_8859_1)));
            keyLines.put(index, i + 1);
            // The active key is latched when its line is read after `auth n` (auth.c): order matters.
            if (authIndex != null && authIndex.equals(index)) {
                active = index;
            }
        }
        if (authIndex == null && authLineValid) {
            problems.add(whole.error("Missing auth directive in keyfile [" + file + "]",
                    "add a line `auth <n>` above the key line n it selects"));
        } else if (authIndex != null && authLineValid && active == null && keyLineErrors == 0) {
            problems.add(Origin.at(file, authLine).error("Auth Key [" + authIndex + "] not found in keyfile [" + file + "]",
                    "add a line `" + authIndex + " sha1 <secret>` below the `auth " + authIndex + "` line (it must follow it)"));
        }
        Optional<AuthKeys> result = Optional.empty();
        if (active != null) {
            result = Optional.of(new AuthKeys(active, keys));
            if (keys.get(active).method() == AuthMethod.SHA256) {
                problems.add(Origin.at(file, authLine).warning("sha256 is a Vigil extension: Heartbeat nodes cannot check these packets",
                        "use sha1 while a Heartbeat node is in the cluster"));
            }
            problems.addAll(crcWarnings(file, active, keys, keyLines));
        }
        return new Result(result, problems);
    }

    /**
     * crc is a checksum anyone can compute: as the active method it signs nothing (said loudly, it still works so a
     * Heartbeat cluster using it keeps running while it migrates); as an inactive line Vigil never accepts it, but a
     * Heartbeat node with the same file would, for any packet naming that index.
     */
    static List<ConfigProblem> crcWarnings(Path file, int active, Map<Integer, AuthKey> keys, Map<Integer, Integer> lines) {
        List<ConfigProblem> warnings = new ArrayList<>();
        for (AuthKey k : keys.values()) {
            if (k.method() != AuthMethod.CRC) {
                continue;
            }
            Origin at = Origin.at(file, lines.getOrDefault(k.index(), 0));
            if (k.index() == active) {
                warnings.add(at.warning(INSECURE_CRC,
                        "add `2 sha1 <long random secret>` and switch every node to `auth 2` (docs/operations.md, key rotation)"));
            } else {
                warnings.add(at.warning("key " + k.index() + " (crc) is never accepted by Vigil, which takes only the active key"
                        + " (auth " + active + "); a Heartbeat node with this line accepts any packet naming index " + k.index()
                        + ", so anyone can forge packets to it", "remove the line from every node's authkeys"));
            }
        }
        return warnings;
    }

    /** The start-up warning and check-config line for an active crc key. */
    public static final String INSECURE_CRC = "INSECURE: the active key uses crc, a checksum and not a signature: anyone on the"
            + " heartbeat network can forge packets (status, shutdone, standby requests) that make this node take over or"
            + " give up resources";

    private static Optional<AuthMethod> methodByName(String name) {
        for (AuthMethod m : AuthMethod.values()) {
            if (m.fileName().equals(name)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    private static Integer parseIndex(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Never echo a secret into a log: keep the index and method only. */
    private static String redact(String line) {
        List<String> t = HeartbeatSyntax.split(line, HeartbeatSyntax.WHITESPACE);
        return t.size() <= 2 ? line : t.get(0) + " " + t.get(1) + " …";
    }
}
