"""A Scrapyd spider queue on one shared Redis, with leases: every node's poller pops from the
same jobs, so a free slot anywhere takes the next one (no scheduler of ours).

A pop moves the job, in one Lua script, from `pending` to `running` with a lease deadline and
takes its source's lock (SET NX PX): a job whose source is running elsewhere is passed over.
The crawl renews the lease while it runs and ends it when it closes (procarchive.jobqueue.lease).
A lease that expires (the node died) is reclaimed by the next pop or count on any node: the
job goes back to the head of the queue and its `requeued` count goes up; a job requeued more
than `max_requeues` times is set aside in `dead`, shown by `cluster status`, never dropped.
Times are Redis's own clock (TIME), so the nodes' clocks need not agree.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import redis
from scrapyd.interfaces import ISpiderQueue
from zope.interface import implementer

from procarchive.jobqueue.names import (
    DEFAULT_LEASE,
    DEFAULT_MAX_REQUEUES,
    DEFAULT_PREFIX,
    DEFAULT_SHARDS,
    JOB_SETTING,
    LEASE_SETTING,
    MAX_REQUEUES_SETTING,
    PREFIX_SETTING,
    PROJECT_SETTING,
    REDIS_URL_ENV,
    SHARD_SETTING,
    TOKEN_SETTING,
)

# KEYS: pending, running, jobs, requeued, started, requeued_total, dead, done, tokens, attempts,
# shards (the finished jobs' shards, for the merger, in the order they finished).
# ARGV[1]: the lock keys' prefix, ARGV[2]: max requeues; then the script's own.
# Each pop is an attempt with a token of its own (in `tokens`, and the value of the lock):
# a crawl whose lease was reclaimed cannot renew or end its job's next attempt.
_COMMON = """
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function lock_key(raw) return ARGV[1] .. cjson.decode(raw)['lock'] end
local function end_attempt(m, raw)
  local token = redis.call('HGET', KEYS[9], m)
  redis.call('HDEL', KEYS[9], m)
  redis.call('HDEL', KEYS[5], m)
  redis.call('ZREM', KEYS[2], m)
  local key = lock_key(raw)
  if token and redis.call('GET', key) == token then redis.call('DEL', key) end
end
local function requeue(m, raw, now)
  end_attempt(m, raw)
  redis.call('INCR', KEYS[6])
  if redis.call('HINCRBY', KEYS[4], m, 1) > tonumber(ARGV[2]) then
    redis.call('ZADD', KEYS[7], now, m)
  else
    redis.call('ZADD', KEYS[1], '-inf', m)
  end
end
local function reclaim(now)
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
    requeue(m, redis.call('HGET', KEYS[3], m), now)
  end
end
local function current(m, token) return redis.call('HGET', KEYS[9], m) == token end
"""

# ARGV[3]: lease in ms. Returns {member, envelope, token} or nil.
_POP = (
    _COMMON
    + """
local now = now_ms()
reclaim(now)
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local raw = redis.call('HGET', KEYS[3], m)
  local token = tostring(redis.call('INCR', KEYS[10]))
  if redis.call('SET', lock_key(raw), token, 'NX', 'PX', ARGV[3]) then
    redis.call('ZREM', KEYS[1], m)
    redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), m)
    redis.call('HSET', KEYS[5], m, now)
    redis.call('HSET', KEYS[9], m, token)
    return {m, raw, token}
  end
end
return false
"""
)

# The jobs a pop could hand out now: pending, their source not locked.
_STARTABLE = (
    _COMMON
    + """
reclaim(now_ms())
local n = 0
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if redis.call('EXISTS', lock_key(redis.call('HGET', KEYS[3], m))) == 0 then n = n + 1 end
end
return n
"""
)

# ARGV[3]: member, ARGV[4]: token, ARGV[5]: lease in ms. 1 if the lease is still this attempt's.
_RENEW = (
    _COMMON
    + """
