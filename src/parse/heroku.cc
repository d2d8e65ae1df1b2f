#include "parse/heroku.h"

#include "parse/logfmt.h"
#include "parse/scan.h"
#include "parse/timestamp.h"

namespace logstreamer::parse {
namespace {

// "SOURCE[PROCESS]:" at the start of `text`; on success sets the parts and
// the length of the token (colon included).
bool scan_source(std::string_view text, std::string_view& source, std::string_view& process, size_t& length) {
  const size_t open = text.find('[');
  if (open == 0 || open == std::string_view::npos || open > 32) return false;
  for (size_t i = 0; i < open; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]) | 0x20;
    if (!((c >= 'a' && c <= 'z') || text[i] == '-' || text[i] == '_')) return false;
  }
  const size_t close = text.find("]:", open);
  if (close == std::string_view::npos || close > open + 64) return false;
  source = text.substr(0, open);
  process = text.substr(open + 1, close - open - 1);
  length = close + 2;
  return true;
}

// A leading level in an application's own message: "ERROR ...",
// "[warn] ...", "level=error ..." (the first 40 bytes are looked at).
std::optional<Level> message_level(std::string_view message) {
  size_t pos = 0;
  if (!message.empty() && message[0] == '[') pos = 1;
  const size_t end = message.find_first_of(" ]:", pos);
  if (end != std::string_view::npos && end - pos <= 11) {
    if (auto l = parse_level(message.substr(pos, end - pos))) return l;
  }
  const size_t key = message.substr(0, 40).find("level=");
  if (key != std::string_view::npos) {
    const size_t start = key + 6;
    const size_t stop = find_blank(message, start);
    if (auto l = parse_level(message.substr(start, stop - start))) return l;
  }
  return std::nullopt;
}

std::string_view field_value(std::string_view text, std::string_view wanted) {
  LogfmtScanner scan(text);
  std::string_view key, value;
  while (scan.next(key, value)) {
    if (key == wanted) return value;
  }
  return {};
}

}  // namespace

ParseError apply_heroku(std::string_view source, std::string_view process, std::string_view message,
                        LogRecord& out) {
  out.http = HttpFields{};
  const size_t dot = process.find('.');
  out.service = process.substr(0, dot);
  out.message = message;
  if (source == "heroku" && process == "router") {
    out.level = Level::kInfo;
    const ParseError err = apply_logfmt_fields(message, /*heroku_router=*/true, out);
    if (err != ParseError::kOk) return err;
    const std::string_view desc = field_value(message, "desc");
    if (!desc.empty()) {
      out.message = desc;
    } else if (out.http.present) {
      out.message = out.http.path;  // the method is counted in the HTTP section
    }
    if (!out.http.error_code.empty() && out.level < Level::kError) out.level = Level::kError;
    return ParseError::kOk;
  }
  if (dot != std::string_view::npos && source == "app") out.http.dyno = process;
  out.level = message_level(message).value_or(Level::kInfo);
  return ParseError::kOk;
}

bool looks_heroku(std::string_view line) {
  // A timestamp token, then SOURCE[...]:
  const size_t sp = find_blank(line, 0);
  if (sp < 10 || sp >= line.size() || line[4] != '-') return false;
  std::string_view source, process;
  size_t length;
  return scan_source(line.substr(sp + 1), source, process, length);
}

ParseError parse_heroku(std::string_view line, LogRecord& out) {
  out.format = Format::kHeroku;
  ParsedTime t;
  if (!scan_timestamp(line, t)) return ParseError::kBadTimestamp;
  out.has_time = true;
  out.unix_us = t.unix_us;
  size_t pos = skip_blanks(line, t.length);
  std::string_view source, process;
  size_t length;
  if (!scan_source(line.substr(pos), source, process, length)) return ParseError::kMissingService;
  pos = skip_blanks(line, pos + length);
  return apply_heroku(source, process, trim_right(line.substr(pos)), out);
}

}  // namespace logstreamer::parse
