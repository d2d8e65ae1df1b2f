#include "cli/serve_config.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <functional>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace logstreamer::cli {
namespace {

using Ms = std::chrono::milliseconds;

struct Setting {
  const char* key;   // TOML key; flag --key with '-' for '_'; env LOGSTREAMER_KEY
  const char* help;
  bool list = false;  // repeatable: values accumulate within one source
  // Applies one value; returns an error text ("" when fine).
  std::function<std::string(ServeConfig&, const std::string&)> apply;
  std::function<std::string(const ServeConfig&)> show;  // the default, for --help
};

std::string parse_u(const std::string& v, size_t& out, size_t min = 0) {
  size_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < min) {
    return fmt::format("expected an integer >= {}, got '{}'", min, v);
  }
  out = n;
  return "";
}

std::string parse_d(const std::string& v, double& out, double min, double max) {
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size() || !(d >= min && d <= max)) {
    return fmt::format("expected a number in [{}, {}], got '{}'", min, max, v);
  }
  out = d;
  return "";
}

std::string show_ms(Ms ms) {
  const auto n = ms.count();
  if (n % 86400000 == 0 && n > 0) return fmt::format("{}d", n / 86400000);
  if (n % 3600000 == 0 && n > 0) return fmt::format("{}h", n / 3600000);
  if (n % 60000 == 0 && n > 0) return fmt::format("{}m", n / 60000);
  if (n % 1000 == 0) return fmt::format("{}s", n / 1000);
  return fmt::format("{}ms", n);
}

Setting size_setting(const char* key, const char* help, size_t ServeConfig::*m, size_t min = 0) {
  return {key, help, false, [m, min](ServeConfig& c, const std::string& v) { return parse_u(v, c.*m, min); },
          [m](const ServeConfig& c) { return fmt::format("{}", c.*m); }};
}
Setting bytes_setting(const char* key, const char* help, size_t ServeConfig::*m) {
  return {key, help, false,
          [m](ServeConfig& c, const std::string& v) {
            return parse_size(v, c.*m) && c.*m > 0 ? std::string{}
                                                   : fmt::format("expected a size like 8MiB or 65536, got '{}'", v);
          },
          [m](const ServeConfig& c) { return fmt::format("{}", c.*m); }};
}
Setting ms_setting(const char* key, const char* help, Ms ServeConfig::*m) {
  return {key, help, false,
          [m](ServeConfig& c, const std::string& v) {
            return parse_duration(v, c.*m) ? std::string{}
                                           : fmt::format("expected a duration like 500ms, 30s, 5m, 7d, got '{}'", v);
          },
          [m](const ServeConfig& c) { return show_ms(c.*m); }};
}
Setting double_setting(const char* key, const char* help, double ServeConfig::*m, double min, double max) {
  return {key, help, false, [m, min, max](ServeConfig& c, const std::string& v) { return parse_d(v, c.*m, min, max); },
          [m](const ServeConfig& c) { return fmt::format("{}", c.*m); }};
}
Setting string_setting(const char* key, const char* help, std::string ServeConfig::*m) {
  return {key, help, false,
          [m](ServeConfig& c, const std::string& v) {
            c.*m = v;
            return std::string{};
          },
          [m](const ServeConfig& c) { return c.*m; }};
}
Setting list_setting(const char* key, const char* help, std::vector<std::string> ServeConfig::*m,
                     bool needs_colon = false) {
  return {key, help, true,
          [m, needs_colon](ServeConfig& c, const std::string& v) {
            if (v.empty()) return std::string("expected a non-empty value");
            if (needs_colon && v.find(':') == std::string::npos) return fmt::format("expected user:password");
            (c.*m).push_back(v);
            return std::string{};
          },
          [](const ServeConfig&) { return std::string{}; }};
}

