/**
 * Full-text search: one Lucene index per user, or one index of every user in PostgreSQL, kept up to
 * date behind the store, and asked by IMAP SEARCH and JMAP Email/query and SearchSnippet/get. (The
 * compliance journal is the {@code archive}'s.)
 *
 * <h2>Pieces</h2>
 *
 * <ul>
 *   <li>{@link dev.postamt.search.SearchBackend} — the index as the protocols and tools see it, with two
 *       implementations chosen by {@code [search] backend}: {@link dev.postamt.search.SearchIndexes}
 *       (Lucene, the default) and {@link dev.postamt.search.PgSearchIndex} (PostgreSQL, shared by the
 *       nodes: {@link dev.postamt.search.PgSearchTables} its tables and their SQL, {@link
 *       dev.postamt.search.PgDocument} a message as a row, {@link dev.postamt.search.TsQueries} JMAP word
 *       queries as {@code tsquery}).
 *   <li>{@link dev.postamt.search.SearchIndexes} — the server's indexes and the indexer thread ({@code
 *       OpenIndexes} the open ones, their leases and the recovery of a damaged one); {@code
 *       serve} wraps the server's store so that every change and delivery queues the user ({@link
 *       dev.postamt.search.IndexedMailStore}); {@link dev.postamt.search.IndexAnswers} asks them.
 *   <li>{@link dev.postamt.search.IndexPacing} — when the indexer syncs a user: once its deliveries
 *       pause, in batches (a sync per delivery costs several times its share); {@link
 *       dev.postamt.search.HeldAccounts} the accounts it keeps open between the syncs of users whose mail
 *       trickles in.
 *   <li>{@link dev.postamt.search.UserIndex} — one user's index and how far it has caught up; a few
 *       additions wait unpublished in the writer's buffer until more come, a search asks or 30 s pass.
 *   <li>{@link dev.postamt.search.MessageDocument} — a message as a document; {@link
 *       dev.postamt.search.SearchText} the text IMAP SEARCH compares (shared with the {@code imap}
 *       scan), {@link dev.postamt.search.Trigrams} and {@link dev.postamt.search.Runs} the exact substring
 *       fields over it (headers, body), {@link
 *       dev.postamt.search.Analyzers} the word fields (German, English, CJK; {@link
 *       dev.postamt.search.WordTokens} breaks a text into words once for both of its fields), {@link
 *       dev.postamt.search.AttachmentText} HTML and PDF text.
 *   <li>{@link dev.postamt.search.SubstringAnswers} (IMAP), {@link dev.postamt.search.WordMatches} and
 *       {@link dev.postamt.search.Snippets} (JMAP) — what searches get back.
 * </ul>
 *
 * <h2>Never a wrong answer</h2>
 *
 * <p>The index answers per message: yes, no, or "read it". It says yes or no only for messages it holds
 * (a message's content never changes under its mailbox id, UIDVALIDITY and UID), and, for IMAP, only
 * where its text is exactly the scan's ({@link dev.postamt.search.SearchText}) and the query exact
 * ({@link dev.postamt.search.Trigrams}, {@link dev.postamt.search.Runs}); everything else (mail that arrived since the index last caught
 * up or published, oversized messages, needles with characters it cannot compare, long bodies it holds only as a
 * set of terms beyond their start) is read and
 * matched as without an index. So an index that lags, is being rebuilt, or is switched off makes
 * searches slower, never different.
 *
 * <h2>On-disk layout</h2>
 *
 * <ul>
 *   <li>{@code data_dir/search/<address>/} — the Lucene index of a user; its commit data records per
 *       mailbox id {@code mb.<id> = <uidvalidity>:<uidnext>:<highestmodseq>} taken in.
 *   <li>{@code data_dir/search/.broken/<address>-<millis>/} — a damaged index moved aside (delete at will).
 *   <li>{@code data_dir/search/.reindex/<address>} — a rebuild requested by {@code postamt search
 *       reindex} while the server held the index.
 * </ul>
 *
 * <p>In PostgreSQL: tables {@code search_mailbox} (the same state per user and mailbox id) and {@code
 * search_message} (one row per message); nothing under {@code data_dir/search}.
 *
 * <h2>Failure behaviour</h2>
 *
 * <p>IMAP and JMAP find the indexes through {@link dev.postamt.search.SearchBackend#of} (the account an
 * indexing store opened); an account of a store without indexing (tools, most tests) has none.
 *
 * <p>Indexing never blocks or fails delivery or a session: a full queue marks the user stale, a failing
 * message is indexed as "read it", a damaged index is moved aside and rebuilt while searches scan. The
 * index can always be thrown away: it is rebuilt from the store.
 */
package dev.postamt.search;
