package dev.postamt.admin;

import dev.postamt.config.Config;
import dev.postamt.dns.Resolver;
import dev.postamt.filter.Authentication;
import dev.postamt.filter.pipeline.Filters;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.SpamScanner;
import dev.postamt.filter.Verdict;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code postamt spam scan}: the verdict of every message under some paths (files, Maildirs, mboxes,
 * directory trees, as {@code spam learn} reads them), as a dry run that learns nothing. For trying
 * thresholds and rules on a folder of mail, and for the comparison with SpamAssassin in {@code bench/}.
 *
 * <p>Each message is judged as of its arrival ({@link ScannedMessage#arrival}), with the
 * Authentication-Results field our host name wrote when it came in (none: nothing is known). Messages
 * are scanned by {@code threads} threads; results are reported in input order.
 */
public final class SpamScan {
  /** One message's verdict; {@code origin} as {@link MessageFiles} names it. */
  public record Result(String origin, Verdict verdict) {}

  /** All verdicts and how long the scans took (reading the files not counted). */
  public record Report(List<Result> results, List<String> skipped, double seconds) {}

  private final Config config;
  private final Resolver dns;

  SpamScan(Config config, Resolver dns) {
    this.config = config;
    this.dns = dns;
  }

  public Report scan(List<Path> paths, String user, int threads) {
    if (!config.spam().enabled()) {
      throw new AdminException("spam scanning is off (spam.enabled = false)");
    }
    List<String> origins = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Path p : paths) {
      skipped.addAll(MessageFiles.walk(p, (origin, content) -> {
        origins.add(origin);
        contents.add(content);
      }).skipped());
    }
    List<String> local = user == null ? List.of() : List.of(user);
    try (SpamScanner scanner = Filters.open(config, dns);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads))) {
      long start = System.nanoTime();
      List<Future<Verdict>> futures = new ArrayList<>();
      for (byte[] content : contents) {
        futures.add(pool.submit(() -> {
          ScannedMessage m = ScannedMessage.read(new ByteArrayInputStream(content), config.spam().maxSize());
          Authentication auth = Authentication.NONE;
          for (String ar : m.header("Authentication-Results")) {
            Authentication a = Authentication.fromHeader(ar, config.hostname());
            if (a != Authentication.NONE) {
              auth = a;
              break;
            }
          }
          Instant at = m.arrival().orElseGet(Instant::now);
          return scanner.dryRun(new ScanInput(m, "", "", null, "", local, local, auth, at));
        }));
      }
      List<Result> results = new ArrayList<>();
      for (int i = 0; i < futures.size(); i++) {
        results.add(new Result(origins.get(i), futures.get(i).get()));
      }
      return new Report(results, skipped, (System.nanoTime() - start) / 1e9);
    } catch (IOException e) {
      throw new AdminException("cannot open the spam filter: " + e.getMessage());
    } catch (UncheckedIOException e) {
      throw new AdminException("cannot open the spam filter: " + e.getCause().getMessage());
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AdminException("scan failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminException("interrupted");
    }
  }
}
