package io.vigil.control;

import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** cl_status's sub-commands, options, texts and exit codes (reference §7.3), rendered from a daemon's report. */
class ClStatusTest {

    static final LocalDateTime NOW = LocalDateTime.of(2026, 11, 24, 15, 54, 9);
    static final String ERR = "Nov 24 15:54:09 linux9 cl_status: [77]: ERROR: ";

    static CommandOutput run(String... args) {
        return ClStatus.run(FakeControlHandler.sample(), List.of(args), 77, NOW, "linux9");
    }

    static void expect(CommandOutput r, String stdout, String stderr, int rc) {
        assertEquals(stdout, r.stdout(), "stdout");
        assertEquals(stderr, r.stderr(), "stderr");
        assertEquals(rc, r.exitCode(), "exit code");
    }

    @Test
    void helpAndUnknownSubCommand() {
        expect(run(), ClStatus.HELP, "", 0);
        expect(run("-h"), ClStatus.HELP, "", 0);
        expect(run("bogus"), "", ERR + "bogus: invalid sub-command.\n", 11);
    }

    @Test
    void hbstatus() {
        expect(run("hbstatus"), "Heartbeat is running on this machine.\n", "", 0);
        CommandOutput v = run("hbstatus", "-v");
        assertEquals(0, v.exitCode());
        // nodes and links last first, as Heartbeat's client library lists them
        assertEquals("version:\tvigil 0.1.0\nmanaged by:\t\"haresources\"\n\n192.0.2.1\tping\t(nodetype: ping)\n",
                v.stdout().substring(0, v.stdout().indexOf("\t192.0.2.1\tup")));
        CommandOutput human = run("hbstatus", "-m", "-v");
        assertEquals("Heartbeat version vigil 0.1.0\nResources controlled by \"haresources\"\n",
                human.stdout().substring(0, human.stdout().indexOf("The nodes")));
    }

    @Test
    void listnodes() {
        // Heartbeat's client library prepends each node it receives: cl_status lists the node table last first
        expect(run("listnodes"), "192.0.2.1\nbob\nalice\n", "", 0);
        expect(run("listnodes", "-n"), "bob\nalice\n", "", 0);
        expect(run("listnodes", "-p"), "192.0.2.1\n", "", 0);
        expect(run("listnodes", "-p", "-n"), "192.0.2.1\nbob\nalice\n", "", 0);
        expect(run("listnodes", "-m", "-p"), "The nodes are as follow:\n192.0.2.1\n", "", 0);
        expect(run("listnodes", "-pv"), "\n192.0.2.1\tping\t(nodetype: ping)\n\t192.0.2.1\tup\n", "", 0);
        expect(run("listnodes", "-x"), "", "listnodes: invalid option -- 'x'\n" + ERR + "Error: getopt returnedcharacter code ?.\n", 11);
    }

    @Test
    void nodestatus() {
        expect(run("nodestatus", "alice"), "active\n", "", 0);
        expect(run("nodestatus", "bob"), "dead\n", "", 1);
        expect(run("nodestatus", "192.0.2.1"), "ping\n", "", 0);
        expect(run("nodestatus", "BOB"), "dead\n", "", 1);
        expect(run("nodestatus", "bob", "-m"), "The cluster node bob is dead\n", "", 1);
        expect(run("nodestatus", "nosuch"), "", "Error. May be due to incorrect node name\n", 11);
        expect(run("nodestatus"), "", "Not enough parameters.\n", 11);
        expect(run("nodestatus", "-q", "bob"), "", "nodestatus: invalid option -- 'q'\n" + ERR + "Error: getopt returnedcharacter ?.\n", 11);
    }

    @Test
    void nodeTypeWeightSite() {
        expect(run("nodetype", "192.0.2.1"), "ping\n", "", 0);
        expect(run("nodetype", "-m", "bob"), "The node bob's type: normal\n", "", 0);
        expect(run("nodetype"), "", "No enough parameter.\n", 11);
        expect(run("nodetype", "nosuch"), "", "Error. May be due to incorrect node name\n", 11);
        expect(run("nodeweight", "bob"), "100\n", "", 0);
        expect(run("nodeweight", "-m", "bob"), "The weight of the cluster node bob is 100\n", "", 0);
        expect(run("nodeweight", "nosuch"), "", "Error. Maybe due to incorrect node name.\n", 11);
        expect(run("nodeweight"), "", "Not enough parameters.\n", 11);
        expect(run("nodesite", "bob"), "\n", "", 0);
        expect(run("nodesite"), "", "Not enough parameters.\n", 11);
    }

