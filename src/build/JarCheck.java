import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.MethodTypeEntry;
import java.lang.classfile.constantpool.NameAndTypeEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

/**
 * Checks the shaded jar after {@code pom.xml}'s shade filters left parts of libraries out (issue 27: the
 * JDK keeps a jar's whole central directory on the heap while it is open, ~120 bytes per entry, so every
 * class file Postamt never loads costs every server memory).
 *
 * <p>From Postamt's own classes ({@code dev/postamt/**}), the jar's main class and every class a
 * {@code META-INF/services} file of the jar names, it follows every class a reachable class file refers to
 * (its constant pool: classes, and the types in field and method descriptors) and fails the build when
 *
 * <ul>
 *   <li>a class a services file names is not in the jar, or
 *   <li>a reachable class refers to a class that is neither in the jar nor in the JDK and whose name starts
 *       with one of the prefixes given (the libraries the filters trim): a filter left out something
 *       Postamt can reach.
 * </ul>
 *
 * <p>Classes a library loads by a name in a string are not seen here: the filters leave out whole packages
 * only, never a package with a reachable class, and BouncyCastle's JCA provider (which loads its algorithm
 * classes by name) is not registered by Postamt (the JDK's providers do the work; see pom.xml). The
 * build's AOT training (a server start and one SMTP delivery from this jar) runs right after this check.
 *
 * <p>Usage: {@code java JarCheck.java JAR PREFIX...} (prefixes as internal names, e.g. {@code org/apache/lucene/}).
 */
public final class JarCheck {
  private JarCheck() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: java JarCheck.java JAR [PREFIX...]");
      System.exit(2);
    }
    Path jar = Path.of(args[0]);
    List<String> prefixes = List.of(args).subList(1, args.length);
    Map<String, byte[]> classes = new HashMap<>();
    List<String> roots = new ArrayList<>();
    List<String> services = new ArrayList<>();
    int entries;
    try (JarFile jf = new JarFile(jar.toFile(), true, ZipFile.OPEN_READ, Runtime.version())) {
      entries = jf.size();
      for (JarEntry e : (Iterable<JarEntry>) jf.versionedStream()::iterator) {
        String name = e.getName();
        if (name.endsWith(".class") && !name.endsWith("module-info.class")) {
          try (InputStream in = jf.getInputStream(e)) {
            classes.put(name.substring(0, name.length() - 6), in.readAllBytes());
          }
        } else if (name.startsWith("META-INF/services/") && !e.isDirectory()) {
          try (InputStream in = jf.getInputStream(e)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
              String provider = line.replaceFirst("#.*", "").strip();
              if (!provider.isEmpty()) {
                services.add(name.substring("META-INF/services/".length()) + " -> " + provider);
                roots.add(provider.replace('.', '/'));
              }
            }
          }
        }
      }
      String main = jf.getManifest() == null ? null : jf.getManifest().getMainAttributes().getValue("Main-Class");
      if (main != null) {
        roots.add(main.replace('.', '/'));
      }
    }
    for (String c : classes.keySet()) {
      if (c.startsWith("dev/postamt/")) {
        roots.add(c);
      }
    }
    Set<String> problems = new TreeSet<>();
    for (String s : services) {
      String provider = s.substring(s.indexOf(" -> ") + 4).replace('.', '/');
      if (!classes.containsKey(provider) && !inJdk(provider)) {
        problems.add("services entry without its class: " + s);
      }
    }
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(roots);
    Map<String, String> missingFrom = new HashMap<>();
    while (!todo.isEmpty()) {
      String c = todo.pop();
      if (!seen.add(c)) {
        continue;
      }
      byte[] bytes = classes.get(c);
      if (bytes == null) {
        if (!inJdk(c)) {
          missingFrom.putIfAbsent(c, "?");
        }
        continue;
      }
      for (String ref : references(bytes)) {
        if (!seen.contains(ref)) {
          if (!classes.containsKey(ref)) {
            missingFrom.putIfAbsent(ref, c);
          }
          todo.push(ref);
        }
      }
    }
    int missingElsewhere = 0;
    for (Map.Entry<String, String> m : missingFrom.entrySet()) {
      String c = m.getKey();
      if (inJdk(c)) {
        continue;
      }
      if (prefixes.stream().anyMatch(c::startsWith)) {
        problems.add(c + " (needed by " + m.getValue() + ")");
      } else {
        missingElsewhere++; // an optional dependency of a library that was never in the jar (e.g. GraalVM, Janino)
      }
    }
    System.err.printf("postamt: jar check: %d entries, %d classes, %d reachable from Postamt and the services files,"
        + " %d optional classes outside the jar%n", entries, classes.size(), seen.size() - missingFrom.size(),
        missingElsewhere);
    if (!problems.isEmpty()) {
      System.err.println("postamt: the shaded jar lacks classes Postamt can reach (pom.xml's shade filters):");
      problems.forEach(p -> System.err.println("  " + p));
      System.exit(1);
    }
  }

  private static final Map<String, Boolean> JDK = new HashMap<>();

  private static boolean inJdk(String internalName) {
    return JDK.computeIfAbsent(internalName,
        n -> ClassLoader.getPlatformClassLoader().getResource(n + ".class") != null);
  }

  /** The classes a class file refers to: its constant pool's classes and the types in its descriptors. */
  static Set<String> references(byte[] bytes) {
    Set<String> out = new HashSet<>();
    ClassModel model = ClassFile.of().parse(bytes);
    for (PoolEntry e : model.constantPool()) {
      switch (e) {
        case ClassEntry ce -> addType(out, ce.asInternalName().startsWith("[")
            ? ClassDesc.ofDescriptor(ce.asInternalName()) : null, ce.asInternalName());
        case NameAndTypeEntry nt -> addDescriptor(out, nt.type().stringValue());
        case MethodTypeEntry mt -> addDescriptor(out, mt.descriptor().stringValue());
        default -> { }
      }
    }
    model.fields().forEach(f -> addDescriptor(out, f.fieldType().stringValue()));
    model.methods().forEach(m -> addDescriptor(out, m.methodType().stringValue()));
    return out;
  }

  private static void addDescriptor(Set<String> out, String descriptor) {
    try {
      if (descriptor.startsWith("(")) {
        MethodTypeDesc mt = MethodTypeDesc.ofDescriptor(descriptor);
        addType(out, mt.returnType(), null);
        mt.parameterList().forEach(p -> addType(out, p, null));
      } else {
        addType(out, ClassDesc.ofDescriptor(descriptor), null);
      }
    } catch (IllegalArgumentException ignored) {
      // not a type descriptor (a NameAndType of a dynamic constant may hold anything): nothing to follow
    }
  }

  private static void addType(Set<String> out, ClassDesc desc, String internalName) {
    if (desc == null) {
      out.add(internalName);
      return;
    }
    while (desc.isArray()) {
      desc = desc.componentType();
    }
    if (desc.isClassOrInterface()) {
      String d = desc.descriptorString();
      out.add(d.substring(1, d.length() - 1));
    }
  }
}
