package dev.postamt.sieve;

import dev.postamt.sieve.SyntaxTree.Position;
import java.util.List;
import java.util.Map;

/**
 * A command or test after checking: its definition, its tags and positional arguments already typed
 * ({@link Template} for a string, {@code List<Template>} for a string list, {@link Long} for a number,
 * {@link Boolean#TRUE} for a tag without parameter), its tests and block, and what the checker worked out
 * for it once (match type and comparator, address part, extension data). Immutable after compilation.
 */
public final class CompiledNode {
  final SieveCommand def;
  final Position at;
  final Map<String, Object> tags;
  final Map<String, Position> tagPositions;
  final List<Object> args;
  final List<Position> argPositions;
  List<CompiledNode> tests;
  List<CompiledNode> block;
  Match match;
  String addressPart = "all";
  Object data;

  CompiledNode(SieveCommand def, Position at, Map<String, Object> tags, Map<String, Position> tagPositions,
      List<Object> args, List<Position> argPositions) {
    this.def = def;
    this.at = at;
    this.tags = tags;
    this.tagPositions = tagPositions;
    this.args = args;
    this.argPositions = argPositions;
  }

  public SieveCommand def() {
    return def;
  }

  public Position at() {
    return at;
  }

  public boolean has(String tag) {
    return tags.containsKey(tag);
  }

  public Position tagAt(String tag) {
    return tagPositions.getOrDefault(tag, at);
  }

  public Template tagString(String tag) {
    return (Template) tags.get(tag);
  }

  @SuppressWarnings("unchecked")
  public List<Template> tagStrings(String tag) {
    return (List<Template>) tags.get(tag);
  }

  public long tagNumber(String tag, long absent) {
    Object v = tags.get(tag);
    return v == null ? absent : (Long) v;
  }

  public int argCount() {
    return args.size();
  }

  public Position argAt(int i) {
    return argPositions.get(i);
  }

  public Template string(int i) {
    return (Template) args.get(i);
  }

  @SuppressWarnings("unchecked")
  public List<Template> strings(int i) {
    return (List<Template>) args.get(i);
  }

  public long number(int i) {
    return (Long) args.get(i);
  }

  public List<CompiledNode> tests() {
    return tests;
  }

  public List<CompiledNode> block() {
    return block;
  }

  public Match match() {
    return match;
  }

  /** ":all", ":localpart", ":domain", ":user" or ":detail", without the colon. */
  public String addressPart() {
    return addressPart;
  }

  @SuppressWarnings("unchecked")
  public <T> T data() {
    return (T) data;
  }

  /** Sets what {@link SieveCommand#check} computed for this node; only during compilation. */
  public void data(Object d) {
    this.data = d;
  }
}
