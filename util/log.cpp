#include "util/log.h"

#include <mutex>
#include <string>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace uicc::log {

namespace {

struct Settings {
  std::mutex mutex;
  spdlog::level::level_enum level = spdlog::level::info;
  bool trace_apdus = false;
};

Settings& settings() {
  static Settings instance;
  return instance;
}

spdlog::level::level_enum level_for(std::string_view category, const Settings& s) {
  if (category == "apdu") return s.trace_apdus ? spdlog::level::trace : spdlog::level::off;
  return s.level;
}

}  // namespace

std::shared_ptr<spdlog::logger> get(std::string_view category) {
  auto& s = settings();
  std::lock_guard lock(s.mutex);
  std::string name(category);
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = spdlog::stderr_color_mt(name);
  logger->set_level(level_for(category, s));
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
  return logger;
}

void configure(spdlog::level::level_enum level, bool trace_apdus) {
  auto& s = settings();
  {
    std::lock_guard lock(s.mutex);
    s.level = level;
    s.trace_apdus = trace_apdus;
  }
  spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& logger) {
    logger->set_level(level_for(logger->name(), s));
  });
}

}  // namespace uicc::log
