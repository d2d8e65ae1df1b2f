#pragma once
// Message templates: the message with its variable parts masked, so that
// "User 42 logged in" and "User 7 logged in" count as one message.
//
// Tokens are runs of letters, digits, . - + % _ and non-ASCII bytes; every
// other byte (blanks and punctuation such as = : , / ( ) [ ] " @ # &) is a
// delimiter and stays. A token that contains a digit is replaced:
//   - a number, optionally signed, with . inside, and an optional unit of up
//     to 3 letters or a %, becomes "<n>" followed by the unit:
//       "42" -> "<n>", "1.5s" -> "<n>s", "250ms" -> "<n>ms", "-3" -> "<n>";
//   - anything else with a digit (hex ids, UUIDs, "req-8f3a") becomes "<id>".
//   "User 12345 logged in"          -> "User <n> logged in"
//   "order=ab12cd shipped in 1.5s"  -> "order=<id> shipped in <n>s"
// Only the first kMaxTemplateInput bytes of a message are looked at.
//
// This runs once per line, so it is written for speed: the message is
// classified 64 bytes at a time into bit masks (one AVX-512 compare per class,
// or four SSE2 ones; simd/simd_level.h picks at run time), and the tokens to
// mask are found with bit operations rather than byte loops, which removes
// most branch mispredictions (docs/PERFORMANCE.md).
#include <string_view>

#include "simd/simd_level.h"

namespace logstreamer::aggregate {

inline constexpr size_t kMaxTemplateInput = 200;
// Worst case: every 1-byte token becomes 4 bytes ("<id>"), plus 64 bytes of
// slack for whole-block copies.
inline constexpr size_t kMaxTemplateBytes = 4 * kMaxTemplateInput + 64;

// Returns the template of `message`. When the message has no digit the result
// is the message itself (no copy); otherwise it is written into `scratch`,
// which must hold kMaxTemplateBytes. The result is valid while both are.
//
// `readable_end`, if given, promises that bytes from the message up to that
// address may be read (not used: they are typically the next lines of the
// same batch). With 64 such bytes past the message it is loaded in place, in
// fixed 64-byte blocks, without the size-dependent copies whose branches
// otherwise mispredict on every line.
std::string_view mask_message(std::string_view message, char* scratch,
                              const char* readable_end = nullptr);

namespace detail {
// The byte-at-a-time reference implementation (also used for a token longer
// than 64 bytes).
std::string_view mask_message_scalar(std::string_view message, char* scratch);
// mask_message() with the kernel for `level` (which the CPU must support).
std::string_view mask_message_with(simd::Level level, std::string_view message, char* scratch,
                                   const char* readable_end = nullptr);
}  // namespace detail

}  // namespace logstreamer::aggregate
