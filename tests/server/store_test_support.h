// Fakes and request helpers shared by the store's tests: a clock the test
// moves by hand, a change log that records what it was given (and can be told
// to refuse), and one-line wrappers around Store::execute.
//
// Threads: FakeClock and FakeLog may be used from any thread; StoreHarness's
// helpers may be called concurrently (each builds its own Request/Response).
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <ostream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "persistence/change_log.h"
#include "protocol/message.h"
#include "server/clock.h"
#include "server/store.h"

namespace mnemo::server::test {

using persistence::Change;
using persistence::ChangeKind;
using protocol::Opcode;
using protocol::Request;
using protocol::Response;
using protocol::Status;
namespace flags = protocol::flags;

class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  std::int64_t now_ms() const override { return now_.load(); }
  void advance(std::int64_t ms) { now_ += ms; }

 private:
  std::atomic<std::int64_t> now_;
};

class FakeLog final : public persistence::ChangeLog {
 public:
  protocol::Result<std::uint64_t> append(std::span<const persistence::ChangeRef> changes) override {
    std::lock_guard lock(mu_);
    if (fail_status_) return protocol::Result<std::uint64_t>::failure(*fail_status_, fail_message_);
    const std::uint64_t seq = ++last_seq_;
    std::vector<Change> batch;
    for (const persistence::ChangeRef& c : changes) {
      batch.push_back(Change{seq, c.kind, std::string(c.key), std::string(c.value), c.expire_at_ms, c.db});
    }
    batches_.push_back(std::move(batch));
    return seq;
  }
  std::uint64_t allocate_seq() override {
    std::lock_guard lock(mu_);
    ++allocated_;
    return ++last_seq_;
  }
  // As the journal: a transaction's unit is never refused once it ran, and
  // the refusal it asks for first is the one fail_with() set.
  protocol::Result<std::uint64_t> append_forced(std::span<const persistence::ChangeRef> changes) override {
    std::optional<Status> saved;
    {
      std::lock_guard lock(mu_);
      saved = std::exchange(fail_status_, std::nullopt);
    }
    auto seq = append(changes);
    std::lock_guard lock(mu_);
    fail_status_ = saved;
    return seq;
  }
  protocol::Error refusal() const override {
    std::lock_guard lock(mu_);
    if (fail_status_) return {*fail_status_, fail_message_};
    return {Status::ok, {}};
  }

  void fail_with(Status s, std::string message) {
    std::lock_guard lock(mu_);
    fail_status_ = s;
    fail_message_ = std::move(message);
  }
  void recover() {
    std::lock_guard lock(mu_);
    fail_status_.reset();
  }
  std::vector<std::vector<Change>> batches() const {
    std::lock_guard lock(mu_);
    return batches_;
  }
  std::size_t allocated() const {
    std::lock_guard lock(mu_);
    return allocated_;
  }
  std::uint64_t last_seq() const {
    std::lock_guard lock(mu_);
    return last_seq_;
  }

 private:
  mutable std::mutex mu_;
  std::uint64_t last_seq_ = 0;
  std::size_t allocated_ = 0;
  std::vector<std::vector<Change>> batches_;
  std::optional<Status> fail_status_;
  std::string fail_message_;
};

inline std::ostream& operator<<(std::ostream& os, const Change& c) {
  return os << "{seq " << c.seq << " kind " << int(c.kind) << " db " << c.db << " key " << c.key << " value "
            << c.value << " exp " << c.expire_at_ms << "}";
}

inline Change put(std::uint64_t seq, std::string key, std::string value, std::int64_t expire_at_ms = 0) {
  return Change{seq, ChangeKind::put, std::move(key), std::move(value), expire_at_ms};
}
inline Change del(std::uint64_t seq, std::string key) {
  return Change{seq, ChangeKind::del, std::move(key), {}, 0};
}
inline Change in_db(std::uint32_t db, Change c) {
  c.db = db;
  return c;
}
inline Change flush_db(std::uint64_t seq, std::uint32_t db) {
  return Change{seq, ChangeKind::flush_db, {}, {}, 0, db};
}

