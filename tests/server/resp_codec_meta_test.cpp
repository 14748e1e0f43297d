#include "server/resp_codec.h"

#include <string>

#include "tests/server/resp_codec_test_support.h"

using namespace mnemo::server;
using namespace mnemo::server::resp_test;

namespace {

RespCodecOptions with_id(std::uint64_t id) {
  RespCodecOptions o;
  o.client_id = id;
  return o;
}

std::string bulk(const std::string& s) {
  std::string out = "$";
  return out.append(std::to_string(s.size())).append("\r\n").append(s).append("\r\n");
}

// ":<n>\r\n" (built piece by piece: g++ 12 at -O2 warns, wrongly, about "literal" + std::string).
std::string integer(std::size_t n) { return std::string(":").append(std::to_string(n)).append("\r\n"); }

}  // namespace

TEST_CASE("resp CONFIG GET answers what tools ask", "[server][resp]") {
  RespCodecOptions o;
  o.max_memory_bytes = 1024;
  CodecDriver d(o);
  CHECK(d.local(command({"CONFIG", "GET", "save"})) == "*2\r\n$4\r\nsave\r\n$0\r\n\r\n");
  CHECK(d.local(command({"CONFIG", "GET", "appendonly"})) == "*2\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n");
  // In the order Redis 7.0 lists them.
  CHECK(d.local(command({"CONFIG", "GET", "maxmemory*"})) ==
        "*10\r\n$17\r\nmaxmemory-clients\r\n$1\r\n0\r\n$9\r\nmaxmemory\r\n$4\r\n1024\r\n"
        "$17\r\nmaxmemory-samples\r\n$1\r\n5\r\n$27\r\nmaxmemory-eviction-tenacity\r\n$2\r\n10\r\n"
        "$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n");
  CHECK(d.local(command({"CONFIG", "GET", "*"})).rfind("*22\r\n", 0) == 0);
  CHECK(d.local(command({"CONFIG", "GET", "timeout"})) == "*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n");
  CHECK(d.local(command({"CONFIG", "GET", "nothing"})) == "*0\r\n");
  CHECK(d.local(command({"CONFIG", "GET", "MAX?EMORY"})) == "*2\r\n$9\r\nmaxmemory\r\n$4\r\n1024\r\n");
}

TEST_CASE("resp CONFIG GET echoes a plain name as spelled, each parameter once", "[server][resp]") {
  CodecDriver d;
  // Redis looks a name without glob characters up directly and answers with the client's spelling.
  CHECK(d.local(command({"config", "get", "MAXMEMORY"})) == "*2\r\n$9\r\nMAXMEMORY\r\n$1\r\n0\r\n");
  CHECK(d.local(command({"CONFIG", "GET", "MaxMemory", "maxmemory", "max*"})).rfind(
            "*10\r\n$9\r\nMaxMemory\r\n$1\r\n0\r\n$17\r\nmaxmemory-clients\r\n", 0) == 0);
  CHECK(d.local(command({"CONFIG", "GET", "databases", "save"})) ==
        "*4\r\n$9\r\ndatabases\r\n$1\r\n1\r\n$4\r\nsave\r\n$0\r\n\r\n");
}

TEST_CASE("resp CONFIG SET, RESETSTAT, REWRITE and HELP", "[server][resp]") {
  CodecDriver d;
  CHECK(d.local(command({"CONFIG", "SET", "save", ""})) == "+OK\r\n");
  CHECK(d.local(command({"CONFIG", "SET", "appendonly", "yes", "appendfsync", "always"})) == "+OK\r\n");
  CHECK(d.local(command({"CONFIG", "SET", "maxmemory", "1"})) ==
        "-ERR Unknown option or number of arguments for CONFIG SET - 'maxmemory'\r\n");
  CHECK(d.local(command({"CONFIG", "SET", "save"})) == "-ERR wrong number of arguments for 'config|set' command\r\n");
  CHECK(d.local(command({"CONFIG", "SET", "save", "", "x"})) == "-ERR syntax error\r\n");
  CHECK(d.local(command({"CONFIG", "RESETSTAT"})) == "+OK\r\n");
  CHECK(d.local(command({"CONFIG", "RESETSTAT", "x"})) ==
        "-ERR wrong number of arguments for 'config|resetstat' command\r\n");
  CHECK(d.local(command({"CONFIG", "REWRITE"})) == "-ERR The server is running without a config file\r\n");
  CHECK(d.local(command({"CONFIG", "FOO"})) == "-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n");
  const std::string help = d.local(command({"config", "help"}));
  CHECK(help.rfind("*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET <pattern>\r\n", 0) ==
        0);
  const std::string tail = "+HELP\r\n+    Prints this help.\r\n";
  CHECK(help.substr(help.size() - tail.size()) == tail);
  CHECK(d.local(command({"CONFIG", "HELP", "x"})) == "-ERR wrong number of arguments for 'config|help' command\r\n");
}

