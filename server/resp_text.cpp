#include "server/resp_text.h"

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

bool glob_match_nocase(std::string_view pattern, std::string_view text) {
  // Iterative matcher with one backtrack point: linear enough for config names.
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || ascii_lower(pattern[p]) == ascii_lower(text[t]))) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool match_prefix_pattern(std::string_view pattern, std::string& prefix) {
  prefix.clear();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      if (i + 1 >= pattern.size()) return false;
      prefix += pattern[++i];
    } else if (c == '*') {
      return i + 1 == pattern.size();
    } else if (c == '?' || c == '[') {
      return false;
    } else {
      prefix += c;
    }
  }
  return false;  // no trailing '*': an exact match, which SCAN by prefix cannot express
}

}  // namespace mnemo::server
