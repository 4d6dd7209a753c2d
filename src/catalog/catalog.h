/* Catalog: an in-memory schema model built by replaying ops in order:
 * relations (tables, views, materialized views) with their columns,
 * constraints, partitioning and (views) the relations they read; indexes,
 * sequences, schemas and enum types with their values. Each object
 * remembers whether it was created in the part being linted (then it has
 * no readers yet, and lock hazards on it do not apply). Every look-up is a
 * hash look-up, so replaying a file of 100,000 statements stays linear.
 *
 * The model holds what the statements reveal, named as PostgreSQL names
 * what it creates implicitly: constraints written without a name
 * (t_pkey, t_a_b_key, t_a_fkey, t_a_check), the indexes behind PRIMARY KEY
 * and UNIQUE, the sequence of a serial or identity column (t_col_seq).
 *
 * Ownership: the catalog copies every name it keeps into its own arena,
 * so it may outlive the ops replayed into it. Arrays it keeps (constraint
 * and index columns, enum values, view dependencies) are never changed in
 * place once stored: a change stores a new array, so shallow copies of an
 * object (the rollback journal's pre-images) stay valid. */
#ifndef PB_CATALOG_H
#define PB_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/strmap.h"
#include "ir/ir.h"

typedef struct pb_cat_column {
    const char *name;
    pb_type type;
    bool not_null;
    bool has_default;          /* a DEFAULT (serial: nextval); not an identity, not DEFAULT NULL */
    pb_volatility default_vol; /* of that default (PB_VOL_NONE without one) */
    bool generated;            /* GENERATED ALWAYS AS (...) STORED */
    uint32_t part;             /* serial of the part that added it (ADD COLUMN / CREATE TABLE); 0 = before */
    uint32_t mig;              /* index + 1 of the migration that added it */
} pb_cat_column;

typedef struct pb_cat_constraint {
    const char *name; /* as written, or the name PostgreSQL chose (never NULL once stored) */
    pb_constraint_kind kind;
    bool validated;
    const char **columns; /* key / referencing columns; CHECK: the columns its expression reads */
    size_t ncolumns;
    const char *check_not_null_column; /* CHECK (c IS NOT NULL) */
    pb_qname ref;                      /* FOREIGN KEY: the referenced table */
    uint32_t tx;                       /* transaction it was added in (pb_lint_state.tx_id) */
    uint32_t part;                     /* serial of the part that added it */
    uint32_t added_at;                 /* byte offset of the statement that added it */
} pb_cat_constraint;

typedef enum pb_rel_kind {
    PB_REL_TABLE = 0,
    PB_REL_VIEW,
    PB_REL_MATVIEW,
} pb_rel_kind;

typedef struct pb_cat_table {
    pb_qname name;
    pb_rel_kind kind;
    uint32_t part;         /* serial of the part that created it; 0 = known only from an ALTER */
    uint32_t mig;          /* index + 1 of the migration that created it; 0 = unknown */
    bool matview;          /* kind == PB_REL_MATVIEW (kept for older callers) */
    pb_ptrvec columns;     /* pb_cat_column*, in order */
    pb_strmap column_map;  /* name -> pb_cat_column* */
    pb_ptrvec constraints; /* pb_cat_constraint* */
    pb_strmap constraint_map;
    /* partitioning: PARTITION BY makes a partitioned table; PARTITION OF and
       ATTACH PARTITION make a partition of `parent` */
    bool partitioned;
    const char *partition_strategy; /* "range", "list", "hash" (NULL if not known) */
    const char **partition_columns; /* plain key columns */
    size_t npartition_columns;
    pb_qname parent;        /* name NULL: not a partition */
    bool default_partition; /* the DEFAULT partition of `parent` */
    /* a view or materialized view: the relations its query reads */
    pb_qname *reads;
    size_t nreads;
    bool temp; /* CREATE TEMP TABLE: gone when the session ends (dropped at the next part) */
    struct pb_cat_table *next_same_name; /* same unqualified name, other schema */
} pb_cat_table;

