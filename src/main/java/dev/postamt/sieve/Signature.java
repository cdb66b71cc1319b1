package dev.postamt.sieve;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a command or test accepts: its tags (each maybe with a parameter, maybe in an exclusive group
 * such as the match type, maybe needing an extension), its positional arguments, and whether it takes a
 * block or tests. The compiler checks every use against it and reports mismatches like Pigeonhole does.
 */
public record Signature(List<TagSpec> tags, List<ArgSpec> positional, boolean block, int minTests, int maxTests) {

  /** The type of an argument or tag parameter. */
  public enum Type {
    NONE("nothing"), STRING("a string"), STRING_LIST("a string list"), NUMBER("a number");

    final String article;

    Type(String article) {
      this.article = article;
    }
  }

  /**
   * A tagged argument. {@code group} names a set of which at most one may be given ("match type",
   * "address part", "comparator"); {@code extension} must be required for the tag to exist.
   */
  public record TagSpec(String name, Type parameter, String group, String extension) {
    public static TagSpec flag(String name) {
      return new TagSpec(name, Type.NONE, null, null);
    }

    public static TagSpec flag(String name, String extension) {
      return new TagSpec(name, Type.NONE, null, extension);
    }

    public static TagSpec withParameter(String name, Type type, String extension) {
      return new TagSpec(name, type, null, extension);
    }
  }

  /** A positional argument; {@code label} appears in errors ("argument 1 (header names)"). */
  public record ArgSpec(Type type, String label, boolean optional) {}

  public static ArgSpec arg(Type type, String label) {
    return new ArgSpec(type, label, false);
  }

  public static ArgSpec optional(Type type, String label) {
    return new ArgSpec(type, label, true);
  }

  public static final String MATCH_TYPE = "match type";
  public static final String COMPARATOR = "comparator";
  public static final String ADDRESS_PART = "address part";

  /** The tags of every test that compares strings (RFC 5228 §2.7, RFC 5231, regex draft). */
  public static final List<TagSpec> MATCH_TAGS = List.of(
      new TagSpec("is", Type.NONE, MATCH_TYPE, null),
      new TagSpec("contains", Type.NONE, MATCH_TYPE, null),
      new TagSpec("matches", Type.NONE, MATCH_TYPE, null),
      new TagSpec("regex", Type.NONE, MATCH_TYPE, "regex"),
      new TagSpec("count", Type.STRING, MATCH_TYPE, "relational"),
      new TagSpec("value", Type.STRING, MATCH_TYPE, "relational"),
      new TagSpec("comparator", Type.STRING, COMPARATOR, null));

  /** Address parts (RFC 5228 §2.7.4, RFC 5233). */
  public static final List<TagSpec> ADDRESS_PART_TAGS = List.of(
      new TagSpec("all", Type.NONE, ADDRESS_PART, null),
      new TagSpec("localpart", Type.NONE, ADDRESS_PART, null),
      new TagSpec("domain", Type.NONE, ADDRESS_PART, null),
      new TagSpec("user", Type.NONE, ADDRESS_PART, "subaddress"),
      new TagSpec("detail", Type.NONE, ADDRESS_PART, "subaddress"));

  /** RFC 5260 §6: which occurrence of a header field. */
  public static final List<TagSpec> INDEX_TAGS = List.of(
      new TagSpec("index", Type.NUMBER, null, "index"), new TagSpec("last", Type.NONE, null, "index"));

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a signature in the order a reader expects: tags, then arguments, then block or tests. */
  public static final class Builder {
    private final List<TagSpec> tags = new ArrayList<>();
    private final List<ArgSpec> args = new ArrayList<>();
    private boolean block;
    private int minTests;
    private int maxTests;

    public Builder tags(List<TagSpec> t) {
      tags.addAll(t);
      return this;
    }

    public Builder tag(TagSpec t) {
      tags.add(t);
      return this;
    }

    public Builder arg(Type type, String label) {
      args.add(Signature.arg(type, label));
      return this;
    }

    public Builder optionalArg(Type type, String label) {
      args.add(Signature.optional(type, label));
      return this;
    }

    public Builder block() {
      block = true;
      return this;
    }

    public Builder tests(int min, int max) {
      minTests = min;
      maxTests = max;
      return this;
    }

    public Signature build() {
      return new Signature(List.copyOf(tags), List.copyOf(args), block, minTests, maxTests);
    }
  }

  TagSpec tag(String name) {
    for (TagSpec t : tags) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }

  static final Map<String, String> NO_TAGS = Map.of();
}
