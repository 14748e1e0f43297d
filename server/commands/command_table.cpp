#include "server/commands/command_table.h"

#include <algorithm>
#include <climits>

#include "protocol/resp_parser.h"
#include "server/resp_text.h"

namespace mnemo::server {

namespace {

// Names (lower-case letters, '|' and '-') are looked up by their first 8 bytes
// packed into an integer with every byte ORed with 0x20, which lower-cases
// ASCII letters and turns no other byte into a letter, so a packed compare
// matches exactly the case-insensitive name. Open addressing on that integer
// makes a lookup a few instructions and no call: GET and SET pay nothing for
// the table being a table.
std::uint64_t pack_folded(std::string_view name) {
  const std::size_t n = std::min<std::size_t>(name.size(), 8);
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(name[i]) | 0x20u) << (8 * i);
  }
  return v;
}

std::size_t name_slot(std::uint64_t packed, std::size_t size, std::size_t mask) {
  return static_cast<std::size_t>(((packed + size) * 0x9E3779B97F4A7C15ull) >> 52) & mask;  // 12 bits: room for up to 4096 slots
}

void complete(CommandSpec& s) {
  if (s.flags & cmd::kAdmin) s.flags |= cmd::kNoScript;
  if (s.flags & cmd::kWrite) s.acl |= cmd::kAclWrite;
  // Redis leaves the scripting commands (EVAL_RO, ...) out of @read.
  if ((s.flags & cmd::kReadOnly) && !(s.acl & cmd::kAclScripting)) s.acl |= cmd::kAclRead;
  if (s.flags & cmd::kAdmin) s.acl |= cmd::kAclAdmin | cmd::kAclDangerous;
  if (s.flags & cmd::kPubSub) s.acl |= cmd::kAclPubSub;
  if (s.flags & cmd::kFast) s.acl |= cmd::kAclFast;
  if (s.flags & cmd::kBlocking) s.acl |= cmd::kAclBlocking;
  if (!(s.acl & cmd::kAclFast)) s.acl |= cmd::kAclSlow;
  for (CommandSpec& sub : s.subcommands) complete(sub);
}

// Redis's legacy range: the key specs that are plain consecutive ranges, merged.
struct Range {
  int first = 0, last = 0, step = 0;
};

Range legacy_range(const std::vector<KeySpec>& all) {
  std::vector<KeySpec> keys;  // Redis leaves keynum specs out of the legacy range
  for (const KeySpec& k : all) {
    if (!k.keynum() && !k.unknown) keys.push_back(k);  // nor "unknown" ones (SORT)
  }
  if (keys.empty()) return {};
  if (keys.size() == 1) {
    const KeySpec& k = keys[0];
    return {k.begin, k.last_key >= 0 ? k.last_key + k.begin : k.last_key, k.step};
  }
  int first = INT_MAX;
  unsigned last = 0;
  for (const KeySpec& k : keys) {
    if (k.step != 1 || !k.keyword.empty()) continue;
    first = std::min(first, k.begin);
    const int abs_last = k.last_key >= 0 ? k.last_key + k.begin : k.last_key;
    last = std::max(last, static_cast<unsigned>(abs_last));
  }
  if (first == INT_MAX) return {};
  return {first, static_cast<int>(last), 1};
}

}  // namespace

int CommandSpec::first_key() const { return legacy_range(keys).first; }
int CommandSpec::last_key() const { return legacy_range(keys).last; }
int CommandSpec::key_step() const { return legacy_range(keys).step; }

namespace {

// The positions a range spec names in argc words.
void range_positions(const KeySpec& k, std::size_t argc, std::vector<std::size_t>& out) {
  if (k.begin <= 0 || static_cast<std::size_t>(k.begin) >= argc) return;
  const long last = k.last_key >= 0 ? k.begin + k.last_key : static_cast<long>(argc) + k.last_key;
  for (long i = k.begin; i <= last && i < static_cast<long>(argc); i += std::max(1, k.step)) {
    out.push_back(static_cast<std::size_t>(i));
  }
}

}  // namespace

