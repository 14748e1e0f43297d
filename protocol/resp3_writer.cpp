#include "protocol/resp3_writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace mnemo::protocol::resp3 {

namespace {

void append_header(std::string& out, char prefix, std::size_t n) {
  char buf[24];
  buf[0] = prefix;
  auto [end, ec] = std::to_chars(buf + 1, buf + sizeof buf - 2, n);
  (void)ec;  // 20 digits always fit
  *end++ = '\r';
  *end++ = '\n';
  out.append(buf, static_cast<std::size_t>(end - buf));
}

}  // namespace

void append_map_header(std::string& out, std::size_t pairs) { append_header(out, '%', pairs); }
void append_set_header(std::string& out, std::size_t count) { append_header(out, '~', count); }
void append_push_header(std::string& out, std::size_t count) { append_header(out, '>', count); }

void append_double(std::string& out, double value) {
  if (std::isinf(value)) {
    out.append(value > 0 ? ",inf\r\n" : ",-inf\r\n");
    return;
  }
  if (std::isnan(value)) {
    out.append(",nan\r\n");
    return;
  }
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, ",%.17g\r\n", value);
  out.append(buf, static_cast<std::size_t>(n));
}

void append_verbatim(std::string& out, std::string_view format, std::string_view text) {
  append_header(out, '=', text.size() + 4);
  out.append(format.substr(0, 3));
  for (std::size_t i = format.size(); i < 3; ++i) out += ' ';  // Redis pads a short format
  out += ':';
  out.append(text);
  out.append("\r\n", 2);
}

}  // namespace mnemo::protocol::resp3
