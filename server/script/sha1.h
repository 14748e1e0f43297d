// SHA-1 as lowercase hex, for script ids (EVALSHA, SCRIPT LOAD,
// redis.sha1hex): Redis names a script by the SHA-1 of its body.
// Not for security. Threads: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace mnemo::server::script {

std::string sha1_hex(std::string_view data);

}  // namespace mnemo::server::script
