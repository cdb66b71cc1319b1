/**
 * JSON for JMAP: a strict parser (RFC 8259 with the I-JSON rules of RFC 7493 that RFC 8620 §1.5 asks
 * for) and a writer, over plain Java values (maps, lists, strings, longs, doubles, booleans, null).
 *
 * <p>Failure behaviour: a bad document is a {@link dev.postamt.jmap.json.JsonException} naming what and
 * where; nesting is bounded by {@link dev.postamt.jmap.json.Json#MAX_DEPTH} and the caller bounds the
 * size before parsing. Owns no state and nothing on disk.
 */
package dev.postamt.jmap.json;
