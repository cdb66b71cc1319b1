package dev.postamt.jmap;

import dev.postamt.jmap.json.Json;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Blob download and upload (RFC 8620 §6). A message blob is the stored message as it is; a part blob
 * is that body part's content with its transfer encoding undone (RFC 8621 §4.1.4). Uploads are kept
 * as files under {@code data_dir/jmap/uploads/<accountId>/} for {@link #UPLOAD_TTL} (§6.1 asks for at
 * least an hour), written to a temporary name and renamed, so a half-written upload is never served.
 */
public final class Blobs {
  static final Duration UPLOAD_TTL = Duration.ofHours(24);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final MailStore store;
  private final Path uploads;

  /** @param uploads the directory for uploads ({@code data_dir/jmap/uploads}) */
  public Blobs(MailStore store, Path uploads) {
    this.store = store;
    this.uploads = uploads;
  }

  /** A blob to send: its bytes, size and the type it was stored as (may be null). */
  public record Download(InputStream content, long size, String type) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      content.close();
    }
  }

  /** The blob {@code blobId} of {@code user}'s account, or empty when there is none. The caller closes it. */
  public Optional<Download> download(String user, String blobId) throws IOException {
    if (blobId.startsWith("u") && blobId.matches("u[0-9a-f]{32}")) {
      Path f = dir(user).resolve(blobId);
      if (!Files.isRegularFile(f)) {
        return Optional.empty();
      }
      Path typeFile = dir(user).resolve(blobId + ".type");
      String type = Files.exists(typeFile) ? Files.readString(typeFile, StandardCharsets.UTF_8) : null;
      return Optional.of(new Download(Files.newInputStream(f), Files.size(f), type));
    }
    Optional<Ids.BlobRef> ref = Ids.blob(blobId);
    if (ref.isEmpty()) {
      return Optional.empty();
    }
    try (Account account = store.open(user)) {
      Ids.MessageRef m = ref.get().message();
      Optional<MailboxInfo> box = account.mailbox(m.mailboxId());
      if (box.isEmpty() || box.get().uidValidity() != m.uidValidity()) {
        return Optional.empty();
      }
      Optional<MessageRecord> rec = account.snapshot(m.mailboxId()).messages().stream()
          .filter(r -> r.uid() == m.uid()).findFirst();
      if (rec.isEmpty()) {
        return Optional.empty();
      }
      Optional<MessageContent> content = account.open(box.get(), rec.get());
      if (content.isEmpty()) {
        return Optional.empty();
      }
      if (ref.get().partId() == null) {
        return Optional.of(new Download(content.get().stream(), content.get().size(), "message/rfc822"));
      }
      byte[] bytes;
      try (MessageContent mc = content.get()) {
        bytes = mc.readAllBytes();
      }
      EmailView.Part part = new EmailView(bytes, m).part(ref.get().partId());
      if (part == null) {
        return Optional.empty();
      }
      byte[] decoded = EmailView.decodedBytes(part.mime());
      return Optional.of(new Download(new ByteArrayInputStream(decoded), decoded.length, part.type()));
    }
  }

  /** Thrown when an upload is larger than allowed; nothing of it is kept. */
  public static final class TooLarge extends IOException {
    public TooLarge(long max) {
      super("the upload is larger than " + max + " bytes");
    }
  }

  /**
   * Stores an upload of at most {@code max} bytes and answers it as RFC 8620 §6.1 says: {@code
   * accountId}, {@code blobId}, {@code type}, {@code size}, as JSON.
   */
  public byte[] upload(String user, InputStream in, String type, long max) throws IOException {
    Path dir = dir(user);
    Files.createDirectories(dir);
    expire(dir);
    byte[] r = new byte[16];
    RANDOM.nextBytes(r);
    String blobId = "u" + HexFormat.of().formatHex(r);
    Path tmp = dir.resolve(blobId + ".tmp");
    long size = 0;
    try (OutputStream out = Files.newOutputStream(tmp)) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        size += n;
        if (size > max) {
          throw new TooLarge(max);
        }
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    String t = type == null || type.isBlank() ? "application/octet-stream" : type.strip();
    Files.writeString(dir.resolve(blobId + ".type"), t, StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve(blobId), StandardCopyOption.ATOMIC_MOVE);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("accountId", Ids.account(user));
    m.put("blobId", blobId);
    m.put("type", t);
    m.put("size", size);
    return Json.bytes(m);
  }

  /**
   * Keeps {@code content} as an upload named by its SHA-256 (so the same content is the same blob) and
   * returns its blobId: how a Sieve script's text becomes downloadable (RFC 9661 §2.1 blobId).
   */
  String keep(String user, byte[] content, String type) throws IOException {
    String blobId;
    try {
      byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(content);
      blobId = "u" + HexFormat.of().formatHex(h, 0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Path dir = dir(user);
    Files.createDirectories(dir);
    Path f = dir.resolve(blobId);
    Path tmp = dir.resolve(blobId + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
    Files.write(tmp, content);
    Files.writeString(dir.resolve(blobId + ".type"), type, StandardCharsets.UTF_8);
    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING); // fresh mtime: kept a day more
    return blobId;
  }

  private Path dir(String user) {
    return uploads.resolve(Ids.account(user));
  }

  /** Deletes uploads older than {@link #UPLOAD_TTL}. */
  private static void expire(Path dir) {
    Instant cutoff = Instant.now().minus(UPLOAD_TTL);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      // best effort: an old upload left behind costs only space until the next try
    }
  }
}
