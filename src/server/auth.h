#pragma once
// Who may write (POST /logdrains, /ingest) and who may read (/api/*, /metrics).
//
// Writers: drain URLs carry basic auth ("https://user:pass@host/logdrains"),
// other clients send "Authorization: Bearer TOKEN". With neither --auth nor
// --token configured, writing is open (serve warns at start-up unless it
// listens on loopback). An allow-list of Logplex drain tokens, when given,
// also requires the Logplex-Drain-Token header to be on it.
// Readers: with --api-key configured, "Authorization: Bearer KEY",
// "X-API-Key: KEY" or "?api_key=KEY" (EventSource cannot set headers).
//
// Every secret comparison is constant-time in the secret's content.
#include <string>
#include <string_view>
#include <vector>

namespace logstreamer::server {

struct Credentials {
  std::vector<std::string> users;   // "user:pass"
  std::vector<std::string> tokens;  // bearer tokens for writers
  std::vector<std::string> drain_tokens;  // allowed Logplex-Drain-Token values; empty: any
  std::vector<std::string> api_keys;      // readers; empty: open
};

enum class AuthResult { kAllowed, kMissing, kWrong };

// Equal length and content, in time that depends only on the lengths.
bool constant_time_equal(std::string_view a, std::string_view b);
// Standard base64 (RFC 4648 with padding); false on invalid input.
bool base64_decode(std::string_view in, std::string& out);

class Authenticator {
 public:
  explicit Authenticator(Credentials creds) : creds_(std::move(creds)) {}

  bool write_open() const { return creds_.users.empty() && creds_.tokens.empty(); }
  bool read_open() const { return creds_.api_keys.empty(); }

  // `authorization`: the Authorization header.
  AuthResult check_writer(std::string_view authorization) const;
  // For /logdrains: the Logplex-Drain-Token header is on the allow-list (or there is none).
  bool drain_token_allowed(std::string_view drain_token) const {
    return creds_.drain_tokens.empty() || any_equal(creds_.drain_tokens, drain_token);
  }
  // The API key presented (for the rate limit) goes to `key`.
  AuthResult check_reader(std::string_view authorization, std::string_view x_api_key, std::string_view query_key,
                          std::string& key) const;

 private:
  static bool any_equal(const std::vector<std::string>& list, std::string_view v);
  Credentials creds_;
};

}  // namespace logstreamer::server
