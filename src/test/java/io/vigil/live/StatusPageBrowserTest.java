package io.vigil.live;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.control.FakeControlHandler;
import io.vigil.control.StatusReport;
import io.vigil.notify.ClusterEvent;
import io.vigil.notify.EventType;
import io.vigil.testsupport.Chromium;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page in a real headless Chromium against the real HTTP server: it renders the daemon's view, follows pushed
 * changes without reloading, and turns the groups table into cards on a phone-sized screen. (During a real failover
 * in the namespace lab: io.vigil.e2e.OperatorIT.)
 */
@QuarkusTest
class StatusPageBrowserTest {

    @Inject
    LiveFeed feed;

    @TestHTTPResource("/")
    URL root;

    @Test
    void rendersFollowsPushesAndFitsAPhone(@TempDir Path tmp) throws Exception {
        Chromium.assumeInstalled();
        StatusReport[] report = {FakeControlHandler.sample()};
        feed.timing(new LiveFeed.Timing(1000, 5000, 10000));
        feed.bind(() -> report[0]);
        for (long ms : List.of(1000L, 1003L, 998L, 1200L)) {
            feed.beat("bob", System.currentTimeMillis(), ms);
        }
        ChromeDriver browser = Chromium.start(tmp.resolve("profile"), 390, 844);
        try {
            browser.get(root.toString());
            JavascriptExecutor js = browser;
            await(browser, () -> "live".equals(js.executeScript("return document.getElementById('connection').dataset.state"))
                    && !browser.findElements(By.cssSelector("tr[data-group]")).isEmpty());
            assertEquals("alice", js.executeScript("return document.getElementById('node').textContent"));
            assertEquals("alice", Chromium.attr(js, "tr[data-group='192.0.2.253']", "data-held-by"));
            assertEquals("dead", Chromium.attr(js, "[data-node='bob']", "data-status"));
            assertTrue(Chromium.attr(js, "[data-keepalive='bob'] polyline", "points").split(" ").length >= 4,
                    "the inter-arrival chart has the samples");
            assertEquals("none", js.executeScript("return getComputedStyle(document.querySelector('#groups thead')).display"),
                    "390 px wide: the groups table becomes one card per group");
            Object width = js.executeScript("return [document.documentElement.scrollWidth, window.innerWidth].join(' ') + ' '"
                    + " + [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth)"
                    + ".map(e => e.tagName + '.' + e.className + '#' + e.id + ':' + Math.round(e.getBoundingClientRect().right)).join(', ')");
            String[] w = String.valueOf(width).split(" ", 3);
            System.out.println("status page on a phone: scrollWidth innerWidth overflowing = " + width);
            assertEquals("390", w[1], "the page is laid out 390 px wide");
            assertTrue(Integer.parseInt(w[0]) <= Integer.parseInt(w[1]), "no horizontal scrolling on a phone: " + width);

            Object marker = js.executeScript("window.notReloaded = true; return 1");
            List<StatusReport.GroupInfo> moved = new ArrayList<>();
            for (StatusReport.GroupInfo g : report[0].groups()) {
                moved.add(g.key().equals("192.0.2.253") ? new StatusReport.GroupInfo(g.key(), g.preferredNode(),
                        g.resources(), "stopped", "") : g);
            }
            StatusReport r = report[0];
            report[0] = new StatusReport(r.node(), r.version(), r.pid(), r.uptimeMs(), r.localStatus(), r.autoFailback(),
                    r.nodes(), moved, r.rscstatus(), r.transitions(), r.parameters());
            feed.event(new ClusterEvent(1, System.currentTimeMillis(), EventType.GROUP_STOPPED, "alice", "alice", "",
                    "192.0.2.253", "", "stopped", "", "standby"));
            // Read in the page's own script: the rows are re-rendered on every push, a WebElement could go stale.
            await(browser, () -> "".equals(js.executeScript(
                    "const r = document.querySelector(\"tr[data-group='192.0.2.253']\"); return r && r.dataset.heldBy")));
            assertEquals(Boolean.TRUE, js.executeScript("return window.notReloaded === true"), "pushed, not reloaded " + marker);
            assertTrue(String.valueOf(js.executeScript(
                    "return document.querySelector(\"#timeline li[data-event='group-stopped']\").textContent"))
                    .contains("192.0.2.253"));
        } finally {
            browser.quit();
        }
    }

    private static void await(ChromeDriver b, java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + 20_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 20 s; page text:\n" + b.findElement(By.tagName("body")).getText());
            }
            Thread.sleep(50);
        }
    }
}
