package io.vigil.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** haresources, reference §3.1–3.2 and the tokens of §9.8, plus Vigil's bracketed IPv6 form. */
class HaresourcesTest {

    static final Path FILE = Path.of("/etc/ha.d/haresources");
    static final List<String> NODES = List.of("alice", "bob");

    private static HaresourcesParser.Result parse(String text) {
        return HaresourcesParser.parse(FILE, text.lines().toList(), NODES);
    }

    private static ResourceSpec resource(String token) {
        List<ConfigProblem> problems = new ArrayList<>();
        Optional<ResourceSpec> spec = HaresourcesParser.parseResource(Origin.at(FILE, 1), token, problems);
        assertTrue(problems.isEmpty(), problems.toString());
        return spec.orElseThrow();
    }

    @ParameterizedTest(name = "{0} → {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "10.0.0.5|IPaddr|10.0.0.5",
            "10.0.0.5/24/eth1|IPaddr|10.0.0.5/24/eth1",
            "IPaddr2::10.0.0.5/24/eth1:vip/10.0.0.255|IPaddr2|10.0.0.5/24/eth1:vip/10.0.0.255",
            "10.0.0.5/24/10.0.0.255|IPaddr|10.0.0.5/24/10.0.0.255",
            "Filesystem::/dev/sda1::/data::ext4|Filesystem|/dev/sda1,/data,ext4",
            "apache|apache|",
            "nginx|nginx|",
            "IPaddr::[2001:db8::10]/64/eth0|IPaddr|2001:db8::10/64/eth0",
            "IPv6addr::[2001:db8::10]/64|IPv6addr|2001:db8::10/64",
            "ocf:heartbeat:IPaddr2::ip=192.0.2.5::cidr_netmask=24|ocf:heartbeat:IPaddr2|ip=192.0.2.5,cidr_netmask=24"})
    void tokens(String token, String agent, String args) {
        ResourceSpec spec = resource(token);
        assertEquals(agent, spec.agent());
        assertEquals(args == null ? List.of() : Arrays.asList(args.split(",")), spec.args());
        assertEquals(token, spec.token());
    }

    @Test
    void groupsInOrderWithKeysAndStartOrder() {
        HaresourcesParser.Result r = parse("# comment\nAlice 10.0.0.5 nginx  # web\n\nbob 10.0.0.6\n");
        assertEquals(List.of(), r.problems());
        assertEquals(List.of(
                new ResourceGroup("10.0.0.5", "alice", List.of(new ResourceSpec("IPaddr", List.of("10.0.0.5"), "10.0.0.5"),
                        new ResourceSpec("nginx", List.of(), "nginx")), 2),
                new ResourceGroup("10.0.0.6", "bob", List.of(new ResourceSpec("IPaddr", List.of("10.0.0.6"), "10.0.0.6")), 4)),
                r.groups());
    }

    @Test
    void backslashContinuesTheLine() {
        HaresourcesParser.Result r = parse("alice 10.0.0.5 \\\n   Filesystem::/dev/sda1::/data::ext4 \\\n   nginx\nbob apache\n");
        assertEquals(List.of(), r.problems());
        assertEquals(3, r.groups().get(0).resources().size());
        assertEquals(1, r.groups().get(0).line());
        assertEquals(4, r.groups().get(1).line());
    }

    @Test
    void firstColumnMustBeADeclaredNode() {
        HaresourcesParser.Result r = parse("alice 10.0.0.5\ncarol 10.0.0.6\n");
        assertEquals(List.of("/etc/ha.d/haresources:2: Bad nodename in /etc/ha.d/haresources [carol] — the first column must be a node "
                + "declared with `node` in ha.cf (alice, bob)"), r.problems().stream().map(ConfigProblem::format).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "alice 10.0.0.5\\nbob 10.0.0.5|haresources:2: Resource group key [10.0.0.5] is already used on line 1",
            "alice|haresources:1: Resource group of node [alice] has no resources",
            "alice IPaddr::[2001:db8::10/64|haresources:1: Unbalanced brackets in resource [IPaddr::[2001:db8::10/64]",
            "alice IPaddr::[zz]/64|haresources:1: Invalid IPv6 address [zz] in resource",
            "alice IPaddr::[2001:db8::1]x|haresources:1: Unexpected text [x] after the IPv6 address",
            "alice IPaddr::::x|haresources:1: Empty name or argument in resource [IPaddr::::x]",
            "alice 10.0.0.300|haresources:1: IPaddr argument '10.0.0.300': '10.0.0.300' is not an IPv4 or IPv6 address in resource [10.0.0.300]",
            "alice 10.0.0.5/33|haresources:1: IPaddr argument '10.0.0.5/33': '33' is not a prefix length (1-32) or a dotted netmask",
            "alice 10.0.0.5/255.0.255.0|haresources:1: IPaddr argument '10.0.0.5/255.0.255.0': netmask '255.0.255.0' is not contiguous",
            "alice IPaddr2::10.0.0.5/24/10.0.0.255/eth0|haresources:1: IPaddr argument '10.0.0.5/24/10.0.0.255/eth0': '10.0.0.255' is taken as the broadcast",
            "alice IPv6addr::10.0.0.5/24|haresources:1: IPv6addr resource [IPv6addr::10.0.0.5/24] has an IPv4 address — use IPaddr2::10.0.0.5/24",
            "alice [2001:db8::1]::x|haresources:1: Resource name [[2001:db8::1]] contains a bracket"})
    void errorMessages(String text, String expected) {
        List<String> p = parse(text.replace("\\n", "\n")).problems().stream().map(ConfigProblem::format).toList();
        assertTrue(p.stream().anyMatch(s -> s.startsWith("/etc/ha.d/" + expected)), () -> expected + " in " + p);
    }

    @Test
    void canonicalNameAsHeartbeatLogsIt() {
        assertEquals("IPaddr::192.0.2.253", resource("192.0.2.253").canonical());
    }
}
