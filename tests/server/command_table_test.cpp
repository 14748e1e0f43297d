// The command table: lookups, implied flags, key positions, native opcodes.
#include "server/commands/command_table.h"

#include <catch2/catch.hpp>

#include <set>
#include <string>

using namespace mnemo::server;
using mnemo::protocol::Opcode;

TEST_CASE("command table finds commands case-insensitively", "[server][commands]") {
  const CommandTable& t = builtin_commands();
  REQUIRE(t.find("get") != nullptr);
  CHECK(t.find("GeT") == t.find("get"));
  CHECK(t.find("PEXPIREAT")->name == "pexpireat");
  CHECK(t.find("incrbyfloat")->name == "incrbyfloat");
  CHECK(t.find("INCRBYFLOAX") == nullptr);
  CHECK(t.find("ge") == nullptr);
  CHECK(t.find("") == nullptr);
  CHECK(t.find("sync") == nullptr);  // native only
}

TEST_CASE("command table names are unique and lower case, arity is never 0", "[server][commands]") {
  std::set<std::string> names;
  for (const CommandSpec* s : builtin_commands().all()) {
    CHECK(names.insert(std::string(s->name)).second);
    for (char c : s->name) CHECK(!(c >= 'A' && c <= 'Z'));
    CHECK(s->arity != 0);
    CHECK((s->handler != nullptr || !s->subcommands.empty()));
    for (const CommandSpec& sub : s->subcommands) {
      CHECK(sub.name.substr(0, s->name.size() + 1) == std::string(s->name) + "|");
      CHECK(sub.handler != nullptr);
    }
  }
  CHECK(builtin_commands().size() == names.size());
}

TEST_CASE("command table completes implied flags and categories in one place", "[server][commands]") {
  const CommandTable& t = builtin_commands();
  const CommandSpec* save = t.find("save");
  CHECK(save->admin());
  CHECK((save->flags & cmd::kNoScript) != 0);  // admin implies noscript
  CHECK((save->acl & (cmd::kAclAdmin | cmd::kAclDangerous)) == (cmd::kAclAdmin | cmd::kAclDangerous));
  const CommandSpec* get = t.find("get");
  CHECK((get->acl & (cmd::kAclRead | cmd::kAclFast)) == (cmd::kAclRead | cmd::kAclFast));
  CHECK((get->acl & cmd::kAclSlow) == 0);
  CHECK((t.find("mset")->acl & (cmd::kAclWrite | cmd::kAclSlow)) == (cmd::kAclWrite | cmd::kAclSlow));
}

TEST_CASE("command table key positions follow the key specs", "[server][commands]") {
  const CommandTable& t = builtin_commands();
  const CommandSpec* mset = t.find("mset");
  CHECK((mset->first_key() == 1 && mset->last_key() == -1 && mset->key_step() == 2));
  CHECK(mset->key_positions(5) == std::vector<std::size_t>{1, 3});
  const CommandSpec* del = t.find("del");
  CHECK(del->key_positions(4) == std::vector<std::size_t>{1, 2, 3});
  CHECK(t.find("get")->key_positions(2) == std::vector<std::size_t>{1});
  CHECK(t.find("ping")->key_positions(2).empty());
  const CommandSpec* enc = t.find("object")->find_subcommand("ENCODING");
  REQUIRE(enc != nullptr);
  CHECK(enc->name == "object|encoding");
  CHECK(enc->key_positions(3) == std::vector<std::size_t>{2});
}

TEST_CASE("command table holds each native opcode's flags", "[server][commands]") {
  const CommandTable& t = builtin_commands();
  for (Opcode op : {Opcode::set, Opcode::del, Opcode::incrby, Opcode::mset, Opcode::expire, Opcode::persist}) {
    REQUIRE(t.find_native(op) != nullptr);
    CHECK(t.find_native(op)->write());
    CHECK(!t.find_native(op)->admin());
  }
  for (Opcode op : {Opcode::get, Opcode::mget, Opcode::ttl, Opcode::exists, Opcode::scan, Opcode::dbsize,
                    Opcode::ping, Opcode::hello, Opcode::auth, Opcode::sync}) {
    REQUIRE(t.find_native(op) != nullptr);
    CHECK(!t.find_native(op)->write());
    CHECK(!t.find_native(op)->admin());
  }
  for (Opcode op : {Opcode::snapshot, Opcode::snapshots, Opcode::stats, Opcode::backup, Opcode::shutdown}) {
    REQUIRE(t.find_native(op) != nullptr);
    CHECK(t.find_native(op)->admin());
  }
  CHECK(t.find_native(Opcode::expire)->name == "pexpire");
  CHECK(t.find_native(Opcode::ttl)->name == "pttl");
}
