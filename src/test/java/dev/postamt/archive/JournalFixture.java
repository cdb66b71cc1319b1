package dev.postamt.archive;

import dev.postamt.config.Archive;
import dev.postamt.queue.Envelope;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A journal in a temp directory with a clock the test sets, and messages written to it directly. */
final class JournalFixture {
  final Path dir;
  final Archive config;
  Instant now = Instant.parse("2020-01-01T10:00:00Z");
  final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };
  JournalWriter writer;
  private int n;

  JournalFixture(Path dir, Map<String, Archive.Retention> byDomain) throws IOException {
    this.dir = dir;
    this.config = new Archive(true, dir, Archive.Retention.parse("10y"), byDomain, 64 << 10);
    this.writer = JournalWriter.open(config, clock);
  }

  /** Journals a message from {@code from} to {@code to} with this subject; returns its queue id. */
  String message(String from, List<String> to, String subject) throws IOException {
    String id = "Q" + (++n) + "ID";
    String text = "From: <" + from + ">\r\nSubject: " + subject + "\r\nMessage-ID: <" + id + "@test>\r\n\r\nbody of " + id + "\r\n";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Envelope env = new Envelope(id, now, from, to.stream().map(Envelope.Recipient::of).toList(), "7BIT", false,
        Optional.empty(), Optional.empty(), "client.example", "192.0.2.7", Optional.empty(), "ESMTP");
    writer.record(env, "Received: from client.example\r\n", () -> new ByteArrayInputStream(bytes), bytes.length);
    return id;
  }

  void reopen() throws IOException {
    writer.close();
    writer = JournalWriter.open(config, clock);
  }

  ArchiveVerifier.Report verify() throws IOException {
    return ArchiveVerifier.verify(dir);
  }

  Path segment(String name) {
    return dir.resolve("segments").resolve(name);
  }

  List<String> segments() throws IOException {
    return Segments.list(dir.resolve("segments"));
  }
}
