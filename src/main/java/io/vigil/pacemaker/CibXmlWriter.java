package io.vigil.pacemaker;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/**
 * The CIB as XML: a whole {@code <cib>} that {@code crm_verify --xml-file} checks and {@code cibadmin} loads.
 * {@code validate-with} is set (without it crm_verify skips the schema check and still exits 0) to pacemaker-3.0, the
 * oldest schema with everything used here, so Pacemaker 2.0 and later accept the file; every element has an id.
 */
public final class CibXmlWriter {

    /** The schema named in {@code validate-with}. */
    public static final String SCHEMA = "pacemaker-3.0";

    private CibXmlWriter() {
    }

    public static String write(Cib cib, List<String> comments) {
        Document d;
        try {
            d = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
        for (String c : comments) {
            d.appendChild(d.createComment(" " + c.replace("--", "- -") + " "));
        }
        Element root = d.createElement("cib");
        root.setAttribute("validate-with", SCHEMA);
        root.setAttribute("admin_epoch", "0");
        root.setAttribute("epoch", "1");
        root.setAttribute("num_updates", "0");
        d.appendChild(root);
        Element conf = child(root, "configuration");

        Element crmConfig = child(conf, "crm_config");
        nvpairs(child(crmConfig, "cluster_property_set", "cib-bootstrap-options"), cib.properties());

        Element nodes = child(conf, "nodes");
        for (Cib.Node n : cib.nodes()) {
            Element e = child(nodes, "node", String.valueOf(n.id()));
            e.setAttribute("uname", n.name());
        }

        Element resources = child(conf, "resources");
        for (Cib.Group g : cib.groups()) {
            resources.appendChild(d.createComment(" " + g.origin().replace("--", "- -") + " "));
            Element group = child(resources, "group", g.id());
            g.members().forEach(p -> primitive(group, p));
        }
        for (Cib.Clone c : cib.clones()) {
            resources.appendChild(d.createComment(" " + c.primitive().origin().replace("--", "- -") + " "));
            primitive(child(resources, "clone", c.id()), c.primitive());
        }
        for (Cib.Primitive f : cib.fencing()) {
            resources.appendChild(d.createComment(" " + f.origin().replace("--", "- -") + " "));
            primitive(resources, f);
        }

        Element constraints = child(conf, "constraints");
        for (Cib.Location l : cib.locations()) {
            Element loc = child(constraints, "rsc_location", l.id());
            loc.setAttribute("rsc", l.resource());
            if (l instanceof Cib.Prefers p) {
                loc.setAttribute("node", p.node());
                loc.setAttribute("score", p.score());
            } else if (l instanceof Cib.ScoreFromAttribute a) {
                rule(loc, "score-attribute", a.attribute(), a.attribute(), "defined");
            } else if (l instanceof Cib.ScoreIfPositive s) {
                Element ex = rule(loc, "score", s.score(), s.attribute(), "gt");
                ex.setAttribute("value", "0");
                ex.setAttribute("type", "number");
            }
        }

        Element defaults = child(conf, "rsc_defaults");
        nvpairs(child(defaults, "meta_attributes", "rsc-options"), cib.resourceDefaults());
        child(root, "status");
        return serialize(d);
    }

    /** A rule of one expression in a location constraint; returns the expression. */
    private static Element rule(Element loc, String scoreKind, String score, String attribute, String operation) {
        Element rule = child(loc, "rule", loc.getAttribute("id") + "-rule");
        rule.setAttribute(scoreKind, score);
        Element ex = child(rule, "expression", loc.getAttribute("id") + "-rule-expression");
        ex.setAttribute("attribute", attribute);
        ex.setAttribute("operation", operation);
        return ex;
    }

    private static void primitive(Element parent, Cib.Primitive p) {
        Element e = child(parent, "primitive", p.id());
        e.setAttribute("class", p.standard());
        p.provider().ifPresent(v -> e.setAttribute("provider", v));
        e.setAttribute("type", p.type());
        if (!p.params().isEmpty()) {
            nvpairs(child(e, "instance_attributes", p.id() + "-instance_attributes"), p.params());
        }
        if (!p.ops().isEmpty()) {
            Element ops = child(e, "operations");
            for (Cib.Op op : p.ops()) {
                Element o = child(ops, "op", p.id() + "-" + op.name() + "-interval-" + op.interval());
                o.setAttribute("name", op.name());
                o.setAttribute("interval", op.interval());
                o.setAttribute("timeout", op.timeout());
            }
        }
    }

    private static void nvpairs(Element set, Map<String, String> values) {
        values.forEach((k, v) -> {
            Element nv = child(set, "nvpair", set.getAttribute("id") + "-" + k);
            nv.setAttribute("name", k);
            nv.setAttribute("value", v);
        });
    }

    private static Element child(Element parent, String name) {
        Element e = parent.getOwnerDocument().createElement(name);
        parent.appendChild(e);
        return e;
    }

    private static Element child(Element parent, String name, String id) {
        Element e = child(parent, name);
        e.setAttribute("id", id);
        return e;
    }

    private static String serialize(Document d) {
        try {
            var t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            StringWriter out = new StringWriter();
            t.transform(new DOMSource(d), new StreamResult(out));
            return out.toString().replace("?><", "?>\n<") + (out.toString().endsWith("\n") ? "" : "\n");
        } catch (TransformerException e) {
            throw new IllegalStateException(e);
        }
    }
}
