// The one question a client session asks of persistence before it reads more
// requests: is the journal's queue past its high-water mark? A session that
// holds only this cannot reach snapshots, backups or the journal itself.
//
// Threads: under_pressure() is called from every io thread; implementations
// answer from an atomic.
#pragma once

namespace mnemo::persistence {

class Backpressure {
 public:
  virtual ~Backpressure() = default;
  // True while the queue is past its high-water mark: sessions stop reading.
  virtual bool under_pressure() const = 0;
};

}  // namespace mnemo::persistence