local m, token = ARGV[3], ARGV[4]
if not current(m, token) then return 0 end
redis.call('ZADD', KEYS[2], 'XX', now_ms() + tonumber(ARGV[5]), m)
local key = lock_key(redis.call('HGET', KEYS[3], m))
local holder = redis.call('GET', key)
if holder == token or not holder then redis.call('SET', key, token, 'PX', ARGV[5]) end
return 1
"""
)

# ARGV[3]: member, ARGV[4]: token, ARGV[5]: '1' to requeue (the crawl was interrupted), '0'
# when done; ARGV[6]: the shard it wrote, announced with its end ('' for none).
_FINISH = (
    _COMMON
    + """
local m, token = ARGV[3], ARGV[4]
if not current(m, token) then return 0 end
local raw = redis.call('HGET', KEYS[3], m)
if ARGV[5] == '1' then
  requeue(m, raw, now_ms())
else
  end_attempt(m, raw)
  redis.call('HDEL', KEYS[3], m)
  redis.call('HDEL', KEYS[4], m)
  redis.call('INCR', KEYS[8])
  if ARGV[6] ~= '' then redis.call('RPUSH', KEYS[11], ARGV[6]) end
end
return 1
"""
)


logger = logging.getLogger(__name__)


def lock_name(message: dict[str, Any]) -> str:
    """The site a job crawls, one job at a time: its registry source, and its LPSEs if any."""
    source = str(message.get("source") or message["name"])
    return f"{source}/{message['lpse']}" if message.get("lpse") else source


class Popped(NamedTuple):
    member: str
    message: dict[str, Any]
    token: str  # this attempt's: its crawl renews and ends the lease with it


@dataclass(frozen=True)
class Running:
    member: str
    message: dict[str, Any]
    started_ms: int
    deadline_ms: int
    requeued: int


@dataclass(frozen=True)
class Pending:
    member: str
    message: dict[str, Any]
    requeued: int
    locked: bool


class JobQueue:
    """One project's jobs in Redis. `member` is the job's place in the queue (a zero-padded
    sequence number: equal priorities pop in the order they were added)."""

    def __init__(
        self,
        client: redis.Redis,
        project: str,
        prefix: str = DEFAULT_PREFIX,
        lease: float = DEFAULT_LEASE,
        max_requeues: int = DEFAULT_MAX_REQUEUES,
    ) -> None:
        self.client, self.project, self.lease, self.max_requeues = (
            client,
            project,
            lease,
            max_requeues,
        )
        self.prefix = prefix
        self.keys_prefix = f"{prefix}:{project}"
        names = ("pending", "running", "jobs", "requeued", "started", "requeued_total", "dead",
                 "done", "tokens", "attempts", "shards")  # fmt: skip
        self.keys = [f"{self.keys_prefix}:{name}" for name in names]
        self.pending, self.running, self.jobs, self.requeued = self.keys[:4]
        self.started, self.requeued_total, self.dead, self.done = self.keys[4:8]
        self.shards = self.keys[10]
        self.merging, self.refused = f"{self.shards}:merging", f"{self.shards}:refused"
        self.lock_prefix = f"{self.keys_prefix}:lock:"
        self._pop = client.register_script(_POP)
        self._startable = client.register_script(_STARTABLE)
        self._renew = client.register_script(_RENEW)
        self._finish = client.register_script(_FINISH)

    @property
    def lease_ms(self) -> int:
        return max(1, round(self.lease * 1000))

    def _args(self, *extra: str | int) -> list[str | int]:
        return [self.lock_prefix, self.max_requeues, *extra]

    def add(self, message: dict[str, Any], priority: float = 0.0) -> str:
        member = f"{self.client.incr(f'{self.keys_prefix}:seq'):016d}"
        envelope = json.dumps({"message": message, "lock": lock_name(message)})
        with self.client.pipeline() as pipe:  # MULTI: never a pending job without its data
            pipe.hset(self.jobs, member, envelope)
            pipe.zadd(self.pending, {member: -float(priority)})
            pipe.execute()
        return member

    def pop(self) -> Popped | None:
        found = self._pop(keys=self.keys, args=self._args(self.lease_ms))
        if not found:
            return None
        member, raw, token = (_text(value) for value in found)
        return Popped(member, json.loads(raw)["message"], token)

    def startable(self) -> int:
        return int(self._startable(keys=self.keys, args=self._args()))

    def renew(self, member: str, token: str) -> bool:
        return bool(self._renew(keys=self.keys, args=self._args(member, token, self.lease_ms)))

    def finish(
        self, member: str, token: str, requeue: bool = False, shard: dict[str, Any] | None = None
    ) -> bool:
        """End an attempt's lease: done (announcing the `shard` it wrote, if any, in the same
        step), or back at the head of the queue (counted)."""
        announced = json.dumps(shard) if shard and not requeue else ""
        args = self._args(member, token, int(requeue), announced)
        return bool(self._finish(keys=self.keys, args=args))

    def next_shard(self) -> dict[str, Any] | None:
        """The first announced shard, moved to `merging` until merge_done or merge_refused:
        a merger that dies leaves it there, and the next one merges it first."""
        raw = self.client.lindex(self.merging, 0) or self.client.lmove(
            self.shards, self.merging, "LEFT", "RIGHT"
        )
        return {**json.loads(raw), "_raw": _text(raw)} if raw else None

    def merge_done(self, shard: dict[str, Any]) -> None:
        self.client.lrem(self.merging, 1, shard["_raw"])

    def merge_refused(self, shard: dict[str, Any], reason: str) -> None:
        """Set aside with its reason (`cluster status` lists it), never dropped."""
        entry = {k: v for k, v in shard.items() if k != "_raw"}
        with self.client.pipeline() as pipe:
            pipe.rpush(self.refused, json.dumps({**entry, "refused": reason}))
            pipe.lrem(self.merging, 1, shard["_raw"])
            pipe.execute()

    def list_shards(self) -> dict[str, list[dict[str, Any]]]:
        """Announced, being merged and refused shards."""
        return {
            name: [json.loads(raw) for raw in self.client.lrange(key, 0, -1)]
            for name, key in (("announced", self.shards), ("merging", self.merging),
                              ("refused", self.refused))
        }  # fmt: skip

    def _envelopes(self, members: list[str]) -> list[tuple[str, dict[str, Any]]]:
        if not members:
            return []
        raws = self.client.hmget(self.jobs, members)
        return [(m, json.loads(raw)) for m, raw in zip(members, raws, strict=True) if raw]

    def list_pending(self) -> list[Pending]:
        members = [_text(m) for m in self.client.zrange(self.pending, 0, -1)]
        counts = self._requeued_counts(members)
        found = []
        for member, envelope in self._envelopes(members):
            locked = bool(self.client.exists(self.lock_prefix + envelope["lock"]))
            found.append(Pending(member, envelope["message"], counts[member], locked))
        return found

    def list_running(self) -> list[Running]:
        scored: list[Any] = list(self.client.zrange(self.running, 0, -1, withscores=True))
        deadlines = {_text(member): int(score) for member, score in scored}
        members = list(deadlines)
        started = {}
        if members:
            started = dict(zip(members, self.client.hmget(self.started, members), strict=True))
        counts = self._requeued_counts(members)
        return [
            Running(m, envelope["message"], int(started[m] or 0), deadlines[m], counts[m])
            for m, envelope in self._envelopes(members)
        ]

    def list_dead(self) -> list[Pending]:
        members = [_text(m) for m in self.client.zrange(self.dead, 0, -1)]
        counts = self._requeued_counts(members)
        return [Pending(m, env["message"], counts[m], False) for m, env in self._envelopes(members)]

    def _requeued_counts(self, members: list[str]) -> dict[str, int]:
        if not members:
            return {}
        values = self.client.hmget(self.requeued, members)
        return {m: int(v or 0) for m, v in zip(members, values, strict=True)}

    def remove_pending(self, member: str) -> bool:
        if not self.client.zrem(self.pending, member):
            return False  # popped or removed by someone else meanwhile
        self.client.hdel(self.jobs, member)
        self.client.hdel(self.requeued, member)
        return True

    def forget_dead(self, member: str) -> None:
        if self.client.zrem(self.dead, member):
            self.client.hdel(self.jobs, member)
            self.client.hdel(self.requeued, member)

    def totals(self) -> dict[str, int]:
        return {
            "pending": int(self.client.zcard(self.pending)),
            "running": int(self.client.zcard(self.running)),
            "dead": int(self.client.zcard(self.dead)),
            "requeued": int(self.client.get(self.requeued_total) or 0),
            "done": int(self.client.get(self.done) or 0),
        }

    def now_ms(self) -> int:
        seconds, micros = self.client.time()
        return int(seconds) * 1000 + int(micros) // 1000


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else value


def connect(url: str | None = None, timeout: float = 10.0) -> redis.Redis:
    url = url or os.environ.get(REDIS_URL_ENV)
    if not url:
        raise ValueError(f"no Redis URL: give --redis or set {REDIS_URL_ENV}")
    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)


@implementer(ISpiderQueue)
class RedisSpiderQueue:
    """Scrapyd's `spiderqueue`: the Redis URL from $PROCARCHIVE_REDIS_URL (a password stays
    out of the config file and the crawls' command lines); jobqueue_prefix, jobqueue_lease
    (seconds), jobqueue_max_requeues, jobqueue_shards (the shared folder each job writes a
    shard of its own in) and jobqueue_seen (the merged archive new shards start from) from
    scrapyd.conf."""

    def __init__(self, config: Any, project: str) -> None:
        self.shards = Path(config.get("jobqueue_shards", DEFAULT_SHARDS)).absolute()
        self.seen = config.get("jobqueue_seen", "")
        self.queue = JobQueue(
            connect(timeout=3.0),  # Scrapyd calls its queue on its reactor thread
            project,
            prefix=config.get("jobqueue_prefix", DEFAULT_PREFIX),
            lease=config.getfloat("jobqueue_lease", DEFAULT_LEASE),
            max_requeues=config.getint("jobqueue_max_requeues", DEFAULT_MAX_REQUEUES),
        )

    def add(self, name: str, priority: float = 0.0, **spider_args: Any) -> None:
        self.queue.add({**spider_args, "name": name}, priority)

    def pop(self) -> dict[str, Any] | None:
        try:
            popped = self.queue.pop()
        except redis.RedisError as exc:
            logger.warning("The shared queue could not be read: %s", exc)
            return None
        if popped is None:
            return None
        message = popped.message
        own = message.get("settings", {})
        message["settings"] = {
            **self.shard_settings(popped, own),
            **own,
            JOB_SETTING: popped.member,
            TOKEN_SETTING: popped.token,
            PREFIX_SETTING: self.queue.prefix,
            PROJECT_SETTING: self.queue.project,
            LEASE_SETTING: self.queue.lease,
            MAX_REQUEUES_SETTING: self.queue.max_requeues,
        }
        return message

    def shard_settings(self, popped: Popped, own: dict[str, Any]) -> dict[str, Any]:
        """A shard of the attempt's own (a rerun never reuses the half of a killed one),
        unless the job names its archive (`-s PROCARCHIVE_DB=...` on enqueue)."""
        if "PROCARCHIVE_DB" in own:
            return {}
        site = re.sub(r"[^\w.-]+", "_", lock_name(popped.message))
        shard = self.shards / site / f"{popped.member}-{popped.token}" / "shard.db"
        shard.parent.mkdir(parents=True, exist_ok=True)
        settings: dict[str, Any] = {"PROCARCHIVE_DB": str(shard), SHARD_SETTING: str(shard)}
        if self.seen:
            settings["PROCARCHIVE_SEEN_DB"] = self.seen
        return settings

    def count(self) -> int:
        # Scrapyd's poller pops while count() is above 0: counting a job whose source is
        # locked would make it pop None for ever, on the reactor thread. Counting also reclaims
        # expired leases, so a dead node's job comes back even when nothing else is queued.
        # An error raised here would stop Scrapyd's poll timer for good: Redis unreachable
        # is no job for now, and the next poll tries again.
        try:
            return self.queue.startable()
        except redis.RedisError as exc:
            logger.warning("The shared queue could not be read: %s", exc)
            return 0

    def list(self) -> list[dict[str, Any]]:
        return [pending.message for pending in self.queue.list_pending()]

    def remove(self, func: Any) -> int:
        chosen = [p.member for p in self.queue.list_pending() if func(p.message)]
        return sum(self.queue.remove_pending(member) for member in chosen)

    def clear(self) -> None:
        self.remove(lambda message: True)
