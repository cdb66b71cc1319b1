package dev.postamt.reports;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Reads a DMARC aggregate report (RFC 7489 Appendix C; the namespaced drafts of its successor read the
 * same) with the JDK's parser, hardened for input from strangers: a document type declaration is
 * refused outright, so no external entity, no external DTD and no entity expansion ("billion laughs")
 * can happen; XInclude is off and the JDK's secure-processing limits apply.
 */
public final class DmarcReportParser {
  private DmarcReportParser() {}

  /** Parses one report; a {@link ReportException} names what is wrong. */
  public static DmarcReport parse(byte[] xml) throws ReportException {
    Document doc;
    try {
      doc = builder().parse(new ByteArrayInputStream(xml));
    } catch (SAXException e) {
      throw new ReportException("not a DMARC report: bad XML: " + oneLine(e.getMessage()));
    } catch (IOException e) {
      throw new ReportException("cannot read the DMARC report: " + e.getMessage(), e);
    }
    Element root = doc.getDocumentElement();
    if (!"feedback".equals(name(root))) {
      throw new ReportException("not a DMARC report: the root element is <" + name(root) + ">, not <feedback>");
    }
    Element meta = child(root, "report_metadata");
    Element published = child(root, "policy_published");
    if (meta == null || published == null) {
      throw new ReportException("not a DMARC report: <report_metadata> or <policy_published> is missing");
    }
    String org = required(meta, "org_name");
    String reportId = required(meta, "report_id");
    Element range = child(meta, "date_range");
    if (range == null) {
      throw new ReportException("DMARC report " + reportId + " of " + org + ": <date_range> is missing");
    }
    Instant begin = epoch(required(range, "begin"), reportId);
    Instant end = epoch(required(range, "end"), reportId);
    List<DmarcReport.Row> rows = new ArrayList<>();
    for (Element record : children(root, "record")) {
      Element row = child(record, "row");
      if (row == null) {
        continue;
      }
      Element evaluated = child(row, "policy_evaluated");
      long count;
      try {
        count = Long.parseLong(text(row, "count"));
      } catch (NumberFormatException e) {
        throw new ReportException("DMARC report " + reportId + " of " + org + ": a <count> is not a number");
      }
      if (count < 0) {
        throw new ReportException("DMARC report " + reportId + " of " + org + ": a <count> is negative");
      }
      Element ids = child(record, "identifiers");
      Element auth = child(record, "auth_results");
      rows.add(new DmarcReport.Row(
          text(row, "source_ip"), count,
          lower(text(evaluated, "disposition")), lower(text(evaluated, "dkim")), lower(text(evaluated, "spf")),
          lower(text(ids, "header_from")), authResults(auth, "dkim"), authResults(auth, "spf")));
    }
    return new DmarcReport(org, text(meta, "email"), reportId, begin, end, lower(required(published, "domain")),
        lower(text(published, "p")), List.copyOf(rows));
  }

  /** {@code domain=result, …} of the {@code auth_results} elements named {@code kind}. */
  private static String authResults(Element auth, String kind) {
    if (auth == null) {
      return "";
    }
    List<String> out = new ArrayList<>();
    for (Element e : children(auth, kind)) {
      out.add(lower(text(e, "domain")) + "=" + lower(text(e, "result")));
    }
    return String.join(", ", out);
  }

  static DocumentBuilder builder() throws ReportException {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      b.setEntityResolver((publicId, systemId) -> {
        throw new SAXException("external entities are not read");
      });
      return b;
    } catch (ParserConfigurationException e) {
      throw new ReportException("the XML parser cannot be made safe: " + e.getMessage(), e);
    }
  }

  private static Instant epoch(String s, String reportId) throws ReportException {
    try {
      return Instant.ofEpochSecond(Long.parseLong(s.strip()));
    } catch (NumberFormatException e) {
      throw new ReportException("DMARC report " + reportId + ": date_range \"" + s + "\" is not seconds since 1970");
    }
  }

  private static String name(Node n) {
    return n.getLocalName() != null ? n.getLocalName() : n.getNodeName();
  }

  static Element child(Element parent, String name) {
    if (parent == null) {
      return null;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && name.equals(name(e))) {
        return e;
      }
    }
    return null;
  }

  static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && name.equals(name(e))) {
        out.add(e);
      }
    }
    return out;
  }

  /** The trimmed text of the child {@code name}; "" when absent. */
  static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? "" : e.getTextContent().strip();
  }

  private static String required(Element parent, String name) throws ReportException {
    String t = text(parent, name);
    if (t.isEmpty()) {
      throw new ReportException("not a DMARC report: <" + name + "> in <" + name(parent) + "> is missing or empty");
    }
    return t;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ");
  }
}
