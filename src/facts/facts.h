/* Facts: for an op and a PostgreSQL major version, the lock mode taken on
 * each relation, whether the table is rewritten or fully scanned, whether
 * an index is built under the lock, and whether the statement may run in a
 * transaction block. Rules, messages and (later) the LSP hover read this;
 * nothing else restates it. Every row cites its source in
 * shared/reference/postgres-locks.md (manual page, source file, release). */
#ifndef PB_FACTS_H
#define PB_FACTS_H

#include <stdbool.h>

#include "ir/ir.h"

/* Atomic facts; an op may combine several (ADD COLUMN c serial PRIMARY KEY
 * = add column + volatile default + index build). */
typedef enum pb_fact_key {
    PB_FACT_NONE = 0,
    PB_FACT_ADD_COLUMN,
    PB_FACT_ADD_COLUMN_DEFAULT,          /* non-volatile default */
    PB_FACT_ADD_COLUMN_VOLATILE_DEFAULT, /* volatile default, serial */
    PB_FACT_ADD_COLUMN_IDENTITY,
    PB_FACT_ADD_COLUMN_GENERATED_STORED,
    PB_FACT_ADD_COLUMN_NOT_NULL_NO_DEFAULT,
    PB_FACT_ADD_COLUMN_CHECK,
    PB_FACT_ADD_COLUMN_INDEX, /* inline UNIQUE / PRIMARY KEY */
    PB_FACT_ADD_COLUMN_REFERENCES,
    PB_FACT_ADD_COLUMN_REFERENCES_DEFAULT, /* inline REFERENCES + DEFAULT: validated */
    PB_FACT_DROP_COLUMN,
    PB_FACT_ALTER_TYPE_CATALOG, /* binary-coercible: catalog only */
    PB_FACT_ALTER_TYPE_REWRITE,
    PB_FACT_SET_DEFAULT,
    PB_FACT_SET_NOT_NULL_SCAN,
    PB_FACT_SET_NOT_NULL_PROVEN, /* PG >= 12 with a valid CHECK (c IS NOT NULL) */
    PB_FACT_DROP_NOT_NULL,
    PB_FACT_RENAME_COLUMN,
    PB_FACT_ADD_CHECK,
    PB_FACT_ADD_CHECK_NOT_VALID,
    PB_FACT_ADD_FOREIGN_KEY,
    PB_FACT_ADD_FOREIGN_KEY_NOT_VALID,
    PB_FACT_ADD_UNIQUE_PK, /* builds its index */
    PB_FACT_ADD_UNIQUE_PK_USING_INDEX,
    PB_FACT_ADD_EXCLUSION,
    PB_FACT_VALIDATE_CONSTRAINT,
    PB_FACT_VALIDATE_FOREIGN_KEY,
    PB_FACT_DROP_CONSTRAINT,
    PB_FACT_DROP_FOREIGN_KEY,
    PB_FACT_AT_SUE,     /* SET STATISTICS, attribute options, reloptions, CLUSTER ON */
    PB_FACT_AT_AE,      /* other catalog-only subcommands */
    PB_FACT_AT_SRE,     /* ENABLE/DISABLE TRIGGER */
    PB_FACT_AT_REWRITE, /* SET LOGGED/UNLOGGED, SET ACCESS METHOD */
    PB_FACT_AT_SET_TABLESPACE,
    PB_FACT_ATTACH_PARTITION,
    PB_FACT_DETACH_PARTITION,
    PB_FACT_DETACH_PARTITION_CONCURRENTLY,
    PB_FACT_DETACH_FINALIZE,
    PB_FACT_INHERIT,
    PB_FACT_CREATE_TABLE,
    PB_FACT_CREATE_TABLE_FK, /* CREATE TABLE with REFERENCES */
    PB_FACT_CREATE_TABLE_PARTITION_OF,
    PB_FACT_CREATE_TABLE_AS,
    PB_FACT_DROP_TABLE,
    PB_FACT_RENAME_TABLE,
    PB_FACT_TRUNCATE,
    PB_FACT_LOCK_TABLE,
    PB_FACT_CREATE_INDEX,
    PB_FACT_CREATE_INDEX_CONCURRENTLY,
    PB_FACT_DROP_INDEX,
    PB_FACT_DROP_INDEX_CONCURRENTLY,
    PB_FACT_REINDEX,
    PB_FACT_REINDEX_CONCURRENTLY,
    PB_FACT_REINDEX_MANY, /* SCHEMA / SYSTEM / DATABASE */
    PB_FACT_RENAME_INDEX,
    PB_FACT_VACUUM,
    PB_FACT_VACUUM_FULL,
    PB_FACT_ANALYZE,
    PB_FACT_CLUSTER,
    PB_FACT_CLUSTER_ALL,
    PB_FACT_REFRESH_MATVIEW,
    PB_FACT_REFRESH_MATVIEW_CONCURRENTLY,
    PB_FACT_CREATE_TRIGGER,
    PB_FACT_CREATE_VIEW,
    PB_FACT_CREATE_OR_REPLACE_VIEW,
    PB_FACT_DROP_VIEW,
    PB_FACT_ALTER_SEQUENCE,
    PB_FACT_COMMENT,
    PB_FACT_ALTER_ENUM_ADD_VALUE,
    PB_FACT_ALTER_ENUM_RENAME_VALUE,
    PB_FACT_INSERT,
    PB_FACT_UPDATE_DELETE,
    PB_FACT_NON_TRANSACTIONAL,
    PB_FACT_DROP_TRIGGER,
    PB_FACT_POLICY, /* CREATE / ALTER / DROP POLICY */
    PB_FACT_DROP_SCHEMA_CASCADE,
    PB_FACT__COUNT
} pb_fact_key;