// Few shards: a test that holds every shard at once (FLUSHALL, EXEC of a
// keyless command) stays under ThreadSanitizer's limit of 64 locks held by
// one thread (16 databases x 2 shards, plus the log's own mutex).
inline StoreOptions few_shards() {
  StoreOptions o;
  o.shards = 2;
  return o;
}

// A store wired to a FakeClock and (unless `with_log` is false) a FakeLog.
struct StoreHarness {
  explicit StoreHarness(StoreOptions opts = {}, bool with_log = true)
      : store(opts, with_log ? &log : nullptr, clock) {}

  Response run(const Request& req) {
    Response resp;
    store.execute(req, resp);
    return resp;
  }
  Response set(std::string_view key, std::string_view value, std::uint8_t f = 0,
               std::uint64_t ttl_ms = 0, std::uint64_t if_version = 0) {
    Request r;
    r.op = Opcode::set;
    r.key = key;
    r.value = value;
    r.flags = f;
    r.ttl_ms = ttl_ms;
    r.if_version = if_version;
    return run(r);
  }
  Response key_op(Opcode op, std::string_view key, std::uint8_t f = 0) {
    Request r;
    r.op = op;
    r.key = key;
    r.flags = f;
    return run(r);
  }
  Response get(std::string_view key) { return key_op(Opcode::get, key); }
  Response ttl(std::string_view key) { return key_op(Opcode::ttl, key); }
  Response persist(std::string_view key) { return key_op(Opcode::persist, key); }
  Response del(std::string_view key, std::uint64_t if_version = 0) {
    Request r;
    r.op = Opcode::del;
    r.key = key;
    r.if_version = if_version;
    return run(r);
  }
  Response incrby(std::string_view key, std::int64_t delta, std::uint8_t f = 0) {
    Request r;
    r.op = Opcode::incrby;
    r.key = key;
    r.delta = delta;
    r.flags = f;
    return run(r);
  }
  Response expire(std::string_view key, std::uint64_t ttl_ms, std::uint64_t if_version = 0) {
    Request r;
    r.op = Opcode::expire;
    r.key = key;
    r.ttl_ms = ttl_ms;
    r.if_version = if_version;
    return run(r);
  }
  Response keys_op(Opcode op, std::vector<std::string_view> keys) {
    Request r;
    r.op = op;
    r.keys = std::move(keys);
    return run(r);
  }
  Response mset(std::vector<std::string_view> keys, std::vector<std::string_view> values,
                std::uint8_t f = 0, std::uint64_t ttl_ms = 0) {
    Request r;
    r.op = Opcode::mset;
    r.keys = std::move(keys);
    r.values = std::move(values);
    r.flags = f;
    r.ttl_ms = ttl_ms;
    return run(r);
  }
  Response scan(std::string_view prefix, std::string_view cursor, std::uint32_t count = 0) {
    Request r;
    r.op = Opcode::scan;
    r.key = prefix;
    r.value = cursor;
    r.count = count;
    return run(r);
  }
  // Runs a whole SCAN, page by page; returns every key returned, in order.
  std::vector<std::string> scan_all(std::string_view prefix, std::uint32_t count, std::size_t* pages = nullptr) {
    std::vector<std::string> out;
    std::string cursor;
    std::size_t n = 0;
    do {
      Response r = scan(prefix, cursor, count);
      if (r.status != Status::ok) break;
      out.insert(out.end(), r.keys.begin(), r.keys.end());
      cursor = r.text;
      ++n;
    } while (!cursor.empty());
    if (pages != nullptr) *pages = n;
    return out;
  }

  FakeClock clock;
  FakeLog log;
  Store store;
};

}  // namespace mnemo::server::test