TEST_CASE("resp CLIENT names, ids and lib info", "[server][resp]") {
  CodecDriver d(with_id(42));
  CHECK(d.local(command({"CLIENT", "GETNAME"})) == "$-1\r\n");
  CHECK(d.local(command({"CLIENT", "SETNAME", "worker-1"})) == "+OK\r\n");
  CHECK(d.local(command({"CLIENT", "GETNAME"})) == "$8\r\nworker-1\r\n");
  CHECK(d.local(command({"CLIENT", "SETNAME", "bad name"})) ==
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  CHECK(d.local(command({"CLIENT", "ID"})) == ":42\r\n");
  CHECK(d.local(command({"CLIENT", "SETINFO", "LIB-NAME", "redis-py"})) == "+OK\r\n");
  CHECK(d.local(command({"CLIENT", "SETINFO", "LIB-VER", "5.0"})) == "+OK\r\n");
  CHECK(d.local(command({"CLIENT", "SETINFO", "LIB-VER", "5 0"})) ==
        "-ERR LIB-VER cannot contain spaces, newlines or special characters.\r\n");
  CHECK(d.local(command({"CLIENT", "SETINFO", "color", "red"})) == "-ERR Unrecognized option 'color'\r\n");
  const std::string info = "id=42 name=worker-1 db=0 user=default resp=2 lib-name=redis-py lib-ver=5.0\n";
  CHECK(d.local(command({"CLIENT", "INFO"})) == bulk(info));
  CHECK(d.local(command({"CLIENT", "NO-EVICT", "on"})) == "+OK\r\n");
  CHECK(d.local(command({"CLIENT", "NO-TOUCH", "maybe"})) == "-ERR syntax error\r\n");
  CHECK(d.local(command({"CLIENT", "KILL", "x"})) == "-ERR unknown subcommand 'KILL'. Try CLIENT HELP.\r\n");
  CHECK(d.local(command({"CLIENT", "HELP"})).rfind("*27\r\n+CLIENT <subcommand>", 0) == 0);
}

TEST_CASE("resp CLIENT checks each subcommand's arity first", "[server][resp]") {
  CodecDriver d(with_id(1));
  CHECK(d.local(command({"CLIENT", "ID", "x"})) == "-ERR wrong number of arguments for 'client|id' command\r\n");
  CHECK(d.local(command({"CLIENT", "GETNAME", "x"})) ==
        "-ERR wrong number of arguments for 'client|getname' command\r\n");
  CHECK(d.local(command({"CLIENT", "INFO", "x"})) == "-ERR wrong number of arguments for 'client|info' command\r\n");
  CHECK(d.local(command({"CLIENT", "NO-EVICT"})) ==
        "-ERR wrong number of arguments for 'client|no-evict' command\r\n");
  CHECK(d.local(command({"CLIENT", "SETINFO", "lib-name"})) ==
        "-ERR wrong number of arguments for 'client|setinfo' command\r\n");
  CHECK(d.local(command({"CLIENT", "nope", "x"})) == "-ERR unknown subcommand 'nope'. Try CLIENT HELP.\r\n");
}

TEST_CASE("resp CLIENT LIST filters by TYPE and ID", "[server][resp]") {
  CodecDriver d(with_id(9));
  const std::string line = "id=9 name= db=0 user=default resp=2 lib-name= lib-ver=\n";
  CHECK(d.local(command({"CLIENT", "LIST"})) == bulk(line));
  CHECK(d.local(command({"CLIENT", "LIST", "TYPE", "normal"})) == bulk(line));
  CHECK(d.local(command({"CLIENT", "LIST", "type", "PUBSUB"})) == "$0\r\n\r\n");
  CHECK(d.local(command({"CLIENT", "LIST", "TYPE", "bogus"})) == "-ERR Unknown client type 'bogus'\r\n");
  CHECK(d.local(command({"CLIENT", "LIST", "ID", "3", "9"})) == bulk(line));
  CHECK(d.local(command({"CLIENT", "LIST", "ID", "3"})) == "$0\r\n\r\n");
  CHECK(d.local(command({"CLIENT", "LIST", "ID", "x"})) == "-ERR Invalid client ID\r\n");
  CHECK(d.local(command({"CLIENT", "LIST", "x"})) == "-ERR syntax error\r\n");
}

TEST_CASE("resp COMMAND answers from the command table", "[server][resp]") {
  CodecDriver d;
  const auto count = RespCodec::command_names().size();
  CHECK(d.local(command({"COMMAND"})).rfind("*" + std::to_string(count) + "\r\n*10\r\n$3\r\nget\r\n", 0) == 0);
  CHECK(d.local(command({"COMMAND", "DOCS"})).rfind("*" + std::to_string(2 * count) + "\r\n$3\r\nget\r\n", 0) == 0);
  CHECK(d.local(command({"COMMAND", "COUNT"})) == integer(count));
  CHECK(d.local(command({"COMMAND", "COUNT", "x"})) == "-ERR wrong number of arguments for 'command|count' command\r\n");
  // Redis 7's layout: name, arity, flags, first/last/step, ACL categories, tips, key specs, subcommands.
  CHECK(d.local(command({"COMMAND", "INFO", "get", "nosuch"})) ==
        "*2\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
        "*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n"
        "*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n"
        "$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n"
        "$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n"
        "*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n$-1\r\n");
  // Every command, then (as in Redis) every subcommand by its full name.
  const std::string list = d.local(command({"COMMAND", "LIST"}));
  CHECK(std::stoul(list.substr(1)) > count);
  CHECK(list.find("\r\n$3\r\nget\r\n") == list.find("\r\n"));
  CHECK(list.find("\r\n$10\r\nconfig|get\r\n") != std::string::npos);
  CHECK(d.local(command({"COMMAND", "GETKEYS", "mset", "a", "1", "b", "2"})) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(d.local(command({"COMMAND", "GETKEYS", "ping", "x"})) == "-ERR The command has no key arguments\r\n");
  CHECK(d.local(command({"COMMAND", "GETKEYS", "nosuch", "x"})) == "-ERR Invalid command specified\r\n");
  CHECK(d.local(command({"COMMAND", "GETKEYS", "get", "a", "b"})) ==
        "-ERR Invalid number of arguments specified for command\r\n");
  CHECK(d.local(command({"COMMAND", "GETKEYS", "object", "encoding", "k"})) == "*1\r\n$1\r\nk\r\n");
  CHECK(d.local(command({"COMMAND", "HELP"})).rfind("*21\r\n+COMMAND <subcommand>", 0) == 0);
}

TEST_CASE("resp COMMAND LIST FILTERBY", "[server][resp]") {
  CodecDriver d;
  CHECK(d.local(command({"COMMAND", "LIST", "FILTERBY", "PATTERN", "*EXPIREAT"})) ==
        "*2\r\n$8\r\nexpireat\r\n$9\r\npexpireat\r\n");
  CHECK(d.local(command({"COMMAND", "LIST", "FILTERBY", "MODULE", "x"})) == "*0\r\n");
  CHECK(d.local(command({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "string"})).rfind("*22\r\n$3\r\nget\r\n", 0) == 0);
  CHECK(d.local(command({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"})) == "*0\r\n");
  CHECK(d.local(command({"COMMAND", "LIST", "FILTERBY", "OTHER", "x"})) == "-ERR syntax error\r\n");
  CHECK(d.local(command({"COMMAND", "LIST", "FILTERBY"})) == "-ERR syntax error\r\n");
}
