package io.vigil.resource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/** {@link IpAddrNetnsTest}'s checks through the fallback: ip, arping and send_ua processes (-Dvigil.ipaddr.netlink=false). */
@Tag("netns")
class IpAddrCommandNetnsTest extends IpAddrNetnsTest {

    @BeforeEach
    void commands() {
        System.setProperty("vigil.ipaddr.netlink", "false");
    }

    @AfterEach
    void netlinkAgain() {
        System.clearProperty("vigil.ipaddr.netlink");
    }

    @Override
    String announcedWith() {
        return "(arping -U)";
    }
}
