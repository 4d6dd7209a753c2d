/* IR: the typed operations that lowering makes of each statement, with the
 * facts the rules need. Nothing here knows PostgreSQL node layouts; all
 * strings and arrays live in the arena of the source part. */
#ifndef PB_IR_H
#define PB_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "pgbelay/pgbelay.h"

/* A possibly schema-qualified name; `schema` is NULL when unqualified.
 * Identifiers are as PostgreSQL folds them (unquoted ones lower-cased). */
typedef struct pb_qname {
    const char *schema;
    const char *name;
} pb_qname;

/* A type name normalised the way PostgreSQL resolves aliases:
 * `integer`/`int`/`int4` -> "int4", `character varying` -> "varchar",
 * `timestamp with time zone` -> "timestamptz", `char(n)` -> "bpchar",
 * `decimal` -> "numeric" (reference: postgres-locks.md §7.4, type-name
 * normalization). `pg_catalog` is dropped. `serial` types stay as written
 * ("serial", "bigserial", "smallserial") and set `serial`. */
typedef struct pb_type {
    const char *schema; /* NULL for built-in types */
    const char *name;   /* NULL when the op has no type */
    int32_t mods[2];    /* type modifiers, e.g. varchar(20) -> {20}; numeric(10,2) -> {10,2} */
    int nmods;          /* 0 = unconstrained; -1 = modifiers present but not integer constants */
    int array_dims;     /* number of [] */
    bool serial;        /* serial, bigserial, smallserial, serial2/4/8 */
} pb_type;

/* Volatility of a default (or USING) expression, as PostgreSQL classifies
 * function calls (pg_proc.provolatile; manual: xfunc-volatility). */
typedef enum pb_volatility {
    PB_VOL_NONE = 0,  /* no expression */
    PB_VOL_IMMUTABLE, /* constants, casts of constants, immutable functions */
    PB_VOL_STABLE,    /* now(), CURRENT_TIMESTAMP, current_user, ... */
    PB_VOL_VOLATILE,  /* gen_random_uuid(), random(), clock_timestamp(), nextval() */
    PB_VOL_UNKNOWN,   /* a function pgbelay does not know (user functions default to VOLATILE) */
} pb_volatility;

const char *pb_volatility_name(pb_volatility v);

typedef enum pb_constraint_kind {
    PB_CON_NONE = 0,
    PB_CON_CHECK,
    PB_CON_FOREIGN_KEY,
    PB_CON_UNIQUE,
    PB_CON_PRIMARY_KEY,
    PB_CON_EXCLUSION,
    PB_CON_NOT_NULL,
} pb_constraint_kind;

const char *pb_constraint_kind_name(pb_constraint_kind k);

/* Op kinds. Each ALTER TABLE subcommand is its own op; statements that
 * touch several objects (DROP TABLE a, b) make one op per object. */
