package io.vigil.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Base of the configuration tests: a fresh copy of the tutorial in a temp dir for every test. */
abstract class ConfigFixtureTest {

    @TempDir
    Path tmp;
    ConfigFixture f;

    @BeforeEach
    void fixture() {
        f = new ConfigFixture(tmp);
    }

    /** ha.cf with the tutorial's medium and nodes plus the given lines. */
    ConfigFixture haCf(String... lines) {
        return f.haCfWith(lines);
    }
}
