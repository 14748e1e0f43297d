// COMMAND frame values (protocol/native_value.h): RESP2 replies to the typed
// encoding, and Redis error codes to native statuses.
#include "protocol/native_value.h"

#include <catch2/catch.hpp>

#include "tests/protocol/hex.h"

using mnemo::protocol::Status;
using mnemo::protocol::native::resp2_to_value;
using mnemo::protocol::native::status_for_error;
using mnemo::test::hex;
using mnemo::test::unhex;

namespace {
std::string value_hex(std::string_view resp2) {
  std::string out;
  REQUIRE(resp2_to_value(resp2, out));
  return hex(out);
}
}  // namespace

TEST_CASE("every RESP2 reply kind becomes its tagged value", "[protocol]") {
  CHECK(value_hex("$-1\r\n") == hex(unhex("00")));
  CHECK(value_hex("*-1\r\n") == hex(unhex("00")));
  CHECK(value_hex(":-2\r\n") == hex(unhex("01 feffffffffffffff")));
  CHECK(value_hex("$2\r\nab\r\n") == hex(unhex("02 02000000 6162")));
  CHECK(value_hex("$0\r\n\r\n") == hex(unhex("02 00000000")));
  CHECK(value_hex("+OK\r\n") == hex(unhex("03 02000000 4f4b")));
  CHECK(value_hex("*2\r\n$1\r\nf\r\n$1\r\nv\r\n") == hex(unhex("05 02000000 02 01000000 66 02 01000000 76")));
  CHECK(value_hex("*2\r\n-ERR x\r\n*0\r\n") == hex(unhex("05 02000000 04 05000000 45525220 78 05 00000000")));
  // Binary bulk strings keep their bytes, CR LF included.
  const std::string binary = std::string("$4\r\na\r\n") + '\0' + "\r\n";
  CHECK(value_hex(binary) == hex(unhex("02 04000000 610d0a00")));
}

TEST_CASE("malformed or partial RESP2 replies are refused", "[protocol]") {
  for (std::string_view bad : {"", "$3\r\nab\r\n", "*2\r\n:1\r\n", ":x\r\n", "?\r\n", ":1\r\n:2\r\n", "$-2\r\n",
                               "+OK", "*-2\r\n"}) {
    std::string out;
    CHECK_FALSE(resp2_to_value(bad, out));
  }
}

TEST_CASE("Redis error codes map to native statuses", "[protocol]") {
  CHECK(status_for_error("WRONGTYPE Operation against a key holding the wrong kind of value") == Status::wrong_type);
  CHECK(status_for_error("NOAUTH Authentication required.") == Status::unauthorized);
  CHECK(status_for_error("OOM command not allowed") == Status::out_of_memory);
  CHECK(status_for_error("BUSY Redis is busy running a script.") == Status::busy);
  CHECK(status_for_error("READONLY You can't write") == Status::read_only);
  CHECK(status_for_error("ERR unknown command 'x', with args beginning with: ") == Status::unknown_command);
  CHECK(status_for_error("ERR wrong number of arguments for 'get' command") == Status::bad_request);
  CHECK(status_for_error("NOSCRIPT No matching script.") == Status::bad_request);
}
