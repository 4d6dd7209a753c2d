/* Claims: the facts of one op (facts.h) tied to the relations they are
 * about, named from the op and the catalog replayed before it: "ACCESS
 * EXCLUSIVE on orders, SHARE ROW EXCLUSIVE on users, orders is scanned".
 * This is what `pgbelay facts` prints and what tests/pg/facts.py checks
 * against a real server. */
#ifndef PB_CLAIMS_H
#define PB_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog/catalog.h"
#include "facts/facts.h"

/* One relation lock an op takes. `rel.name` NULL: the op names no single
 * relation ("each table" of REINDEX SCHEMA, CLUSTER without a table). */
typedef struct pb_claim_lock {
    pb_qname rel;
    pb_lock_mode mode;
    const char *role; /* static: "table", "referenced table", "index", ... */
} pb_claim_lock;

typedef struct pb_claims {
    pb_fact fact;         /* the merged facts (facts.h) */
    pb_claim_lock *locks; /* in the arena; the target first */
    size_t nlocks;
    pb_qname target; /* the relation rewritten / scanned / indexed (name NULL: none or unknown) */
    pb_qname *also_scanned; /* other tables read in full: partitions an index is built on, tables
                               whose foreign key is revalidated (in the arena) */
    size_t nalso_scanned;
} pb_claims;

/* What the claims of an op depend on besides the catalog: the session
 * settings earlier statements made. */
typedef struct pb_claims_env {
    bool timezone_utc; /* SET timezone to a zero-offset zone earlier in the part */
} pb_claims_env;

/* Fills *out for `op` on PostgreSQL major `pg_version`, reading `cat` as it
 * was before the op (the op is not applied). Arrays and names live in `a`
 * or in the op / catalog (which must outlive *out). `env` may be NULL. */
void pb_claims_for(pb_arena *a, const pb_op *op, const pb_catalog *cat, int pg_version,
                   const pb_claims_env *env, pb_claims *out);

/* The same facts environment rules use (facts.h pb_fact_env) for `op`,
 * read from `cat`. */
void pb_claims_fact_env(const pb_op *op, const pb_catalog *cat, bool timezone_utc, pb_fact_env *out);

#endif
