// Persistence::open's PostgreSQL path (persistence_parts.h).
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "persistence/persistence_parts.h"
#include "persistence/postgres_backend.h"
#include "persistence/postgres_schema.h"

namespace mnemo::persistence {

std::string redacted_url(const std::string& url) {
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + ":***" + url.substr(at);
}

PersistenceParts open_postgres_parts(const Options& opts, const Clock& clock) {
  if (opts.node_name.empty()) throw std::runtime_error("--node-name must not be empty");
  const std::string where = "node '" + opts.node_name + "' at " + redacted_url(opts.journal_url);
  auto fence = std::make_shared<PgFence>();
  {
    protocol::Result<PgConn> c = PgConn::connect(opts.journal_url);
    if (!c.ok()) throw std::runtime_error(c.error().message);
    protocol::Result<PgSchemaInfo> schema =
        pg_check_or_create_schema(*c, opts.node_name, clock.now_ms());
    if (!schema.ok()) throw std::runtime_error(schema.error().message);
    spdlog::info("persistence: {} {} (schema {}, server id {})",
                 schema->node_created ? "created" : "opened", where, schema->schema_version,
                 schema->server_id);
  }
  PersistenceParts parts;
  parts.name = where;
  auto journal = std::make_unique<PostgresBackend>(opts.journal_url, opts.node_name,
                                                   PostgresBackend::Role::journal, *fence);
  if (Outcome r = journal->connect(); !r.ok()) {
    throw std::runtime_error("cannot start: " + r.error().message);
  }
  auto snapshots = std::make_unique<PostgresBackend>(opts.journal_url, opts.node_name,
                                                     PostgresBackend::Role::snapshots, *fence);
  if (Outcome r = snapshots->connect(); !r.ok()) throw std::runtime_error(r.error().message);
  parts.journal = std::move(journal);
  parts.snapshots = std::move(snapshots);
  parts.keep = fence;
  return parts;
}

}  // namespace mnemo::persistence