std::vector<std::size_t> CommandSpec::key_positions(std::size_t argc) const {
  std::vector<std::size_t> out;
  for (const KeySpec& k : keys) {
    if (!k.keynum() && !(k.flags & cmd::kKeyNotKey) && k.keyword.empty()) range_positions(k, argc, out);
  }
  return out;
}

// Redis's getKeysUsingKeySpecs: every spec in order, not_key ones left out;
// a keynum spec whose count is not a number, or counts keys past the end or
// none, makes the whole answer empty (Redis's fallback, genericGetKeys,
// then finds none either). A keyword spec (GEORADIUS's STORE) is left out:
// its command is movablekeys and finds that key itself.
std::vector<std::size_t> CommandSpec::key_positions(ArgList argv) const {
  std::vector<std::size_t> out;
  const auto argc = static_cast<std::int64_t>(argv.size());
  for (const KeySpec& k : keys) {
    if ((k.flags & cmd::kKeyNotKey) || !k.keyword.empty()) continue;
    if (!k.keynum()) {
      range_positions(k, argv.size(), out);
      continue;
    }
    std::int64_t n = 0;
    const std::int64_t at = k.begin + k.keynum_idx, first = k.begin + k.last_key;
    if (at >= argc || !protocol::resp::parse_int64(argv[static_cast<std::size_t>(at)], n) || n < 1 ||
        first + n - 1 >= argc) {
      return {};
    }
    for (std::int64_t i = first; i < first + n; i += std::max(1, k.step)) out.push_back(static_cast<std::size_t>(i));
  }
  return out;
}

const CommandSpec* CommandSpec::find_subcommand(std::string_view sub) const {
  const std::size_t bar = name.size() + 1;
  for (const CommandSpec& s : subcommands) {
    if (s.name.size() == bar + sub.size() && iequals(sub, s.name.substr(bar))) return &s;
  }
  return nullptr;
}

CommandSpec& CommandTable::add(CommandSpec spec) {
  complete(spec);
  specs_.push_back(std::make_unique<CommandSpec>(std::move(spec)));
  CommandSpec& s = *specs_.back();
  if (s.native) by_opcode_[static_cast<std::uint8_t>(*s.native)] = &s;
  if (!(s.flags & cmd::kNativeOnly)) {
    visible_.push_back(&s);
    index(s);
  }
  return s;
}

void CommandTable::index(const CommandSpec& s) {
  const std::size_t mask = slots_.size() - 1;
  const std::uint64_t packed = pack_folded(s.name);
  std::size_t i = name_slot(packed, s.name.size(), mask);
  while (slots_[i].spec != nullptr) i = (i + 1) & mask;
  slots_[i] = {packed, &s};
}

const CommandSpec* CommandTable::find(std::string_view name) const {
  if (name.empty() || name.size() > 32) return nullptr;
  const std::size_t mask = slots_.size() - 1;
  const std::uint64_t packed = pack_folded(name);
  for (std::size_t i = name_slot(packed, name.size(), mask);; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.spec == nullptr) return nullptr;
    if (slot.packed != packed || slot.spec->name.size() != name.size()) continue;
    if (name.size() <= 8 || iequals(name.substr(8), slot.spec->name.substr(8))) return slot.spec;
  }
}

const CommandSpec* CommandTable::find_native(protocol::Opcode op) const {
  return by_opcode_[static_cast<std::uint8_t>(op)];
}

const CommandTable& builtin_commands() {
  static const CommandTable table = [] {
    CommandTable t;
    register_string_commands(t);
    register_key_commands(t);
    register_server_commands(t);
    register_connection_commands(t);
    register_introspection_commands(t);
    register_hash_commands(t);
    register_list_commands(t);
    register_set_commands(t);
    register_zset_commands(t);
    register_bitmap_commands(t);
    register_blocking_commands(t);
    register_stream_commands(t);
    register_hyperloglog_commands(t);
    register_geo_commands(t);
    register_sort_commands(t);
    register_pubsub_commands(t);
    register_transaction_commands(t);
    register_script_commands(t);
    register_native_only(t);
    return t;
  }();
  return table;
}

}  // namespace mnemo::server
