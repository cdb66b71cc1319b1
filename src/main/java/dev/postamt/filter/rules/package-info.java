/**
 * Rules in SpamAssassin's rule language: the {@code header}, {@code body}, {@code rawbody}, {@code
 * uri}, {@code full}, {@code mimeheader} and {@code meta} tests with {@code describe}, {@code score}
 * and {@code tflags}, the {@code ifplugin}/{@code if} conditionals and ReplaceTags, so that operators
 * can load the rule files they know (Debian's {@code /usr/share/spamassassin}) next to our own shipped
 * set ({@code src/main/resources/dev/postamt/filter/rules/*.cf}).
 *
 * <p>Loading ({@link dev.postamt.filter.rules.RuleSet#load}) reads every file, translates each Perl
 * regex into a Java one once ({@link dev.postamt.filter.rules.PerlRegex}), and skips, with a warning
 * naming file, line and construct, what cannot be translated or needs a plugin or a network test we do
 * not run; {@link dev.postamt.filter.rules.LoadReport} counts rules seen, loaded and skipped by reason.
 * A skipped rule never makes a meta fire: a meta that refers to one is skipped too.
 *
 * <p>Scanning never throws for odd input: a regex that gives up on a message (stack overflow, or its
 * budget of character reads used up by runaway backtracking) counts as no hit. Body, rawbody and full
 * rules are pre-filtered by literals every match must contain, all found in one pass over each text
 * ({@link dev.postamt.filter.rules.LiteralScan}, one automaton per kind of text), so a rule whose
 * literals are missing costs nothing; one that begins with {@code \b} and an ASCII word character is
 * tried only where such a match can start ({@link dev.postamt.filter.rules.StartGuard});
 * body and rawbody rules read each text part up to SpamAssassin's {@code body_part_scan_size} /
 * {@code rawbody_part_scan_size} ({@code [spam]}). Nothing is written to disk; failure to read a configured rule path is the only
 * error, reported at start-up.
 */
package dev.postamt.filter.rules;
