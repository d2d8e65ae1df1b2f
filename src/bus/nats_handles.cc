#include "bus/nats_handles.h"

#include <fmt/format.h>

namespace logstreamer::bus {

absl::Status nats_status(natsStatus s, std::string_view what, jsErrCode js_code) {
  if (s == NATS_OK) return absl::OkStatus();
  natsStatus last = NATS_OK;
  const char* detail = nats_GetLastError(&last);
  std::string msg = fmt::format("{}: {}", what, natsStatus_GetText(s));
  // The library's detail often repeats the status text after a source location.
  if (detail != nullptr && *detail != '\0' &&
      std::string_view(detail).find(natsStatus_GetText(s)) == std::string_view::npos) {
    msg += fmt::format(" ({})", detail);
  }
  if (js_code != 0) msg += fmt::format(" [JetStream error {}]", static_cast<int>(js_code));
  // JetStream between leaders (a server restarting, an election): try again.
  if (js_code == JSClusterNotAvailErr || js_code == JSClusterNotLeaderErr)
    return absl::UnavailableError(msg);
  switch (s) {
    case NATS_TIMEOUT:
    case NATS_NO_SERVER:
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_NO_RESPONDERS:
      return absl::UnavailableError(msg);
    case NATS_NOT_FOUND:
      return absl::NotFoundError(msg);
    default:
      return absl::InternalError(msg);
  }
}

}  // namespace logstreamer::bus