/* What an op does to locks and data. Strings are static. */
typedef struct pb_fact {
    bool known;              /* false: no facts for this op (OTHER, SET, BEGIN, ...) */
    pb_lock_mode lock;       /* on the op's target relation */
    const char *target;      /* what the lock is on: "table", "index", "materialized view", ... */
    pb_lock_mode other_lock; /* on a second relation, PB_LOCK_NONE if none */
    const char *other_role;  /* "referenced table", "parent table", ... */
    bool rewrite;            /* table rewrite: new relfilenode for the heap and its indexes */
    bool scan;               /* full table scan while holding the lock */
    bool index_build;        /* builds an index (scan + sort) while holding the lock */
    bool no_tx_block;        /* cannot run inside a transaction block */
    bool needs_tx_block;     /* must run inside a transaction block (LOCK TABLE) */
    const char *source;      /* citation of the strongest row */
    pb_fact_key keys[4];     /* the rows merged, for tests and hover */
    int nkeys;
} pb_fact;

/* What facts may depend on beyond the op itself: what earlier statements
 * revealed. All fields optional. */
typedef struct pb_fact_env {
    const pb_type *old_type; /* ALTER COLUMN TYPE: the column's type before, if known */
    bool not_null_proven;    /* SET NOT NULL: a validated CHECK (c IS NOT NULL) exists */
    bool constraint_is_fk;   /* VALIDATE / DROP CONSTRAINT: the constraint is a FK */
    bool timezone_utc;       /* the session TimeZone has a zero UTC offset (SET timezone = 'UTC') */
} pb_fact_env;

/* Fills *out for `op` on PostgreSQL major `pg_version`. `env` may be NULL. */
void pb_facts_for(const pb_op *op, int pg_version, const pb_fact_env *env, pb_fact *out);

/* The merged facts of one key on one version (for tests and docs). */
bool pb_facts_row(pb_fact_key key, int pg_version, pb_fact *out);
const char *pb_fact_key_name(pb_fact_key key);

/* Outcome of ALTER COLUMN ... TYPE (postgres-locks.md §3). */
typedef enum pb_type_change {
    PB_TYPECHANGE_UNKNOWN = 0, /* the old type is not known */
    PB_TYPECHANGE_CATALOG,     /* binary-coercible or a provably lossless typmod change */
    PB_TYPECHANGE_REWRITE,
} pb_type_change;

pb_type_change pb_facts_type_change(const pb_type *old_type, const pb_type *new_type, bool has_using,
                                    bool using_is_column, int pg_version);
/* The same, knowing whether the session TimeZone has a zero UTC offset:
 * then, from PostgreSQL 12, timestamp <-> timestamptz is catalog-only
 * (commit 3c5926301; postgres-locks.md §3.1). */
pb_type_change pb_facts_type_change_tz(const pb_type *old_type, const pb_type *new_type, bool has_using,
                                       bool using_is_column, int pg_version, bool timezone_utc);

/* Does a lock in this mode block plain SELECT? INSERT/UPDATE/DELETE? */
bool pb_lock_blocks_reads(pb_lock_mode m);
bool pb_lock_blocks_writes(pb_lock_mode m);
/* "blocks reads and writes", "blocks writes (reads continue)",
 * "blocks other schema changes and VACUUM", "blocks nothing"; static. */
const char *pb_lock_blocks_text(pb_lock_mode m);

#endif