typedef enum pb_op_kind {
    PB_OP_OTHER = 0, /* a statement no rule cares about; `stmt_kind` names it */

    /* transaction control and settings */
    PB_OP_BEGIN,     /* BEGIN / START TRANSACTION */
    PB_OP_COMMIT,    /* COMMIT / END / COMMIT AND CHAIN */
    PB_OP_ROLLBACK,  /* ROLLBACK / ABORT */
    PB_OP_SAVEPOINT, /* SAVEPOINT, RELEASE, ROLLBACK TO */
    PB_OP_SET,       /* SET [LOCAL] name = value, RESET name; `setting`, `value` */

    /* tables */
    PB_OP_CREATE_TABLE,    /* `rel`; `columns` the column definitions; `constraints` every constraint,
                              inline or table-level; `ref` first FK target; PARTITION BY:
                              `partition_strategy`, `partition_columns`; PARTITION OF: `obj` */
    PB_OP_CREATE_TABLE_AS, /* CREATE TABLE AS / SELECT INTO / CREATE MATERIALIZED VIEW (`matview`);
                              `reads` the relations its query reads */
    PB_OP_DROP_TABLE,      /* `rel`; `cascade`, `if_exists` */
    PB_OP_RENAME_TABLE,    /* `rel` -> `new_name` */
    PB_OP_TRUNCATE,        /* `rel`; `cascade` */
    PB_OP_LOCK_TABLE,      /* `rel`; `lock_mode` as requested, `nowait` */

    /* columns (ALTER TABLE subcommands) */
    PB_OP_ADD_COLUMN,        /* `rel`, `column`, `type`, default facts; `col`; its inline constraints
                                also in `constraints` */
    PB_OP_DROP_COLUMN,       /* `rel`, `column` */
    PB_OP_ALTER_COLUMN_TYPE, /* `rel`, `column`, `type`; `has_using`, `using_vol` */
    PB_OP_SET_NOT_NULL,      /* `rel`, `column` */
    PB_OP_DROP_NOT_NULL,     /* `rel`, `column` */
    PB_OP_SET_DEFAULT,       /* `rel`, `column`, default facts */
    PB_OP_DROP_DEFAULT,      /* `rel`, `column` */
    PB_OP_RENAME_COLUMN,     /* `rel`, `column` -> `new_name` */

    /* constraints (ALTER TABLE subcommands) */
    PB_OP_ADD_CONSTRAINT,      /* `rel`, `con_kind`, `con_name`, `con_columns` (CHECK: the columns its
                                  expression reads), `not_valid`,
                                  `using_index` (`index_name`), `ref` for FKs,
                                  `check_not_null_column` for CHECK (c IS NOT NULL) */
    PB_OP_VALIDATE_CONSTRAINT, /* `rel`, `con_name` */
    PB_OP_DROP_CONSTRAINT,     /* `rel`, `con_name` */

    /* other ALTER TABLE subcommands: `at` says which */
    PB_OP_ALTER_TABLE_OTHER,

    /* indexes */
    PB_OP_CREATE_INDEX, /* `rel` (table), `index_name` (may be NULL), `concurrently`,
                           `unique`, `partial`, `only`, `if_not_exists`, `con_columns` */
    PB_OP_DROP_INDEX,   /* `obj` the index; `concurrently`, `if_exists`, `cascade` */
    PB_OP_REINDEX,      /* `reindex_target`, `obj`, `concurrently` */
    PB_OP_RENAME_INDEX, /* ALTER INDEX ... RENAME TO: `obj` -> `new_name` */

    /* schemas and other objects */
    PB_OP_CREATE_SCHEMA, /* `obj.name` */
    PB_OP_DROP_SCHEMA,   /* `obj.name`; `cascade` */
    PB_OP_DROP_OTHER,    /* DROP of a view, sequence, type, function, ...: `obj`, `object_kind`;
                            `rel` too for views, materialized views, sequences, foreign tables */
    PB_OP_RENAME_OTHER,  /* RENAME of another object kind: `obj` -> `new_name`, `object_kind` */

    /* maintenance */
    PB_OP_VACUUM,          /* `rel` may be empty; `full`, `analyze_only` */
    PB_OP_CLUSTER,         /* `rel` may be empty */
    PB_OP_REFRESH_MATVIEW, /* `rel`; `concurrently` */

    /* data */
    PB_OP_INSERT, /* `rel` */
    PB_OP_UPDATE, /* `rel`; `has_where` */
    PB_OP_DELETE, /* `rel`; `has_where` */

    /* triggers, views, enums, sequences: kept because facts know their locks */
    PB_OP_CREATE_TRIGGER,  /* `rel` */
    PB_OP_CREATE_VIEW,     /* `rel`; `replace`; `reads` the relations its query reads */
    PB_OP_ALTER_ENUM,      /* `obj` the type; `new_name` the new value; ADD VALUE: `enum_neighbor`,
                              `enum_after`, `if_not_exists`; RENAME VALUE (`enum_rename`):
                              `enum_old_value` -> `new_name` */
    PB_OP_CREATE_ENUM,     /* `obj`; `values` in order */
    PB_OP_ALTER_SEQUENCE,  /* `rel`; `type` when AS is given; `has_owned_by`, `owned_by` */
    PB_OP_COMMENT,         /* COMMENT ON: `rel` when on a table or column */
    PB_OP_CREATE_SEQUENCE, /* `rel`; `type` when AS is given; `has_owned_by`, `owned_by`;
                              `if_not_exists`, `temp` */

    /* statements that cannot run inside a transaction block, not covered
       above: CREATE/DROP DATABASE, tablespaces, ALTER SYSTEM, DISCARD ALL,
       COMMIT/ROLLBACK PREPARED, subscriptions. `stmt_kind` names it. */
    PB_OP_NON_TRANSACTIONAL,

    PB_OP__COUNT
} pb_op_kind;

