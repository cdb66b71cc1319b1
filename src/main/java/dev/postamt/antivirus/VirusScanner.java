package dev.postamt.antivirus;

import dev.postamt.config.Antivirus;
import dev.postamt.mime.MimePart;
import dev.postamt.mime.TransferDecoding;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virus verdict on one message, from clamd ({@link ClamdClient}). The whole message is streamed as
 * received (clamd's own mail parser looks inside it), then every leaf MIME part whose transfer encoding
 * changes its bytes (base64, quoted-printable) is decoded and streamed once more, so a signature on the
 * decoded content matches whatever clamd makes of the mail. Parts in 7bit/8bit/binary are in the raw
 * stream byte for byte and are streamed on their own only when the raw stream was cut short.
 *
 * <p>Size: at most {@code max_size} bytes (clamd's {@code StreamMaxLength}) go into one stream. Longer
 * data is scanned up to that size, never passed unscanned in silence: the verdict says {@code partial}
 * and the {@code X-Virus-Scanned} header names it, so a later stage (or Sieve) can treat it with care.
 *
 * <p>clamd down or too slow gives {@link Verdict.Unavailable}; the scanner logs the change from up to
 * down and back once each, and counts the messages it could not scan ({@link #unavailableCount()}).
 * Every message tries clamd again: recovery needs nothing.
 */
public final class VirusScanner {
  private static final Logger log = LoggerFactory.getLogger(VirusScanner.class);

  private final ClamdClient clamd;
  private final long maxSize;
  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicLong unavailable = new AtomicLong();

  public VirusScanner(Antivirus config) {
    this(new ClamdClient(config.clamd(), config.timeout(), config.connections()), config.maxSize());
  }

  public VirusScanner(ClamdClient clamd, long maxSize) {
    this.clamd = clamd;
    this.maxSize = maxSize;
  }

  /** The scanner each owner (a running server) uses now, with the config it was made for. */
  private record Current(Antivirus config, VirusScanner scanner) {}

  private static final Map<Object, Current> CURRENT = new WeakHashMap<>();

  /**
   * The scanner for {@code owner} (one running server: its SMTP and submission services share it) and
   * {@code config}: the same one as long as the config is unchanged, so a reload that leaves {@code
   * [antivirus]} alone keeps its pooled clamd sessions; a new one when it changed, the old one closed
   * ({@link #close}: its idle sessions now, the busy ones when their message is done). Null, and the
   * old one closed, when {@code antivirus.clamd} is empty.
   */
  public static VirusScanner forOwner(Object owner, Antivirus config) {
    VirusScanner old;
    synchronized (CURRENT) {
      Current c = CURRENT.get(owner);
      if (c != null && c.config().equals(config)) {
        return c.scanner();
      }
      old = c == null ? null : c.scanner();
      if (config.enabled()) {
        VirusScanner fresh = new VirusScanner(config);
        CURRENT.put(owner, new Current(config, fresh));
        if (old != null) {
          old.close();
        }
        return fresh;
      }
      CURRENT.remove(owner);
    }
    if (old != null) {
      old.close();
    }
    return null;
  }

  /** Closes the clamd sessions kept for reuse; scanning still works, without reuse. */
  public void close() {
    clamd.close();
  }

  /** Idle clamd sessions kept now (for tests). */
  int idleSessions() {
    return clamd.idleSessions();
  }

  /** The outcome of one message's scan. */
  public sealed interface Verdict {
    /**
     * @param version clamd's version line
     * @param partial streams cut at {@code max_size} (0: everything was scanned)
     */
    record Clean(String version, int partial) implements Verdict {}

    /** @param where {@code message} or the part ({@code part 2 "invoice.zip"}) the virus is in */
    record Infected(String name, String version, String where) implements Verdict {}

    record Unavailable(String reason) implements Verdict {}
  }

  /** Messages that could not be scanned since start. */
  public long unavailableCount() {
    return unavailable.get();
  }

  /**
   * Scans a message; {@code message} opens it from the start each time it is called (the spool file).
   */
  public Verdict scan(Supplier<InputStream> message) {
    try (ClamdClient.Lease session = clamd.lease()) {
      String version = session.version();
      long[] size = new long[1];
      ClamdClient.Reply r = session.scan(() -> counting(message.get(), size), maxSize);
      if (r instanceof ClamdClient.Reply.Found f) {
        return up(new Verdict.Infected(f.name(), version, "message"));
      }
      boolean rawComplete = size[0] <= maxSize;
      int partial = rawComplete ? 0 : 1;
      byte[] data;
      try (InputStream in = message.get()) {
        data = in.readAllBytes();
      } catch (IOException | UncheckedIOException e) {
        throw new ClamdException("cannot read the message: " + e.getMessage(), true);
      }
      List<MimePart> leaves = new ArrayList<>();
      collectLeaves(MimePart.parse(data), leaves);
      for (int i = 0; i < leaves.size(); i++) {
        MimePart p = leaves.get(i);
        boolean decodes = TransferDecoding.transforms(p.encoding());
        if (p.bodySize() == 0 || (!decodes && rawComplete)) {
          continue;
        }
        long[] partSize = new long[1];
        ClamdClient.Reply pr = session.scan(() -> counting(TransferDecoding.decoded(p), partSize), maxSize);
        if (pr instanceof ClamdClient.Reply.Found f) {
          return up(new Verdict.Infected(f.name(), version, describe(i + 1, p)));
        }
        if (partSize[0] > maxSize) {
          partial++;
        }
      }
      return up(new Verdict.Clean(version, partial));
    } catch (ClamdException e) {
      unavailable.incrementAndGet();
      if (down.compareAndSet(false, true)) {
        log.warn("antivirus: clamd unavailable, messages are not scanned: {}", e.getMessage());
      } else {
        log.debug("antivirus: clamd still unavailable: {}", e.getMessage());
      }
      return new Verdict.Unavailable(e.getMessage());
    }
  }

  private Verdict up(Verdict v) {
    if (down.compareAndSet(true, false)) {
      log.info("antivirus: clamd answers again");
    }
    return v;
  }

  private static void collectLeaves(MimePart p, List<MimePart> out) {
    if (p.isMultipart()) {
      for (MimePart c : p.children()) {
        collectLeaves(c, out);
      }
    } else if (p.message() != null) {
      collectLeaves(p.message(), out);
    } else {
      out.add(p);
    }
  }

  private static String describe(int n, MimePart p) {
    String name = p.params().get("name");
    String disposition = p.header("Content-Disposition");
    if (disposition != null) {
      java.util.Map<String, String> params = new java.util.LinkedHashMap<>();
      dev.postamt.mime.HeaderText.parseDisposition(disposition, params);
      if (params.get("filename") != null) {
        name = params.get("filename");
      }
    }
    String shown = name == null ? "" : " \"" + name.replaceAll("[^\\p{Print}]", "?") + "\"";
    return "part " + n + shown;
  }

  /** Counts the bytes the stream holds (reading on past what is sent, up to one byte beyond the limit). */
  private InputStream counting(InputStream in, long[] size) {
    size[0] = 0; // a retry on a new session starts over
    return new java.io.FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int c = super.read();
        if (c >= 0) {
          size[0]++;
        }
        return c;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          size[0] += n;
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        if (size[0] == maxSize && super.read() >= 0) {
          size[0]++; // there was more than was sent
        }
        super.close();
      }
    };
  }

}
