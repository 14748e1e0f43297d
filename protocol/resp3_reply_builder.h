// The RESP3 ReplyBuilder (HELLO 3): the same semantic replies as the RESP2
// builder, spelled with RESP3's own types where Redis 7 uses them: maps '%',
// sets '~', doubles ',', nulls '_' (a missing string and a missing array
// alike), verbatim text '=', pushes '>', pairs as two-element arrays.
// Strings, integers, errors and arrays are the same bytes in both versions,
// so those come from the RESP2 builder.
//
// Threads: one per connection. Lifetime: the buffer must outlive the builder.
#pragma once

#include "protocol/resp3_writer.h"
#include "protocol/resp_reply_builder.h"

namespace mnemo::protocol::resp {

class Resp3ReplyBuilder final : public Resp2ReplyBuilder {
 public:
  explicit Resp3ReplyBuilder(std::string& out) : Resp2ReplyBuilder(out) {}

  void null() override { resp3::append_null(buffer()); }
  void null_array() override { resp3::append_null(buffer()); }
  void set(std::size_t count) override { resp3::append_set_header(buffer(), count); }
  void map(std::size_t pairs) override { resp3::append_map_header(buffer(), pairs); }
  void dbl(double value) override { resp3::append_double(buffer(), value); }
  void dbl_text(std::string_view text) override {
    buffer() += ',';
    buffer().append(text);
    buffer().append("\r\n", 2);
  }
  void verbatim(std::string_view text) override { resp3::append_verbatim(buffer(), "txt", text); }
  void pairs(std::size_t count) override { append_array_header(buffer(), count); }
  void pair() override { append_array_header(buffer(), 2); }
  void push(std::size_t count) override { resp3::append_push_header(buffer(), count); }
  void boolean(bool value) override { resp3::append_boolean(buffer(), value); }
  void big_number(std::string_view text) override {
    buffer() += '(';
    for (char c : text) buffer() += (c == '\r' || c == '\n') ? ' ' : c;  // one line, as Redis's sdsmapchars
    buffer().append("\r\n", 2);
  }
  void verbatim_as(std::string_view format, std::string_view text) override {
    resp3::append_verbatim(buffer(), format, text);
  }
  int protocol_version() const override { return 3; }
};

}  // namespace mnemo::protocol::resp