/* Stable lower-case name of an op kind ("add_column"). */
const char *pb_op_kind_name(pb_op_kind k);

/* The ALTER TABLE subcommands lowered to PB_OP_ALTER_TABLE_OTHER. Names and
 * lock levels follow PostgreSQL's AlterTableType (postgres-locks.md §2.1). */
typedef enum pb_at_kind {
    PB_AT_NONE = 0,
    PB_AT_SET_STATISTICS,
    PB_AT_SET_OPTIONS, /* ALTER COLUMN SET/RESET (attribute_option) */
    PB_AT_SET_STORAGE,
    PB_AT_SET_COMPRESSION,
    PB_AT_DROP_EXPRESSION,
    PB_AT_ADD_IDENTITY,
    PB_AT_SET_IDENTITY,
    PB_AT_DROP_IDENTITY,
    PB_AT_ALTER_CONSTRAINT,
    PB_AT_CHANGE_OWNER,
    PB_AT_CLUSTER_ON,
    PB_AT_DROP_CLUSTER,
    PB_AT_SET_LOGGED,
    PB_AT_SET_UNLOGGED,
    PB_AT_SET_ACCESS_METHOD,
    PB_AT_SET_TABLESPACE,
    PB_AT_SET_RELOPTIONS,    /* SET (fillfactor=..., autovacuum_...) */
    PB_AT_SET_RELOPTIONS_AE, /* SET (user_catalog_table, view options) */
    PB_AT_ENABLE_DISABLE_TRIGGER,
    PB_AT_ENABLE_DISABLE_RULE,
    PB_AT_ROW_SECURITY,
    PB_AT_INHERIT,
    PB_AT_NO_INHERIT,
    PB_AT_OF,
    PB_AT_REPLICA_IDENTITY,
    PB_AT_ATTACH_PARTITION, /* `obj` the partition */
    PB_AT_DETACH_PARTITION, /* `obj` the partition; `concurrently` */
    PB_AT_DETACH_FINALIZE,
    PB_AT_SET_SCHEMA, /* from ALTER ... SET SCHEMA: `new_name` is the schema */
    PB_AT_OTHER,      /* anything else: treated as ACCESS EXCLUSIVE */
    PB_AT__COUNT
} pb_at_kind;

const char *pb_at_kind_name(pb_at_kind k);

/* Object kinds for DROP/RENAME of things other than tables and indexes. */
typedef enum pb_object_kind {
    PB_OBJ_OTHER = 0,
    PB_OBJ_TABLE,
    PB_OBJ_INDEX,
    PB_OBJ_VIEW,
    PB_OBJ_MATVIEW,
    PB_OBJ_SEQUENCE,
    PB_OBJ_TYPE,
    PB_OBJ_DOMAIN,
    PB_OBJ_FUNCTION,
    PB_OBJ_TRIGGER,
    PB_OBJ_SCHEMA,
    PB_OBJ_EXTENSION,
    PB_OBJ_POLICY,
    PB_OBJ_CONSTRAINT,
    PB_OBJ_DATABASE,
    PB_OBJ_FOREIGN_TABLE,
} pb_object_kind;

const char *pb_object_kind_name(pb_object_kind k);

typedef enum pb_reindex_target {
    PB_REINDEX_INDEX = 1,
    PB_REINDEX_TABLE,
    PB_REINDEX_SCHEMA,
    PB_REINDEX_SYSTEM,
    PB_REINDEX_DATABASE,
} pb_reindex_target;

/* A constraint written in CREATE TABLE (as a table element, or inline in a
 * column definition) or inline in ADD COLUMN. ALTER TABLE ADD CONSTRAINT
 * keeps the same facts on the op itself (`con_kind`, `con_name`, ...). */
