// The scripting family's table entries, as Redis 7 declares them. EVAL's
// keys are found by a key count (Redis's "keynum" key spec), which mnemo's
// key specs do not express: the entries carry movablekeys and no key spec,
// so MULTI treats a queued EVAL as touching any shard.
#include "server/commands/command_table.h"
#include "server/commands/script.h"

namespace mnemo::server {

using namespace commands;  // NOLINT: the handlers

void register_script_commands(CommandTable& t) {
  constexpr std::uint32_t kEval =
      cmd::kNoScript | cmd::kStale | cmd::kSkipMonitor | cmd::kNoMandatoryKeys | cmd::kMovableKeys;
  const std::uint32_t kRW = cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyUpdate;
  const std::uint32_t kRO = cmd::kKeyRO | cmd::kKeyAccess;
  t.add({.name = "eval", .arity = -3, .flags = kEval, .acl = cmd::kAclScripting,
   .keys = {keynum(kRW, 2, "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE")},
   .doc = {"Executes a server-side Lua script.", "2.6.0", "scripting", "Depends on the script that is executed."},
   .handler = cmd_eval});
  t.add({.name = "evalsha", .arity = -3, .flags = kEval, .acl = cmd::kAclScripting, .keys = {keynum(kRW, 2)},
   .doc = {"Executes a server-side Lua script by SHA1 digest.", "2.6.0", "scripting",
           "Depends on the script that is executed."},
   .handler = cmd_evalsha});
  t.add({.name = "eval_ro", .arity = -3, .flags = kEval | cmd::kReadOnly, .acl = cmd::kAclScripting,
   .keys = {keynum(kRO, 2, "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS")},
   .doc = {"Executes a read-only server-side Lua script.", "7.0.0", "scripting",
           "Depends on the script that is executed."},
   .handler = cmd_eval_ro});
  t.add({.name = "evalsha_ro", .arity = -3, .flags = kEval | cmd::kReadOnly, .acl = cmd::kAclScripting,
   .keys = {keynum(kRO, 2)},
   .doc = {"Executes a read-only server-side Lua script by SHA1 digest.", "7.0.0", "scripting",
           "Depends on the script that is executed."},
   .handler = cmd_evalsha_ro});
  t.add({.name = "script", .arity = -2, .flags = 0, .acl = 0,
   .doc = {"A container for Lua scripts management commands.", "2.6.0", "scripting", "Depends on subcommand."},
   .handler = nullptr,
   .subcommands = {
        {.name = "script|load", .arity = 3, .flags = cmd::kNoScript | cmd::kStale, .acl = cmd::kAclScripting,
         .doc = {"Loads a server-side Lua script to the script cache.", "2.6.0", "scripting",
                 "O(N) with N being the length in bytes of the script body."},
         .handler = cmd_script_load},
        {.name = "script|exists", .arity = -3, .flags = cmd::kNoScript, .acl = cmd::kAclScripting,
         .doc = {"Determines whether server-side Lua scripts exist in the script cache.", "2.6.0", "scripting",
                 "O(N) with N being the number of scripts to check (so checking a single script is an O(1) "
                 "operation)."},
         .handler = cmd_script_exists},
        {.name = "script|flush", .arity = -2, .flags = cmd::kNoScript, .acl = cmd::kAclScripting,
         .doc = {"Removes all server-side Lua scripts from the script cache.", "2.6.0", "scripting",
                 "O(N) with N being the number of scripts in cache"},
         .handler = cmd_script_flush},
        {.name = "script|kill", .arity = 2, .flags = cmd::kNoScript | cmd::kAllowBusy, .acl = cmd::kAclScripting,
         .doc = {"Terminates a server-side Lua script during execution.", "2.6.0", "scripting", "O(1)"},
         .handler = cmd_script_kill},
        {.name = "script|help", .arity = 2, .flags = cmd::kLoading | cmd::kStale, .acl = cmd::kAclScripting,
         .doc = {"Returns helpful text about the different subcommands.", "5.0.0", "scripting", "O(1)"},
         .handler = cmd_script_help}}});
}

}  // namespace mnemo::server