    @Test
    void links() {
        expect(run("listhblinks", "bob"), "\teth1\n\teth0\n", "", 0);
        expect(run("listhblinks", "-v", "bob"), "\teth1\tup\n\teth0\tdead\n", "", 0);
        expect(run("listhblinks", "-m", "bob"), "\tthis node has the following heartbeat links:\n\teth1\n\teth0\n", "", 0);
        expect(run("listhblinks"), "", "No enough parameter.\n", 11);
        assertEquals(13, run("listhblinks", "nosuch").exitCode());
        expect(run("hblinkstatus", "bob", "eth0"), "dead\n", "", 1);
        expect(run("hblinkstatus", "bob", "eth1"), "up\n", "", 0);
        expect(run("hblinkstatus", "-m", "bob", "eth1"), "The node bob's heartbeat link eth1 is up\n", "", 0);
        expect(run("hblinkstatus", "bob"), "", "No enough parameter.\n", 11);
        CommandOutput unknown = run("hblinkstatus", "bob", "eth9");
        assertEquals(13, unknown.exitCode());
        assertEquals(ERR + "Cannot get heartbeat link status", unknown.stderr().lines().findFirst().orElseThrow());
    }

    @Test
    void clientstatus() {
        expect(run("clientstatus", "bob", "ipfail"), "offline\n", "", 1);
        expect(run("clientstatus", "bob", "ipfail", "800"), "offline\n", "", 1);
        expect(run("clientstatus", "bob"), "", "No enough parameter.\n", 11);
        assertEquals(13, run("clientstatus", "nosuch", "ipfail").exitCode());
        // about this node too, as Heartbeat answers it (not a timeout)
        expect(run("clientstatus", "alice", "ipfail", "2000"), "offline\n", "", 1);
    }

    @Test
    void rscstatus() {
        expect(run("rscstatus"), "all\n", "", 0);
        expect(run("rscstatus", "-m"), "This node is holding all resources.\n", "", 0);
        StatusReport moving = FakeControlHandler.sample();
        moving = new StatusReport(moving.node(), moving.version(), moving.pid(), moving.uptimeMs(), moving.localStatus(),
                moving.autoFailback(), moving.nodes(), moving.groups(), "transition", moving.transitions(), moving.parameters());
        assertEquals("transition\n", ClStatus.run(moving, List.of("rscstatus"), 1, NOW).stdout());
    }

    @Test
    void hbparameter() {
        expect(run("hbparameter", "-p", "keepalive"), "1000ms\n", "", 0);
        expect(run("hbparameter", "-pdeadtime"), "10\n", "", 0);
        expect(run("hbparameter", "-m", "-p", "udpport"), "Heartbeat parameter udpport's value: 694\n", "", 0);
        expect(run("hbparameter", "-p", "nosuch"), "", ERR + "Cannot get parameter nosuch's value\n" + ERR + "REASON: \n", 1);
        expect(run("hbparameter"), "", ERR + "parameter name required\n", 11);
        expect(run("hbparameter", "-p"), "", "hbparameter: option requires an argument -- 'p'\n"
                + ERR + "Error: getopt returnedcharacter code ?.\n", 11);
    }

    @Test
    void testSubCommand() {
        expect(run("test"), "Dead time: 10000\n keeplive time: 1000\n mynodeid: alice\n rsc: all\n", "", 0);
    }

    @Test
    void signonFailureWording() {
        CommandOutput r = ClStatus.signonFailure(77, NOW, "linux9");
        expect(r, "", ERR + "Cannot signon with heartbeat\n" + ERR
                + "REASON: hb_api_signon: Can't initiate connection to heartbeat\n", 1);
    }

    @Test
    void haCfTimes() {
        assertEquals(1000, ClStatus.millis("1"));
        assertEquals(500, ClStatus.millis("500ms"));
        assertEquals(2, ClStatus.millis("2000us"));
        assertEquals(0, ClStatus.millis("x"));
    }
}
