#include "server/shard_mutex.h"

#include <thread>

namespace mnemo::server {

void HeldShards::take_extra(ShardMutex* m) const {
  // try_lock only: the transaction holds other shards, and waiting here out of
  // the ascending order could close a cycle with a multi-key operation. The
  // holder of a single shard lets go within microseconds, so a few thousand
  // tries nearly always succeed.
  constexpr int kTries = 20000;
  for (int i = 0; i < kTries; ++i) {
    if (m->raw().try_lock()) {
      extra.push_back(m);
      return;
    }
    std::this_thread::yield();
  }
  throw UndeclaredShardBusy();
}

}  // namespace mnemo::server
