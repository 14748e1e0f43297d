#include "server/tools/json_lines.h"

#include <cctype>

namespace mnemo::tools {
namespace {

// Recursive-descent reader over one JSON text. Depth is bounded so a hostile
// document cannot exhaust the stack.
class Flattener {
 public:
  explicit Flattener(std::string_view s) : s_(s) {}

  bool run(std::string& out) {
    if (!value("", out, 0)) return false;
    skip_ws();
    return pos_ == s_.size();
  }

 private:
  static constexpr int kMaxDepth = 64;

  void skip_ws() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }

  bool eat(char c) {
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool escape(std::string& out) {
    if (pos_ >= s_.size()) return false;
    const char c = s_[pos_++];
    switch (c) {
      case '"': case '\\': case '/': out.push_back(c); return true;
      case 'b': out.push_back('\b'); return true;
      case 'f': out.push_back('\f'); return true;
      case 'n': out.push_back('\n'); return true;
      case 'r': out.push_back('\r'); return true;
      case 't': out.push_back('\t'); return true;
      case 'u': {
        if (pos_ + 4 > s_.size()) return false;
        unsigned cp = 0;
        for (int i = 0; i < 4; ++i) {
          const char h = s_[pos_++];
          if (!std::isxdigit(static_cast<unsigned char>(h))) return false;
          cp = cp * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(h))
                                                   ? h - '0' : (std::tolower(h) - 'a' + 10));
        }
        append_utf8(out, cp);
        return true;
      }
      default: return false;
    }
  }

  bool string(std::string& out) {
    if (!eat('"')) return false;
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        out.push_back(c);
      } else if (!escape(out)) {
        return false;
      }
    }
    return false;
  }

  bool scalar(std::string& text) {
    skip_ws();
    const std::size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
                                s_[pos_] == '-' || s_[pos_] == '+' || s_[pos_] == '.')) {
      ++pos_;
    }
    text.assign(s_.substr(start, pos_ - start));
    return !text.empty();
  }

  bool object(const std::string& path, std::string& out, int depth) {
    if (eat('}')) return line(path, "{}", out);
    do {
      std::string key;
      if (!string(key) || !eat(':')) return false;
      if (!value(path.empty() ? key : path + "." + key, out, depth + 1)) return false;
    } while (eat(','));
    return eat('}');
  }

  bool array(const std::string& path, std::string& out, int depth) {
    if (eat(']')) return line(path, "[]", out);
    std::size_t i = 0;
    do {
      if (!value(path + "[" + std::to_string(i++) + "]", out, depth + 1)) return false;
    } while (eat(','));
    return eat(']');
  }

  static bool line(const std::string& path, std::string_view text, std::string& out) {
    out += path.empty() ? std::string("value") : path;
    out += ": ";
    out += text;
    out += '\n';
    return true;
  }

  bool value(const std::string& path, std::string& out, int depth) {
    if (depth > kMaxDepth) return false;
    skip_ws();
    if (eat('{')) return object(path, out, depth);
    if (eat('[')) return array(path, out, depth);
    std::string text;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '"') {
      if (!string(text)) return false;
    } else if (!scalar(text)) {
      return false;
    }
    return line(path, text, out);
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<std::string> json_to_lines(std::string_view json) {
  std::string out;
  Flattener f(json);
  if (!f.run(out)) return std::nullopt;
  return out;
}

}  // namespace mnemo::tools