typedef struct pb_constraint {
    pb_constraint_kind kind; /* CHECK, FOREIGN KEY, UNIQUE, PRIMARY KEY or EXCLUDE */
    const char *name;        /* CONSTRAINT name; NULL: PostgreSQL chooses one
                                (pb_catalog_default_constraint_name) */
    const char **columns;    /* PRIMARY KEY / UNIQUE / EXCLUDE: the key columns; FOREIGN KEY: the
                                referencing columns; CHECK: the distinct columns its expression
                                reads, in order of appearance; inline: the column */
    size_t ncolumns;
    pb_qname ref;             /* FOREIGN KEY: the referenced table */
    const char **ref_columns; /* ... and its columns as written (none: its primary key) */
    size_t nref_columns;
    bool not_valid;                    /* NOT VALID (a CREATE TABLE ignores it: the table is empty) */
    bool is_inline;                    /* written in a column definition */
    const char *check_not_null_column; /* CHECK (c IS NOT NULL): c */
    uint32_t at;                       /* byte offset where it is written (CONSTRAINT or its keyword) */
} pb_constraint;

/* A column definition of CREATE TABLE or ADD COLUMN. */
typedef struct pb_column {
    const char *name;
    pb_type type;
    bool not_null;
    bool primary_key;
    bool unique;
    bool has_default;
    pb_volatility default_vol;
    const char *default_func;    /* the function that decided the volatility, if any */
    bool identity;               /* GENERATED ... AS IDENTITY */
    bool generated_stored;       /* GENERATED ALWAYS AS (...) STORED */
    bool has_check;              /* inline CHECK */
    bool references;             /* inline REFERENCES */
    pb_qname ref;                /* referenced table of an inline REFERENCES */
    const char *ref_column;      /* its referenced column, REFERENCES t (c); NULL if not given */
    const char *collation;       /* COLLATE, or NULL */
    pb_constraint **constraints; /* its inline CHECK, REFERENCES, PRIMARY KEY, UNIQUE */
    size_t nconstraints;
} pb_column;

/* Lock modes, numbered as PostgreSQL's LOCKMODE (storage/lockdefs.h) so
 * that a stronger lock has a larger value. */
typedef enum pb_lock_mode {
    PB_LOCK_NONE = 0,
    PB_LOCK_ACCESS_SHARE = 1,
    PB_LOCK_ROW_SHARE = 2,
    PB_LOCK_ROW_EXCLUSIVE = 3,
    PB_LOCK_SHARE_UPDATE_EXCLUSIVE = 4,
    PB_LOCK_SHARE = 5,
    PB_LOCK_SHARE_ROW_EXCLUSIVE = 6,
    PB_LOCK_EXCLUSIVE = 7,
    PB_LOCK_ACCESS_EXCLUSIVE = 8,
} pb_lock_mode;

