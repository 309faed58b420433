package io.vigil.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A cluster-glue {@code external/} STONITH plugin installed for one test: cluster-glue reads them only from
 * {@link #DIR} (compiled in), so the file goes there under a {@code vigil-test-} name and is removed by
 * {@link #close()}.
 */
public final class StonithPlugin implements AutoCloseable {

    public static final Path DIR = Path.of("/usr/lib/stonith/plugins/external");

    private final Path file;

    private StonithPlugin(Path file) {
        this.file = file;
    }

    /** Skips the calling test unless cluster-glue's stonith and its plugin directory are there and we are root. */
    public static void assumeAvailable() {
        assumeTrue("root".equals(System.getProperty("user.name")), "installing a STONITH plugin needs root");
        assumeTrue(Files.isDirectory(DIR) && (Files.isExecutable(Path.of("/usr/sbin/stonith"))
                || Files.isExecutable(Path.of("/sbin/stonith"))), "cluster-glue (stonith) is not installed");
    }

    /** Installs {@code body} (a POSIX sh script) as {@code external/vigil-test-<name>}; the type is {@link #type()}. */
    public static StonithPlugin install(String name, String body) throws IOException {
        Path f = DIR.resolve("vigil-test-" + name);
        Files.writeString(f, body);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new StonithPlugin(f);
    }

    public String type() {
        return "external/" + file.getFileName();
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
    }
}
