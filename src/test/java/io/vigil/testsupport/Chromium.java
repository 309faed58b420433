package io.vigil.testsupport;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's headless Chromium driven by Debian's chromium-driver through Selenium: a real browser engine, started with
 * the flags that work on this kind of machine (no sandbox as root, no GPU, no QUIC, nothing fetched in the
 * background) and a fresh profile. Selenium Manager is never asked to download anything: both paths are given.
 */
public final class Chromium {

    public static final Path BROWSER = Path.of("/usr/bin/chromium");
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {
    }

    /** An attribute read by the page's own script: elements re-rendered by a push never go stale under it. */
    public static String attr(org.openqa.selenium.JavascriptExecutor js, String selector, String name) {
        return String.valueOf(js.executeScript(
                "const e = document.querySelector(arguments[0]); return e && e.getAttribute(arguments[1])", selector, name));
    }

    /** Skips the calling test where Chromium or its driver is not installed (.ci/run installs both). */
    public static void assumeInstalled() {
        assumeTrue(Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER),
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
    }

    /**
     * A headless browser whose page is {@code width} x {@code height} CSS pixels; quit it when done. Below Chromium's
     * smallest window (500 px) the size is a phone's, through Chromium's own device emulation (touch, DPR 3).
     */
    public static ChromeDriver start(Path profile, int width, int height) throws IOException {
        Files.createDirectories(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--no-proxy-server", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=" + Math.max(width, 500) + "," + height);
        if (width < 500) {
            options.setExperimentalOption("mobileEmulation", java.util.Map.of("deviceMetrics",
                    java.util.Map.of("width", width, "height", height, "pixelRatio", 3.0, "touch", true)));
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60))
                .build();
        return new ChromeDriver(service, options);
    }
}
