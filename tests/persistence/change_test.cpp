// SnapshotBuffer: the reusable buffer a snapshot copies entries into.
#include "persistence/change.h"

#include <catch2/catch.hpp>

#include <string>

using mnemo::persistence::SnapshotBuffer;
using mnemo::persistence::SnapshotEntry;

TEST_CASE("a SnapshotBuffer reuses its slots' memory after clear, but not a large one's", "[persistence]") {
  SnapshotBuffer buf;
  CHECK(buf.empty());
  buf.add() = {"key-1", std::string(100, 'v'), 1, 0};
  buf.add() = {"key-2", std::string(100000, 'w'), 2, 5};
  REQUIRE(buf.size() == 2);
  CHECK(buf.back() == SnapshotEntry{"key-2", std::string(100000, 'w'), 2, 5});
  const char* small_value = buf.entries()[0].value.data();
  buf.clear();
  CHECK(buf.empty());
  CHECK(buf.entries().empty());
  SnapshotEntry& again = buf.add();
  CHECK(again.value.capacity() >= 100);  // kept: the next copy needs no allocation
  again.value.assign(50, 'x');
  CHECK(again.value.data() == small_value);
  SnapshotEntry& second = buf.add();
  CHECK(second.value.capacity() < 100000);  // a large value's memory was given back
  CHECK(buf.size() == 2);
}