/* One operation of a statement. */
typedef struct pb_op {
    pb_op_kind kind;
    uint32_t stmt;         /* 0-based index of the statement in its part */
    pb_span span;          /* the statement, trimmed of leading comments/space */
    pb_span focus;         /* the part the op is about (subcommand, column); = span if unknown */
    const char *stmt_kind; /* PostgreSQL node name, e.g. "AlterTableStmt" */

    pb_qname rel; /* the table (or view, matview, sequence) acted on */
    pb_qname obj; /* a second object: index, partition, schema, type */
    pb_qname ref; /* referenced table of a foreign key */
    const char *column;
    const char *new_name;

    pb_type type;        /* ADD COLUMN / ALTER COLUMN TYPE */
    pb_column *col;      /* ADD COLUMN: the full definition */
    pb_column **columns; /* CREATE TABLE: column definitions */
    size_t ncolumns;
    pb_constraint **constraints; /* CREATE TABLE: every constraint in the order written (inline
                                    ones with their column); ADD COLUMN: the column's */
    size_t nconstraints;

    bool has_default;
    pb_volatility default_vol;
    const char *default_func;
    bool has_using;        /* ALTER COLUMN TYPE ... USING */
    bool using_is_column;  /* USING is just the column itself */
    const char *collation; /* ALTER COLUMN TYPE ... COLLATE */

    pb_constraint_kind con_kind;
    const char *con_name;
    const char **con_columns; /* constrained / indexed plain columns */
    size_t ncon_columns;
    const char *check_not_null_column; /* CHECK (c IS NOT NULL): c */
    const char *index_name;            /* CREATE INDEX name, USING INDEX name */
    const char **index_parts;          /* CREATE INDEX: per key element, the name PostgreSQL uses for
                                          an unnamed index (ChooseIndexColumnNames): the column, or
                                          for an expression its function name, else "expr" */
    size_t nindex_parts;

    pb_at_kind at;
    pb_object_kind object_kind;
    pb_reindex_target reindex_target;
    pb_lock_mode lock_mode; /* LOCK TABLE */

    /* partitions: CREATE TABLE ... PARTITION BY */
    const char *partition_strategy; /* "range", "list" or "hash"; NULL if not partitioned */
    const char **partition_columns; /* its plain key columns (expressions are left out) */
    size_t npartition_columns;

    /* views: the relations the defining query reads (FROM, JOIN, subqueries,
       CTE bodies; CTE names themselves are left out); INSERT: the relations
       its SELECT (or VALUES) reads */
    pb_qname *reads;
    size_t nreads;

    /* enums: CREATE TYPE ... AS ENUM values; ALTER TYPE ... ADD VALUE placement */
    const char **values;
    size_t nvalues;
    const char *enum_neighbor;  /* ADD VALUE ... BEFORE/AFTER 'neighbor', or NULL (at the end) */
    bool enum_after;            /* AFTER the neighbor */
    const char *enum_old_value; /* RENAME VALUE 'old' TO 'new' */

    /* sequences: OWNED BY table.column (`owned_by` empty for OWNED BY NONE) */
    bool has_owned_by;
    pb_qname owned_by;
    const char *owned_by_column;

    /* UPDATE: the first SET col = substr(col, 1, n) / substring(col, 1, n) /
       left(col, n) (n an integer constant): the column and n (characters);
       NULL / 0 when there is none */
    const char *capped_column;
    int32_t capped_len;

    const char *setting; /* SET: lower-case name; NULL for RESET ALL */
    const char *value;   /* SET: the value as text; NULL for RESET / DEFAULT */

    bool not_valid;
    bool concurrently;
    bool if_exists;
    bool if_not_exists;
    bool using_index;
    bool has_where;
    bool cascade;
    bool only; /* ONLY: no recursion to partitions / children */
    bool unique;
    bool partial;  /* CREATE INDEX ... WHERE */
    bool replace;  /* CREATE OR REPLACE */
    bool is_local; /* SET LOCAL */
    bool nowait;
    bool full; /* VACUUM FULL */
    bool analyze_only;
    bool matview;      /* CREATE MATERIALIZED VIEW (CREATE_TABLE_AS) */
    bool partition_of; /* CREATE TABLE ... PARTITION OF: `obj` is the parent */
    bool partition_default; /* PARTITION OF ... DEFAULT, ATTACH PARTITION ... DEFAULT */
    bool enum_rename;
    bool temp; /* CREATE TEMP TABLE */
} pb_op;

/* The ops of one source part, in statement order. */
typedef struct pb_ops {
    pb_op **items;
    size_t len, cap;
    size_t nstatements;
} pb_ops;

/* Appends a zeroed op to `ops` and returns it. */
pb_op *pb_ops_add(pb_arena *a, pb_ops *ops, pb_op_kind kind);

/* Type helpers. `pb_type_normalize_name` maps an alias to PostgreSQL's
 * internal name ("integer" -> "int4"); unknown names are returned as is.
 * Static storage or the input pointer. */
const char *pb_type_normalize_name(const char *name);
/* Writes "varchar(20)", "numeric(10,2)", "int4[]" into an arena string. */
const char *pb_type_str(pb_arena *a, const pb_type *t);
/* Same normalised type, modifiers and array dimensions. */
bool pb_type_equal(const pb_type *x, const pb_type *y);
/* SQL spelling for messages: "int4" -> "integer", "int8" -> "bigint". */
const char *pb_type_sql_name(const char *internal);

/* "schema.name" or "name", arena string. */
const char *pb_qname_str(pb_arena *a, pb_qname q);
/* Same table? An unqualified name matches the same name in "public" or in
 * any schema (search_path is not modelled). */
bool pb_qname_match(pb_qname x, pb_qname y);

/* Lock mode name as PostgreSQL spells it ("ACCESS EXCLUSIVE"); static. */
const char *pb_lock_mode_name(pb_lock_mode m);
/* Does a lock held in mode `held` conflict with a request for `req`?
 * (PostgreSQL lock conflict table, manual: explicit-locking). */
bool pb_lock_conflicts(pb_lock_mode held, pb_lock_mode req);

#endif
