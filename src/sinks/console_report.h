#pragma once
// The human-friendly summary analyze prints on stdout: totals, levels,
// services, formats, activity over time, top messages, malformed samples.
#include <string>

#include "sinks/run_report.h"

namespace logstreamer::sinks {

std::string console_report(const RunReport& report);

}  // namespace logstreamer::sinks
