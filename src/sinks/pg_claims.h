#pragma once
// Exactly once across bus processors (serve --bus): the transaction that
// stores a bus message's rows first claims the message's key in
// `delivered` (INSERT ... ON CONFLICT DO NOTHING RETURNING). A key already
// there was stored by another processor (a redelivery after a crash or an
// expired ack wait); a key another transaction is inserting right now makes
// this one wait for it to end. Only the claimed messages' rows and summaries
// are written, so a message is stored, and counted in /api/summary, once.
//
// The merged summary of the claimed messages goes into `summary_parts` in
// the same transaction (sinks/cluster_summary.h reads them).
//
// Free functions over a connection inside a transaction the caller owns.
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "sinks/event_rows.h"
#include "sinks/pg_connection.h"

namespace logstreamer::sinks {

// The keys of `keys` this transaction now holds (sorted before the insert, so
// that two transactions never wait on each other in opposite orders).
absl::StatusOr<absl::flat_hash_set<std::string>> claim_keys(PgConnection& conn,
                                                            std::vector<std::string> keys,
                                                            int64_t now_us);

// The rows of `rows`' claimed parts, and their counts merged into `merged`:
// a round whose parts were all claimed adds its summary; the claimed parts
// of any other round are counted again from their text. A key in several
// parts counts for the first only. `claimed_parts` says how many were kept.
RowBatch claimed_rows(const RowBatch& rows, absl::flat_hash_set<std::string> claimed,
                      aggregate::Summary& merged, size_t& claimed_parts);

// Every part claimed: the rounds' summaries, each once, into `merged`.
void merge_round_summaries(const RowBatch& rows, aggregate::Summary& merged);

// Counts `parts`' lines again from their text into `into` (the rules of
// parse/line_loop.h, as the workers count them).
void recount(const std::vector<const ClaimPart*>& parts, aggregate::Summary& into);

// Stores `summary` as one part written by `node`.
absl::Status insert_summary_part(PgConnection& conn, const std::string& node,
                                 const aggregate::Summary& summary, int64_t now_us);

}  // namespace logstreamer::sinks
