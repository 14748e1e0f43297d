// An output stream buffer appending to a std::string it owns: what cereal's
// archives write journal batches and snapshot chunks into, without the copy
// std::ostringstream makes when handing its string over.
// Threads: a plain value, used by one thread at a time.
#pragma once

#include <streambuf>
#include <string>

namespace mnemo::persistence {

class StringSink : public std::streambuf {
 public:
  std::string& str() { return out_; }

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_.append(s, static_cast<std::size_t>(n));
    return n;
  }
  int_type overflow(int_type ch) override {
    if (!traits_type::eq_int_type(ch, traits_type::eof())) out_ += traits_type::to_char_type(ch);
    return ch;
  }

 private:
  std::string out_;
};

}  // namespace mnemo::persistence
