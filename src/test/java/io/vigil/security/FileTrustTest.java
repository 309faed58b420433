package io.vigil.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The sshd-like judgement of files and the directories above them (issue 14 item 4). */
class FileTrustTest {

    @TempDir
    Path tmp;

    private Path file(String name, String mode) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, "x\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    private static List<String> problems(Path f, FileTrust.Kind kind) {
        return FileTrust.check(f, kind, 0).stream().map(FileTrust.Finding::problem).toList();
    }

    @Test
    void rootOwnedNotWritableByOthersPasses() throws Exception {
        assertEquals(List.of(), problems(file("haresources", "rw-r--r--"), FileTrust.Kind.CONTROL));
        assertEquals(List.of(), problems(file("script", "rwxr-xr-x"), FileTrust.Kind.CONTROL));
        assertEquals(List.of(), problems(file("authkeys", "rw-------"), FileTrust.Kind.SECRET));
    }

    @Test
    void missingFileIsNotThisChecksBusiness() {
        assertEquals(List.of(), problems(tmp.resolve("absent"), FileTrust.Kind.CONTROL));
    }

    @Test
    void groupOrOtherWritableControlFileIsRefused() throws Exception {
        Path g = file("haresources", "rw-rw-r--");
        assertEquals(List.of(g + " is writable by group or others (mode 0664): whoever can write it decides what Vigil runs as root"),
                problems(g, FileTrust.Kind.CONTROL));
        Path o = file("script", "rwxr-xrwx");
        assertEquals(1, problems(o, FileTrust.Kind.CONTROL).size());
        assertEquals("run `chmod go-w " + o + "`", FileTrust.check(o, FileTrust.Kind.CONTROL, 0).get(0).fix());
    }

    @Test
    void readableByOthersIsFineForControlButNotForSecret() throws Exception {
        Path f = file("f", "rw-r--r--");
        assertEquals(List.of(), problems(f, FileTrust.Kind.CONTROL));
        assertEquals(1, problems(f, FileTrust.Kind.SECRET).size());
    }

    @Test
    void ownerMustBeRootOrTheUserRunningVigil() throws Exception {
        assumeTrue(FileTrust.effectiveUid() == 0, "needs root to chown");
        Path f = file("ha.cf", "rw-r--r--");
        Files.setAttribute(f, "unix:uid", 4242);
        assertEquals(List.of(f + " is owned by uid 4242, not root"), problems(f, FileTrust.Kind.CONTROL));
        // check-config run by that user on its own copy is fine
        assertEquals(List.of(), FileTrust.check(f, FileTrust.Kind.CONTROL, 4242).stream()
                .filter(x -> x.problem().startsWith(f.toString())).toList());
    }

    @Test
    void controlFileThroughALinkIsJudgedAtItsTarget() throws Exception {
        Path target = file("real-script", "rwxrwxrwx");
        Path link = Files.createSymbolicLink(tmp.resolve("script"), target);
        assertEquals(List.of(target + " is writable by group or others (mode 0777): whoever can write it decides what Vigil runs as root"),
                problems(link, FileTrust.Kind.CONTROL));
    }

    @Test
    void secretMustNotBeALink() throws Exception {
        Path target = file("real-authkeys", "rw-------");
        Path link = Files.createSymbolicLink(tmp.resolve("authkeys"), target);
        List<String> p = problems(link, FileTrust.Kind.SECRET);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith(link + " is a symbolic link (to " + target + ")"), p.get(0));
    }

    @Test
    void aWritableDirectoryAboveIsRefusedUnlessSticky() throws Exception {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Path f = shared.resolve("haresources");
        Files.writeString(f, "x\n");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(List.of("directory " + shared + " (above " + f + ") is writable by group or others (mode 0777): whoever can"
                + " write it can replace what it holds"), problems(f, FileTrust.Kind.CONTROL));
        // /tmp-like: sticky, others cannot rename or delete root's entries
        Files.setAttribute(shared, "unix:mode", 01777);
        assertEquals(List.of(), problems(f, FileTrust.Kind.CONTROL));
    }

    @Test
    void aDirectoryOwnedByAnotherUserIsRefused() throws Exception {
        assumeTrue(FileTrust.effectiveUid() == 0, "needs root to chown");
        Path d = Files.createDirectory(tmp.resolve("theirs"));
        Path f = d.resolve("haresources");
        Files.writeString(f, "x\n");
        Files.setAttribute(d, "unix:uid", 4242);
        assertEquals(List.of("directory " + d + " (above " + f + ") is owned by uid 4242, not root: its owner can replace what it holds"),
                problems(f, FileTrust.Kind.CONTROL));
    }

    @Test
    void notARegularFile() throws Exception {
        Path d = Files.createDirectory(tmp.resolve("dir"));
        assertEquals(List.of(d + " is not a regular file"), problems(d, FileTrust.Kind.CONTROL));
    }
}
