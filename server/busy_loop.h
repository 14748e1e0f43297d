// Serving an io thread's other connections while one of its handlers runs a
// script past the time limit, as Redis does from inside a busy script
// (processEventsWhileBlocked).
//
// A script runs on its connection's io thread and holds that thread until it
// ends. Without this, a SCRIPT KILL or SHUTDOWN NOSAVE sent on a connection
// the server placed on the same thread would wait behind the script it is
// meant to stop. The script's count hook calls serve_others() once the
// script is past --lua-time-limit-ms: it runs the handlers that are ready on
// the thread's loop (asio supports nested poll() on the thread running the
// loop). The commands they parse meet the busy gate (resp_codec.cpp: only
// SCRIPT KILL, SHUTDOWN NOSAVE and the connection commands; native requests
// get Status::busy), so no other client's command runs inside the script.
//
// What must not run inside: a handler of the connection whose request is
// running the script (its frame is below on the stack), a blocked client's
// wake-up (that is another client's command) and the expiry sweep. Those
// defer(): they are posted back to the loop when the script is done.
//
// Threads: every function acts on the calling thread's own state.
#pragma once

#include <functional>

#include <asio.hpp>

namespace mnemo::server::busy_loop {

// The calling io thread's loop; once, when the thread starts serving it.
void bind(asio::io_context* loop);
// Runs the ready handlers of this thread's loop, at most every 10 ms; does
// nothing on a thread without a loop or when already serving.
void serve_others();
// True while serve_others() runs on this thread.
bool serving();
// Queues fn until the script ends (release_deferred()); call it only while serving().
void defer(std::function<void()> fn);
// Posts what defer() queued to this thread's loop: called when a script
// ends, so it runs after the script's handler returns.
void release_deferred();

}  // namespace mnemo::server::busy_loop