const std::vector<Setting>& settings() {
  static const std::vector<Setting> table = {
      {"listen", "Address to listen on, IP:PORT (port 0: any free port)", false,
       [](ServeConfig& c, const std::string& v) {
         const size_t colon = v.rfind(':');
         size_t port = 0;
         if (colon == std::string::npos || colon == 0 || !parse_u(v.substr(colon + 1), port).empty() || port > 65535) {
           return fmt::format("expected IP:PORT, got '{}'", v);
         }
         c.listen = v;
         return std::string{};
       },
       [](const ServeConfig& c) { return c.listen; }},
      string_setting("tls_cert", "TLS certificate chain (PEM); with tls_key, serve HTTPS",
                     &ServeConfig::tls_cert),
      string_setting("tls_key", "TLS private key (PEM)", &ServeConfig::tls_key),
      size_setting("io_threads", "HTTP I/O threads (0: one per core)", &ServeConfig::io_threads),
      bytes_setting("max_body", "Largest request body, also after gzip inflation (413 above)",
                    &ServeConfig::max_body),
      bytes_setting("max_header", "Largest request header block (431 above)",
                    &ServeConfig::max_header),
      ms_setting("read_timeout", "Time allowed to send a request body (408 after)",
                 &ServeConfig::read_timeout),
      ms_setting("idle_timeout", "Keep-alive idle time, and time to send headers",
                 &ServeConfig::idle_timeout),
      size_setting("max_connections",
                   "Open connections at most; at the cap a new one closes the oldest idle one (503 "
                   "if none is idle)",
                   &ServeConfig::max_connections, 1),
      size_setting("max_connections_per_client",
                   "Open connections per client address (0: no cap); behind a proxy, raise it to "
                   "max_connections",
                   &ServeConfig::max_connections_per_client),
      size_setting("min_workers", "Parse workers at least", &ServeConfig::min_workers, 1),
      size_setting("max_workers", "Parse workers at most, autoscaled by queue use (0: the cores)",
                   &ServeConfig::max_workers),
      size_setting("queue_lines", "Ingest queue capacity, in lines", &ServeConfig::queue_lines, 1),
      bytes_setting("queue_bytes",
                    "Ingest queue capacity, in bytes of text (429 above, whatever the policy)",
                    &ServeConfig::queue_bytes),
      {"policy", "When the queue is full: reject (429), block, drop_newest, drop_oldest", false,
       [](ServeConfig& c, const std::string& v) {
         auto p = core::policy_from_name(v);
         if (!p)
           return fmt::format("expected reject, block, drop_newest or drop_oldest, got '{}'", v);
         c.policy = *p;
         return std::string{};
       },
       [](const ServeConfig& c) { return std::string(core::policy_name(c.policy)); }},
      list_setting("auth", "Basic-auth user:password allowed to post (repeatable)",
                   &ServeConfig::auth, true),
      list_setting("token", "Bearer token allowed to post (repeatable)", &ServeConfig::token),
      list_setting("drain_token", "Allowed Logplex-Drain-Token values (repeatable; none: any)",
                   &ServeConfig::drain_token),
      list_setting("api_key", "API key for /api/* and /metrics (repeatable; none: open)",
                   &ServeConfig::api_key),
      double_setting("api_rate_limit", "Read requests per second per API key (0: unlimited)",
                     &ServeConfig::api_rate_limit, 0, 1e9),
      string_setting("db",
                     "SQLite database file, or a PostgreSQL URL postgres://user:pass@host:port/db"
                     "[?sslmode=require] (also from DATABASE_URL); 'none': no storage",
                     &ServeConfig::db),
      size_setting("db_batch_rows", "Rows per database transaction at most",
                   &ServeConfig::db_batch_rows, 1),
      ms_setting("db_batch_timeout", "A transaction commits at least this often",
                 &ServeConfig::db_batch_timeout),
      ms_setting("snapshot_interval", "Metric snapshots to the database this often",
                 &ServeConfig::snapshot_interval),
      ms_setting("retention", "Stored rows older than this are deleted (0: keep)",
                 &ServeConfig::retention),
      {"ack",
       "When writes are answered: commit (once stored; the default with a database) or queued "
       "(once queued in memory; the only mode with --db none)",
       false,
       [](ServeConfig& c, const std::string& v) {
         if (v != "commit" && v != "queued")
           return fmt::format("expected commit or queued, got '{}'", v);
         c.ack = v;
         return std::string{};
       },
       [](const ServeConfig& c) {
         return c.ack.empty() ? std::string("commit with --db, else queued") : c.ack;
       }},
      ms_setting("ack_timeout",
                 "With --ack commit: 503 (Retry-After) when not committed within this",
                 &ServeConfig::ack_timeout),
      ms_setting("dedupe_window",
                 "Committed Logplex-Frame-Id / Idempotency-Key values are remembered this long",
                 &ServeConfig::dedupe_window),
      double_setting("alert_error_rate_warning", "Error-rate warning threshold (ratio)",
                     &ServeConfig::alert_error_rate_warning, 0, 1),
      double_setting("alert_error_rate_critical", "Error-rate critical threshold (ratio)",
                     &ServeConfig::alert_error_rate_critical, 0, 1),
      ms_setting("alert_p95_warning", "P95 response-time warning threshold",
                 &ServeConfig::alert_p95_warning),
      ms_setting("alert_p95_critical", "P95 response-time critical threshold",
                 &ServeConfig::alert_p95_critical),
      ms_setting("alert_window", "Alerts look at this much recent traffic",
                 &ServeConfig::alert_window),
      size_setting("alert_min_requests", "Requests needed in the window before alerting",
                   &ServeConfig::alert_min_requests, 1),
      ms_setting("slow_request", "A request slower than this counts as slow",
                 &ServeConfig::slow_request),
      double_setting("high_water", "/readyz fails above this queue usage (0-1)",
                     &ServeConfig::high_water, 0, 1),
      size_setting("dedupe_ids", "Logplex frame ids remembered for retries",
                   &ServeConfig::dedupe_ids, 1),
      ms_setting("shutdown_timeout", "Time allowed for a graceful stop",
                 &ServeConfig::shutdown_timeout),
      string_setting("ready_file", "Write the bound address here once listening",
                     &ServeConfig::ready_file),
      {"bus",
       "NATS servers of a JetStream cluster, nats://host:port (repeatable, or comma-separated): "
       "run as a node of a cluster (docs/SCALING.md); none: a single process",
       true,
       [](ServeConfig& c, const std::string& v) {
         std::string_view rest = v;
         while (!rest.empty()) {
           const size_t comma = rest.find(',');
           const std::string url(rest.substr(0, comma));
           rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
           if (url.empty()) continue;
           if (url.rfind("nats://", 0) != 0 && url.rfind("tls://", 0) != 0) {
             return fmt::format("expected nats://host:port, got '{}'", url);
           }
           c.bus.push_back(url);
         }
         return std::string{};
       },
       [](const ServeConfig&) { return std::string{}; }},
      {"role", "With --bus: ingest (HTTP to the bus), process (bus to the database) or all (both)",
       false,
       [](ServeConfig& c, const std::string& v) {
         if (v != "ingest" && v != "process" && v != "all")
           return fmt::format("expected ingest, process or all, got '{}'", v);
         c.role = v;
         return std::string{};
       },
       [](const ServeConfig& c) { return c.role; }},
      string_setting("bus_stream", "With --bus: the JetStream stream's name",
                     &ServeConfig::bus_stream),
      size_setting("bus_replicas", "With --bus: the stream's replicas (3 survives one server)",
                   &ServeConfig::bus_replicas, 1),
      ms_setting("bus_max_age", "With --bus: messages older than this leave the stream unprocessed",
                 &ServeConfig::bus_max_age),
      bytes_setting("bus_max_bytes", "With --bus: the stream's size; full, senders get 503",
                    &ServeConfig::bus_max_bytes),
      ms_setting("bus_ack_wait",
                 "With --bus: a message unacknowledged this long goes to another processor",
                 &ServeConfig::bus_ack_wait),
      size_setting("bus_max_ack_pending",
                   "With --bus: messages all processors may hold unacknowledged",
                   &ServeConfig::bus_max_ack_pending, 1),
      string_setting("node", "With --bus: this node's name (default: host name and process id)",
                     &ServeConfig::node),
  };
  return table;
}

