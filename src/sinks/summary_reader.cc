#include "sinks/summary_reader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <sys/stat.h>

#include <fmt/format.h>
#include <simdjson.h>

#include "parse/timestamp.h"

namespace logstreamer::sinks {
namespace {

namespace dom = simdjson::dom;
using aggregate::Summary;

// For keys that may be absent (older files, runs without them): keeps `out`
// unchanged when the key is missing or of another type.
template <typename T>
void read_optional(simdjson::simdjson_result<dom::element> e, T& out) {
  T value;
  if (e.get(value) == simdjson::SUCCESS) out = value;
}

// Each read below fails the whole load on a type error, with the key's name.
class Reader {
 public:
  explicit Reader(std::string* error) : error_(error) {}

  template <typename T>
  bool get(dom::element e, std::string_view key, T& out) {
    if (e[key].get(out) != simdjson::SUCCESS) return fail(key);
    return true;
  }
  bool fail(std::string_view key) {
    if (error_->empty()) *error_ = "bad or missing \"" + std::string(key) + "\"";
    return false;
  }

 private:
  std::string* error_;
};

bool read_time(dom::element root, std::string_view key, int64_t& out, bool& present) {
  dom::element v = root[key];
  present = false;
  if (v.is_null()) return true;
  std::string_view s;
  if (v.get(s) != simdjson::SUCCESS) return false;
  parse::ParsedTime t;
  if (!parse::scan_timestamp(s, t)) return false;
  out = t.unix_us;
  present = true;
  return true;
}

// Calls f(name, count) for each [name, count] of an array (merge_state).
template <typename F>
void for_each_pair(simdjson::simdjson_result<dom::element> e, F&& f) {
  dom::array arr;
  if (e.get(arr) != simdjson::SUCCESS) return;
  for (dom::element pair : arr) {
    std::string_view name;
    uint64_t n = 0;
    if (pair.at(0).get(name) == simdjson::SUCCESS && pair.at(1).get(n) == simdjson::SUCCESS)
      f(name, n);
  }
}

void read_http(dom::element h, dom::element merge_state, aggregate::HttpSummary& http) {
  read_optional(h["requests"], http.requests);
  read_optional(h["bytes"], http.bytes);
  static constexpr std::string_view kClasses[] = {"unknown", "1xx", "2xx", "3xx", "4xx", "5xx"};
  for (size_t i = 0; i < 6; ++i)
    read_optional(h["status_classes"][kClasses[i]], http.status_classes[i]);
  dom::object obj;
  if (h["status_codes"].get(obj) == simdjson::SUCCESS) {
    for (auto [k, v] : obj) {
      const int code = std::atoi(std::string(k).c_str());
      uint64_t n = 0;
      if (code > 0 && code < 1000 && v.get(n) == simdjson::SUCCESS)
        http.status_codes[static_cast<size_t>(code)] += n;
    }
  }
  const auto counter = [](dom::element e, aggregate::CappedCounter& c) {
    dom::object o;
    if (e.get(o) != simdjson::SUCCESS) return;
    for (auto [k, v] : o) {
      uint64_t n = 0;
      if (v.get(n) == simdjson::SUCCESS) c.add(k, n);
    }
  };
  counter(h["methods"], http.methods);
  counter(h["error_codes"], http.error_codes);
  for_each_pair(merge_state["http_paths"],
                [&](std::string_view path, uint64_t n) { http.paths.add(path, n); });
  uint64_t overflow = 0;
  if (h["paths_overflow"].get(overflow) == simdjson::SUCCESS) http.paths.add_overflow(overflow);
  read_optional(h["dynos_overflow"], http.dynos_overflow);
  http.response_ms = read_sketch_json(h["response_time_ms"]["sketch"]);
  if (h["per_dyno"].get(obj) == simdjson::SUCCESS) {
    for (auto [name, d] : obj) {
      aggregate::DynoStats stats;
      read_optional(d["requests"], stats.requests);
      read_optional(d["errors"], stats.errors);
      stats.response_ms = read_sketch_json(d["sketch"]);
      http.dynos.emplace(std::string(name), std::move(stats));
    }
  }
}

absl::StatusOr<LoadedSummary> load_summary(dom::element root, uint32_t first_source_id);

}  // namespace

aggregate::LatencySketch read_sketch_json(dom::element sketch) {
  std::vector<std::pair<int32_t, uint64_t>> bins;
  dom::array arr;
  if (sketch["bins"].get(arr) == simdjson::SUCCESS) {
    for (dom::element bin : arr) {
      int64_t index = 0;
      uint64_t n = 0;
      if (bin.at(0).get(index) == simdjson::SUCCESS && bin.at(1).get(n) == simdjson::SUCCESS) {
        bins.emplace_back(static_cast<int32_t>(index), n);
      }
    }
  }
  uint64_t zero = 0;
  double sum = 0, max = 0;
  read_optional(sketch["zero"], zero);
  read_optional(sketch["sum"], sum);
  read_optional(sketch["max"], max);
  return aggregate::LatencySketch::from_parts(zero, bins, sum, max);
}

absl::StatusOr<LoadedSummary> read_summary_json(const std::string& path, uint32_t first_source_id) {
  dom::parser parser;
  dom::element root;
  if (auto e = parser.load(path).get(root)) {
    // simdjson's own words are "Error reading the file." and "Problem while
    // parsing a number": say which file problem, or that it is not JSON.
    if (e == simdjson::IO_ERROR) {
      struct stat st {};
      if (stat(path.c_str(), &st) != 0) return absl::NotFoundError(std::strerror(errno));
      if (S_ISDIR(st.st_mode)) return absl::InvalidArgumentError("is a directory");
      std::FILE* f = std::fopen(path.c_str(), "rb");
      if (f == nullptr) return absl::PermissionDeniedError(std::strerror(errno));
      std::fclose(f);
      return absl::DataLossError("read error");
    }
    return absl::InvalidArgumentError(
        fmt::format("not a summary written by 'logstreamer analyze --output' (not valid JSON: {})",
                    simdjson::error_message(e)));
  }
  return load_summary(root, first_source_id);
}

absl::StatusOr<LoadedSummary> read_summary_json_text(std::string_view json,
                                                     uint32_t first_source_id) {
  thread_local dom::parser parser;
  dom::element root;
  if (auto e = parser.parse(json.data(), json.size()).get(root)) {
    return absl::InvalidArgumentError(
        fmt::format("not a summary (not valid JSON: {})", simdjson::error_message(e)));
  }
  return load_summary(root, first_source_id);
}

namespace {

absl::StatusOr<LoadedSummary> load_summary(dom::element root, uint32_t first_source_id) {
  std::string error;
  Reader r(&error);
  int64_t version = 0;
  if (!r.get(root, "version", version))
    return absl::InvalidArgumentError("not a logstreamer summary: " + error);
  if (version != 1)
    return absl::InvalidArgumentError("unsupported summary version " + std::to_string(version));

  LoadedSummary loaded;
  Summary& s = loaded.summary;
  bool ok = r.get(root, "parsed", s.parsed) && r.get(root, "malformed", s.malformed);
  for (size_t i = 0; ok && i < parse::kLevelCount; ++i)
    ok = r.get(root["levels"], parse::kLevelNames[i], s.levels[i]);
  for (size_t i = 0; ok && i < parse::kFormatCount; ++i) {
    uint64_t n = 0;
    if (root["formats"][parse::kFormatNames[i]].get(n) == simdjson::SUCCESS) s.formats[i] = n;
  }
  if (!ok) return absl::InvalidArgumentError(error);
  for (size_t i = 1; i < parse::kParseErrorReasons.size(); ++i) {
    uint64_t n = 0;
    if (root["malformed_by_reason"][parse::kParseErrorReasons[i]].get(n) == simdjson::SUCCESS) {
      s.malformed_by_reason[i] = n;
    }
  }
  dom::object services;
  if (!r.get(root, "services", services)) return absl::InvalidArgumentError(error);
  for (auto [name, v] : services) {
    uint64_t n = 0;
    if (v.get(n) == simdjson::SUCCESS) s.services.add(name, n);
  }
  uint64_t overflow = 0;
  if (root["services_overflow"].get(overflow) == simdjson::SUCCESS)
    s.services.add_overflow(overflow);

  bool has_first = false, has_last = false;
  int64_t first_us = 0, last_us = 0;
  if (!read_time(root, "first_timestamp", first_us, has_first) ||
      !read_time(root, "last_timestamp", last_us, has_last)) {
    return absl::InvalidArgumentError("bad first_timestamp/last_timestamp");
  }
  if (has_first && has_last) {
    s.first_us = first_us;
    s.last_us = last_us;
  }
  dom::array minutes;
  if (!r.get(root, "per_minute", minutes)) return absl::InvalidArgumentError(error);
  for (dom::element m : minutes) {
    std::string_view when;
    aggregate::MinuteCounts counts;
    parse::ParsedTime t;
    if (m["minute"].get(when) != simdjson::SUCCESS || !parse::scan_timestamp(when, t) ||
        m["count"].get(counts.total) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError("bad per_minute entry");
    }
    for (size_t i = 0; i < parse::kLevelCount; ++i)
      read_optional(m["levels"][parse::kLevelNames[i]], counts.levels[i]);
    s.per_minute.add_counts(t.unix_us / 1'000'000, counts);
  }
  if (root["per_minute_overflow"].get(overflow) == simdjson::SUCCESS)
    s.per_minute.add_overflow(overflow);

  dom::element merge_state = root["merge_state"];
  if (!merge_state["templates"].is_array()) {
    return absl::InvalidArgumentError("no merge_state: written by an older logstreamer?");
  }
  for_each_pair(merge_state["templates"],
                [&](std::string_view t, uint64_t n) { s.top_messages.add_template(t, n); });
  uint64_t pruned = 0;
  if (merge_state["templates_pruned"].get(pruned) == simdjson::SUCCESS)
    s.top_messages.add_pruned(pruned);

  dom::array inputs;
  if (root["inputs"].get(inputs) == simdjson::SUCCESS) {
    for (dom::element in : inputs) {
      std::string_view name;
      if (in.get(name) == simdjson::SUCCESS) loaded.inputs.emplace_back(name);
    }
  }
  dom::array errors;
  if (root["errors"].get(errors) == simdjson::SUCCESS) {
    for (dom::element e : errors) {
      std::string_view input, reason;
      read_optional(e["input"], input);
      read_optional(e["reason"], reason);
      loaded.errors.push_back({std::string(input), std::string(reason)});
    }
  }
  dom::array samples;
  if (root["malformed_samples"].get(samples) == simdjson::SUCCESS) {
    for (dom::element e : samples) {
      aggregate::MalformedSample sample;
      std::string_view file, reason, text;
      read_optional(e["file"], file);
      read_optional(e["line"], sample.line);
      read_optional(e["reason"], reason);
      read_optional(e["text"], text);
      sample.file = file;
      sample.reason = reason;
      sample.text = text;
      // Order across files: by the file's place in the merged inputs, then line.
      uint32_t index = 0;
      for (uint32_t i = 0; i < loaded.inputs.size(); ++i) {
        if (loaded.inputs[i] == sample.file) index = i;
      }
      sample.position = aggregate::LinePosition{first_source_id + index, 0, sample.line};
      s.samples.add(std::move(sample));
    }
  }
  dom::element http;
  if (root["http"].get(http) == simdjson::SUCCESS) {
    s.http = std::make_unique<aggregate::HttpSummary>();
    read_http(http, merge_state, *s.http);
  }
  read_optional(root["elapsed_seconds"], loaded.elapsed_seconds);
  read_optional(root["bytes"], loaded.bytes);
  read_optional(root["interrupted"], loaded.interrupted);
  return loaded;
}

}  // namespace

}  // namespace logstreamer::sinks
