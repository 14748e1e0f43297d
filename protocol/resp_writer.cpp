#include "protocol/resp_writer.h"

#include <charconv>

namespace mnemo::protocol::resp {

namespace {

// Appends `prefix`, the decimal form of `value`, and CRLF in one append.
template <typename Int>
void append_line_number(std::string& out, char prefix, Int value) {
  char buf[24];
  buf[0] = prefix;
  auto [end, ec] = std::to_chars(buf + 1, buf + sizeof buf - 2, value);
  (void)ec;  // 20 digits and a sign always fit
  *end++ = '\r';
  *end++ = '\n';
  out.append(buf, static_cast<std::size_t>(end - buf));
}

void append_line(std::string& out, char prefix, std::string_view text) {
  out += prefix;
  const std::size_t start = out.size();
  out.append(text);
  for (std::size_t i = start; i < out.size(); ++i) {
    if (out[i] == '\r' || out[i] == '\n') out[i] = ' ';
  }
  out.append("\r\n", 2);
}

}  // namespace

void append_simple(std::string& out, std::string_view text) { append_line(out, '+', text); }

void append_error(std::string& out, std::string_view message) { append_line(out, '-', message); }

void append_integer(std::string& out, std::int64_t value) {
  if (value == 0) {
    out.append(kZeroReply);
  } else if (value == 1) {
    out.append(kOneReply);
  } else {
    append_line_number(out, ':', value);
  }
}

void append_bulk(std::string& out, std::string_view bytes) {
  append_line_number(out, '$', bytes.size());
  out.append(bytes);
  out.append("\r\n", 2);
}

void append_bulk_integer(std::string& out, std::uint64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  (void)ec;
  append_bulk(out, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

void append_array_header(std::string& out, std::size_t count) { append_line_number(out, '*', count); }

}  // namespace mnemo::protocol::resp
