// Clang's thread-safety analysis (-Wthread-safety): which lock guards which
// member, checked at compile time. scripts/check-locks compiles the annotated
// sources with clang and fails on any access the analysis cannot prove is
// under its lock; with GCC the macros expand to nothing.
//
// Mutex and MutexLock are std::mutex and std::unique_lock with the
// annotations the analysis needs; MutexLock::native() hands the unique_lock
// to a std::condition_variable, whose wait gives the lock back before it
// returns, so the analysis's view (held throughout) stays true.
//
// Threads: as std::mutex.
#pragma once

#include <mutex>

#if defined(__clang__)
#define MNEMO_TSA(x) __attribute__((x))
#else
#define MNEMO_TSA(x)
#endif

#define MNEMO_CAPABILITY(name) MNEMO_TSA(capability(name))
#define MNEMO_SCOPED_CAPABILITY MNEMO_TSA(scoped_lockable)
#define MNEMO_GUARDED_BY(m) MNEMO_TSA(guarded_by(m))
#define MNEMO_REQUIRES(...) MNEMO_TSA(requires_capability(__VA_ARGS__))
#define MNEMO_EXCLUDES(...) MNEMO_TSA(locks_excluded(__VA_ARGS__))
#define MNEMO_ACQUIRE(...) MNEMO_TSA(acquire_capability(__VA_ARGS__))
#define MNEMO_RELEASE(...) MNEMO_TSA(release_capability(__VA_ARGS__))
#define MNEMO_TRY_ACQUIRE(...) MNEMO_TSA(try_acquire_capability(__VA_ARGS__))
#define MNEMO_NO_THREAD_SAFETY_ANALYSIS MNEMO_TSA(no_thread_safety_analysis)

namespace mnemo {

class MNEMO_CAPABILITY("mutex") Mutex {
 public:
  void lock() MNEMO_ACQUIRE() { mu_.lock(); }
  bool try_lock() MNEMO_TRY_ACQUIRE(true) { return mu_.try_lock(); }
  void unlock() MNEMO_RELEASE() { mu_.unlock(); }
  std::mutex& native() { return mu_; }

 private:
  std::mutex mu_;
};

// Spin first: for a lock held only for a copy, finding it free after a few
// pauses is far cheaper than sleeping in the kernel and being woken.
struct SpinFirst {};

class MNEMO_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& m) MNEMO_ACQUIRE(m) : lk_(m.native()) {}
  MutexLock(Mutex& m, SpinFirst) MNEMO_ACQUIRE(m) : lk_(m.native(), std::defer_lock) {
    constexpr int kSpins = 100;
    for (int i = 0; i < kSpins; ++i) {
      if (lk_.try_lock()) return;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
    lk_.lock();
  }
  ~MutexLock() MNEMO_RELEASE() {}
  // Lets go for a while (to run callbacks without the lock), then takes it again.
  void unlock() MNEMO_RELEASE() { lk_.unlock(); }
  void lock() MNEMO_ACQUIRE() { lk_.lock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  // For std::condition_variable::wait: it must not be unlocked otherwise.
  std::unique_lock<std::mutex>& native() { return lk_; }

 private:
  std::unique_lock<std::mutex> lk_;
};

}  // namespace mnemo
