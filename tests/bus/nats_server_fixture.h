#pragma once
// A real nats-server (Debian's, with JetStream) for the bus tests: started on
// a free loopback port with a store in a temporary directory, stopped by PID
// and removed at the end. Missing nats-server fails the test (never skips):
// scripts/install-deps.sh installs it.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

extern char** environ;

namespace logstreamer::bus::testing {

inline int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

inline bool port_answers(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  close(fd);
  return ok;
}

class NatsServer {
 public:
  // `extra_config`: lines added to the server's configuration file.
  explicit NatsServer(const std::string& extra_config = "") {
    char tmpl[] = "/tmp/logstreamer-nats-test.XXXXXX";
    dir_ = mkdtemp(tmpl);
    port_ = free_port();
    const std::string conf = dir_ + "/nats.conf";
    std::ofstream(conf) << "listen: 127.0.0.1:" << port_ << "\njetstream { store_dir: \"" << dir_
                        << "/store\" }\n"
                        << extra_config << "\n";
    const std::string log = dir_ + "/nats.log";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const char* argv[] = {"nats-server", "-c", conf.c_str(), nullptr};
    const int rc = posix_spawnp(&pid_, "nats-server", &actions, nullptr,
                                const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = 0;
      ADD_FAILURE() << "cannot start nats-server (scripts/install-deps.sh installs it): "
                    << std::strerror(rc);
      return;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!port_answers(port_)) {
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "nats-server did not listen within 30 s";
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~NatsServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
  bool running() const { return pid_ > 0; }

 private:
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = 0;
};

}  // namespace logstreamer::bus::testing