typedef struct pb_cat_index {
    pb_qname name;
    pb_qname table;
    bool unique;
    const char **columns; /* its plain key columns in order (expressions are left out) */
    size_t ncolumns;
    const char **uses; /* the plain key columns, of a partial index too: dropping one of them drops
                          the index */
    size_t nuses;
    uint32_t part, mig;
    struct pb_cat_index *next_same_name;
} pb_cat_index;

typedef struct pb_cat_sequence {
    pb_qname name;
    pb_type type;             /* AS type; int8 (bigint) when not given; name NULL if unknown */
    pb_qname owner;           /* OWNED BY table (name NULL: owned by nothing) */
    const char *owner_column; /* ... and column; dropped with it */
    bool implicit;            /* made by a serial or identity column */
    uint32_t part, mig, tx;   /* as pb_cat_table; 0 = known only from an ALTER */
    struct pb_cat_sequence *next_same_name;
} pb_cat_sequence;

typedef struct pb_cat_enum {
    pb_qname name;
    const char **values; /* in their sort order */
    size_t nvalues;
    uint32_t part, mig;
    uint32_t tx; /* transaction it was created in */
    struct pb_cat_enum *next_same_name;
} pb_cat_enum;

typedef struct pb_cat_object {
    const char *name;
    uint32_t part, mig;
    uint32_t tx; /* transaction it was created in */
} pb_cat_object;

typedef struct pb_catalog {
    pb_arena *arena;         /* owns everything below */
    pb_strmap tables;        /* unqualified name -> newest pb_cat_table* (chain) */
    pb_strmap indexes;       /* unqualified name -> pb_cat_index* (chain) */
    pb_strmap table_indexes; /* unqualified table name -> pb_ptrvec* of the pb_cat_index* created
                                on it, dropped ones included (pb_catalog_table_index skips them) */
    pb_strmap schemas;       /* name -> pb_cat_object* */
    pb_strmap enums;         /* unqualified name -> pb_cat_enum* (chain) */
    pb_strmap sequences;     /* unqualified name -> pb_cat_sequence* (chain) */
    pb_strmap partitions;    /* unqualified parent name -> pb_ptrvec* of pb_qname* of tables that
                                were made its partitions (pb_catalog_partition checks them) */
    pb_strmap readers;       /* unqualified relation name -> pb_ptrvec* of pb_qname* of views that
                                were recorded reading it (pb_catalog_dependent_view checks them) */
    pb_strmap owned;         /* unqualified table name -> pb_ptrvec* of pb_qname* of sequences that
                                were made owned by one of its columns (checked on use) */
    pb_strmap links;         /* the entries of the three maps above, to add each once */
    size_t ntables;
    uint32_t part;   /* serial of the part being replayed (starts at 1) */
    uint32_t mig;    /* index + 1 of the migration being replayed */
    pb_ptrvec temps; /* pb_qname* of the temporary tables created in the part being replayed */
    uint32_t tx_seq; /* the last transaction id handed out: ids never repeat across the parts
                        replayed into one catalog, so "added in this transaction" cannot match
                        a transaction of an earlier migration */
} pb_catalog;

/* Starts replaying a new part of migration `mig_index` (0-based): objects
 * created from now on are "new in this part". */
void pb_catalog_begin_part(pb_catalog *cat, size_t mig_index);
/* Ends the session of the parts replayed so far: their temporary tables go
 * (pb_catalog_begin_part does this too). */
void pb_catalog_end_session(pb_catalog *cat);
/* Was an object with this `part` serial created in the part being replayed? */
bool pb_catalog_in_part(const pb_catalog *cat, uint32_t part);
/* Was an object created by the migration being replayed (up part)? */
bool pb_catalog_in_migration(const pb_catalog *cat, uint32_t mig);
/* Copies a table with its columns and constraints into `dst` (arena `a`);
 * the copy is not linked into any catalog. Names and arrays are shared
 * (they are never changed in place). */
