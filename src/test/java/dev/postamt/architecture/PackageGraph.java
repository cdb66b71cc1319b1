package dev.postamt.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which of our packages uses which, read from the sources: imports and fully qualified names in code
 * (comments and strings left out), the same edges {@code jdeps -verbose:package} reports.
 */
final class PackageGraph {
  private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.postamt\\.((?:[a-z0-9]+\\.)*[a-z0-9]+)\\.([A-Z]\\w*)");

  /** package → the classes of other packages it refers to, by package. */
  final Map<String, Map<String, Set<String>>> uses = new TreeMap<>();

  static PackageGraph of(Path sourceRoot) {
    PackageGraph g = new PackageGraph();
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = sourceRoot.relativize(f.getParent()).toString().replace('/', '.').replaceFirst("^dev\\.postamt\\.?", "");
        if (f.getFileName().toString().equals("package-info.java")) {
          continue;
        }
        Map<String, Set<String>> out = g.uses.computeIfAbsent(pkg, k -> new TreeMap<>());
        Matcher m = REFERENCE.matcher(code(Files.readString(f)));
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            out.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return g;
  }

  /** Source without comments and string literals. */
  static String code(String src) {
    return src.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ").replaceAll("\"(?:\\\\.|[^\"\\\\\n])*\"", "\"\"");
  }

  /** The strongly connected components with more than one package: each is a cycle. */
  List<Set<String>> cycles() {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    List<Set<String>> out = new ArrayList<>();
    for (String v : uses.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, index, low, stack, out);
      }
    }
    return out;
  }

  private void connect(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack, List<Set<String>> out) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    for (String w : uses.getOrDefault(v, Map.of()).keySet()) {
      if (!index.containsKey(w)) {
        connect(w, index, low, stack, out);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (stack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        out.add(component);
      }
    }
  }
}
