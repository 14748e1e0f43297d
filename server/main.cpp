// mnemo-server: parses the configuration, sets up logging, runs the server.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>

#include "server/config.h"
#include "server/server.h"

int main(int argc, char** argv) {
  using namespace mnemo::server;
  // A client that disconnects mid-write must not kill the server.
  std::signal(SIGPIPE, SIG_IGN);
  Config cfg;
  try {
    cfg = load_config(argc, argv);
    if (cfg.show_help) {
      std::cout << usage();
      return 0;
    }
    if (cfg.show_version) {
      std::cout << "mnemo-server " MNEMO_VERSION "\n";
      return 0;
    }
    validate(cfg);
  } catch (const ConfigError& e) {
    std::cerr << "mnemo-server: " << e.what() << "\n";
    return 2;
  }

  auto logger = spdlog::stderr_color_mt("mnemo");
  spdlog::set_default_logger(logger);
  spdlog::set_level(cfg.log_level);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  if (cfg.threads == 0) cfg.threads = std::max(1u, std::thread::hardware_concurrency());
  if (const std::string warning = security_warning(cfg); !warning.empty()) spdlog::warn("{}", warning);

  try {
    spdlog::info("mnemo-server {} starting (data dir {}, {} io threads, flush interval {} ms)", MNEMO_VERSION,
                 cfg.persistence.data_dir, cfg.threads, cfg.persistence.journal.flush_interval_ms);
    Server server(cfg);
    return server.run();
  } catch (const std::exception& e) {
    spdlog::critical("startup failed: {}", e.what());
    return 1;
  }
}
