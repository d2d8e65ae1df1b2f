#pragma once
// The summary as JSON (the `--output` file). Every key is documented in
// README.md ("Summary JSON"); keep the two in step.
#include <string>

#include "sinks/run_report.h"

namespace logstreamer::sinks {

std::string summary_to_json(const RunReport& report);

}  // namespace logstreamer::sinks
