#pragma once
// What each fuzz target does with one input, shared by the libFuzzer entry
// points (parser_fuzzer.cc, `make fuzz`) and the corpus replay test that runs
// in every `make test` (corpus_replay_test.cc).
//
// Targets: one per format (forced), "auto" (detection), and "template"
// (message masking: the bit-mask path must equal the scalar reference).
// Invariants checked beyond "no crash, no sanitizer report": every view a
// parser returns lies inside the line (JSON strings may also live in the JSON
// parser's own buffer; access logs name their service "http"), and the
// bit-mask template equals the scalar reference.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "aggregate/message_template.h"
#include "parse/line_parser.h"
#include "server/inputs/logplex_frames.h"

namespace logstreamer::fuzz {

inline void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz invariant failed: %s\n", what);
    std::abort();
  }
}

inline bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

inline void run_parser(std::optional<parse::Format> format, std::string_view line) {
  if (line.empty() || line.find('\n') != std::string_view::npos) return;  // one line, as the worker gives it
  static parse::LineParser* parsers[parse::kFormatCount + 1] = {};
  const size_t slot = format ? static_cast<size_t>(*format) : parse::kFormatCount;
  if (parsers[slot] == nullptr) parsers[slot] = new parse::LineParser(format);
  parse::LogRecord rec;
  if (parsers[slot]->parse(line, rec) != parse::ParseError::kOk) return;
  if (rec.format == parse::Format::kJson) return;  // its strings may be unescaped copies
  // Access logs without a virtual host name their service "http", a constant.
  check(inside(rec.service, line) || rec.service == "http", "service inside the line");
  check(inside(rec.message, line), "message inside the line");
  check(inside(rec.http.method, line), "method inside the line");
  check(inside(rec.http.path, line), "path inside the line");
  check(inside(rec.http.dyno, line), "dyno inside the line");
  check(!rec.http.has_duration || rec.http.duration_ms >= 0, "duration not negative");
}

inline void run_template(std::string_view message) {
  static std::unique_ptr<char[]> a(new char[aggregate::kMaxTemplateBytes]);
  static std::unique_ptr<char[]> b(new char[aggregate::kMaxTemplateBytes]);
  const std::string fast(aggregate::mask_message(message, a.get()));
  const std::string ref(aggregate::detail::mask_message_scalar(message, b.get()));
  check(fast == ref, "bit-mask template equals the scalar reference");
  check(fast.size() <= aggregate::kMaxTemplateBytes, "template fits its buffer");
}

// A logplex body: the split yields exactly one line per frame, never more
// bytes than it was given (plus newlines), and each line parses cleanly or not.
inline void run_logplex(std::string_view body) {
  std::string lines;
  const server::LogplexSplit s = server::split_logplex(body, lines);
  size_t newlines = 0;
  for (char c : lines) newlines += c == '\n' ? 1 : 0;
  check(newlines == s.frames, "one line per frame");
  check(lines.size() <= body.size() + s.frames, "no bytes invented");
  check(s.malformed <= 1 && (s.malformed == 0) == s.error.empty(), "malformed tail reported with a reason");
  std::string_view rest = lines;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    run_parser(std::nullopt, rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
}

// `target`: a format name, "auto", "template" or "logplex". Returns false for an unknown name.
inline bool run(std::string_view target, std::string_view input) {
  if (target == "logplex") {
    run_logplex(input);
    return true;
  }
  if (target == "template") {
    run_template(input);
    return true;
  }
  if (target == "auto") {
    run_parser(std::nullopt, input);
    return true;
  }
  const auto format = parse::format_from_name(target);
  if (!format) return false;
  run_parser(format, input);
  return true;
}

}  // namespace logstreamer::fuzz