void pb_catalog_copy_table(pb_arena *a, pb_cat_table *dst, const pb_cat_table *src);
/* Undo support (journal.c): make the object named `name` be `pre` again
 * (a copy of it, in the catalog's arena), or absent when `pre` is NULL. */
void pb_catalog__restore_table(pb_catalog *cat, pb_qname name, const pb_cat_table *pre);
void pb_catalog__restore_index(pb_catalog *cat, pb_qname name, const pb_cat_index *pre);
void pb_catalog__restore_sequence(pb_catalog *cat, pb_qname name, const pb_cat_sequence *pre);
void pb_catalog__restore_enum(pb_catalog *cat, pb_qname name, const pb_cat_enum *pre);
void pb_catalog__restore_object(pb_catalog *cat, pb_strmap *map, const char *name, const pb_cat_object *pre);
/* Appends to `out` (arena `a`) the tables with a column of the user type
 * `type`: they follow a RENAME of the type and lose the column with DROP
 * TYPE ... CASCADE. Costs a walk over all tables (type renames and drops
 * are rare). */
void pb_catalog__tables_using_type(const pb_catalog *cat, pb_arena *a, pb_qname type, pb_ptrvec *out);
/* A deep copy of `src` in arena `a`, names included: it stays valid after
 * `src` and its arena are gone (a snapshot to compare against, or a
 * catalog to lint a down part on). */
pb_catalog *pb_catalog_clone(pb_arena *a, const pb_catalog *src);

void pb_catalog_init(pb_catalog *cat, pb_arena *a);

/* A table, view or materialized view. An unqualified name matches any schema. */
pb_cat_table *pb_catalog_table(const pb_catalog *cat, pb_qname name);
pb_cat_column *pb_catalog_column(const pb_cat_table *t, const char *name);
pb_cat_constraint *pb_catalog_constraint(const pb_cat_table *t, const char *name);
pb_cat_index *pb_catalog_index(const pb_catalog *cat, pb_qname name);
/* The indexes on `table` (same matching as pb_catalog_table): i-th one, or
 * NULL past the last. Start with *i = 0. Costs the number of indexes ever
 * created on tables of that name, not all indexes. */
const pb_cat_index *pb_catalog_table_index(const pb_catalog *cat, pb_qname table, size_t *i);
pb_cat_object *pb_catalog_schema(const pb_catalog *cat, const char *name);
/* An enum type (CREATE TYPE ... AS ENUM), with its values in order. */
pb_cat_enum *pb_catalog_enum(const pb_catalog *cat, pb_qname name);
/* A sequence: CREATE SEQUENCE, or the implicit one of a serial or identity
 * column ("<table>_<column>_seq"). */
pb_cat_sequence *pb_catalog_sequence(const pb_catalog *cat, pb_qname name);
/* The sequences owned by a column of `table` (OWNED BY, serial, identity):
 * i-th one, or NULL past the last. Start with *i = 0. */
const pb_cat_sequence *pb_catalog_owned_sequence(const pb_catalog *cat, pb_qname table, size_t *i);
/* The DEFAULT partition of `parent`, or NULL. */
const pb_cat_table *pb_catalog_default_partition(const pb_catalog *cat, pb_qname parent);
/* Is `rel` a partitioned table (CREATE TABLE ... PARTITION BY, or the
 * target of ATTACH PARTITION)? */
bool pb_catalog_is_partitioned(const pb_catalog *cat, pb_qname rel);
/* The partitions of `parent`: i-th one, or NULL past the last. Start with
 * *i = 0. Costs the number of partitions ever attached to that name. */
const pb_cat_table *pb_catalog_partition(const pb_catalog *cat, pb_qname parent, size_t *i);
/* The views and materialized views whose query reads `rel`: i-th one, or
 * NULL past the last. Start with *i = 0. */
const pb_cat_table *pb_catalog_dependent_view(const pb_catalog *cat, pb_qname rel, size_t *i);

