package dev.postamt.filter.forgery;

import dev.postamt.filter.Authentication;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.uri.Domains;
import dev.postamt.mime.HeaderText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The public SpamAssassin corpus in {@code /work/shared/testdata/corpus}, split with a fixed seed into
 * a tuning part (70%) and a test part (30%), each message as a {@link ScanInput} arriving when its own
 * topmost Received hop says (the messages are from 2002).
 */
public final class CorpusSample {
  static final Path ROOT = Path.of(System.getProperty("postamt.corpus", "/work/shared/testdata/corpus"));

  private CorpusSample() {}

  public static boolean present() {
    return Files.isDirectory(ROOT.resolve("ham")) && Files.isDirectory(ROOT.resolve("spam"));
  }

  /** The test part (30%) of {@code kind} ("ham" or "spam"), in a fixed order. */
  public static List<Path> testPart(String kind) {
    List<Path> all = files(kind);
    Collections.shuffle(all, new Random(20261204L));
    return all.subList(0, all.size() * 3 / 10);
  }

  static List<Path> files(String kind) {
    try (Stream<Path> s = Files.list(ROOT.resolve(kind))) {
      return new ArrayList<>(s.filter(p -> p.toString().endsWith(".eml")).sorted().toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ScanInput input(Path file) {
    try {
      ScannedMessage m = ScannedMessage.of(Files.readAllBytes(file));
      Instant received = null;
      // Arrival at the recipient's site: the topmost hop from a public address (the hops above it are
      // the corpus owner's own fetchmail and filters, some months later).
      for (ReceivedHop h : ReceivedHop.chain(m.header("Received"))) {
        InetAddress a = h.address();
        if (h.date() != null && a != null && Domains.scope(a) == Domains.Scope.PUBLIC) {
          received = h.date();
          break;
        }
      }
      if (received == null) {
        ZonedDateTime d = HeaderText.parseDate(m.first("Date"));
        received = d == null ? Instant.parse("2002-10-01T00:00:00Z") : d.toInstant();
      }
      String rp = m.first("Return-Path").replaceAll("[<>\\s]", "");
      return new ScanInput(m, "", "", null, rp, List.of("jm@example.test"), List.of(), Authentication.NONE, received);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