std::string flag_of(const char* key) {
  std::string f = std::string("--") + key;
  for (char& c : f) c = c == '_' ? '-' : c;
  return f;
}

std::string env_of(const char* key) {
  std::string e = std::string("LOGSTREAMER_") + key;
  for (char& c : e) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return e;
}

absl::Status apply(ServeConfig& c, const Setting& s, const std::vector<std::string>& values,
                   const std::string& where) {
  for (const auto& v : values) {
    if (const std::string err = s.apply(c, v); !err.empty()) {
      return absl::InvalidArgumentError(fmt::format("{} '{}': {}", where, s.key, err));
    }
  }
  return absl::OkStatus();
}

void clear_list(ServeConfig& c, const std::string& key) {
  if (key == "auth") c.auth.clear();
  if (key == "token") c.token.clear();
  if (key == "drain_token") c.drain_token.clear();
  if (key == "api_key") c.api_key.clear();
  if (key == "bus") c.bus.clear();
}

absl::Status apply_toml(const std::string& path, ServeConfig& c) {
  toml::table tbl;
  try {
    tbl = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(fmt::format("config {}: {} (line {})", path, e.description(),
                                                  e.source().begin.line));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(fmt::format("config {}: {}", path, e.what()));
  }
  for (const auto& [k, node] : tbl) {
    const std::string key(k.str());
    const Setting* s = nullptr;
    for (const auto& x : settings()) {
      if (key == x.key) s = &x;
    }
    if (s == nullptr) return absl::InvalidArgumentError(fmt::format("config {}: unknown key '{}'", path, key));
    std::vector<std::string> values;
    auto scalar = [&](const toml::node& n) -> std::optional<std::string> {
      if (auto v = n.value<std::string>()) return *v;
      if (n.is_integer()) return fmt::format("{}", *n.value<int64_t>());
      if (n.is_floating_point()) return fmt::format("{}", *n.value<double>());
      if (n.is_boolean()) return *n.value<bool>() ? "true" : "false";
      return std::nullopt;
    };
    if (const toml::array* arr = node.as_array()) {
      if (!s->list) return absl::InvalidArgumentError(fmt::format("config key '{}': expected one value, not a list", key));
      for (const auto& el : *arr) {
        auto v = scalar(el);
        if (!v) return absl::InvalidArgumentError(fmt::format("config key '{}': list of strings expected", key));
        values.push_back(*v);
      }
    } else {
      auto v = scalar(node);
      if (!v) return absl::InvalidArgumentError(fmt::format("config key '{}': unsupported value type", key));
      values.push_back(*v);
    }
    if (s->list) clear_list(c, key);  // a source's list replaces an earlier source's
    if (auto st = apply(c, *s, values, "config key"); !st.ok()) return st;
  }
  return absl::OkStatus();
}

}  // namespace