/* Does a validated CHECK (col IS NOT NULL) on `rel` prove `col` non-null? */
bool pb_catalog_not_null_proven(const pb_catalog *cat, pb_qname rel, const char *col);
/* Is `rel` a table (or view) created earlier in this part? */
bool pb_catalog_is_new(const pb_catalog *cat, pb_qname rel);
/* Was `rel` created by the up part of the migration being replayed? */
bool pb_catalog_created_by_migration(const pb_catalog *cat, pb_qname rel);

/* Replays one op. `tx` is the current transaction id. */
void pb_catalog_apply(pb_catalog *cat, const pb_op *op, uint32_t tx);

/* ---- names PostgreSQL chooses ------------------------------------------------ */

/* PostgreSQL's makeObjectName (catalog/indexcmds.c): "name1_name2_label"
 * (name2 and label may be NULL), the longer of name1 and name2 shortened
 * until the whole fits in 63 bytes, never inside a UTF-8 sequence. Arena
 * string. */
const char *pb_catalog_object_name(pb_arena *a, const char *name1, const char *name2, const char *label);
/* The name PostgreSQL gives a constraint of `table` written without one,
 * which is also the name of the index behind a PRIMARY KEY or UNIQUE:
 * t_pkey, t_a_b_key, t_a_b_fkey, t_a_excl, and for a CHECK t_col_check when
 * its expression reads exactly one column `cols[0]`, else t_check. (Without
 * the number PostgreSQL appends when the name is taken.) */
const char *pb_catalog_default_constraint_name(pb_arena *a, const char *table, pb_constraint_kind kind,
                                               const char *const *cols, size_t n);
/* The name of CREATE INDEX ON table (cols) without a name: t_a_b_idx, or
 * t_expr_idx when no key column is a plain column (ChooseIndexName). */
const char *pb_catalog_default_index_name(pb_arena *a, const char *table, const char *const *cols, size_t n);
/* The implicit sequence of a serial or identity column: "<table>_<column>_seq". */
const char *pb_catalog_serial_sequence_name(pb_arena *a, const char *table, const char *column);

/* ---- listing --------------------------------------------------------------------- */

typedef enum pb_cat_list_kind {
    PB_CAT_LIST_TABLES,    /* pb_cat_table * (tables, views, materialized views) */
    PB_CAT_LIST_INDEXES,   /* pb_cat_index * */
    PB_CAT_LIST_SEQUENCES, /* pb_cat_sequence * */
    PB_CAT_LIST_ENUMS,     /* pb_cat_enum * */
    PB_CAT_LIST_SCHEMAS,   /* pb_cat_object * */
} pb_cat_list_kind;

/* Every live object of one kind, in no particular order, as an array in
 * `a` (*out; the objects belong to the catalog). Returns the count. */
size_t pb_catalog_list(pb_arena *a, const pb_catalog *cat, pb_cat_list_kind kind, const void ***out);

/* ---- snapshots ------------------------------------------------------------------- */

/* Receives one difference found by pb_catalog_diff: a sentence naming the
 * object and what differs ("column \"users\".\"email\" is varchar(200) in
 * the first catalog, text in the second"). The string lives in the arena
 * passed to pb_catalog_diff. */
typedef void (*pb_catalog_diff_fn)(void *ud, const char *difference);

/* Compares two catalogs object by object: relations (kind, columns with type
 * and nullability, constraints with kind, columns, validity and referenced
 * table, partitioning, view dependencies), indexes (table, uniqueness,
 * columns), sequences (type, owner), enum types (values in order) and
 * schemas. Names must match exactly (schema included). Where an object
 * was created (part, migration, transaction) is not compared, nor column
 * order. Calls `fn` (may be NULL) once per difference, with messages
 * allocated in `a`; returns how many there are (0: equal). */
size_t pb_catalog_diff(pb_arena *a, const pb_catalog *x, const pb_catalog *y, pb_catalog_diff_fn fn,
                       void *ud);

#endif
