#include "protocol/resp_writer.h"

#include <catch2/catch.hpp>

#include <limits>
#include <string>

namespace resp = mnemo::protocol::resp;

TEST_CASE("resp writer appends simple strings and errors", "[protocol][resp]") {
  std::string out = "prefix";
  resp::append_simple(out, "OK");
  resp::append_error(out, "ERR syntax error");
  CHECK(out == "prefix+OK\r\n-ERR syntax error\r\n");
}

TEST_CASE("resp writer turns CR and LF in line replies into spaces", "[protocol][resp]") {
  std::string out;
  resp::append_error(out, "ERR bad\r\nkey");
  resp::append_simple(out, "a\nb");
  CHECK(out == "-ERR bad  key\r\n+a b\r\n");
}

TEST_CASE("resp writer appends integers", "[protocol][resp]") {
  std::string out;
  resp::append_integer(out, 0);
  resp::append_integer(out, 1);
  resp::append_integer(out, -2);
  resp::append_integer(out, 1234567890123);
  resp::append_integer(out, std::numeric_limits<std::int64_t>::min());
  resp::append_integer(out, std::numeric_limits<std::int64_t>::max());
  CHECK(out == ":0\r\n:1\r\n:-2\r\n:1234567890123\r\n:-9223372036854775808\r\n:9223372036854775807\r\n");
}

TEST_CASE("resp writer appends bulk strings", "[protocol][resp]") {
  std::string out;
  resp::append_bulk(out, "hello");
  resp::append_bulk(out, "");
  resp::append_bulk(out, std::string("a\r\n\0b", 5));
  resp::append_null_bulk(out);
  resp::append_bulk_integer(out, 0);
  resp::append_bulk_integer(out, std::numeric_limits<std::uint64_t>::max());
  CHECK(out == std::string("$5\r\nhello\r\n$0\r\n\r\n$5\r\na\r\n\0b\r\n$-1\r\n$1\r\n0\r\n", 40) +
                   "$20\r\n18446744073709551615\r\n");
}

TEST_CASE("resp writer appends arrays", "[protocol][resp]") {
  std::string out;
  resp::append_array_header(out, 2);
  resp::append_bulk(out, "a");
  resp::append_null_bulk(out);
  resp::append_array_header(out, 0);
  resp::append_null_array(out);
  CHECK(out == "*2\r\n$1\r\na\r\n$-1\r\n*0\r\n*-1\r\n");
}

TEST_CASE("resp writer reuses a warm buffer without reallocating", "[protocol][resp]") {
  std::string out;
  out.reserve(256);
  const char* data = out.data();
  resp::append_integer(out, -123456789);
  resp::append_bulk(out, "value");
  resp::append_array_header(out, 1000);
  CHECK(out.data() == data);
}
