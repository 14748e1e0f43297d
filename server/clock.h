// The server's wall clock is persistence's: one Clock type for expiry, journal
// rows and snapshot times, so that one fake clock drives all of them in tests.
#pragma once

#include "persistence/clock.h"

namespace mnemo::server {

using persistence::Clock;
using persistence::SystemClock;

}  // namespace mnemo::server
