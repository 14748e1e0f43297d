#include "server/tools/cli_txn.h"

#include "server/tools/cli_args.h"

namespace mnemo::tools {

namespace {

using protocol::TxnCheck;
using protocol::TxnWriteKind;

// Reads "if KEY (version V | exists | missing)" at words[i]; advances i.
std::optional<std::string> read_condition(const std::vector<std::string>& w, std::size_t& i,
                                          protocol::Request& req) {
  if (i + 2 >= w.size()) return "'if' needs KEY and version V, exists or missing";
  protocol::TxnCondition c;
  c.key = w[i + 1];
  const std::string& what = w[i + 2];
  i += 3;
  if (what == "exists") {
    c.check = TxnCheck::exists;
  } else if (what == "missing") {
    c.check = TxnCheck::missing;
  } else if (what == "version") {
    if (i >= w.size() || !parse_u64(w[i], c.version) || c.version == 0) return "'version' needs a number > 0";
    c.check = TxnCheck::version_is;
    ++i;
  } else {
    return "unknown condition '" + what + "' (version V, exists or missing)";
  }
  req.conditions.push_back(c);
  return std::nullopt;
}

// Reads "set KEY VALUE [ttl MS]" or "del KEY" at words[i]; advances i.
std::optional<std::string> read_write(const std::vector<std::string>& w, std::size_t& i, protocol::Request& req) {
  protocol::TxnWrite x;
  if (w[i] == "del") {
    if (i + 1 >= w.size()) return "'del' needs KEY";
    x.kind = TxnWriteKind::del;
    x.key = w[i + 1];
    i += 2;
  } else if (w[i] == "set") {
    if (i + 2 >= w.size()) return "'set' needs KEY and VALUE";
    x.kind = TxnWriteKind::set;
    x.key = w[i + 1];
    x.value = w[i + 2];
    i += 3;
    if (i < w.size() && w[i] == "ttl") {
      if (i + 1 >= w.size() || !parse_u64(w[i + 1], x.ttl_ms) || x.ttl_ms == 0) return "'ttl' needs milliseconds > 0";
      i += 2;
    }
  } else {
    return "unknown write '" + w[i] + "' (set KEY VALUE [ttl MS] or del KEY)";
  }
  req.writes.push_back(x);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> parse_txn(const std::vector<std::string>& words, protocol::Request& req) {
  req.op = protocol::Opcode::txn;
  std::size_t i = 0;
  while (i < words.size() && words[i] == "if") {
    if (auto err = read_condition(words, i, req)) return err;
  }
  if (i >= words.size() || words[i] != "then") return "txn needs 'then' before its writes";
  ++i;
  while (i < words.size()) {
    if (auto err = read_write(words, i, req)) return err;
  }
  if (req.writes.empty()) return "txn needs at least one write after 'then'";
  return std::nullopt;
}

}  // namespace mnemo::tools
