/**
 * The content scan assembled from the config: {@link dev.postamt.filter.pipeline.Filters} puts the checks
 * of the {@code filter} sub-packages in their order (rules, forgery analysis, URI lists, white- and
 * blacklists, checksums, Bayes, meta rules last) into one {@link dev.postamt.filter.SpamScanner}, with
 * the operator's scores and the after-scan learners; {@link dev.postamt.filter.pipeline.Stores} holds
 * the databases they share (Bayes tokens, checksums, per-user lists), which the server opens once.
 *
 * <p>A package of its own because it depends on every check package, which depend on {@code filter}.
 */
package dev.postamt.filter.pipeline;
