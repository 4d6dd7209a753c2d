/* Catalog: an in-memory schema model built by replaying ops in order. In
 * this first version it models what one part (a file) reveals: tables
 * created in it, column types and nullability, constraints and their
 * validity, and in which transaction a constraint was added. */
#ifndef PB_CATALOG_H
#define PB_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "ir/ir.h"

typedef struct pb_cat_column {
    const char *name;
    pb_type type;
    bool not_null;
} pb_cat_column;

typedef struct pb_cat_constraint {
    const char *name;
    pb_constraint_kind kind;
    bool validated;
    const char *check_not_null_column; /* CHECK (c IS NOT NULL) */
    uint32_t tx;                       /* transaction it was added in (pb_lint_state.tx_id) */
    uint32_t stmt;                     /* statement that added it */
} pb_cat_constraint;

typedef struct pb_cat_table {
    pb_qname name;
    bool new_in_part; /* created earlier in the part being linted: no readers yet */
    bool matview;
    pb_ptrvec columns;     /* pb_cat_column* */
    pb_ptrvec constraints; /* pb_cat_constraint* */
} pb_cat_table;

typedef struct pb_catalog {
    pb_arena *arena;  /* owns everything below */
    pb_ptrvec tables; /* pb_cat_table*, in creation order; dropped ones are removed */
    /* open-addressing index by unqualified table name: slot -> index+1 in
       `tables` of the newest table with that name (0 = empty) */
    uint32_t *slots;
    size_t nslots;
    size_t nused;
} pb_catalog;

void pb_catalog_init(pb_catalog *cat, pb_arena *a);

pb_cat_table *pb_catalog_table(const pb_catalog *cat, pb_qname name);
pb_cat_column *pb_catalog_column(const pb_cat_table *t, const char *name);
pb_cat_constraint *pb_catalog_constraint(const pb_cat_table *t, const char *name);

/* Does a validated CHECK (col IS NOT NULL) on `rel` prove `col` non-null? */
bool pb_catalog_not_null_proven(const pb_catalog *cat, pb_qname rel, const char *col);
/* Is `rel` a table created earlier in this part? */
bool pb_catalog_is_new(const pb_catalog *cat, pb_qname rel);

/* Replays one op. `tx` is the current transaction id. */
void pb_catalog_apply(pb_catalog *cat, const pb_op *op, uint32_t tx);

#endif
