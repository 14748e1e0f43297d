#include "server/tools/resp_unit.h"

namespace mnemo::tools {

std::optional<std::string> RespUnit::make(std::vector<Command> commands, RespUnit& out) {
  if (commands.empty()) return std::string("a unit needs at least one command");
  out = RespUnit{};
  for (const auto& cmd : commands) {
    if (cmd.empty()) return std::string("empty command in a unit");
    out.encoded_ += '*' + std::to_string(cmd.size()) + "\r\n";
    for (const auto& arg : cmd) {
      // Each placeholder becomes kDigits digits, so the length is known now.
      std::string expanded;
      std::vector<std::size_t> at;
      for (std::size_t pos = 0;;) {
        const std::size_t hit = arg.find(kPlaceholder, pos);
        expanded.append(arg, pos, hit == std::string::npos ? std::string::npos : hit - pos);
        if (hit == std::string::npos) break;
        at.push_back(expanded.size());
        expanded.append(kDigits, '0');
        pos = hit + kPlaceholder.size();
      }
      out.encoded_ += '$' + std::to_string(expanded.size()) + "\r\n";
      for (std::size_t a : at) out.slots_.push_back(out.encoded_.size() + a);
      out.encoded_ += expanded;
      out.encoded_ += "\r\n";
    }
  }
  out.commands_ = std::move(commands);
  return std::nullopt;
}

std::string RespUnit::name() const {
  std::string s;
  for (const auto& cmd : commands_) {
    if (!s.empty()) s += ' ';
    s += cmd[0];
  }
  return s;
}

void RespUnit::write_digits(char* at, std::uint64_t n) {
  for (std::size_t i = kDigits; i-- > 0;) {
    at[i] = static_cast<char>('0' + n % 10);
    n /= 10;
  }
}

std::optional<std::string> parse_units(const std::vector<std::string>& words, std::vector<RespUnit>& out) {
  std::vector<std::vector<RespUnit::Command>> units(1);
  units.back().emplace_back();
  for (const auto& w : words) {
    if (w == ";;") {
      units.emplace_back();
      units.back().emplace_back();
    } else if (w == ";") {
      units.back().emplace_back();
    } else {
      units.back().back().push_back(w);
    }
  }
  out.clear();
  for (auto& u : units) {
    RespUnit unit;
    if (auto err = RespUnit::make(std::move(u), unit)) return "unit " + std::to_string(out.size() + 1) + ": " + *err;
    out.push_back(std::move(unit));
  }
  return std::nullopt;
}

}  // namespace mnemo::tools
