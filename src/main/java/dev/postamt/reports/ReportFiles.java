package dev.postamt.reports;

import dev.postamt.mime.MimeParameters;
import dev.postamt.mime.MimePart;
import dev.postamt.mime.TransferDecoding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Finds the reports in a file or a message: DMARC aggregate XML (RFC 7489 §7.2.1.1: {@code .xml},
 * {@code .xml.gz}, {@code .zip}) and TLS-RPT JSON (RFC 8460 §5.3: {@code application/tlsrpt+gzip} or
 * {@code +json}), told apart by their bytes (gzip and zip magic, then {@code <} or <code>{</code>), not by
 * names, which reporters get wrong.
 *
 * <p>Decompression is bounded: everything one file or message unpacks to counts against {@code
 * maxBytes}, a zip may hold at most {@value #MAX_ZIP_ENTRIES} entries, and archives nest at most one
 * level; a zip bomb is refused when it reaches the limit, never inflated in full.
 */
public final class ReportFiles {
  static final int MAX_ZIP_ENTRIES = 20;
  private static final Set<String> REPORT_TYPES = Set.of(
      "application/zip", "application/x-zip-compressed", "application/gzip", "application/x-gzip",
      "application/tlsrpt+gzip", "application/tlsrpt+json", "text/xml", "application/xml", "application/json",
      "application/octet-stream");

  /** What a report file holds. */
  public enum Kind { DMARC, TLS }

  /** One report document, uncompressed. */
  public record Payload(Kind kind, String name, byte[] data) {}

  private final long maxBytes;
  private long used;

  private ReportFiles(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The reports in one file's bytes ({@code name} for messages only). */
  public static List<Payload> fromFile(String name, byte[] bytes, long maxBytes) throws ReportException {
    List<Payload> out = new ArrayList<>();
    new ReportFiles(maxBytes).unpack(name, bytes, 0, out);
    return out;
  }

  /** The reports attached to (or making up the body of) a message. */
  public static List<Payload> fromMessage(byte[] message, long maxBytes) throws ReportException {
    ReportFiles f = new ReportFiles(maxBytes);
    List<Payload> out = new ArrayList<>();
    f.walk(MimePart.parse(message), out);
    return out;
  }

  /** Whether {@code bytes} start like a mail message rather than a report file. */
  static boolean looksLikeMessage(byte[] bytes) {
    int n = Math.min(bytes.length, 1000);
    String head = new String(bytes, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    return head.startsWith("From ") || head.matches("(?s)^[A-Za-z0-9-]+:.*");
  }

  private void walk(MimePart part, List<Payload> out) throws ReportException {
    if (part.isMultipart()) {
      for (MimePart child : part.children()) {
        walk(child, out);
      }
      return;
    }
    if (part.message() != null) {
      walk(part.message(), out);
      return;
    }
    String type = part.type() + "/" + part.subtype();
    String name = fileName(part);
    boolean named = name.endsWith(".xml") || name.endsWith(".gz") || name.endsWith(".zip") || name.endsWith(".json");
    if (!named && (!REPORT_TYPES.contains(type) || type.equals("application/octet-stream"))) {
      return;
    }
    byte[] body;
    try (InputStream in = TransferDecoding.decoded(part)) {
      body = in.readAllBytes();
    } catch (IOException e) {
      throw new ReportException("cannot decode the attachment " + name + ": " + e.getMessage(), e);
    }
    unpack(name, body, 0, out);
  }

  private static String fileName(MimePart part) {
    Map<String, String> disposition = new LinkedHashMap<>();
    String cd = part.header("Content-Disposition");
    if (cd != null && cd.indexOf(';') >= 0) {
      MimeParameters.parse(cd.substring(cd.indexOf(';') + 1), disposition);
    }
    String n = disposition.getOrDefault("filename", part.params().getOrDefault("name", ""));
    return n.toLowerCase(Locale.ROOT);
  }

  private void unpack(String name, byte[] bytes, int depth, List<Payload> out) throws ReportException {
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
      nested(depth, name);
      unpack(name, gunzip(bytes, name), depth + 1, out);
    } else if (bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4) {
      nested(depth, name);
      unzip(name, bytes, depth, out);
    } else {
      int i = 0;
      if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
        i = 3; // a UTF-8 byte order mark
      }
      while (i < bytes.length && Character.isWhitespace(bytes[i])) {
        i++;
      }
      if (i < bytes.length && bytes[i] == '<') {
        out.add(new Payload(Kind.DMARC, name, bytes));
      } else if (i < bytes.length && bytes[i] == '{') {
        out.add(new Payload(Kind.TLS, name, bytes));
      } else if (depth > 0 || !name.isEmpty()) {
        throw new ReportException((name.isEmpty() ? "the attachment" : name) + " is neither XML nor JSON");
      }
    }
  }

  private void nested(int depth, String name) throws ReportException {
    if (depth > 1) {
      throw new ReportException(name + ": archives nested more than two deep are not read");
    }
  }

  private byte[] gunzip(byte[] bytes, String name) throws ReportException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return bounded(in, name);
    } catch (IOException e) {
      throw new ReportException(name + ": bad gzip data: " + e.getMessage(), e);
    }
  }

  private void unzip(String name, byte[] bytes, int depth, List<Payload> out) throws ReportException {
    int entries = 0;
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (e.isDirectory()) {
          continue;
        }
        if (++entries > MAX_ZIP_ENTRIES) {
          throw new ReportException(name + ": more than " + MAX_ZIP_ENTRIES + " files in the zip");
        }
        unpack(e.getName().toLowerCase(Locale.ROOT), bounded(zip, name), depth + 1, out);
      }
    } catch (IOException e) {
      throw new ReportException(name + ": bad zip data: " + e.getMessage(), e);
    }
  }

  /** Reads {@code in} to its end, refusing once the file's total passes {@link #maxBytes}. */
  private byte[] bounded(InputStream in, String name) throws IOException, ReportException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[16384];
    for (int n; (n = in.read(buf)) > 0; ) {
      used += n;
      if (used > maxBytes) {
        throw new ReportException((name.isEmpty() ? "the report" : name) + " decompresses to more than " + maxBytes
            + " bytes ([reports] max_uncompressed); not read");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }
}
