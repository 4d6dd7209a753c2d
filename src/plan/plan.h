/* Plan: rewrites the risky changes of a migration into expand / backfill /
 * switch / contract phases (the `plan` module of DESIGN.md). A recipe per
 * risky op kind turns the op into steps; steps are grouped into phases by
 * stage, so that everything additive runs first, builds and validations
 * follow in their own transactions (or outside one), backfills run in
 * batches, and destructive steps wait behind a deploy gate.
 *
 * Ownership: every string and array of a plan lives in the arena given to
 * pb_plan_migration. */
#ifndef PB_PLAN_H
#define PB_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "core/arena.h"
#include "framework/framework.h"
#include "ir/ir.h"
#include "pgbelay/pgbelay.h"

typedef enum pb_phase_kind {
    PB_PHASE_EXPAND = 0,
    PB_PHASE_BACKFILL,
    PB_PHASE_SWITCH,
    PB_PHASE_CONTRACT,
} pb_phase_kind;

/* "expand", "backfill", "switch", "contract"; static. */
const char *pb_phase_kind_name(pb_phase_kind k);

/* How long a phase holds its lock on a relation. */
typedef enum pb_lock_duration {
    PB_DUR_CATALOG = 0, /* catalog-only: a brief lock, no scan */
    PB_DUR_SCAN,        /* a full scan (index build, VALIDATE) under a lock that lets traffic through */
    PB_DUR_REWRITE,     /* the table is rewritten */
    PB_DUR_BATCHED,     /* row locks only, one batch at a time */
} pb_lock_duration;

/* "catalog-only", "scan", "rewrite", "batched"; static. */
const char *pb_lock_duration_name(pb_lock_duration d);

typedef struct pb_plan_lock {
    const char *relation; /* as written in the migration, "public.users" or "users" */
    pb_lock_mode mode;
    pb_lock_duration duration;
} pb_plan_lock;

#define PB_PLAN_MAX_LOCKS 8

typedef struct pb_phase {
    uint32_t number; /* 1-based */
    pb_phase_kind kind;
    const char *title;       /* one line */
    const char *slug;        /* file-name part, [a-z0-9_]+ */
    const char *why;         /* what it does and why, sentences */
    const char *rollback;    /* how to roll it back, or why it cannot be */
    const char *gate_before; /* deploy gate to pass before running it, or NULL */
    bool transactional;      /* false: outside a transaction block, one statement at a time */
    const char **up;         /* statements, each ending in ';' (a SET lock_timeout and
                                statement_timeout first) */
    size_t nup;
    const char **down; /* rollback statements; NULL when it cannot be rolled back */
    size_t ndown;
    pb_plan_lock locks[PB_PLAN_MAX_LOCKS];
    size_t nlocks;
} pb_phase;

/* One risky statement of the original migration and the recipe used. */
typedef struct pb_plan_change {
    uint32_t line;         /* 1-based line of the statement in its file */
    const char *rule;      /* id of the finding that made it risky ("create-index-non-concurrent") */
    const char *recipe;    /* "create-index", "add-foreign-key", ... */
    const char *statement; /* the statement's text */
} pb_plan_change;

typedef struct pb_plan {
    const char *path;       /* file of the migration's up part */
    bool nothing_to_change; /* already safe: no phases */
    pb_plan_change *changes;
    size_t nchanges;
    pb_phase *phases;
    size_t nphases;
    const char **notes; /* what pgbelay could not plan, preflight queries, caveats */
    size_t nnotes;
    /* indexes the plan builds that the migration did not create (the index
       on the referencing columns of a new foreign key, for the finding
       foreign-key-without-index): after the last phase the schema is the
       migration's plus these; qualified as the plan writes them, a note
       names each */
    const char **added_indexes;
    size_t nadded_indexes;
} pb_plan;

typedef struct pb_plan_options {
    int pg_version;           /* 0: PB_PG_VERSION_DEFAULT */
    const char *lock_timeout; /* SET lock_timeout value, default "3s" */
    uint32_t batch_size;      /* rows per backfill batch, default 1000 */
    const char *batch_pause;  /* pause between batches (an interval), default "100 milliseconds" */
    bool sync_app;            /* rename: the application dual-writes (no trigger) */
} pb_plan_options;

/* Plans the up part of `mig` against `cat`, the catalog as the migrations
 * before it left it (not modified). `diags` are the lint findings of the
 * part's source (only those inside the part count). Always fills *out. */
void pb_plan_migration(pb_arena *a, const pb_plan_options *po, const pb_migration *mig, const pb_catalog *cat,
                       const pb_diag *diags, size_t ndiags, pb_plan *out);

#endif
