// Outcome: the Result of an operation that has no value, only success or an
// error (protocol::Result needs a value type; std::monostate stands in).
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "protocol/result.h"

namespace mnemo::persistence {

using Outcome = protocol::Result<std::monostate>;

inline Outcome success() { return Outcome(std::monostate{}); }

}  // namespace mnemo::persistence
