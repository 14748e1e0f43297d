#include "server/pubsub/keyspace_events.h"

namespace mnemo::server::pubsub {

std::optional<int> parse_event_flags(std::string_view letters) {
  int flags = 0;
  for (char c : letters) {
    switch (c) {
      case 'A': flags |= notify::kAll; break;
      case 'g': flags |= notify::kGeneric; break;
      case '$': flags |= notify::kString; break;
      case 'l': flags |= notify::kList; break;
      case 's': flags |= notify::kSet; break;
      case 'h': flags |= notify::kHash; break;
      case 'z': flags |= notify::kZset; break;
      case 'x': flags |= notify::kExpired; break;
      case 'e': flags |= notify::kEvicted; break;
      case 'K': flags |= notify::kKeyspace; break;
      case 'E': flags |= notify::kKeyevent; break;
      case 't': flags |= notify::kStream; break;
      case 'm': flags |= notify::kKeyMiss; break;
      case 'd': flags |= notify::kModule; break;
      case 'n': flags |= notify::kNew; break;
      default: return std::nullopt;
    }
  }
  return flags;
}

std::string format_event_flags(int flags) {
  std::string s;
  if ((flags & notify::kAll) == notify::kAll) {
    s += 'A';
  } else {
    constexpr std::pair<int, char> kClasses[] = {
        {notify::kGeneric, 'g'}, {notify::kString, '$'}, {notify::kList, 'l'},    {notify::kSet, 's'},
        {notify::kHash, 'h'},    {notify::kZset, 'z'},   {notify::kExpired, 'x'}, {notify::kEvicted, 'e'},
        {notify::kStream, 't'},  {notify::kModule, 'd'}, {notify::kNew, 'n'}};
    for (auto [bit, letter] : kClasses)
      if (flags & bit) s += letter;
  }
  if (flags & notify::kKeyspace) s += 'K';
  if (flags & notify::kKeyevent) s += 'E';
  if (flags & notify::kKeyMiss) s += 'm';
  return s;
}

void KeyspaceEvents::notify(int type, std::string_view event, std::uint32_t db, std::string_view key) {
  const int flags = this->flags();
  if ((flags & type) == 0 || registry_.idle()) return;
  // Built by appending: g++ 12 warns, wrongly, about "literal" + std::string (GCC bug 105329).
  std::string channel;
  auto start = [&channel, db](std::string_view kind) {
    channel.assign(kind);
    channel.append("@").append(std::to_string(db)).append("__:");
  };
  if (flags & notify::kKeyspace) {
    start("__keyspace");
    channel.append(key);
    registry_.publish(channel, event);
  }
  if (flags & notify::kKeyevent) {
    start("__keyevent");
    channel.append(event);
    registry_.publish(channel, key);
  }
}

}  // namespace mnemo::server::pubsub
