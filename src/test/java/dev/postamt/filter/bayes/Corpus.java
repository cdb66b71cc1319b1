package dev.postamt.filter.bayes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The public SpamAssassin corpus in {@code /work/shared/testdata/corpus/{ham,spam}} (read only), split
 * with a fixed seed: 70% of each kind to train on, 30% to test. Tests that need it are skipped where it
 * is not present.
 */
final class Corpus {
  static final Path ROOT = Path.of(System.getProperty("postamt.corpus", "/work/shared/testdata/corpus"));
  static final long SEED = 20261204L;

  /** One kind's files split into the training and the test part. */
  record Split(List<Path> train, List<Path> test) {}

  private Corpus() {}

  static boolean present() {
    return Files.isDirectory(ROOT.resolve("ham")) && Files.isDirectory(ROOT.resolve("spam"));
  }

  static Split split(String kind) {
    List<Path> all;
    try (Stream<Path> files = Files.list(ROOT.resolve(kind))) {
      all = new ArrayList<>(files.filter(p -> p.toString().endsWith(".eml")).sorted().toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Collections.shuffle(all, new Random(SEED));
    int cut = all.size() * 7 / 10;
    return new Split(List.copyOf(all.subList(0, cut)), List.copyOf(all.subList(cut, all.size())));
  }

  static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
