/* Catalog: an in-memory schema model built by replaying ops in order:
 * relations (tables, views, materialized views) with their columns and
 * constraints, indexes, schemas and enum types, each remembering whether it
 * was created in the part being linted (then it has no readers yet, and
 * lock hazards on it do not apply). Every look-up is a hash look-up, so
 * replaying a file of 100,000 statements stays linear.
 *
 * Ownership: the catalog copies every name it keeps into its own arena,
 * so it may outlive the ops replayed into it. */
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
    uint32_t part; /* serial of the part that added it (ADD COLUMN / CREATE TABLE); 0 = before */
    uint32_t mig;  /* index + 1 of the migration that added it */
} pb_cat_column;

typedef struct pb_cat_constraint {
    const char *name;
    pb_constraint_kind kind;
    bool validated;
    const char *check_not_null_column; /* CHECK (c IS NOT NULL) */
    pb_qname ref;                      /* FOREIGN KEY: the referenced table */
    uint32_t tx;                       /* transaction it was added in (pb_lint_state.tx_id) */
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
    struct pb_cat_table *next_same_name; /* same unqualified name, other schema */
} pb_cat_table;

typedef struct pb_cat_index {
    pb_qname name;
    pb_qname table;
    bool unique;
    const char **columns; /* its plain key columns in order (expressions are left out) */
    size_t ncolumns;
    uint32_t part, mig;
    struct pb_cat_index *next_same_name;
} pb_cat_index;

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
    pb_strmap enums;         /* unqualified name -> pb_cat_object* */
    size_t ntables;
    uint32_t part; /* serial of the part being replayed (starts at 1) */
    uint32_t mig;  /* index + 1 of the migration being replayed */
} pb_catalog;

/* Starts replaying a new part of migration `mig_index` (0-based): objects
 * created from now on are "new in this part". */
void pb_catalog_begin_part(pb_catalog *cat, size_t mig_index);
/* Was an object with this `part` serial created in the part being replayed? */
bool pb_catalog_in_part(const pb_catalog *cat, uint32_t part);
/* Was an object created by the migration being replayed (up part)? */
bool pb_catalog_in_migration(const pb_catalog *cat, uint32_t mig);
/* Copies a table with its columns and constraints into `dst` (arena `a`);
 * the copy is not linked into any catalog. Names are shared. */
void pb_catalog_copy_table(pb_arena *a, pb_cat_table *dst, const pb_cat_table *src);
/* Undo support (journal.c): make the object named `name` be `pre` again
 * (a copy of it, in the catalog's arena), or absent when `pre` is NULL. */
void pb_catalog__restore_table(pb_catalog *cat, pb_qname name, const pb_cat_table *pre);
void pb_catalog__restore_index(pb_catalog *cat, pb_qname name, const pb_cat_index *pre);
void pb_catalog__restore_object(pb_catalog *cat, pb_strmap *map, const char *name, const pb_cat_object *pre);
/* A deep copy of `src` in arena `a` (for linting a down part, or a
 * snapshot to compare against). */
pb_catalog *pb_catalog_clone(pb_arena *a, const pb_catalog *src);

void pb_catalog_init(pb_catalog *cat, pb_arena *a);

/* A table, view or materialized view. An unqualified name matches any schema. */
pb_cat_table *pb_catalog_table(const pb_catalog *cat, pb_qname name);
pb_cat_column *pb_catalog_column(const pb_cat_table *t, const char *name);
pb_cat_constraint *pb_catalog_constraint(const pb_cat_table *t, const char *name);
pb_cat_index *pb_catalog_index(const pb_catalog *cat, pb_qname name);
/* The indexes on `table` (same matching as pb_catalog_table): i-th one, or
 * NULL past the last. Costs the number of indexes ever created on tables of
 * that name, not all indexes. */
const pb_cat_index *pb_catalog_table_index(const pb_catalog *cat, pb_qname table, size_t *i);
pb_cat_object *pb_catalog_schema(const pb_catalog *cat, const char *name);
pb_cat_object *pb_catalog_enum(const pb_catalog *cat, pb_qname name);

/* Does a validated CHECK (col IS NOT NULL) on `rel` prove `col` non-null? */
bool pb_catalog_not_null_proven(const pb_catalog *cat, pb_qname rel, const char *col);
/* Is `rel` a table (or view) created earlier in this part? */
bool pb_catalog_is_new(const pb_catalog *cat, pb_qname rel);
/* Was `rel` created by the up part of the migration being replayed? */
bool pb_catalog_created_by_migration(const pb_catalog *cat, pb_qname rel);

/* Replays one op. `tx` is the current transaction id. */
void pb_catalog_apply(pb_catalog *cat, const pb_op *op, uint32_t tx);

#endif
