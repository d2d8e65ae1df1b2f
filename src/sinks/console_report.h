#pragma once
// The human-friendly summary analyze prints on stdout: totals, levels,
// services, formats, activity over time, top messages, malformed samples.
#include <string>

#include "sinks/run_report.h"

namespace logstreamer::sinks {

std::string console_report(const RunReport& report);

// "12,345,678"
std::string with_commas(uint64_t n);
// "1.23 GB", "512 KB"
std::string human_bytes(double bytes);
// "14.2M", "980k", "512"
std::string human_count(double n);

}  // namespace logstreamer::sinks
