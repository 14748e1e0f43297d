// JournalWriter while commits fail (journal_writer.h, "Failure" and "Outages").
#include <spdlog/spdlog.h>

#include "persistence/journal_writer.h"

namespace mnemo::persistence {

using protocol::Error;
using protocol::Status;
using std::chrono::milliseconds;

Error JournalWriter::failing_refusal_locked(std::uint64_t queued_bytes, std::uint64_t bytes) const {
  if (!opts_.absorb_outages) {
    return {Status::read_only, "writes refused while the journal cannot write to disk: " + last_error_};
  }
  if (queued_bytes + bytes <= opts_.queue_high_water_bytes) return {Status::ok, {}};
  const auto age = std::chrono::duration_cast<milliseconds>(Steady::now() - failing_since_);
  if (age.count() < opts_.durable_timeout_ms) {
    return {Status::busy, "journal database unreachable and the journal queue is at its high-water "
                          "mark; retry later: " + last_error_};
  }
  return {Status::read_only, "writes refused while the journal database is unreachable (" +
                                 std::to_string(age.count()) + " ms): " + last_error_};
}

std::vector<JournalWriter::Done> JournalWriter::expire_waiters_locked(Steady::time_point now) {
  std::vector<Done> out;
  if (!opts_.absorb_outages || !failing_) return out;
  const milliseconds limit(opts_.durable_timeout_ms);
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (now - it->second.since >= limit) {
      out.push_back(std::move(it->second.done));
      it = waiters_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

JournalWriter::Steady::time_point JournalWriter::next_expiry_locked() const {
  Steady::time_point next = Steady::time_point::max();
  if (!opts_.absorb_outages || !failing_) return next;
  for (const auto& [seq, w] : waiters_) {
    next = std::min(next, w.since + milliseconds(opts_.durable_timeout_ms));
  }
  return next;
}

}  // namespace mnemo::persistence
