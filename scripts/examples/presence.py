#!/usr/bin/python3
"""Presence over mnemo's RESP port (the Phoenix Presence use case), with
keyspace notifications. See docs/PRESENCE.md.

  presence.py [--port P] member ROOM NAME [--ttl-ms 3000]   join, heartbeat, leave on Ctrl-C or SIGTERM
  presence.py [--port P] watch ROOM                          print joins, leaves and expiries

A member holds the key presence:<room>:<name> with a TTL and renews it every
third of the TTL; leaving deletes it. A watcher subscribes to the keyspace
channel of the room's keys and prints one line per change:
  join NAME      the key was created
  leave NAME     the member deleted it (said goodbye)
  gone NAME      it expired: the member stopped heartbeating (crashed, lost
                 its network) and is reported within its TTL plus one sweep
Needs python3-redis and a server with keyspace events for g, $ and x on
(the watcher turns them on with CONFIG SET).
"""

import argparse
import signal
import sys
import time

import redis

PREFIX = "presence:"


def leave_on_sigterm(signum, frame):
    raise KeyboardInterrupt  # SIGTERM says goodbye as Ctrl-C does


def member(r, room, name, ttl_ms):
    key = PREFIX + room + ":" + name
    signal.signal(signal.SIGTERM, leave_on_sigterm)
    try:
        while True:
            r.set(key, str(time.time()), px=ttl_ms)
            time.sleep(ttl_ms / 3000.0)  # heartbeat period: a third of the TTL
    except KeyboardInterrupt:
        r.delete(key)  # goodbye


def watch(r, room, out=sys.stdout):
    r.config_set("notify-keyspace-events", "Kg$x")
    channel_prefix = "__keyspace@0__:" + PREFIX + room + ":"
    p = r.pubsub(ignore_subscribe_messages=True)
    p.psubscribe(channel_prefix + "*")
    p.get_message(timeout=10)  # the confirmation: from here on no change is missed
    present = set()
    # Members already there (subscribe first, then look, so none falls between).
    for key in r.scan_iter(match=PREFIX + room + ":*"):
        present.add(key.decode()[len(PREFIX + room + ":"):])
    out.write("watching %s: %s\n" % (room, " ".join(sorted(present)) or "nobody"))
    out.flush()
    for m in p.listen():
        name = m["channel"].decode()[len(channel_prefix):]
        event = m["data"].decode()
        if event == "set" and name not in present:
            present.add(name)
            line = "join " + name
        elif event in ("del", "expired") and name in present:
            present.discard(name)
            line = ("leave " if event == "del" else "gone ") + name
        else:
            continue  # a heartbeat, or the expiry that comes with it
        out.write(line + "\n")
        out.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=6379)
    sub = ap.add_subparsers(dest="mode", required=True)
    m = sub.add_parser("member")
    m.add_argument("room")
    m.add_argument("name")
    m.add_argument("--ttl-ms", type=int, default=3000)
    w = sub.add_parser("watch")
    w.add_argument("room")
    args = ap.parse_args()
    r = redis.Redis(host=args.host, port=args.port)
    if args.mode == "member":
        member(r, args.room, args.name, args.ttl_ms)
    else:
        watch(r, args.room)
    return 0


if __name__ == "__main__":
    sys.exit(main())
