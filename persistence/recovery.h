// Startup recovery: load the newest complete snapshot, then replay the journal
// rows after its S0 in seq order into a RecoveryTarget. Replay is idempotent
// by version (the target keeps the newest seq per key), which is what makes a
// fuzzy snapshot plus the journal exact.
//
// A journal row that fails its checks (CRC, decoding, seq order, change
// count) stops recovery with an error naming the row id and seq range. With
// recover_truncated, recovery instead stops at the last good row, logs a
// warning, and moves the bad row and every later one into journal_skipped
// (kept for inspection, never replayed). A bad snapshot is always an error.
//
// Threads: runs on the caller's thread, before the journal thread starts.
#pragma once

#include "persistence/backend.h"
#include "persistence/change_log.h"
#include "persistence/clock.h"
#include "persistence/persistence.h"
#include "protocol/result.h"

namespace mnemo::persistence {

protocol::Result<RecoveryInfo> run_recovery(JournalBackend& journal, SnapshotStore& snapshots,
                                            RecoveryTarget& target, bool recover_truncated,
                                            const Clock& clock = SystemClock::instance());

}  // namespace mnemo::persistence
