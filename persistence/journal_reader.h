// Reads committed journal rows back for the change feed (server/feed/): a
// watcher that resumes from a version gets the changes after it from here
// before it joins the live stream. Its own connection (read_backend.h), to
// SQLite's file or to the PostgreSQL node.
//
// Threads: one thread at a time (the feed's replay thread).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "persistence/change.h"
#include "persistence/outcome.h"
#include "persistence/options.h"
#include "persistence/read_backend.h"
#include "protocol/result.h"

namespace mnemo::persistence {

class JournalReader {
 public:
  // Opens what `opts` names: the database file in its data dir (which must
  // exist), or its PostgreSQL node.
  static protocol::Result<JournalReader> open(const Options& opts);

  // The smallest `after` for which read() still returns every journaled
  // change: compaction (after a snapshot) deletes rows wholly before the
  // snapshot's start seq, so once a snapshot completed, only the seqs from
  // min(its start seq, the oldest row's first seq) on are sure to be there.
  // 0 when nothing was ever compacted.
  protocol::Result<std::uint64_t> oldest_after();

  // Calls `visit` for every journaled change with after < seq <= upto, in seq
  // order, until it returns false. Only committed rows are seen: a caller
  // that wants every change up to `upto` waits until it is durable first.
  Outcome read(std::uint64_t after, std::uint64_t upto, const std::function<bool(const Change&)>& visit);

 private:
  explicit JournalReader(ReadBackend backend) : backend_(std::move(backend)) {}
  ReadBackend backend_;
};

}  // namespace mnemo::persistence
