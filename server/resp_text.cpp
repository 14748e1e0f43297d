#include "server/resp_text.h"

#include <utility>

namespace mnemo::server {

bool iequals(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (ascii_lower(word[i]) != lower[i]) return false;
  }
  return true;
}

std::string unknown_command_message(std::span<const std::string_view> argv) {
  constexpr std::size_t kShown = 128;
  std::string args;
  for (std::size_t i = 1; i < argv.size() && args.size() < kShown; ++i) {
    const std::size_t room = kShown - args.size();
    args += '\'';
    args.append(argv[i].substr(0, room));
    args += "' ";
  }
  std::string message = "ERR unknown command '";
  message.append(argv.empty() ? std::string_view() : argv[0].substr(0, kShown));
  message += "', with args beginning with: ";
  message += args;
  return message;
}

std::string wrong_arity_message(std::string_view name) {
  std::string message = "ERR wrong number of arguments for '";
  message.append(name);
  message += "' command";
  return message;
}

std::string unknown_subcommand_message(std::string_view subcommand, std::string_view command) {
  std::string message = "ERR unknown subcommand '";
  message.append(subcommand.substr(0, 128));
  message += "'. Try ";
  message.append(command);
  message += " HELP.";
  return message;
}

bool valid_client_attribute(std::string_view value) {
  for (char c : value) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

namespace {

// Redis gives up on patterns that nest '*' deeper than this (they match nothing).
constexpr int kMaxGlobNesting = 1000;

// tolower() of the C locale, on a byte read as a signed char as Redis does.
int fold(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

// A transcription of Redis 7.0's stringmatchlen_impl, kept close to the
// original so that every corner (an unterminated '[', a range written
// backwards, a trailing backslash) behaves the same. Redis reads the byte past
// the end of the pattern as the NUL terminator: at() does the same.
class GlobMatcher {
 public:
  GlobMatcher(std::string_view pattern, std::string_view text, bool nocase)
      : p_(pattern), s_(text), nocase_(nocase) {}

  bool match(std::size_t pi, std::size_t si, int nesting) {
    if (nesting > kMaxGlobNesting) return false;
    std::size_t plen = p_.size() - pi, slen = s_.size() - si;
    while (plen > 0 && slen > 0) {
      switch (at(pi)) {
        case '*':
          while (plen > 1 && at(pi + 1) == '*') ++pi, --plen;
          if (plen == 1) return true;
          for (; slen > 0; ++si, --slen) {
            if (match(pi + 1, si, nesting + 1)) return true;
            if (skip_longer_) return false;
          }
          // Nothing after this '*' matches anywhere in the rest of the text, so
          // no earlier '*' can help by consuming more of it.
          skip_longer_ = true;
          return false;
        case '?':
          ++si, --slen;
          break;
        case '[':
          if (!match_class(pi, plen, byte(si))) return false;
          ++si, --slen;
          break;
        case '\\':
          if (plen >= 2) ++pi, --plen;
          [[fallthrough]];
        default:
          if (!same(at(pi), byte(si))) return false;
          ++si, --slen;
          break;
      }
      ++pi, --plen;
      if (slen == 0) {
        while (at(pi) == '*') ++pi, --plen;
        break;
      }
    }
    return plen == 0 && slen == 0;
  }

 private:
  int at(std::size_t i) const { return i < p_.size() ? static_cast<signed char>(p_[i]) : 0; }
  int byte(std::size_t i) const { return static_cast<signed char>(s_[i]); }
  bool same(int a, int b) const { return nocase_ ? fold(a) == fold(b) : a == b; }

  // A '[...]' class at p_[pi] tested against byte c; leaves pi on its ']'.
  bool match_class(std::size_t& pi, std::size_t& plen, int c) const {
    ++pi, --plen;
    const bool negate = at(pi) == '^';
    if (negate) ++pi, --plen;
    bool matched = false;
    while (true) {
      if (at(pi) == '\\' && plen >= 2) {
        ++pi, --plen;
        if (at(pi) == c) matched = true;
      } else if (at(pi) == ']') {
        break;
      } else if (plen == 0) {
        --pi, ++plen;  // an unterminated class: the caller steps past its last byte
        break;
      } else if (plen >= 3 && at(pi + 1) == '-') {
        int start = at(pi), end = at(pi + 2), x = c;
        if (start > end) std::swap(start, end);
        if (nocase_) start = fold(start), end = fold(end), x = fold(x);
        pi += 2, plen -= 2;
        if (x >= start && x <= end) matched = true;
      } else if (same(at(pi), c)) {
        matched = true;
      }
      ++pi, --plen;
    }
    return negate ? !matched : matched;
  }

  std::string_view p_;
  std::string_view s_;
  bool nocase_;
  bool skip_longer_ = false;
};

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text, bool nocase) {
  return GlobMatcher(pattern, text, nocase).match(0, 0, 0);
}

std::string glob_literal_prefix(std::string_view pattern) {
  std::string prefix;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '*' || c == '?' || c == '[') break;
    if (c == '\\' && i + 1 < pattern.size()) c = pattern[++i];
    prefix += c;
  }
  return prefix;
}

bool glob_is_prefix_only(std::string_view pattern) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '*') return i + 1 == pattern.size();
    if (c == '?' || c == '[') return false;
    if (c == '\\') ++i;
  }
  return false;
}

}  // namespace mnemo::server