bool parse_size(std::string_view text, size_t& out) {
  double n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || n < 0) return false;
  std::string unit(p, static_cast<size_t>(text.data() + text.size() - p));
  for (char& ch : unit) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  double mult = 0;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "k" || unit == "kb") mult = 1e3;
  else if (unit == "kib") mult = 1024;
  else if (unit == "m" || unit == "mb") mult = 1e6;
  else if (unit == "mib") mult = 1024.0 * 1024;
  else if (unit == "g" || unit == "gb") mult = 1e9;
  else if (unit == "gib") mult = 1024.0 * 1024 * 1024;
  else return false;
  out = static_cast<size_t>(n * mult);
  return true;
}

void add_serve_flags(CLI::App& cmd, ServeFlags& flags) {
  cmd.add_option("--config", flags.config_file, "TOML file with any of the settings below (keys as the flags, '_' for '-')")
      ->check(CLI::ExistingFile);
  static const ServeConfig defaults;
  for (const Setting& s : settings()) {
    std::string help = s.help;
    const std::string def = s.show(defaults);
    if (!def.empty()) help += fmt::format(" [default: {}]", def);
    help += fmt::format(" (env {})", env_of(s.key));
    auto* opt = cmd.add_option(flag_of(s.key), flags.given[s.key], help);
    if (!s.list) opt->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // the last one wins
    opt->type_name(s.list ? "TEXT ..." : "VALUE");
  }
}

