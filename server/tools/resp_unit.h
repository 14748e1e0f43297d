// The unit of mnemo-bench-resp: a fixed sequence of RESP commands sent
// back to back (e.g. MULTI, three SETs, EXEC), whose replies are counted
// as one completed unit. Arguments may hold redis-benchmark's placeholder
// __rand_int__, replaced by a fresh random number in [0, keyspace) for each
// occurrence, written as 12 digits as redis-benchmark does, so keys have a
// fixed length and the encoded unit is computed once: encoding a unit is a
// copy and a few digit writes. Pure value type; thread-safe for const use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mnemo::tools {

class RespUnit {
 public:
  using Command = std::vector<std::string>;

  // Fails (with a message) on an empty unit or an empty command.
  static std::optional<std::string> make(std::vector<Command> commands, RespUnit& out);

  // Appends the unit's encoding to `out`; `next_random` gives 64-bit randoms.
  template <typename Rng>
  void append(std::string& out, std::uint64_t keyspace, Rng&& next_random) const {
    const std::size_t base = out.size();
    out.append(encoded_);
    for (std::size_t slot : slots_) write_digits(out.data() + base + slot, next_random() % keyspace);
  }

  std::size_t commands() const { return commands_.size(); }
  const std::vector<Command>& command_list() const { return commands_; }
  std::size_t encoded_bytes() const { return encoded_.size(); }
  // "MULTI SET SET SET EXEC": the command names, for reports.
  std::string name() const;

  static constexpr std::string_view kPlaceholder = "__rand_int__";
  static constexpr std::size_t kDigits = 12;

 private:
  static void write_digits(char* at, std::uint64_t n);

  std::vector<Command> commands_;
  std::string encoded_;             // RESP arrays of bulk strings, placeholders as zeros
  std::vector<std::size_t> slots_;  // offsets in encoded_ of each placeholder's digits
};

// Splits command-line words into units: commands are separated by a ";"
// word, units by a ";;" word. Fails on an empty command or unit.
std::optional<std::string> parse_units(const std::vector<std::string>& words, std::vector<RespUnit>& out);

}  // namespace mnemo::tools
