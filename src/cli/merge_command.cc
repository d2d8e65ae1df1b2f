#include "cli/merge_command.h"
#include "cli/flag_values.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "sinks/console_report.h"
#include "sinks/summary_json.h"
#include "sinks/summary_reader.h"

namespace logstreamer::cli {

CLI::App* add_merge_command(CLI::App& app, MergeOptions& o) {
  CLI::App* cmd = app.add_subcommand("merge", "Merge saved summaries (analyze -o) into one, exactly");
  cmd->add_option("files", o.files, "Summary JSON files")->required();
  cmd->add_option("-o,--output", o.output, "Write the merged summary JSON here ('-': stdout)");
  cmd->add_option("--top", o.top, "Rows in the top tables")
      ->capture_default_str()
      ->check(in_range(1, 10000));
  cmd->add_flag("-q,--quiet", o.quiet, "No console summary");
  return cmd;
}

int run_merge(const MergeOptions& o) {
  aggregate::Summary merged;
  sinks::RunReport report;
  report.summary = &merged;
  report.top_n = o.top;
  report.command =
      fmt::format("merge of {} {}", o.files.size(), o.files.size() == 1 ? "summary" : "summaries");
  for (const auto& path : o.files) {
    auto loaded = sinks::read_summary_json(path, static_cast<uint32_t>(report.inputs.size()));
    if (!loaded.ok()) {
      fmt::print(stderr, "logstreamer: cannot read {}: {}\n", path, std::string(loaded.status().message()));
      return 2;
    }
    merged.merge(loaded->summary);
    report.inputs.insert(report.inputs.end(), loaded->inputs.begin(), loaded->inputs.end());
    report.elapsed_seconds += loaded->elapsed_seconds;  // summed: the work the inputs took
    report.bytes_read += loaded->bytes;
    report.interrupted = report.interrupted || loaded->interrupted;
    report.errors.insert(report.errors.end(), loaded->errors.begin(), loaded->errors.end());
  }
  if (!o.quiet && o.output != "-") std::fputs(sinks::console_report(report).c_str(), stdout);
  if (!o.output.empty()) {
    std::FILE* out = o.output == "-" ? stdout : std::fopen(o.output.c_str(), "w");
    const std::string json = sinks::summary_to_json(report);
    if (out == nullptr || std::fwrite(json.data(), 1, json.size(), out) != json.size() ||
        (out != stdout ? std::fclose(out) : std::fflush(out)) != 0) {
      fmt::print(stderr, "logstreamer: cannot write {}: {}\n", o.output, std::strerror(errno));
      return 2;
    }
  }
  return 0;
}

}  // namespace logstreamer::cli
