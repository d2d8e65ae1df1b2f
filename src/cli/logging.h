#pragma once
// The tool's own structured logs (start, end, errors) on stderr via spdlog.
// Messages are "event key=value ..." so they grep and parse easily.
#include <string>

namespace logstreamer::cli {

// Valid levels: trace, debug, info, warn, error, off. Returns false for others.
bool setup_logging(const std::string& level);

}  // namespace logstreamer::cli
