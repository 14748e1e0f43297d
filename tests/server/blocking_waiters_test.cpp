// The blocking registry alone (server/blocking/waiters.h): FIFO per key,
// databases kept apart, skip, timeouts, CLIENT UNBLOCK, cancel, a served
// waiter's push serving another in the same pass, and no lost wake-up.
// The "store" here is a map of deques; the connection is a Sink that records
// what its outbox was given.
#include <catch2/catch.hpp>

#include <asio/io_context.hpp>

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "server/blocking/waiters.h"

using namespace mnemo::server;
using blocking::Attempt;
using blocking::BlockSpec;
using blocking::Registry;
using blocking::Served;

namespace {

// One fake connection: its outbox and what it was delivered.
struct Client : pubsub::Outbox::Sink, std::enable_shared_from_this<Client> {
  std::shared_ptr<pubsub::Outbox> outbox;
  std::string got;
  int unblocked = 0;
  void on_outbox_ready() override { outbox->take(got); }
  void on_outbox_overflow() override {}
  void on_unblocked() override {
    outbox->take(got);
    ++unblocked;
  }
};

struct Fixture {
  asio::io_context io;
  Registry reg;
  std::map<std::pair<std::uint32_t, std::string>, std::deque<std::string>> lists;  // guarded by reg's pass

  std::shared_ptr<Client> client() {
    auto c = std::make_shared<Client>();
    c->outbox = std::make_shared<pubsub::Outbox>(io.get_executor(), 1 << 20);
    c->outbox->attach(c);
    return c;
  }
  // A BLPOP-like waiter on `keys` of db.
  BlockSpec pop_spec(const std::shared_ptr<Client>& c, std::uint32_t db, std::vector<std::string> keys,
                     std::uint64_t id, std::int64_t timeout_ms = 0) {
    BlockSpec s;
    s.db = db;
    s.keys = std::move(keys);
    s.client_id = id;
    s.outbox = c->outbox;
    s.timeout_ms = timeout_ms;
    s.timeout_reply = "nil";
    s.error_reply = "error";
    s.attempt = [this, db](std::string_view key) {
      auto& l = lists[{db, std::string(key)}];
      if (l.empty()) return Attempt{Served::empty, {}};
      Attempt a{Served::served, std::string(key) + "=" + l.front()};
      l.pop_front();
      return a;
    };
    return s;
  }
  void push(std::uint32_t db, const std::string& key, const std::string& v) {
    lists[{db, key}].push_back(v);
    reg.signal(db, key);
  }
};

}  // namespace

TEST_CASE("blocked clients are served in the order they blocked, per key") {
  Fixture f;
  auto a = f.client(), b = f.client(), c = f.client();
  auto wa = f.reg.block(f.pop_spec(a, 0, {"q"}, 1));
  auto wb = f.reg.block(f.pop_spec(b, 0, {"q"}, 2));
  auto wc = f.reg.block(f.pop_spec(c, 0, {"other", "q"}, 3));
  CHECK(f.reg.blocked_clients() == 3);
  f.push(0, "q", "x1");
  f.push(0, "q", "x2");
  f.io.run();
  f.io.restart();
  CHECK(a->got == "q=x1");
  CHECK(b->got == "q=x2");
  CHECK(c->got.empty());
  CHECK(f.reg.blocked_clients() == 1);
  f.push(0, "other", "y");
  f.io.run();
  CHECK(c->got == "other=y");
  CHECK(c->unblocked == 1);
  CHECK(f.reg.blocked_clients() == 0);
}

TEST_CASE("a waiter in one database is not woken by a write to another") {
  Fixture f;
  auto a = f.client();
  auto w = f.reg.block(f.pop_spec(a, 1, {"k"}, 1));
  f.push(0, "k", "v0");
  f.io.run();
  f.io.restart();
  CHECK(a->got.empty());
  CHECK(f.reg.blocked_clients() == 1);
  f.push(1, "k", "v1");
  f.io.run();
  CHECK(a->got == "k=v1");
}

TEST_CASE("a waiter the key is not for is skipped and keeps waiting") {
  Fixture f;
  auto a = f.client(), b = f.client();
  BlockSpec sa = f.pop_spec(a, 0, {"k"}, 1);
  sa.attempt = [](std::string_view) { return Attempt{Served::skip, {}}; };
  auto wa = f.reg.block(std::move(sa));
  auto wb = f.reg.block(f.pop_spec(b, 0, {"k"}, 2));
  f.push(0, "k", "v");
  f.io.run();
  CHECK(a->got.empty());
  CHECK(b->got == "k=v");
  CHECK(f.reg.blocked_clients() == 1);
  f.reg.cancel(wa);
  CHECK(f.reg.blocked_clients() == 0);
}

TEST_CASE("a key that already holds data serves the waiter at once (no lost wake-up)") {
  Fixture f;
  auto a = f.client();
  f.lists[{0, "k"}].push_back("early");  // landed after the command's own attempt, before block()
  auto w = f.reg.block(f.pop_spec(a, 0, {"k"}, 1));
  CHECK(f.reg.blocked_clients() == 0);
  f.io.run();
  CHECK(a->got == "k=early");
}

TEST_CASE("a timeout answers the timeout reply and forgets the waiter") {
  Fixture f;
  auto a = f.client();
  auto w = f.reg.block(f.pop_spec(a, 0, {"k"}, 1, 1));
  f.io.run();  // returns once the timer fired and the reply was delivered
  CHECK(a->got == "nil");
  CHECK(a->unblocked == 1);
  CHECK(f.reg.blocked_clients() == 0);
  f.push(0, "k", "late");  // nobody waits any more
  CHECK(f.lists[{0, "k"}].size() == 1);
}

TEST_CASE("CLIENT UNBLOCK answers the timeout or the error reply; cancel answers nothing") {
  Fixture f;
  auto a = f.client(), b = f.client(), c = f.client();
  auto wa = f.reg.block(f.pop_spec(a, 0, {"k"}, 1));
  auto wb = f.reg.block(f.pop_spec(b, 0, {"k"}, 2));
  auto wc = f.reg.block(f.pop_spec(c, 0, {"k"}, 3));
  CHECK(f.reg.unblock(1, false));
  CHECK(f.reg.unblock(2, true));
  CHECK_FALSE(f.reg.unblock(2, true));
  CHECK_FALSE(f.reg.unblock(99, false));
  f.reg.cancel(wc);
  f.push(0, "k", "v");
  f.io.run();
  CHECK(a->got == "nil");
  CHECK(b->got == "error");
  CHECK(c->got.empty());
  CHECK(f.reg.blocked_clients() == 0);
  CHECK(f.lists[{0, "k"}].size() == 1);
}

TEST_CASE("a served waiter's push serves the next waiter in the same pass") {
  Fixture f;
  auto mover = f.client(), taker = f.client();
  BlockSpec m = f.pop_spec(mover, 0, {"src"}, 1);
  m.attempt = [&f](std::string_view key) {
    auto& l = f.lists[{0, std::string(key)}];
    if (l.empty()) return Attempt{Served::empty, {}};
    const std::string v = l.front();
    l.pop_front();
    f.lists[{0, "dst"}].push_back(v);
    f.reg.signal(0, "dst");  // from inside the pass: joins it
    return Attempt{Served::served, "moved " + v};
  };
  auto wm = f.reg.block(std::move(m));
  auto wt = f.reg.block(f.pop_spec(taker, 0, {"dst"}, 2));
  f.push(0, "src", "e");
  f.io.run();
  CHECK(mover->got == "moved e");
  CHECK(taker->got == "dst=e");
  CHECK(f.lists[{0, "dst"}].empty());
}
