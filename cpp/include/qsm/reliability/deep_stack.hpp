// Runs a function on a thread with a stack sized for the caller's recursion depth.
// The decision-diagram operations (ite, minimal solutions, without, enumeration) recurse
// once per variable level, so a structure with 10^5 events can recurse 10^5 deep: more
// than an 8 MiB thread stack holds. Converting every operation to explicit stacks would
// obscure the algorithms; a dedicated thread whose stack is reserved (not committed:
// pages are touched only as the recursion reaches them) keeps them readable and makes a
// deep structure an answer instead of a crash.
#pragma once

#include <cstddef>
#include <exception>
#include <stdexcept>

#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#define QSM_HAVE_PTHREAD_STACK 1
#else
#define QSM_HAVE_PTHREAD_STACK 0
#endif

namespace qsm::reliability {

// Upper bound on the stack one recursion level of the diagram code takes, with room
// for the nested without() calls (measured frames are ~100-200 bytes).
inline constexpr size_t kStackPerLevel = 1024;
inline constexpr size_t kMaxStackBytes = size_t{2} << 30;  // 2 GiB of address space

// The most variable levels run_deep can serve.
inline constexpr size_t kMaxDeepLevels = kMaxStackBytes / kStackPerLevel - 64;

// Calls f() with at least kStackPerLevel * (levels + 64) bytes of stack; small depths
// run on the caller's stack. Exceptions from f propagate to the caller.
template <class F>
void run_deep(size_t levels, F&& f) {
  if (levels <= 2048) {
    f();
    return;
  }
  if (levels > kMaxDeepLevels)
    throw std::length_error("too many basic events for exact evaluation (recursion depth)");
#if QSM_HAVE_PTHREAD_STACK
  struct Context {
    F* f;
    std::exception_ptr error;
  } ctx{&f, nullptr};
  pthread_attr_t attr;
  bool ran = false;
  if (pthread_attr_init(&attr) == 0) {
    if (pthread_attr_setstacksize(&attr, kStackPerLevel * (levels + 64) + (size_t{8} << 20)) == 0) {
      pthread_t thread;
      void* (*trampoline)(void*) = [](void* p) -> void* {
        auto* c = static_cast<Context*>(p);
        try {
          (*c->f)();
        } catch (...) {
          c->error = std::current_exception();
        }
        return nullptr;
      };
      if (pthread_create(&thread, &attr, trampoline, &ctx) == 0) {
        pthread_join(thread, nullptr);
        ran = true;
      }
    }
    pthread_attr_destroy(&attr);
  }
  if (!ran) throw std::runtime_error("could not start a thread with a deep enough stack");
  if (ctx.error) std::rethrow_exception(ctx.error);
#else
  f();  // no portable way to size a stack here: platforms without pthreads recurse in place
#endif
}

}  // namespace qsm::reliability
