#include "protocol/status.h"

namespace mnemo::protocol {

std::string_view status_name(Status s) {
  switch (s) {
    case Status::ok: return "OK";
    case Status::not_found: return "NOT_FOUND";
    case Status::exists: return "EXISTS";
    case Status::version_mismatch: return "VERSION_MISMATCH";
    case Status::wrong_type: return "WRONG_TYPE";
    case Status::too_large: return "TOO_LARGE";
    case Status::bad_request: return "BAD_REQUEST";
    case Status::unauthorized: return "UNAUTHORIZED";
    case Status::forbidden: return "FORBIDDEN";
    case Status::busy: return "BUSY";
    case Status::read_only: return "READ_ONLY";
    case Status::out_of_memory: return "OUT_OF_MEMORY";
    case Status::internal: return "INTERNAL";
    case Status::unsupported_version: return "UNSUPPORTED_VERSION";
    case Status::unknown_command: return "UNKNOWN_COMMAND";
    case Status::shutting_down: return "SHUTTING_DOWN";
  }
  return "UNKNOWN_STATUS";
}

}  // namespace mnemo::protocol
