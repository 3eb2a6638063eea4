// Named loggers, one per audience. "apdu" carries APDU traces and is off unless asked for.
#pragma once

#include <memory>
#include <string_view>

#include <spdlog/spdlog.h>

namespace uicc::log {

// Returns the logger of a category ("card", "apdu", "vpcd", "vm", "gp", "cli"), creating it on
// first use with the level set by configure().
std::shared_ptr<spdlog::logger> get(std::string_view category);

// Sets the level of every category; `trace_apdus` switches the "apdu" category to trace level.
void configure(spdlog::level::level_enum level, bool trace_apdus);

}  // namespace uicc::log
