package dev.postamt.filter.rules;

/**
 * One loaded rule, ready to run: its kind, what it matches and how it counts.
 *
 * @param name the symbol ({@code __} prefix: a sub-rule only metas see)
 * @param kind header, body, rawbody, uri, full, mimeheader, meta, or an eval of one of these
 * @param regex the translated pattern (null for eval, exists and meta rules)
 * @param header what a header rule reads (null for other kinds)
 * @param negate {@code !~}: the rule hits when the pattern does not match
 * @param ifUnset the text a header rule reads when the field is missing (null: the empty string)
 * @param eval the eval function (null unless an eval rule)
 * @param meta the meta expression (null unless a meta rule)
 * @param maxHits how often a hit is counted ({@code tflags multiple}, {@code maxhits=N}); 1 otherwise
 * @param where {@code file:line} of the definition, for warnings
 */
record Rule(
    String name,
    Kind kind,
    PerlRegex.Compiled regex,
    HeaderTarget header,
    boolean negate,
    String ifUnset,
    EvalFunctions.Eval eval,
    MetaExpression meta,
    int maxHits,
    String where) {

  /** What a rule reads. */
  enum Kind {
    HEADER,
    BODY,
    RAWBODY,
    URI,
    FULL,
    MIMEHEADER,
    META;

    static Kind of(String keyword) {
      return switch (keyword) {
        case "header" -> HEADER;
        case "body" -> BODY;
        case "rawbody" -> RAWBODY;
        case "uri" -> URI;
        case "full" -> FULL;
        case "mimeheader" -> MIMEHEADER;
        case "meta" -> META;
        default -> null;
      };
    }
  }

  /** Whether only metas see it. */
  boolean sub() {
    return name.startsWith("__");
  }
}
