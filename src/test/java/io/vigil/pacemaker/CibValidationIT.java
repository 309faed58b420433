package io.vigil.pacemaker;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Pacemaker's own tools accept every exported CIB: the XML with {@code crm_verify --xml-file}; the crm text loaded
 * with crmsh into an empty CIB file ({@code CIB_file=… crm configure load update}); the pcs script run against an
 * empty CIB file ({@code pcs -f}; for the richest configuration only, pcs takes seconds per command). Each result is
 * checked with crm_verify, and the forms must hold the same resources with the same parameters, groups and cluster
 * options. Inputs: the tutorial, every configuration shipped in
 * deploy/examples/, and the realistic multi-group configurations of {@link ExportFixture#REALISTIC}.
 * Needs pacemaker-cli-utils (crm_verify, cibadmin), crmsh and pcs (.ci/run installs them).
 */
class CibValidationIT {

    @TempDir
    Path tmp;

    record Result(int rc, String out) {
    }

    static Result run(Map<String, String> env, String... argv) {
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", argv) + " did not finish");
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean installed(String tool) {
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/usr/bin", tool));
    }

    @TestFactory
    List<DynamicTest> everyExportIsAcceptedByPacemakersTools() throws IOException {
        assumeTrue(installed("crm_verify") && installed("cibadmin"), "pacemaker-cli-utils is not installed");
        List<DynamicTest> tests = new ArrayList<>();
        try (var dirs = Files.list(Path.of("deploy/examples"))) {
            for (Path example : dirs.filter(Files::isDirectory).sorted().toList()) {
                tests.add(DynamicTest.dynamicTest("deploy/examples/" + example.getFileName(), () -> {
                    Path d = Files.createDirectories(tmp.resolve(example.getFileName().toString()));
                    check(example.getFileName().toString(), ExportFixture.copyOf(example, d).export(), false);
                }));
            }
        }
        ExportFixture.REALISTIC.forEach((name, c) -> tests.add(DynamicTest.dynamicTest(name, () -> {
            Path d = Files.createDirectories(tmp.resolve(name));
            ExportFixture f = ExportFixture.of(d, c[0], c[1], c[2], c[3]);
            f.scripts.put("mysql", Path.of("/etc/init.d/mysql"));
            f.scripts.put("nfs-kernel-server", Path.of("/etc/init.d/nfs-kernel-server"));
            f.scripts.put("WebServer", Path.of("/usr/lib/vigil/resource.d/WebServer"));
            f.file(d.resolve("baytech.cfg"), List.of("192.0.2.99 admin password"));
            check(name, f.export(), name.equals("three-nodes"));
        })));
        tests.add(DynamicTest.dynamicTest("fence-script", () -> {
            Path d = Files.createDirectories(tmp.resolve("fence-script"));
            Path fence = d.resolve("fence.sh");
            Files.writeString(fence, "#!/bin/sh\nexit 0\n");
            assertTrue(fence.toFile().setExecutable(true));
            ExportFixture f = ExportFixture.of(d, "keepalive 200ms\ndeadtime 2\ninitdead 10\nucast eth0 192.0.2.12\n"
                            + "ucast eth0 192.0.2.11\nauto_failback off\nnode linux1 linux2\n", "auth 1\n1 sha1 k\n",
                    "linux1 192.0.2.70 Dummy\nlinux2 192.0.2.71 MailTo::root\n", "vigil.fence-script=" + fence + "\n");
            check("fence-script", f.export(), false);
        }));
        return tests;
    }

    /** Verifies the XML, then loads the crm (and pcs) forms into empty CIBs and compares them with it. */
    private void check(String name, PacemakerExport.Export e, boolean withPcs) throws Exception {
        boolean fencing = e.cib().properties().get("stonith-enabled").equals("true");
        Path xml = tmp.resolve(name + ".xml");
        Files.writeString(xml, CibXmlWriter.write(e.cib(), List.of("test " + name)));
        verify(xml, fencing);
        Map<String, String> expected = essence(xml);

        Path crmCib = emptyCib(name + "-crm.xml");
        Path crm = tmp.resolve(name + ".crm");
        Files.writeString(crm, CrmWriter.write(e.cib(), List.of("test " + name)));
        Result load = run(Map.of("CIB_file", crmCib.toString()), "crm", "-F", "configure", "load", "update", crm.toString());
        assertEquals(0, load.rc(), "crm configure load update " + crm + "\n" + load.out());
        verify(crmCib, fencing);
        assertEquals(expected, essence(crmCib), "the crm text loads to the same configuration as the XML");

        if (withPcs && installed("pcs")) {
            Path pcsCib = emptyCib(name + "-pcs.xml");
            Path pcs = tmp.resolve(name + ".pcs");
            Files.writeString(pcs, PcsWriter.write(e.cib(), List.of("test " + name)));
            Result r = run(Map.of(), "sh", pcs.toString(), pcsCib.toString());
            assertEquals(0, r.rc(), "sh " + pcs + " " + pcsCib + "\n" + r.out());
            verify(pcsCib, fencing);
            assertEquals(expected, essence(pcsCib), "the pcs script builds the same configuration as the XML");
        }
    }

    private Path emptyCib(String file) throws IOException {
        Result r = run(Map.of(), "cibadmin", "--empty");
        assertEquals(0, r.rc(), r.out());
        Path p = tmp.resolve(file);
        Files.writeString(p, r.out());
        return p;
    }

    /**
     * crm_verify accepts the file. With fencing enabled and no status section (no node has been seen yet) Pacemaker
     * plans to fence every node at start-up ("startup fencing", as Heartbeat fenced a node unseen after initdead) and
     * crm_verify reports that as a warning: that and nothing else is allowed, and with every node online it is clean.
     */
    private void verify(Path cib, boolean fencing) throws Exception {
        Result r = run(Map.of(), "crm_verify", "--xml-file", cib.toString());
        if (!fencing) {
            assertEquals(0, r.rc(), "crm_verify --xml-file " + cib + "\n" + r.out() + "\n" + Files.readString(cib));
            return;
        }
        for (String line : r.out().lines().toList()) {
            assertTrue(line.contains("for fencing") || line.contains("Warnings found during check") || line.contains("-V may provide more details")
                    || line.isBlank(), "crm_verify --xml-file " + cib + ": only start-up fencing may be reported\n" + r.out());
        }
        Path online = tmp.resolve(cib.getFileName() + ".online.xml");
        Files.writeString(online, withNodesOnline(Files.readString(cib)));
        Result live = run(Map.of(), "crm_verify", "--xml-file", online.toString());
        assertEquals(0, live.rc(), "crm_verify of the CIB with every node online\n" + live.out());
    }

    /** The CIB with a status section in which every node has joined, as the live CIB of a running cluster has. */
    private static String withNodesOnline(String xml) throws Exception {
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new java.io.ByteArrayInputStream(
                xml.getBytes(StandardCharsets.UTF_8)));
        Element status = (Element) d.getElementsByTagName("status").item(0);
        NodeList nodes = d.getElementsByTagName("node");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element n = (Element) nodes.item(i);
            Element s = d.createElement("node_state");
            s.setAttribute("id", n.getAttribute("id"));
            s.setAttribute("uname", n.getAttribute("uname"));
            s.setAttribute("in_ccm", "true");
            s.setAttribute("crmd", "online");
            s.setAttribute("join", "member");
            s.setAttribute("expected", "member");
            status.appendChild(s);
        }
        var out = new java.io.StringWriter();
        javax.xml.transform.TransformerFactory.newInstance().newTransformer()
                .transform(new javax.xml.transform.dom.DOMSource(d), new javax.xml.transform.stream.StreamResult(out));
        return out.toString();
    }

    /**
     * What must be the same whichever form was loaded: every primitive (class, provider, type, parameters, operations),
     * group membership in order, clones, the cluster options and resource defaults, and the location constraints by
     * resource, node/rule and score (pcs names constraints its own way).
     */
    static Map<String, String> essence(Path cib) throws Exception {
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(cib.toFile());
        Map<String, String> e = new TreeMap<>();
        NodeList prims = d.getElementsByTagName("primitive");
        for (int i = 0; i < prims.getLength(); i++) {
            Element p = (Element) prims.item(i);
            Map<String, String> params = new TreeMap<>();
            NodeList ia = p.getElementsByTagName("instance_attributes");
            for (int j = 0; j < ia.getLength(); j++) {
                pairs((Element) ia.item(j), params);
            }
            List<String> ops = new ArrayList<>();
            NodeList op = p.getElementsByTagName("op");
            for (int j = 0; j < op.getLength(); j++) {
                Element o = (Element) op.item(j);
                ops.add(o.getAttribute("name") + "/" + seconds(o.getAttribute("interval")) + "/" + seconds(o.getAttribute("timeout")));
            }
            ops.sort(null);
            Element parent = (Element) p.getParentNode();
            e.put("primitive " + p.getAttribute("id"), p.getAttribute("class") + ":" + p.getAttribute("provider") + ":"
                    + p.getAttribute("type") + " " + params + " " + ops + " in " + parent.getTagName()
                    + (parent.getTagName().equals("resources") ? "" : " " + parent.getAttribute("id")));
        }
        NodeList groups = d.getElementsByTagName("group");
        for (int i = 0; i < groups.getLength(); i++) {
            Element g = (Element) groups.item(i);
            List<String> members = new ArrayList<>();
            NodeList m = g.getElementsByTagName("primitive");
            for (int j = 0; j < m.getLength(); j++) {
                members.add(((Element) m.item(j)).getAttribute("id"));
            }
            e.put("group " + g.getAttribute("id"), members.toString());
        }
        for (String set : List.of("cluster_property_set", "meta_attributes")) {
            NodeList sets = d.getElementsByTagName(set);
            for (int i = 0; i < sets.getLength(); i++) {
                Element s = (Element) sets.item(i);
                if (s.getParentNode().getNodeName().equals("crm_config") || s.getParentNode().getNodeName().equals("rsc_defaults")) {
                    Map<String, String> values = new TreeMap<>();
                    pairs(s, values);
                    e.merge(s.getParentNode().getNodeName(), values.toString(), (a, b) -> a + b);
                }
            }
        }
        NodeList locs = d.getElementsByTagName("rsc_location");
        List<String> locations = new ArrayList<>();
        for (int i = 0; i < locs.getLength(); i++) {
            Element l = (Element) locs.item(i);
            String what = l.getAttribute("node") + " " + l.getAttribute("score");
            NodeList rules = l.getElementsByTagName("rule");
            if (rules.getLength() > 0) {
                Element r = (Element) rules.item(0);
                Element x = (Element) r.getElementsByTagName("expression").item(0);
                what = "rule " + r.getAttribute("score") + r.getAttribute("score-attribute") + " " + x.getAttribute("attribute")
                        + " " + x.getAttribute("operation") + " " + x.getAttribute("value");
            }
            locations.add(l.getAttribute("rsc") + ": " + what.replace("INFINITY", "inf").replace("-infinity", "-inf"));
        }
        locations.sort(null);
        e.put("locations", locations.toString());
        return e;
    }

    private static void pairs(Element set, Map<String, String> into) {
        NodeList nv = set.getElementsByTagName("nvpair");
        for (int k = 0; k < nv.getLength(); k++) {
            Element x = (Element) nv.item(k);
            into.put(x.getAttribute("name"), x.getAttribute("value"));
        }
    }

    /** {@code 0}, {@code 0s}, {@code 60s}, {@code 1min} → seconds, as pcs and crmsh normalise differently. */
    private static String seconds(String v) {
        if (v.isEmpty()) {
            return "-";
        }
        if (v.endsWith("ms")) {
            return String.valueOf(Long.parseLong(v.substring(0, v.length() - 2)) / 1000.0);
        }
        if (v.endsWith("min")) {
            return String.valueOf(Long.parseLong(v.substring(0, v.length() - 3)) * 60.0);
        }
        if (v.endsWith("s")) {
            return String.valueOf(Double.parseDouble(v.substring(0, v.length() - 1)));
        }
        return String.valueOf(Double.parseDouble(v));
    }
}
