package io.vigil.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** authkeys, reference §2 and every case of §9.7. */
class AuthKeysTest {

    @TempDir
    Path tmp;

    private Path keyFile(String content, String mode) throws IOException {
        Path file = tmp.resolve("authkeys");
        Files.writeString(file, content, StandardCharsets.ISO_8859_1);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private List<String> problems(String content) throws IOException {
        Path file = keyFile(content, "rw-------");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadAuthKeys(file));
        return e.problems().stream().map(ConfigProblem::format).toList();
    }

    @ParameterizedTest(name = "mode {0} accepted")
    @ValueSource(strings = {"rw-------", "r--------", "rwx------"})
    void modesWithoutGroupOrOtherBitsPass(String mode) throws Exception {
        AuthKeys keys = ConfigLoader.loadAuthKeys(keyFile("auth 1\n1 sha1 secret\n", mode));
        assertEquals(1, keys.activeIndex());
        assertEquals(AuthMethod.SHA1, keys.active().method());
        assertArrayEquals("secret".getBytes(StandardCharsets.US_ASCII), keys.active().key());
    }

    /** Issue 14: Heartbeat refused only group/other read; Vigil refuses any group or other bit (0620 and 0602 too). */
    @ParameterizedTest(name = "mode {0} refused")
    @CsvSource({"rw-r-----,0640", "rw-r--r--,0644", "rw----r--,0604", "rw--w----,0620", "rw-----w-,0602", "rw---x---,0610"})
    void anyGroupOrOtherBitIsRefused(String mode, String octal) throws Exception {
        Path file = keyFile("auth 1\n1 sha1 secret\n", mode);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadAuthKeys(file));
        assertEquals(List.of(file + ": Bad permissions on keyfile [" + file + "], 600 recommended: mode " + octal
                        + " gives group or others access to the key — run `chmod 600 " + file + "`"),
                e.problems().stream().map(ConfigProblem::format).toList());
    }

    /** Issue 14: a key file owned by another user is refused, whatever its mode. */
    @Test
    void ownedByAnotherUserIsRefused() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.vigil.security.FileTrust.effectiveUid() == 0, "needs root to chown");
        Path file = keyFile("auth 1\n1 sha1 secret\n", "rw-------");
        Files.setAttribute(file, "unix:uid", 4242);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadAuthKeys(file));
        assertEquals(List.of(file + ": " + file + " is owned by uid 4242, not root — run `chown root:root " + file + "`"),
                e.problems().stream().map(ConfigProblem::format).toList());
    }

    /** Issue 14: a symbolic link is refused (not followed), even to a perfect key file. */
    @Test
    void symlinkIsRefusedNotFollowed() throws Exception {
        Path real = tmp.resolve("real-authkeys");
        Files.writeString(real, "auth 1\n1 sha1 secret\n");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(tmp.resolve("authkeys"), real);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadAuthKeys(link));
        List<String> problems = e.problems().stream().map(ConfigProblem::format).toList();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith(link + ": " + link + " is a symbolic link (to " + real
                + "): the key file must be a regular file — replace the link with the file itself"), problems.get(0));
    }

    /** Issue 14: whoever can write the directory can swap the file: a group-writable directory is refused. */
    @Test
    void writableDirectoryIsRefused() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));
        Path file = dir.resolve("authkeys");
        Files.writeString(file, "auth 1\n1 sha1 secret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadAuthKeys(file));
        assertEquals(List.of(file + ": directory " + dir + " (above " + file + ") is writable by group or others (mode 0775):"
                        + " whoever can write it can replace what it holds — run `chmod go-w " + dir + "`"),
                e.problems().stream().map(ConfigProblem::format).toList());
    }

    /** Issue 14 item 1: an active crc key works (a Heartbeat cluster using it keeps running) but is loudly unsafe. */
    @Test
    void activeCrcIsLoudlyUnsafe() throws Exception {
        AuthKeysParser.Result r = AuthKeysParser.parse(keyFile("auth 2\n2 crc\n", "rw-------"));
        assertEquals(AuthMethod.CRC, r.keys().orElseThrow().active().method());
        List<String> warnings = r.problems().stream().map(ConfigProblem::format).toList();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith(tmp + "/authkeys:2: warning: INSECURE: the active key uses crc, a checksum and"
                + " not a signature: anyone on the heartbeat network can forge packets"), warnings.get(0));
    }

    /** Issue 14 item 1: a crc line left after switching to sha1 is never accepted by Vigil; said, with why it matters. */
    @Test
    void inactiveCrcLineIsReportedAsIgnored() throws Exception {
        AuthKeysParser.Result r = AuthKeysParser.parse(keyFile("auth 2\n1 crc\n2 sha1 secret\n", "rw-------"));
        assertEquals(2, r.keys().orElseThrow().activeIndex());
        List<String> warnings = r.problems().stream().map(ConfigProblem::format).toList();
        assertEquals(List.of(tmp + "/authkeys:2: warning: key 1 (crc) is never accepted by Vigil, which takes only the active"
                + " key (auth 2); a Heartbeat node with this line accepts any packet naming index 1, so anyone can forge"
                + " packets to it — remove the line from every node's authkeys"), warnings);
    }

    @Test
    void authLineMustPrecedeItsKey() throws Exception {
        assertEquals(List.of(tmp + "/authkeys:2: Auth Key [1] not found in keyfile [" + tmp + "/authkeys] — add a line `1 sha1 <secret>` below "
                + "the `auth 1` line (it must follow it)"), problems("1 sha1 secret\nauth 1\n"));
    }

    @Test
    void missingAuthDirective() throws Exception {
        assertEquals(List.of(tmp + "/authkeys: Missing auth directive in keyfile [" + tmp + "/authkeys] — add a line `auth <n>` above the key line n it selects"),
                problems("1 sha1 secret\n"));
    }

    @Test
    void crcHasNoKey() throws Exception {
        AuthKeys keys = ConfigLoader.loadAuthKeys(keyFile("auth 2\n2 crc\n", "rw-------"));
        assertEquals(2, keys.activeIndex());
        assertEquals(AuthMethod.CRC, keys.active().method());
        assertEquals(List.of(tmp + "/authkeys:2: Auth method [crc] doesn't use a key — remove the key after `crc`, or use sha1 with it"),
                problems("auth 1\n1 crc foo\n"));
    }

    @Test
    void md5NeedsAKey() throws Exception {
        assertEquals(List.of(tmp + "/authkeys:2: Auth method [md5] requires a key — write `1 md5 <secret>`"), problems("auth 1\n1 md5\n"));
    }

    @Test
    void indexRange() throws Exception {
        List<String> p = problems("auth 16\n16 sha1 k\n");
        assertEquals(tmp + "/authkeys:1: Invalid authnum [16] in " + tmp + "/authkeys — use an index from 0 to 15", p.get(0));
        AuthKeys zero = ConfigLoader.loadAuthKeys(keyFile("auth 0\n0 sha1 k\n", "rw-------"));
        assertEquals(0, zero.activeIndex());
    }

    @Test
    void keyIsOneTokenAndOtherKeysAreKept() throws Exception {
        AuthKeys keys = ConfigLoader.loadAuthKeys(keyFile("# comment\n\n  auth 1\n1 sha1 two words\n2 md5 other\n", "rw-------"));
        assertArrayEquals("two".getBytes(StandardCharsets.US_ASCII), keys.active().key());
        assertEquals(AuthMethod.MD5, keys.byIndex(2).orElseThrow().method());
    }

    @Test
    void sha256IsAVigilExtension() throws Exception {
        Path file = keyFile("auth 3\n3 sha256 k\n", "rw-------");
        AuthKeysParser.Result r = AuthKeysParser.parse(file);
        assertEquals(AuthMethod.SHA256, r.keys().orElseThrow().active().method());
        assertTrue(r.problems().get(0).format().contains("warning: sha256 is a Vigil extension"), r.problems().toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "auth x\\n1 sha1 k|authkeys:1: Invalid auth line [auth x] in",
            "auth 1\\n1|authkeys:2: Auth line [1] is invalid. — write `<n> <method> <key>`",
            "auth 1\\n1 sha512 k|authkeys:2: Invalid authtype [sha512] — use sha1, md5, crc, or sha256 (Vigil only)",
            "auth 1\\n-1 sha1 k|authkeys:2: Invalid authnum [-1] in"})
    void otherMessages(String content, String expected) throws Exception {
        List<String> p = problems(content.replace("\\n", "\n") + "\n");
        assertTrue(p.stream().anyMatch(s -> s.startsWith(tmp + "/" + expected)), () -> expected + " in " + p);
    }

    @Test
    void missingFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadAuthKeys(tmp.resolve("authkeys")));
        assertTrue(e.getMessage().startsWith(tmp + "/authkeys: Cannot open keyfile [" + tmp + "/authkeys].  Stop. — create it"));
    }

    @Test
    void secretsAreNotEchoed() throws Exception {
        List<String> p = problems("auth 1\nx sha1 MySecret\n");
        assertTrue(p.stream().noneMatch(s -> s.contains("MySecret")), p.toString());
    }
}