namespace {

// --bus and what goes with it: every node shares one PostgreSQL.
absl::Status check_bus(const ServeConfig& c, bool has_db) {
  const bool postgres = c.db.rfind("postgres://", 0) == 0 || c.db.rfind("postgresql://", 0) == 0;
  if (c.bus.empty()) {
    if (c.role != "all")
      return absl::InvalidArgumentError("key 'role': needs --bus (the cluster's NATS servers)");
    return absl::OkStatus();
  }
  if (c.role != "ingest" && !postgres) {
    return absl::InvalidArgumentError(
        "keys 'bus' and 'db': a processor (--role process or all) stores into PostgreSQL shared by "
        "every node: --db postgres://user:pass@host:port/db");
  }
  if (c.role == "ingest" && has_db && !postgres) {
    return absl::InvalidArgumentError(
        "keys 'bus' and 'db': an ingest node reads the cluster's PostgreSQL (--db postgres://...) "
        "or "
        "none (--db none)");
  }
  if (c.ack == "queued") {
    return absl::InvalidArgumentError(
        "keys 'bus' and 'ack': with --bus a request is answered once the bus stored it (ack "
        "commit)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status resolve_serve_config(const ServeFlags& flags, ServeConfig& out) {
  // Platform convention (Heroku and others): PORT names the port, on every
  // interface. Applied first, so a listen address from the file, the
  // environment or a flag still wins.
  if (const char* port = std::getenv("PORT"); port != nullptr && *port != '\0') {
    for (const Setting& s : settings()) {
      if (std::string_view(s.key) != "listen") continue;
      if (auto st = apply(out, s, {fmt::format("0.0.0.0:{}", port)}, "environment PORT, key"); !st.ok()) {
        return st;
      }
    }
  }
  // DATABASE_URL (Heroku and most platforms set it to the app's PostgreSQL):
  // the database unless the file, LOGSTREAMER_DB or --db names another.
  if (const char* url = std::getenv("DATABASE_URL"); url != nullptr && *url != '\0') {
    out.db = url;
  }
  if (!flags.config_file.empty()) {
    if (auto st = apply_toml(flags.config_file, out); !st.ok()) return st;
  }
  for (const Setting& s : settings()) {
    if (const char* env = std::getenv(env_of(s.key).c_str()); env != nullptr) {
      std::vector<std::string> values;
      if (s.list) {
        // Lists from the environment: comma-separated.
        std::string_view rest = env;
        while (!rest.empty()) {
          const size_t comma = rest.find(',');
          values.emplace_back(rest.substr(0, comma));
          rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
        clear_list(out, s.key);
      } else {
        values.emplace_back(env);
      }
      if (auto st = apply(out, s, values, "environment " + env_of(s.key) + ", key"); !st.ok()) return st;
    }
  }
  for (const Setting& s : settings()) {
    auto it = flags.given.find(s.key);
    if (it == flags.given.end() || it->second.empty()) continue;
    if (s.list) clear_list(out, s.key);
    if (auto st = apply(out, s, it->second, "flag " + flag_of(s.key) + ", key"); !st.ok()) return st;
  }
  if (out.tls_cert.empty() != out.tls_key.empty()) {
    return absl::InvalidArgumentError("keys 'tls_cert' and 'tls_key': give both or neither");
  }
  if (out.max_workers != 0 && out.max_workers < out.min_workers) {
    return absl::InvalidArgumentError(fmt::format("key 'max_workers' ({}) is below 'min_workers' ({})",
                                                  out.max_workers, out.min_workers));
  }
  const bool has_db = !out.db.empty() && out.db != "none";
  if (auto st = check_bus(out, has_db); !st.ok()) return st;
  if (out.ack.empty()) out.ack = has_db || !out.bus.empty() ? "commit" : "queued";
  if (out.ack == "commit" && !has_db && out.bus.empty()) {
    return absl::InvalidArgumentError(
        "key 'ack': commit needs a database (--db); with --db none use --ack queued");
  }
  if (out.ack == "commit" &&
      (out.policy == core::FullPolicy::kDropNewest || out.policy == core::FullPolicy::kDropOldest)) {
    // A drop policy acknowledges lines it then throws away: the opposite of
    // answering only once they are stored.
    return absl::InvalidArgumentError(
        "keys 'policy' and 'ack': drop policies do not go with --ack commit (use reject or block, "
        "or --ack queued)");
  }
  if (out.alert_error_rate_critical < out.alert_error_rate_warning) {
    return absl::InvalidArgumentError("key 'alert_error_rate_critical' is below 'alert_error_rate_warning'");
  }
  return absl::OkStatus();
}

}  // namespace logstreamer::cli
