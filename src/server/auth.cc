#include "server/auth.h"

#include <openssl/evp.h>

namespace logstreamer::server {
namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    const char a = static_cast<char>(s[i] | 0x20), b = static_cast<char>(prefix[i] | 0x20);
    if (a != b) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

bool base64_decode(std::string_view in, std::string& out) {
  in = trim(in);
  if (in.empty() || in.size() % 4 != 0) return false;
  out.resize(in.size() / 4 * 3);
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (n < 0) return false;
  // EVP_DecodeBlock counts padding as zero bytes; drop them.
  size_t len = static_cast<size_t>(n);
  if (in.back() == '=') --len;
  if (in.size() >= 2 && in[in.size() - 2] == '=') --len;
  out.resize(len);
  return true;
}

bool Authenticator::any_equal(const std::vector<std::string>& list, std::string_view v) {
  bool found = false;
  for (const auto& s : list) found |= constant_time_equal(s, v);  // no early exit
  return found;
}

AuthResult Authenticator::check_writer(std::string_view authorization) const {
  if (!write_open()) {
    authorization = trim(authorization);
    if (authorization.empty()) return AuthResult::kMissing;
    bool ok = false;
    if (starts_with_ci(authorization, "basic ")) {
      std::string decoded;
      ok = base64_decode(authorization.substr(6), decoded) && any_equal(creds_.users, decoded);
    } else if (starts_with_ci(authorization, "bearer ")) {
      ok = any_equal(creds_.tokens, trim(authorization.substr(7)));
    }
    if (!ok) return AuthResult::kWrong;
  }
  return AuthResult::kAllowed;
}

AuthResult Authenticator::check_reader(std::string_view authorization, std::string_view x_api_key,
                                       std::string_view query_key, std::string& key) const {
  if (read_open()) return AuthResult::kAllowed;
  authorization = trim(authorization);
  std::string_view presented;
  if (starts_with_ci(authorization, "bearer ")) {
    presented = trim(authorization.substr(7));
  } else if (!x_api_key.empty()) {
    presented = trim(x_api_key);
  } else {
    presented = query_key;
  }
  if (presented.empty()) return AuthResult::kMissing;
  if (!any_equal(creds_.api_keys, presented)) return AuthResult::kWrong;
  key.assign(presented);
  return AuthResult::kAllowed;
}

}  // namespace logstreamer::server
