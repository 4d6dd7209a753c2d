/* The planner: recipes per risky op, and the assembly of their steps into
 * phases. See plan.h; the recipes are described in docs/plan.md. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/sqltext.h"
#include "parse/deparse.h"
#include "parse/parse.h"
#include "plan/plan.h"
#include "lint/lint.h"
#include "rules/rule_util.h"
#include "source/source.h"

const char *pb_phase_kind_name(pb_phase_kind k)
{
    switch (k) {
    case PB_PHASE_EXPAND: return "expand";
    case PB_PHASE_BACKFILL: return "backfill";
    case PB_PHASE_SWITCH: return "switch";
    case PB_PHASE_CONTRACT: return "contract";
    }
    return "?";
}

const char *pb_lock_duration_name(pb_lock_duration d)
{
    switch (d) {
    case PB_DUR_CATALOG: return "catalog-only";
    case PB_DUR_SCAN: return "scan";
    case PB_DUR_REWRITE: return "rewrite";
    case PB_DUR_BATCHED: return "batched";
    }
    return "?";
}

/* Stages, in the order phases run. Steps of one stage that may share a
 * transaction become one phase; a step that must run outside a
 * transaction block is a phase of its own. */
enum {
    ST_DROPPED = -1000, /* a step that turned out impossible (a note says why) */
    ST_PREBUILD = -10,  /* indexes that later expand steps rely on (a foreign key's index) */
    ST_EXPAND = 0,      /* additive schema changes, NOT VALID constraints, triggers */
    ST_BUILD = 10,      /* CREATE INDEX CONCURRENTLY and other non-transactional statements */
    ST_VALIDATE = 20,   /* VALIDATE CONSTRAINT, ADD CONSTRAINT ... USING INDEX */
    ST_BACKFILL = 30,   /* batched data changes */
    ST_BUILD_LATE = 35, /* indexes on backfilled columns */
    ST_NN_ADD = 40,     /* CHECK (c IS NOT NULL) NOT VALID, after the backfill */
    ST_NN_VALIDATE = 50,
    ST_NN_SET = 60, /* SET NOT NULL using the validated check, then drop it */
    ST_SWITCH = 70, /* short swap transactions */
    ST_SWITCH_VALIDATE = 75,
    ST_CONTRACT = 80,      /* destructive steps, behind a deploy gate */
    ST_CONTRACT_NOTX = 90, /* DROP INDEX CONCURRENTLY after the gate */
};

typedef struct strv {
    const char **v;
    size_t n, cap;
} strv;

typedef struct step {
    int stage;
    uint32_t seq;
    bool notx;
    pb_phase_kind kind;
    const char *title;
    const char *slug;
    const char *why;
    const char *rollback;
    const char *gate;
    strv up, down;
    bool no_down; /* cannot be rolled back */
    pb_plan_lock locks[4];
    size_t nlocks;
} step;

typedef struct planner {
    pb_arena *a;
    const pb_plan_options *po;
    int v;
    const char *lt; /* lock_timeout */
    const pb_source *src;
    const char *text; /* the part's text as the parser saw it */
    pb_catalog *cat;  /* replayed op by op */
    const pb_ops *ops;
    size_t op_index;
    step *steps;
    size_t nsteps, cap;
    strv settings; /* session settings of the migration, repeated in every phase */
    strv notes;
    pb_plan_change *changes;
    size_t nchanges, changes_cap;
} planner;

static void sv_add(pb_arena *a, strv *s, const char *x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        const char **n = pb_arena_alloc(a, cap * sizeof *n);
        if (s->n)
            memcpy(n, s->v, s->n * sizeof *n);
        s->v = n;
        s->cap = cap;
    }
    s->v[s->n++] = x;
}

/* Adds `x` unless an equal string is there already. */
static void sv_add_unique(pb_arena *a, strv *s, const char *x)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], x))
            return;
    sv_add(a, s, x);
}

/* The strings of `s` joined by `sep`, arena string ("" when empty). */
static const char *sv_join(pb_arena *a, const strv *s, const char *sep)
{
    pb_buf b = {0};
    for (size_t i = 0; i < s->n; i++) {
        if (i)
            pb_buf_puts(&b, sep);
        pb_buf_puts(&b, s->v[i]);
    }
    const char *r = pb_arena_strndup(a, b.data ? b.data : "", b.len);
    pb_buf_release(&b);
    return r;
}

static const char *fmt(planner *p, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(planner *p, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    char small[512];
    int n = vsnprintf(small, sizeof small, f, ap);
    va_end(ap);
    if (n < 0)
        return "";
    if ((size_t)n < sizeof small)
        return pb_arena_strdup(p->a, small);
    char *big = pb_arena_alloc(p->a, (size_t)n + 1);
    va_start(ap, f);
    vsnprintf(big, (size_t)n + 1, f, ap);
    va_end(ap);
    return big;
}

static void note(planner *p, const char *msg)
{
    sv_add(p->a, &p->notes, msg);
}

static step *new_step(planner *p, int stage, pb_phase_kind kind, const char *title, const char *slug)
{
    if (p->nsteps == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        step *n = pb_arena_alloc(p->a, cap * sizeof *n);
        if (p->nsteps)
            memcpy(n, p->steps, p->nsteps * sizeof *n);
        p->steps = n;
        p->cap = cap;
    }
    step *s = &p->steps[p->nsteps];
    memset(s, 0, sizeof *s);
    s->seq = (uint32_t)p->nsteps++;
    s->stage = stage;
    s->kind = kind;
    s->title = title;
    s->slug = slug;
    s->notx = stage == ST_PREBUILD || stage == ST_BUILD || stage == ST_BUILD_LATE || stage == ST_BACKFILL ||
              stage == ST_CONTRACT_NOTX;
    return s;
}

static void up(planner *p, step *s, const char *sql)
{
    sv_add(p->a, &s->up, sql);
}

static void down(planner *p, step *s, const char *sql)
{
    sv_add(p->a, &s->down, sql);
}

static void lock(step *s, const char *rel, pb_lock_mode m, pb_lock_duration d)
{
    for (size_t i = 0; i < s->nlocks; i++)
        if (!strcmp(s->locks[i].relation, rel) && s->locks[i].mode == m)
            return;
    if (s->nlocks < sizeof s->locks / sizeof s->locks[0])
        s->locks[s->nlocks++] = (pb_plan_lock){rel, m, d};
}

/* ---- names and text ----------------------------------------------------------- */

static const char *ident(planner *p, const char *n)
{
    return pb_sql_ident(p->a, n);
}

static const char *qn(planner *p, pb_qname q)
{
    return pb_sql_qname(p->a, q);
}

/* A lower-case [a-z0-9_] version of `s` for file names. */
static const char *slugify(planner *p, const char *s)
{
    size_t n = strlen(s);
    char *o = pb_arena_alloc(p->a, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n && k < 60; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            o[k++] = c;
        else if (k && o[k - 1] != '_')
            o[k++] = '_';
    }
    while (k && o[k - 1] == '_')
        k--;
    o[k] = '\0';
    return k ? o : "change";
}

/* The statement of `op` as written, with one trailing ';'. */
static const char *stmt_text(planner *p, const pb_op *op)
{
    uint32_t s = op->span.start, e = op->span.end;
    while (e > s && (p->text[e - 1] == ';' || p->text[e - 1] == ' ' || p->text[e - 1] == '\n' ||
                     p->text[e - 1] == '\t' || p->text[e - 1] == '\r'))
        e--;
    return fmt(p, "%.*s;", (int)(e - s), p->text + s);
}

static const char *stmt_raw(planner *p, const pb_op *op, size_t *len)
{
    *len = op->span.end - op->span.start;
    return p->text + op->span.start;
}

/* Index of `op` among the ops of its statement (its ALTER TABLE subcommand). */
static size_t cmd_index(planner *p)
{
    const pb_op *op = p->ops->items[p->op_index];
    size_t k = 0;
    for (size_t i = p->op_index; i > 0; i--)
        if (p->ops->items[i - 1]->stmt == op->stmt)
            k++;
        else
            break;
    return k;
}

static const char *with_semicolon(planner *p, const char *s)
{
    return s ? fmt(p, "%s;", s) : NULL;
}

/* The columns of the primary key of `rel`, from the catalog. */
static size_t pk_columns(planner *p, pb_qname rel, const char *const **cols)
{
    pb_cat_table *t = pb_catalog_table(p->cat, rel);
    if (!t)
        return 0;
    for (size_t i = 0; i < t->constraints.len; i++) {
        pb_cat_constraint *c = t->constraints.items[i];
        if (c->kind != PB_CON_PRIMARY_KEY || !c->name)
            continue;
        pb_cat_index *ix = pb_catalog_index(p->cat, (pb_qname){rel.schema, c->name});
        if (ix && ix->ncolumns) {
            *cols = ix->columns;
            return ix->ncolumns;
        }
    }
    /* an inline PRIMARY KEY is known by its index, named table_pkey */
    const char *pkey = pb_arena_sprintf(p->a, "%s_pkey", t->name.name);
    size_t i = 0;
    const pb_cat_index *ix;
    while ((ix = pb_catalog_table_index(p->cat, rel, &i)))
        if (ix->unique && ix->name.name && !strcmp(ix->name.name, pkey) && ix->ncolumns) {
            *cols = ix->columns;
            return ix->ncolumns;
        }
    return 0;
}

/* Statements of the batched backfill of `rel`: a procedure that walks the
 * primary key in keyset batches (no OFFSET), commits each batch, pauses,
 * and only touches rows not done yet (`todo`), so it can be stopped and
 * rerun; then the CALL and the DROP. Returns false (with a note) when the
 * table has no single-column primary key to walk. */
static bool backfill(planner *p, step *s, pb_qname rel, const char *name, const char *set, const char *todo,
                     const char *alias)
{
    const char *al = ident(p, alias ? alias : "t");
    const char *const *pk;
    size_t npk = pk_columns(p, rel, &pk);
    const char *table = qn(p, rel);
    if (npk != 1) {
        note(p, fmt(p,
                    "%s has %s, so pgbelay cannot write a keyset-batched backfill for it; run "
                    "UPDATE %s SET %s WHERE %s in batches of rows that you can select by a unique key, "
                    "each batch in its own transaction",
                    table,
                    npk ? "a multi-column primary key" : "no primary key pgbelay knows of (give --schema)",
                    table, set, todo));
        return false;
    }
    const char *k = ident(p, pk[0]);
    const char *proc = ident(p, pb_sql_default_name(p->a, "pgbelay_backfill", &name, 1, rel.name));
    const char *pq = rel.schema ? fmt(p, "%s.%s", ident(p, rel.schema), proc) : proc;
    up(p, s,
       fmt(p,
           "CREATE PROCEDURE %s(batch_size integer DEFAULT %u, pause interval DEFAULT %s)\n"
           "LANGUAGE plpgsql AS $pgbelay$\n"
           "DECLARE\n"
           "    last_key %s.%s%%TYPE;\n"
           "    batch_last %s.%s%%TYPE;\n"
           "    upper_key %s.%s%%TYPE;\n"
           "BEGIN\n"
           "    -- rows inserted from now on are covered by the change itself (default,\n"
           "    -- trigger or application): stop at the last key that exists now\n"
           "    SELECT max(%s) INTO upper_key FROM %s;\n"
           "    LOOP\n"
           "        WITH batch AS (\n"
           "            SELECT %s AS pgbelay_key FROM %s\n"
           "            WHERE (last_key IS NULL OR %s > last_key) AND %s <= upper_key\n"
           "            ORDER BY %s LIMIT batch_size\n"
           "        ), done AS (\n"
           "            UPDATE %s AS %s SET %s\n"
           "            FROM batch WHERE %s.%s = batch.pgbelay_key AND (%s)\n"
           "        )\n"
           "        SELECT max(pgbelay_key) INTO batch_last FROM batch;\n"
           "        EXIT WHEN batch_last IS NULL;\n"
           "        last_key := batch_last;\n"
           "        COMMIT;\n"
           "        PERFORM pg_sleep(extract(epoch FROM pause));\n"
           "    END LOOP;\n"
           "END\n"
           "$pgbelay$;",
           pq, p->po->batch_size ? p->po->batch_size : 1000,
           pb_sql_literal(p->a, p->po->batch_pause ? p->po->batch_pause : "100 milliseconds"), table, k,
           table, k, table, k, k, table, k, table, k, k, k, table, al, set, al, k, todo));
    up(p, s, fmt(p, "CALL %s();", pq));
    up(p, s, fmt(p, "DROP PROCEDURE %s(integer, interval);", pq));
    down(p, s, fmt(p, "DROP PROCEDURE IF EXISTS %s(integer, interval);", pq));
    lock(s, table, PB_LOCK_ROW_EXCLUSIVE, PB_DUR_BATCHED);
    s->why = fmt(p,
                 "fills the rows that existed before in batches of %u rows along the primary key %s, one "
                 "transaction per batch with a pause between batches, so row locks are held briefly and "
                 "replicas keep up; it only touches rows not done yet, so it can be stopped and rerun",
                 p->po->batch_size ? p->po->batch_size : 1000, k);
    s->rollback = "nothing to undo: the backfill only fills the new column; stop it at any time";
    return true;
}

/* ---- recipes -------------------------------------------------------------------- */

static void not_null(planner *p, pb_qname rel, const char *col);

static void change(planner *p, const pb_op *op, const char *rule, const char *recipe)
{
    if (p->nchanges == p->changes_cap) {
        size_t cap = p->changes_cap ? p->changes_cap * 2 : 8;
        pb_plan_change *n = pb_arena_alloc(p->a, cap * sizeof *n);
        if (p->nchanges)
            memcpy(n, p->changes, p->nchanges * sizeof *n);
        p->changes = n;
        p->changes_cap = cap;
    }
    uint32_t line, col;
    pb_source_position(p->src, op->span.start, PB_COL_BYTES, &line, &col);
    p->changes[p->nchanges++] = (pb_plan_change){line, rule, recipe, stmt_text(p, op)};
}

static void add_index_build(planner *p, const char *table, const char *iname, const char *create,
                            const char *why, int stage)
{
    step *s = new_step(p, stage, PB_PHASE_EXPAND, fmt(p, "build index %s without blocking writes", iname),
                       slugify(p, fmt(p, "create index %s", iname)));
    up(p, s, create);
    down(p, s, fmt(p, "DROP INDEX CONCURRENTLY IF EXISTS %s;", iname));
    lock(s, table, PB_LOCK_SHARE_UPDATE_EXCLUSIVE, PB_DUR_SCAN);
    s->why = why ? why
                 : "CREATE INDEX CONCURRENTLY builds the index while reads and writes continue; it must run "
                   "outside a transaction block, alone";
    s->rollback =
        fmt(p,
            "DROP INDEX CONCURRENTLY IF EXISTS %s; if the build fails or is cancelled it leaves an "
            "INVALID index (pg_index.indisvalid = false): drop it the same way and run the phase again",
            iname);
}

static void recipe_create_index(planner *p, const pb_op *op, const char *rule)
{
    const char *table = qn(p, op->rel);
    const char *name = op->index_name;
    if (!name) {
        name = pb_catalog_default_index_name(p->a, op->rel.name, op->con_columns, op->ncon_columns);
    }
    size_t len;
    const char *raw = stmt_raw(p, op, &len);
    const char *sql = pb_deparse_create_index(p->a, raw, len, op->index_name ? NULL : name);
    if (!sql) {
        note(p, fmt(p, "could not rewrite: %s", stmt_text(p, op)));
        return;
    }
    change(p, op, rule, "create-index");
    pb_qname iq = {op->rel.schema, name};
    add_index_build(p, table, qn(p, iq), with_semicolon(p, sql), NULL, ST_BUILD);
}

static void recipe_drop_index(planner *p, const pb_op *op, const char *rule)
{
    if (op->cascade) {
        note(p, fmt(p, "DROP INDEX ... CASCADE cannot run CONCURRENTLY; drop the dependent objects first: %s",
                    stmt_text(p, op)));
        return;
    }
    change(p, op, rule, "drop-index");
    const char *iname = qn(p, op->obj);
    step *s = new_step(p, ST_BUILD, PB_PHASE_CONTRACT, fmt(p, "drop index %s without blocking", iname),
                       slugify(p, fmt(p, "drop index %s", op->obj.name)));
    up(p, s, fmt(p, "DROP INDEX CONCURRENTLY IF EXISTS %s;", iname));
    const pb_cat_index *ix = pb_catalog_index(p->cat, op->obj);
    if (ix && ix->ncolumns) {
        down(p, s,
             fmt(p, "CREATE %sINDEX CONCURRENTLY IF NOT EXISTS %s ON %s (%s);", ix->unique ? "UNIQUE " : "",
                 iname, qn(p, ix->table), pb_sql_ident_list(p->a, ix->columns, ix->ncolumns)));
        s->rollback =
            "rebuild the index concurrently (the down part; pgbelay knows only its plain key columns: "
            "check the original definition for expressions, INCLUDE, WHERE or the method)";
    } else {
        s->no_down = true;
        s->rollback = "recreate the index with CREATE INDEX CONCURRENTLY and its original definition";
    }
    if (ix)
        lock(s, qn(p, ix->table), PB_LOCK_SHARE_UPDATE_EXCLUSIVE, PB_DUR_CATALOG);
    s->why = "DROP INDEX CONCURRENTLY waits for queries using the index instead of blocking reads and writes "
             "with an ACCESS EXCLUSIVE lock";
}

static const char *con_name_for(planner *p, const pb_op *op)
{
    return op->con_name ? op->con_name
                        : pb_catalog_default_constraint_name(p->a, op->rel.name, op->con_kind,
                                                             op->con_columns, op->ncon_columns);
}

/* Does an index on `rel` (known to the catalog, or built earlier in this
 * plan) start with `cols`? */
static bool has_leading_index(planner *p, pb_qname rel, const char *const *cols, size_t n)
{
    size_t i = 0;
    const pb_cat_index *ix;
    while ((ix = pb_catalog_table_index(p->cat, rel, &i)))
        if (pb_index_leads_with(ix->columns, ix->ncolumns, cols, n))
            return true;
    return false;
}

static void recipe_add_fk_or_check(planner *p, const pb_op *op, const char *rule)
{
    const char *name = con_name_for(p, op);
    size_t len;
    const char *raw = stmt_raw(p, op, &len);
    const char *add = pb_deparse_alter_cmd(p->a, raw, len, cmd_index(p), name, true);
    if (!add) {
        note(p, fmt(p, "could not rewrite: %s", stmt_text(p, op)));
        return;
    }
    bool fk = op->con_kind == PB_CON_FOREIGN_KEY;
    change(p, op, rule, fk ? "add-foreign-key" : "add-check");
    const char *table = qn(p, op->rel);
    const char *cn = ident(p, name);
    step *s = new_step(p, ST_EXPAND, PB_PHASE_EXPAND,
                       fmt(p, "add %s %s as NOT VALID", fk ? "foreign key" : "CHECK constraint", cn),
                       slugify(p, fmt(p, "add %s", name)));
    up(p, s, with_semicolon(p, add));
    down(p, s, fmt(p, "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s;", table, cn));
    lock(s, table, fk ? PB_LOCK_SHARE_ROW_EXCLUSIVE : PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    if (fk)
        lock(s, qn(p, op->ref), PB_LOCK_SHARE_ROW_EXCLUSIVE, PB_DUR_CATALOG);
    s->why = "NOT VALID makes the constraint apply to new and updated rows at once, without checking the "
             "existing rows under the lock";
    s->rollback = "the down part undoes it";
    if (fk && op->ncon_columns && !has_leading_index(p, op->rel, op->con_columns, op->ncon_columns)) {
        const char *iname =
            pb_catalog_default_index_name(p->a, op->rel.name, op->con_columns, op->ncon_columns);
        pb_qname iq = {op->rel.schema, iname};
        add_index_build(
            p, table, qn(p, iq),
            fmt(p, "CREATE INDEX CONCURRENTLY IF NOT EXISTS %s ON %s (%s);", ident(p, iname), table,
                pb_sql_ident_list(p->a, op->con_columns, op->ncon_columns)),
            "an index on the referencing columns lets each DELETE or key UPDATE on the referenced table find "
            "the matching rows without a full table scan; built concurrently, alone, outside a transaction, "
            "before the foreign key is added",
            ST_PREBUILD);
    }
    step *v = new_step(p, ST_VALIDATE, PB_PHASE_EXPAND, fmt(p, "validate %s", cn),
                       slugify(p, fmt(p, "validate %s", name)));
    up(p, v, fmt(p, "ALTER TABLE %s VALIDATE CONSTRAINT %s;", table, cn));
    lock(v, table, PB_LOCK_SHARE_UPDATE_EXCLUSIVE, PB_DUR_SCAN);
    if (fk)
        lock(v, qn(p, op->ref), PB_LOCK_ROW_SHARE, PB_DUR_SCAN);
    v->why =
        "VALIDATE CONSTRAINT checks the existing rows under a SHARE UPDATE EXCLUSIVE lock, which lets reads "
        "and writes continue; in its own transaction so the stronger lock of the ADD is already released";
    v->rollback = "nothing to undo (validation only marks the constraint valid)";
}

static void recipe_add_unique(planner *p, const pb_op *op, const char *rule)
{
    if (!op->ncon_columns || op->con_kind == PB_CON_EXCLUSION) {
        note(p, fmt(p, "could not rewrite (no plain key columns): %s", stmt_text(p, op)));
        return;
    }
    bool pk = op->con_kind == PB_CON_PRIMARY_KEY;
    change(p, op, rule, pk ? "add-primary-key" : "add-unique");
    const char *name = con_name_for(p, op);
    const char *table = qn(p, op->rel);
    const char *cn = ident(p, name);
    pb_qname iq = {op->rel.schema, name};
    add_index_build(
        p, table, qn(p, iq),
        fmt(p, "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS %s ON %s (%s);", cn, table,
            pb_sql_ident_list(p->a, op->con_columns, op->ncon_columns)),
        "builds the unique index concurrently (reads and writes continue), so that the constraint "
        "can take it over without building anything under a lock",
        ST_BUILD);
    int stage = ST_VALIDATE;
    if (pk) {
        /* ADD PRIMARY KEY sets NOT NULL on its columns, scanning the table
           unless each is already NOT NULL */
        pb_cat_table *t = pb_catalog_table(p->cat, op->rel);
        for (size_t i = 0; i < op->ncon_columns; i++) {
            pb_cat_column *c = pb_catalog_column(t, op->con_columns[i]);
            if (!c || !c->not_null)
                stage = ST_NN_SET;
        }
        if (stage == ST_NN_SET) {
            for (size_t i = 0; i < op->ncon_columns; i++) {
                pb_cat_column *c = pb_catalog_column(t, op->con_columns[i]);
                if (c && c->not_null)
                    continue;
                not_null(p, op->rel, op->con_columns[i]);
            }
        }
    }
    step *s = new_step(p, stage, PB_PHASE_EXPAND,
                       fmt(p, "attach %s as %s", cn, pk ? "the primary key" : "a unique constraint"),
                       slugify(p, fmt(p, "add %s", name)));
    up(p, s,
       fmt(p, "ALTER TABLE %s ADD CONSTRAINT %s %s USING INDEX %s;", table, cn, pk ? "PRIMARY KEY" : "UNIQUE",
           cn));
    down(p, s, fmt(p, "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s;", table, cn));
    lock(s, table, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    s->why = "ADD CONSTRAINT ... USING INDEX takes over the index that is already built: catalog-only";
    s->rollback = fmt(p, "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s; (drops the index too)", table, cn);
}

/* SET NOT NULL without a scan under ACCESS EXCLUSIVE: a NOT VALID check,
 * validated in its own transaction, then SET NOT NULL (PostgreSQL 12+ uses
 * the validated check instead of scanning) and the check is dropped. */
static void not_null(planner *p, pb_qname rel, const char *col)
{
    const char *table = qn(p, rel);
    const char *c = ident(p, col);
    const char *cname = pb_sql_default_name(p->a, rel.name, &col, 1, "not_null");
    const char *cn = ident(p, cname);
    step *a = new_step(p, ST_NN_ADD, PB_PHASE_EXPAND, fmt(p, "add CHECK (%s IS NOT NULL) NOT VALID", c),
                       slugify(p, fmt(p, "check %s %s not null", rel.name, col)));
    up(p, a, fmt(p, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID;", table, cn, c));
    down(p, a, fmt(p, "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s;", table, cn));
    lock(a, table, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    a->why = "new and updated rows must have a value from now on; existing rows are not checked yet";
    a->rollback = "the down part undoes it";
    step *v = new_step(p, ST_NN_VALIDATE, PB_PHASE_EXPAND, fmt(p, "validate %s", cn),
                       slugify(p, fmt(p, "validate %s", cname)));
    up(p, v, fmt(p, "ALTER TABLE %s VALIDATE CONSTRAINT %s;", table, cn));
    lock(v, table, PB_LOCK_SHARE_UPDATE_EXCLUSIVE, PB_DUR_SCAN);
    v->why = "checks the existing rows under SHARE UPDATE EXCLUSIVE, which lets reads and writes continue";
    v->rollback = "nothing to undo";
    step *s =
        new_step(p, ST_NN_SET, PB_PHASE_EXPAND, fmt(p, "SET NOT NULL on %s using the validated check", c),
                 slugify(p, fmt(p, "set %s %s not null", rel.name, col)));
    up(p, s, fmt(p, "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL;", table, c));
    up(p, s, fmt(p, "ALTER TABLE %s DROP CONSTRAINT %s;", table, cn));
    down(p, s, fmt(p, "ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL;", table, c));
    lock(s, table, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    s->why = p->v >= 12
                 ? "PostgreSQL 12 and later skip the scan of SET NOT NULL when a validated CHECK proves "
                   "the column has no NULLs, so the ACCESS EXCLUSIVE lock is brief; the check is then dropped"
                 : "before PostgreSQL 12, SET NOT NULL scans the table under ACCESS EXCLUSIVE even with the "
                   "validated check: run it in a quiet period, or keep the CHECK constraint instead";
    s->rollback = "the down part undoes it";
    if (p->v < 12)
        s->locks[0].duration = PB_DUR_SCAN;
}

static void recipe_set_not_null(planner *p, const pb_op *op, const char *rule)
{
    change(p, op, rule, "set-not-null");
    not_null(p, op->rel, op->column);
}

static void recipe_add_column(planner *p, const pb_op *op, const char *rule)
{
    const pb_column *col = op->col;
    if (!col || col->references || col->unique || col->primary_key || col->has_check || col->identity ||
        col->generated_stored || col->type.serial) {
        note(p,
             fmt(p,
                 "not planned (split the column's inline constraints, identity or serial default into their "
                 "own statements first): %s",
                 stmt_text(p, op)));
        return;
    }
    size_t len;
    const char *raw = stmt_raw(p, op, &len);
    size_t ci = cmd_index(p);
    const char *type = pb_deparse_cmd_type(p->a, raw, len, ci);
    const char *def = col->has_default ? pb_deparse_cmd_default(p->a, raw, len, ci) : NULL;
    if (!type || (col->has_default && !def)) {
        note(p, fmt(p, "could not rewrite: %s", stmt_text(p, op)));
        return;
    }
    change(p, op, rule, "add-column");
    const char *table = qn(p, op->rel);
    const char *c = ident(p, col->name);
    step *s = new_step(p, ST_EXPAND, PB_PHASE_EXPAND, fmt(p, "add %s as a nullable column", c),
                       slugify(p, fmt(p, "add %s %s", op->rel.name, col->name)));
    up(p, s, fmt(p, "ALTER TABLE %s ADD COLUMN %s %s;", table, c, type));
    if (def)
        up(p, s, fmt(p, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s;", table, c, def));
    down(p, s, fmt(p, "ALTER TABLE %s DROP COLUMN IF EXISTS %s;", table, c));
    lock(s, table, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    s->why =
        def ? "a column without a default, then the default for new rows only: both catalog-only, no rewrite"
            : "a nullable column without a default is catalog-only";
    s->rollback = "the down part undoes it";
    if (def) {
        step *b = new_step(p, ST_BACKFILL, PB_PHASE_BACKFILL, fmt(p, "backfill %s in batches", c),
                           slugify(p, fmt(p, "backfill %s %s", op->rel.name, col->name)));
        if (!backfill(p, b, op->rel, col->name, fmt(p, "%s = %s", c, def), fmt(p, "t.%s IS NULL", c), NULL))
            b->stage = ST_DROPPED;
    } else if (col->not_null) {
        note(
            p,
            fmt(p,
                "%s.%s is NOT NULL without a default: the original statement fails on a table with rows. The "
                "plan adds it nullable; deploy code that writes it, fill the existing rows, then the NOT "
                "NULL "
                "phases make it NOT NULL",
                table, c));
    }
    if (col->not_null)
        not_null(p, op->rel, col->name);
}

static void recipe_rename_table(planner *p, const pb_op *op, const char *rule)
{
    change(p, op, rule, "rename-table");
    const char *old = qn(p, op->rel);
    pb_qname nq = {op->rel.schema, op->new_name};
    const char *nw = qn(p, nq);
    step *s = new_step(p, ST_EXPAND, PB_PHASE_EXPAND, fmt(p, "rename %s to %s behind a view", old, nw),
                       slugify(p, fmt(p, "rename %s to %s", op->rel.name, op->new_name)));
    up(p, s, fmt(p, "ALTER TABLE %s RENAME TO %s;", old, ident(p, op->new_name)));
    up(p, s, fmt(p, "CREATE VIEW %s AS SELECT * FROM %s;", old, nw));
    down(p, s, fmt(p, "DROP VIEW IF EXISTS %s;", old));
    down(p, s, fmt(p, "ALTER TABLE %s RENAME TO %s;", nw, ident(p, op->rel.name)));
    lock(s, old, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    s->why = fmt(p,
                 "the table gets its new name and a view under the old name keeps running code working: a "
                 "view over one table with SELECT * is automatically updatable, so INSERT, UPDATE and DELETE "
                 "through %s still work",
                 old);
    s->rollback = "drop the view and rename the table back (the down part)";
    step *c = new_step(p, ST_CONTRACT, PB_PHASE_CONTRACT, fmt(p, "drop the compatibility view %s", old),
                       slugify(p, fmt(p, "drop view %s", op->rel.name)));
    c->gate =
        fmt(p, "deploy the application version that uses only %s, and wait until no running code uses %s", nw,
            old);
    up(p, c, fmt(p, "DROP VIEW IF EXISTS %s;", old));
    down(p, c, fmt(p, "CREATE VIEW %s AS SELECT * FROM %s;", old, nw));
    lock(c, old, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    c->why = "the old name is no longer used";
    c->rollback = "the down part undoes it";
}

/* A trigger that keeps `dst` equal to `expr` (over NEW) on every insert
 * and update, returned as CREATE FUNCTION + CREATE TRIGGER; names in
 * *fn / *trg. With `both`, a rename: writes to either column reach the
 * other. */
static void sync_trigger(planner *p, step *s, pb_qname rel, const char *src_col, const char *dst_col,
                         const char *expr, bool both, const char **fn_out, const char **trg_out)
{
    const char *table = qn(p, rel);
    const char *cols[2] = {src_col, dst_col};
    const char *fname = pb_sql_default_name(p->a, rel.name, cols, 2, "sync");
    const char *fn = rel.schema ? fmt(p, "%s.%s", ident(p, rel.schema), ident(p, fname)) : ident(p, fname);
    const char *trg = ident(p, fname);
    const char *sc = ident(p, src_col), *dc = ident(p, dst_col);
    const char *body;
    if (both)
        body = fmt(p,
                   "    IF TG_OP = 'INSERT' THEN\n"
                   "        IF NEW.%s IS NULL THEN\n"
                   "            NEW.%s := NEW.%s;\n"
                   "        ELSIF NEW.%s IS NULL THEN\n"
                   "            NEW.%s := NEW.%s;\n"
                   "        END IF;\n"
                   "    ELSIF NEW.%s IS DISTINCT FROM OLD.%s THEN\n"
                   "        NEW.%s := NEW.%s;\n"
                   "    ELSE\n"
                   "        NEW.%s := NEW.%s;\n"
                   "    END IF;\n",
                   dc, dc, sc, sc, sc, dc, dc, dc, sc, dc, dc, sc);
    else if (expr)
        body = fmt(p, "    SELECT %s INTO NEW.%s FROM (SELECT (NEW).*) AS s;\n", expr, dc);
    else
        body = fmt(p, "    NEW.%s := NEW.%s;\n", dc, sc);
    up(p, s,
       fmt(p,
           "CREATE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS $pgbelay$\n"
           "BEGIN\n"
           "%s"
           "    RETURN NEW;\n"
           "END\n"
           "$pgbelay$;",
           fn, body));
    up(p, s,
       fmt(p, "CREATE TRIGGER %s BEFORE INSERT OR UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION %s();", trg,
           table, fn));
    lock(s, table, PB_LOCK_SHARE_ROW_EXCLUSIVE, PB_DUR_CATALOG);
    *fn_out = fn;
    *trg_out = trg;
}

/* Indexes on `col` of `rel` with plain key columns, rebuilt on `newcol`
 * concurrently; the contract renames them to the old names once the old
 * column (and its indexes) are gone. */
static void rebuild_indexes(planner *p, pb_qname rel, const char *col, const char *newcol, step *contract)
{
    size_t i = 0;
    const pb_cat_index *ix;
    const char *table = qn(p, rel);
    strv seen = {0}; /* the same index can be listed twice (created, dropped, created) */
    while ((ix = pb_catalog_table_index(p->cat, rel, &i))) {
        bool uses = false, dup = false;
        for (size_t k = 0; k < seen.n; k++)
            dup |= ix->name.name && !strcmp(seen.v[k], ix->name.name);
        if (dup || !ix->name.name)
            continue;
        sv_add(p->a, &seen, ix->name.name);
        for (size_t k = 0; k < ix->ncolumns; k++)
            uses |= !strcmp(ix->columns[k], col);
        if (!uses)
            continue;
        const char **cols = pb_arena_alloc(p->a, ix->ncolumns * sizeof *cols);
        for (size_t k = 0; k < ix->ncolumns; k++)
            cols[k] = !strcmp(ix->columns[k], col) ? newcol : ix->columns[k];
        const char *tmp = pb_sql_default_name(p->a, ix->name.name, NULL, 0, "new");
        pb_qname tq = {rel.schema, tmp};
        add_index_build(
            p, table, qn(p, tq),
            fmt(p, "CREATE %sINDEX CONCURRENTLY IF NOT EXISTS %s ON %s (%s);", ix->unique ? "UNIQUE " : "",
                ident(p, tmp), table, pb_sql_ident_list(p->a, cols, ix->ncolumns)),
            fmt(p,
                "the new column needs the index %s has on %s (pgbelay rebuilds its plain key columns; "
                "check the original for expressions, INCLUDE, WHERE or the method)",
                qn(p, ix->name), ident(p, col)),
            ST_BUILD_LATE);
        if (contract)
            up(p, contract, fmt(p, "ALTER INDEX %s RENAME TO %s;", qn(p, tq), ident(p, ix->name.name)));
    }
}

static void recipe_rename_column(planner *p, const pb_op *op, const char *rule)
{
    pb_cat_table *t = pb_catalog_table(p->cat, op->rel);
    pb_cat_column *c = pb_catalog_column(t, op->column);
    if (!c || !c->type.name) {
        note(p, fmt(p,
                    "cannot plan %s: pgbelay does not know the type of %s (give the schema with --schema, or "
                    "lint the whole migration directory)",
                    stmt_text(p, op), op->column));
        return;
    }
    change(p, op, rule, "rename-column");
    const char *table = qn(p, op->rel);
    const char *oc = ident(p, op->column), *nc = ident(p, op->new_name);
    step *s =
        new_step(p, ST_EXPAND, PB_PHASE_EXPAND, fmt(p, "add %s next to %s and keep them in sync", nc, oc),
                 slugify(p, fmt(p, "add %s %s", op->rel.name, op->new_name)));
    up(p, s, fmt(p, "ALTER TABLE %s ADD COLUMN %s %s;", table, nc, pb_sql_type(p->a, &c->type)));
    lock(s, table, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    const char *fn = NULL, *trg = NULL;
    if (!p->po->sync_app)
        sync_trigger(p, s, op->rel, op->column, op->new_name, NULL, true, &fn, &trg);
    if (trg) {
        down(p, s, fmt(p, "DROP TRIGGER IF EXISTS %s ON %s;", trg, table));
        down(p, s, fmt(p, "DROP FUNCTION IF EXISTS %s();", fn));
    }
    down(p, s, fmt(p, "ALTER TABLE %s DROP COLUMN IF EXISTS %s;", table, nc));
    s->why =
        trg ? fmt(p,
                  "the new column is added (catalog-only) and a trigger copies every write of %s to %s and "
                  "back, "
                  "so old and new application code can run side by side",
                  oc, nc)
            : fmt(p,
                  "the new column is added (catalog-only); the application writes both %s and %s from now on "
                  "(dual writes)",
                  oc, nc);
    s->rollback = "drop the trigger, its function and the new column (the down part)";
    step *b = new_step(p, ST_BACKFILL, PB_PHASE_BACKFILL, fmt(p, "copy %s into %s in batches", oc, nc),
                       slugify(p, fmt(p, "backfill %s %s", op->rel.name, op->new_name)));
    if (!backfill(p, b, op->rel, op->new_name, fmt(p, "%s = t.%s", nc, oc),
                  fmt(p, "t.%s IS DISTINCT FROM t.%s", nc, oc), NULL))
        b->stage = ST_DROPPED;
    if (c->not_null)
        not_null(p, op->rel, op->new_name);
    step *k = new_step(p, ST_CONTRACT, PB_PHASE_CONTRACT, fmt(p, "drop %s and the sync trigger", oc),
                       slugify(p, fmt(p, "drop %s %s", op->rel.name, op->column)));
    k->gate =
        fmt(p,
            "deploy the application version that reads %s (switch reads), then the one that no longer writes "
            "%s; wait until no running code or ORM schema cache uses %s",
            nc, oc, oc);
    if (trg) {
        up(p, k, fmt(p, "DROP TRIGGER IF EXISTS %s ON %s;", trg, table));
        up(p, k, fmt(p, "DROP FUNCTION IF EXISTS %s();", fn));
    }
    up(p, k, fmt(p, "ALTER TABLE %s DROP COLUMN %s;", table, oc));
    lock(k, table, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    k->no_down = true;
    k->why = fmt(p, "%s is no longer read or written; dropping it is catalog-only", oc);
    k->rollback =
        fmt(p,
            "the dropped column cannot be brought back with its data by a rollback: %s holds the same "
            "values, so a rollback would add %s again and copy them back",
            nc, oc);
    rebuild_indexes(p, op->rel, op->column, op->new_name, k);
}

static void recipe_drop(planner *p, const pb_op *op, const char *rule)
{
    bool table = op->kind == PB_OP_DROP_TABLE;
    change(p, op, rule, table ? "drop-table" : "drop-column");
    const char *rel = qn(p, op->rel);
    const char *what = table ? rel : fmt(p, "%s.%s", rel, ident(p, op->column));
    step *s = new_step(
        p, ST_CONTRACT, PB_PHASE_CONTRACT, fmt(p, "drop %s", what),
        slugify(p, table ? fmt(p, "drop %s", op->rel.name) : fmt(p, "drop %s %s", op->rel.name, op->column)));
    s->gate =
        table ? fmt(p,
                    "deploy the application version that no longer reads or writes %s, and wait until no "
                    "running code uses it",
                    rel)
              : fmt(p,
                    "deploy the application version that no longer reads or writes %s; ORMs that cache the "
                    "column list must ignore the column first (Rails ignored_columns, Django: remove the "
                    "field), and wait until no running code uses it",
                    what);
    up(p, s, stmt_text(p, op));
    lock(s, rel, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    s->no_down = true;
    s->why = fmt(p, "%s is no longer used; dropping it is catalog-only, but it destroys its data", what);
    s->rollback =
        "cannot be rolled back: the data is gone (a down part could only recreate it empty); take a "
        "backup of what you may need before this phase";
}

static pb_type catalog_type(planner *p, const pb_op *op, bool *known)
{
    pb_cat_column *c = pb_catalog_column(pb_catalog_table(p->cat, op->rel), op->column);
    *known = c && c->type.name;
    return c ? c->type : (pb_type){0};
}

/* A CHECK that keeps values within what the narrower type can hold,
 * or NULL when pgbelay has none for this pair. */
static const char *narrow_guard(planner *p, const pb_type *from, const pb_type *to, const char *c)
{
    if (!from->name || !to->name)
        return NULL;
    if (!strcmp(to->name, "int4") && !strcmp(from->name, "int8"))
        return fmt(p, "%s BETWEEN -2147483648 AND 2147483647", c);
    if (!strcmp(to->name, "int2") && (!strcmp(from->name, "int8") || !strcmp(from->name, "int4")))
        return fmt(p, "%s BETWEEN -32768 AND 32767", c);
    if ((!strcmp(to->name, "varchar") || !strcmp(to->name, "bpchar")) && to->nmods == 1 &&
        (!strcmp(from->name, "varchar") || !strcmp(from->name, "text") || !strcmp(from->name, "bpchar")))
        return fmt(p, "char_length(%s) <= %d", c, (int)to->mods[0]);
    return NULL;
}

static void recipe_type_change(planner *p, const pb_op *op, const char *rule, bool narrowing)
{
    bool known;
    pb_type from = catalog_type(p, op, &known);
    pb_cat_column *oldc = pb_catalog_column(pb_catalog_table(p->cat, op->rel), op->column);
    const char *const *pk;
    size_t npk = pk_columns(p, op->rel, &pk);
    bool is_pk = false;
    for (size_t i = 0; i < npk; i++)
        is_pk |= !strcmp(pk[i], op->column);
    if (is_pk) {
        note(
            p,
            fmt(p,
                "%s changes the type of a primary key column: plan it as a new column with its own unique "
                "index "
                "built concurrently, a sync trigger and batched backfill, then swap the primary key with ADD "
                "CONSTRAINT ... PRIMARY KEY USING INDEX in a short transaction and re-point each foreign key "
                "that references it with NOT VALID and VALIDATE; pgbelay does not write this plan yet",
                stmt_text(p, op)));
        return;
    }
    size_t len;
    const char *raw = stmt_raw(p, op, &len);
    size_t ci = cmd_index(p);
    const char *type = pb_deparse_cmd_type(p->a, raw, len, ci);
    const char *usingx = op->has_using ? pb_deparse_cmd_using(p->a, raw, len, ci) : NULL;
    if (!type || (op->has_using && !usingx)) {
        note(p, fmt(p, "could not rewrite: %s", stmt_text(p, op)));
        return;
    }
    change(p, op, rule, narrowing ? "narrowing-type-change" : "change-column-type");
    const char *table = qn(p, op->rel);
    const char *c = ident(p, op->column);
    const char *newname = pb_sql_default_name(p->a, op->column, NULL, 0, "new");
    const char *oldname = pb_sql_default_name(p->a, op->column, NULL, 0, "old");
    const char *nc = ident(p, newname), *oc = ident(p, oldname);
    if (narrowing) {
        const char *guard = known ? narrow_guard(p, &from, &op->type, c) : NULL;
        if (guard) {
            note(p,
                 fmt(p,
                     "preflight: SELECT count(*) FROM %s WHERE NOT (%s); must be 0 before the validate phase",
                     table, guard));
            const char *gname = pb_sql_default_name(p->a, op->rel.name, &op->column, 1, "fits");
            step *g =
                new_step(p, ST_EXPAND, PB_PHASE_EXPAND, fmt(p, "keep new values of %s within %s", c, type),
                         slugify(p, fmt(p, "check %s fits", op->column)));
            up(p, g,
               fmt(p, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s) NOT VALID;", table, ident(p, gname),
                   guard));
            down(p, g, fmt(p, "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s;", table, ident(p, gname)));
            lock(g, table, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
            g->why = "a guard so that no new value that the narrower type cannot hold is written while the "
                     "plan runs";
            g->rollback = "drop the guard (the down part)";
            step *gv = new_step(p, ST_VALIDATE, PB_PHASE_EXPAND, fmt(p, "validate %s", ident(p, gname)),
                                slugify(p, fmt(p, "validate %s", gname)));
            up(p, gv, fmt(p, "ALTER TABLE %s VALIDATE CONSTRAINT %s;", table, ident(p, gname)));
            lock(gv, table, PB_LOCK_SHARE_UPDATE_EXCLUSIVE, PB_DUR_SCAN);
            gv->why =
                "fails, without blocking traffic, if an existing row does not fit: fix those rows first";
            gv->rollback = "nothing to undo";
            step *gd =
                new_step(p, ST_CONTRACT, PB_PHASE_CONTRACT, fmt(p, "drop the guard %s", ident(p, gname)),
                         slugify(p, fmt(p, "drop %s", gname)));
            up(p, gd, fmt(p, "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s;", table, ident(p, gname)));
            lock(gd, table, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
            gd->no_down = false;
            gd->why = "the column now has the narrower type, which enforces the limit itself";
            gd->rollback = "nothing to undo";
        } else {
            note(p, fmt(p,
                        "%s may fail or lose data for existing values: count the rows that do not fit the "
                        "new type "
                        "before running the backfill phase",
                        stmt_text(p, op)));
        }
    }
    step *s =
        new_step(p, ST_EXPAND, PB_PHASE_EXPAND, fmt(p, "add %s %s and keep it in sync with %s", nc, type, c),
                 slugify(p, fmt(p, "add %s %s", op->rel.name, newname)));
    up(p, s, fmt(p, "ALTER TABLE %s ADD COLUMN %s %s;", table, nc, type));
    lock(s, table, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    const char *fn, *trg;
    sync_trigger(p, s, op->rel, op->column, newname, usingx, false, &fn, &trg);
    down(p, s, fmt(p, "DROP TRIGGER IF EXISTS %s ON %s;", trg, table));
    down(p, s, fmt(p, "DROP FUNCTION IF EXISTS %s();", fn));
    down(p, s, fmt(p, "ALTER TABLE %s DROP COLUMN IF EXISTS %s;", table, nc));
    s->why = fmt(
        p,
        "the new column has the new type from the start (catalog-only); a trigger converts every write of "
        "%s into it%s",
        c,
        usingx ? " with the migration's USING expression" : " with the same assignment cast ALTER TYPE uses");
    s->rollback = "drop the trigger, its function and the new column (the down part)";
    step *b =
        new_step(p, ST_BACKFILL, PB_PHASE_BACKFILL, fmt(p, "convert existing rows into %s in batches", nc),
                 slugify(p, fmt(p, "backfill %s %s", op->rel.name, newname)));
    if (!backfill(p, b, op->rel, newname, fmt(p, "%s = %s", nc, usingx ? usingx : fmt(p, "t.%s", c)),
                  fmt(p, "t.%s IS NULL AND t.%s IS NOT NULL", nc, c), NULL))
        b->stage = ST_DROPPED;
    if (oldc && oldc->not_null)
        not_null(p, op->rel, newname);
    step *w = new_step(p, ST_SWITCH, PB_PHASE_SWITCH, fmt(p, "swap %s and %s", c, nc),
                       slugify(p, fmt(p, "swap %s %s", op->rel.name, op->column)));
    up(p, w, fmt(p, "DROP TRIGGER %s ON %s;", trg, table));
    up(p, w, fmt(p, "DROP FUNCTION %s();", fn));
    if (oldc && oldc->not_null)
        up(p, w, fmt(p, "ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL;", table, c));
    up(p, w, fmt(p, "ALTER TABLE %s RENAME COLUMN %s TO %s;", table, c, oc));
    up(p, w, fmt(p, "ALTER TABLE %s RENAME COLUMN %s TO %s;", table, nc, c));
    down(p, w, fmt(p, "ALTER TABLE %s RENAME COLUMN %s TO %s;", table, c, nc));
    down(p, w, fmt(p, "ALTER TABLE %s RENAME COLUMN %s TO %s;", table, oc, c));
    lock(w, table, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    w->why =
        fmt(p,
            "in one short transaction the converted column takes the name %s; running code keeps working "
            "because the name stays the same (a column default of the old column must be set again: pgbelay "
            "does not copy defaults)",
            c);
    w->rollback = "rename the columns back (the down part); the sync trigger must then be created again";
    step *k = new_step(p, ST_CONTRACT, PB_PHASE_CONTRACT, fmt(p, "drop the old column %s", oc),
                       slugify(p, fmt(p, "drop %s %s", op->rel.name, oldname)));
    k->gate =
        fmt(p, "check the application with the new type of %s; the old values stay in %s until this phase", c,
            oc);
    up(p, k, fmt(p, "ALTER TABLE %s DROP COLUMN %s;", table, oc));
    lock(k, table, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    k->no_down = true;
    k->why = "the old values are no longer needed; dropping the column is catalog-only";
    k->rollback = "cannot be rolled back: the old values are gone";
    rebuild_indexes(p, op->rel, op->column, newname, k);
}

/* UPDATE of an existing table in batches. */
static void recipe_update(planner *p, const pb_op *op, const char *rule)
{
    size_t len;
    const char *raw = stmt_raw(p, op, &len);
    const char *set = NULL, *where = NULL, *alias = NULL, *still = NULL;
    if (!pb_deparse_update_parts(p->a, raw, len, &set, &where, &alias, &still)) {
        note(p, fmt(p,
                    "not planned (UPDATE with FROM, RETURNING, WITH or a cursor): run it in batches of rows "
                    "selected by "
                    "a unique key, each batch in its own transaction: %s",
                    stmt_text(p, op)));
        return;
    }
    change(p, op, rule, "batched-backfill");
    step *b =
        new_step(p, ST_BACKFILL, PB_PHASE_BACKFILL, fmt(p, "run the UPDATE of %s in batches", qn(p, op->rel)),
                 slugify(p, fmt(p, "backfill %s", op->rel.name)));
    const char *todo = where ? fmt(p, "(%s) AND %s", where, still) : still;
    if (!backfill(p, b, op->rel, "update", set, todo, alias ? alias : op->rel.name))
        b->stage = ST_DROPPED;
    b->rollback =
        "a down part cannot bring back the values an UPDATE overwrote: keep a copy of them (a backup "
        "table) first if you may need them";
}

/* ---- keeping statements -------------------------------------------------------- */

/* The inverse of a kept op, or NULL when pgbelay has none. `*none_needed`
 * is set when undoing it needs nothing (data in a table the plan's own
 * rollback drops, a VALIDATE). */
static const char *inverse(planner *p, const pb_op *op, bool *none_needed)
{
    *none_needed = false;
    switch (op->kind) {
    case PB_OP_CREATE_TABLE: return fmt(p, "DROP TABLE IF EXISTS %s;", qn(p, op->rel));
    case PB_OP_CREATE_TABLE_AS:
        return fmt(p, "DROP %s IF EXISTS %s;", op->matview ? "MATERIALIZED VIEW" : "TABLE", qn(p, op->rel));
    case PB_OP_CREATE_VIEW: return op->replace ? NULL : fmt(p, "DROP VIEW IF EXISTS %s;", qn(p, op->rel));
    case PB_OP_CREATE_INDEX:
        if (!op->index_name)
            return NULL;
        return fmt(p, "DROP INDEX %sIF EXISTS %s;", op->concurrently ? "CONCURRENTLY " : "",
                   qn(p, (pb_qname){op->rel.schema, op->index_name}));
    case PB_OP_ADD_COLUMN:
        return fmt(p, "ALTER TABLE %s DROP COLUMN IF EXISTS %s;", qn(p, op->rel), ident(p, op->column));
    case PB_OP_ADD_CONSTRAINT:
        return op->con_name ? fmt(p, "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s;", qn(p, op->rel),
                                  ident(p, op->con_name))
                            : NULL;
    case PB_OP_CREATE_SCHEMA: return fmt(p, "DROP SCHEMA IF EXISTS %s;", ident(p, op->obj.name));
    case PB_OP_CREATE_ENUM: return fmt(p, "DROP TYPE IF EXISTS %s;", qn(p, op->obj));
    case PB_OP_VALIDATE_CONSTRAINT:
    case PB_OP_COMMENT:
    case PB_OP_SET: *none_needed = true; return NULL;
    case PB_OP_INSERT:
    case PB_OP_UPDATE:
    case PB_OP_DELETE:
        *none_needed = pb_catalog_is_new(p->cat, op->rel) || pb_catalog_created_by_migration(p->cat, op->rel);
        return NULL;
    default: return NULL;
    }
}

static bool must_run_outside_tx(const pb_op *op)
{
    return op->concurrently || op->kind == PB_OP_NON_TRANSACTIONAL || (op->kind == PB_OP_VACUUM) ||
           (op->kind == PB_OP_ALTER_ENUM && false);
}

/* Keeps the statement of ops [first, last] as written, or as `text` when
 * given (one subcommand of an ALTER TABLE whose others were planned). */
static void keep(planner *p, size_t first, size_t last, const char *text)
{
    const pb_op *op = p->ops->items[first];
    bool notx = false;
    int stage = ST_EXPAND;
    for (size_t i = first; i <= last; i++) {
        notx |= must_run_outside_tx(p->ops->items[i]);
        if (p->ops->items[i]->kind == PB_OP_VALIDATE_CONSTRAINT)
            stage = ST_VALIDATE;
    }
    if (notx)
        stage = ST_BUILD;
    step *s = new_step(p, stage, PB_PHASE_EXPAND,
                       fmt(p, "%s (as written)", op->stmt_kind ? op->stmt_kind : "statement"),
                       slugify(p, pb_op_kind_name(op->kind)));
    s->notx = notx;
    up(p, s, text ? text : stmt_text(p, op));
    bool unknown = false;
    for (size_t i = last + 1; i-- > first;) {
        bool none;
        const char *inv = inverse(p, p->ops->items[i], &none);
        if (inv)
            down(p, s, inv);
        else if (!none)
            unknown = true;
    }
    if (unknown)
        s->no_down = true;
    s->title = text ? text : stmt_text(p, op);
    if (strlen(s->title) > 80)
        s->title = fmt(p, "%.77s...", s->title);
    s->why = "kept as written: pgbelay found nothing risky in it";
    s->rollback =
        unknown ? "pgbelay cannot derive its rollback; write it by hand" : "the down part undoes it";
}

/* ---- the driver ------------------------------------------------------------------- */

static const char *finding(const pb_diag *diags, size_t n, const pb_op *op, const char *const *ids)
{
    for (size_t i = 0; i < n; i++) {
        if (diags[i].span.start < op->span.start || diags[i].span.start >= op->span.end)
            continue;
        if (diags[i].severity < PB_SEV_WARNING)
            continue;
        for (size_t k = 0; ids[k]; k++)
            if (!strcmp(diags[i].rule->id, ids[k]))
                return ids[k];
    }
    return NULL;
}

static void recipe_narrowing(planner *p, const pb_op *op, const char *rule)
{
    recipe_type_change(p, op, rule, true);
}

static void recipe_rewriting_type(planner *p, const pb_op *op, const char *rule)
{
    recipe_type_change(p, op, rule, false);
}

static bool not_concurrent(const pb_op *op)
{
    return !op->concurrently;
}

static bool fk_or_check_validating(const pb_op *op)
{
    return (op->con_kind == PB_CON_FOREIGN_KEY || op->con_kind == PB_CON_CHECK) && !op->not_valid;
}

static bool unique_building_index(const pb_op *op)
{
    return (op->con_kind == PB_CON_UNIQUE || op->con_kind == PB_CON_PRIMARY_KEY) && !op->using_index;
}

/* Which recipe answers which finding, first match wins. */
static const struct recipe {
    pb_op_kind kind;
    bool (*applies)(const pb_op *op); /* NULL: any op of the kind */
    const char *rules[4];             /* NULL-terminated */
    void (*plan)(planner *p, const pb_op *op, const char *rule);
} recipes[] = {
    {PB_OP_CREATE_INDEX, not_concurrent, {"create-index-non-concurrent"}, recipe_create_index},
    {PB_OP_DROP_INDEX, NULL, {"drop-index-non-concurrent"}, recipe_drop_index},
    {PB_OP_ADD_CONSTRAINT,
     fk_or_check_validating,
     {"add-foreign-key-validates", "add-check-validates", "foreign-key-without-index"},
     recipe_add_fk_or_check},
    {PB_OP_ADD_CONSTRAINT, unique_building_index, {"add-unique-builds-index"}, recipe_add_unique},
    {PB_OP_SET_NOT_NULL, NULL, {"set-not-null-scans"}, recipe_set_not_null},
    {PB_OP_ADD_COLUMN, NULL, {"add-column-rewrites", "add-column-not-null-no-default"}, recipe_add_column},
    {PB_OP_ALTER_COLUMN_TYPE, NULL, {"narrowing-type-change"}, recipe_narrowing},
    {PB_OP_ALTER_COLUMN_TYPE, NULL, {"alter-column-type-rewrites"}, recipe_rewriting_type},
    {PB_OP_RENAME_COLUMN, NULL, {"rename-column"}, recipe_rename_column},
    {PB_OP_RENAME_TABLE, NULL, {"rename-table"}, recipe_rename_table},
    {PB_OP_DROP_COLUMN, NULL, {"drop-column"}, recipe_drop},
    {PB_OP_DROP_TABLE, NULL, {"drop-table"}, recipe_drop},
    {PB_OP_UPDATE, NULL, {"backfill-in-schema-migration"}, recipe_update},
};

/* Runs the recipe for `op` when one of its findings asks for one (the
 * recipe records a change, or a note when it cannot rewrite the op). */
static void plan_op(planner *p, const pb_op *op, const pb_diag *diags, size_t nd)
{
    for (size_t i = 0; i < sizeof recipes / sizeof recipes[0]; i++) {
        const struct recipe *rc = &recipes[i];
        if (rc->kind != op->kind || (rc->applies && !rc->applies(op)))
            continue;
        const char *rule = finding(diags, nd, op, rc->rules);
        if (rule) {
            rc->plan(p, op, rule);
            return;
        }
    }
}

static int step_cmp(const void *x, const void *y)
{
    const step *a = x, *b = y;
    if (a->stage != b->stage)
        return a->stage < b->stage ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static bool step_is_catalog_only(const step *s)
{
    for (size_t i = 0; i < s->nlocks; i++)
        if (s->locks[i].duration != PB_DUR_CATALOG)
            return false;
    return true;
}

static void prefix(planner *p, strv *out, bool notx, bool catalog_only)
{
    const char *local = notx ? "" : "LOCAL ";
    sv_add(p->a, out, fmt(p, "SET %slock_timeout = %s;", local, pb_sql_literal(p->a, p->lt)));
    sv_add(p->a, out,
           catalog_only ? fmt(p, "SET %sstatement_timeout = '30s';", local)
                        : fmt(p, "SET %sstatement_timeout = 0;", local));
    for (size_t i = 0; i < p->settings.n; i++)
        sv_add(p->a, out, p->settings.v[i]);
}

static void assemble(planner *p, pb_plan *out)
{
    if (p->nsteps) /* no steps: p->steps is NULL, which qsort must not get (found by fuzz_plan) */
        qsort(p->steps, p->nsteps, sizeof *p->steps, step_cmp);
    pb_phase *ph = pb_arena_alloc(p->a, (p->nsteps ? p->nsteps : 1) * sizeof *ph);
    size_t n = 0;
    for (size_t i = 0; i < p->nsteps;) {
        step *s = &p->steps[i];
        if (s->stage == ST_DROPPED) {
            i++;
            continue;
        }
        size_t j = i + 1;
        if (!s->notx)
            while (j < p->nsteps && p->steps[j].stage == s->stage && !p->steps[j].notx &&
                   (!p->steps[j].gate || !s->gate || !strcmp(p->steps[j].gate, s->gate)))
                j++;
        pb_phase *f = &ph[n];
        memset(f, 0, sizeof *f);
        f->number = (uint32_t)n + 1;
        f->kind = s->kind;
        f->transactional = !s->notx;
        f->slug = s->slug;
        bool catalog_only = true;
        strv upv = {0}, downv = {0}, titles = {0}, whys = {0}, rbs = {0}, gates = {0};
        for (size_t k = i; k < j; k++) {
            catalog_only &= step_is_catalog_only(&p->steps[k]);
            if (p->steps[k].kind == PB_PHASE_CONTRACT)
                f->kind = PB_PHASE_CONTRACT;
            else if (p->steps[k].kind == PB_PHASE_BACKFILL && f->kind != PB_PHASE_CONTRACT)
                f->kind = PB_PHASE_BACKFILL;
        }
        prefix(p, &upv, s->notx, catalog_only);
        for (size_t k = i; k < j; k++) {
            step *t = &p->steps[k];
            for (size_t q = 0; q < t->up.n; q++)
                sv_add(p->a, &upv, t->up.v[q]);
            sv_add(p->a, &titles, t->title);
            if (t->why)
                sv_add_unique(p->a, &whys, t->why);
            if (t->rollback)
                sv_add_unique(p->a, &rbs, t->rollback);
            if (t->gate)
                sv_add_unique(p->a, &gates, t->gate);
            for (size_t q = 0; q < t->nlocks && f->nlocks < PB_PLAN_MAX_LOCKS; q++) {
                bool dup = false;
                for (size_t r = 0; r < f->nlocks; r++)
                    dup |= !strcmp(f->locks[r].relation, t->locks[q].relation) &&
                           f->locks[r].mode == t->locks[q].mode;
                if (!dup)
                    f->locks[f->nlocks++] = t->locks[q];
            }
        }
        {
            bool any = false;
            for (size_t k = j; k-- > i;)
                any |= p->steps[k].down.n > 0;
            if (any) {
                prefix(p, &downv, s->notx, true);
                for (size_t k = j; k-- > i;)
                    for (size_t q = 0; q < p->steps[k].down.n; q++)
                        sv_add(p->a, &downv, p->steps[k].down.v[q]);
            } else {
                downv.v = pb_arena_alloc(p->a, sizeof *downv.v);
                downv.n = 0;
            }
            f->down = downv.v;
            f->ndown = downv.n;
        }
        f->up = upv.v;
        f->nup = upv.n;
        f->title = sv_join(p->a, &titles, "; ");
        f->why = sv_join(p->a, &whys, "; ");
        f->rollback = sv_join(p->a, &rbs, "; ");
        f->gate_before = gates.n ? sv_join(p->a, &gates, "; ") : NULL;
        n++;
        i = j;
    }
    out->phases = ph;
    out->nphases = n;
}

void pb_plan_migration(pb_arena *a, const pb_plan_options *po, const pb_migration *mig, const pb_catalog *cat,
                       const pb_diag *diags, size_t ndiags, pb_plan *out)
{
    memset(out, 0, sizeof *out);
    static const pb_plan_options defaults = {0};
    planner p = {.a = a, .po = po ? po : &defaults};
    p.v = p.po->pg_version ? p.po->pg_version : PB_PG_VERSION_DEFAULT;
    p.lt = p.po->lock_timeout ? p.po->lock_timeout : "3s";
    const pb_part *part = mig->up;
    p.src = part->src;
    out->path = part->src->path;
    char *text = pb_lint__part_text(a, part);
    p.text = text;
    pb_parse_result pr;
    pb_parse_range(a, text, part->start, part->end, &pr);
    if (pr.nerrors) {
        note(&p, fmt(&p, "the migration has syntax errors; fix them first (pgbelay lint shows where)"));
        out->notes = p.notes.v;
        out->nnotes = p.notes.n;
        return;
    }
    p.cat = pb_catalog_clone(a, cat);
    pb_catalog_begin_part(p.cat, 0);
    p.ops = &pr.ops;
    bool risky = false;
    for (size_t i = 0; i < pr.ops.len;) {
        size_t j = i;
        while (j + 1 < pr.ops.len && pr.ops.items[j + 1]->stmt == pr.ops.items[i]->stmt)
            j++;
        const pb_op *first = pr.ops.items[i];
        if (first->kind == PB_OP_BEGIN || first->kind == PB_OP_COMMIT || first->kind == PB_OP_SAVEPOINT) {
            /* the phases bring their own transactions */
        } else if (first->kind == PB_OP_SET) {
            if (first->setting &&
                (!strcmp(first->setting, "lock_timeout") || !strcmp(first->setting, "statement_timeout")))
                ; /* every phase sets its own */
            else
                sv_add(a, &p.settings, stmt_text(&p, first));
        } else {
            /* one op per ALTER TABLE subcommand: plan each risky one, keep the others */
            bool *planned = pb_arena_alloc(a, (j - i + 1) * sizeof *planned), any = false;
            memset(planned, 0, (j - i + 1) * sizeof *planned);
            for (size_t k = i; k <= j; k++) {
                p.op_index = k;
                size_t before = p.nchanges;
                plan_op(&p, pr.ops.items[k], diags, ndiags);
                if (p.nchanges > before) {
                    any = true;
                    planned[k - i] = true;
                }
            }
            if (!any) {
                keep(&p, i, j, NULL);
            } else {
                risky = true;
                for (size_t k = i; k <= j; k++) {
                    if (planned[k - i])
                        continue;
                    size_t len;
                    const char *raw = stmt_raw(&p, pr.ops.items[k], &len);
                    const char *one = pb_deparse_alter_cmd(a, raw, len, k - i, NULL, false);
                    if (one)
                        keep(&p, k, k, with_semicolon(&p, one));
                    else
                        note(&p,
                             fmt(&p, "could not separate the rest of: %s", stmt_text(&p, pr.ops.items[k])));
                }
            }
        }
        for (size_t k = i; k <= j; k++)
            pb_catalog_apply(p.cat, pr.ops.items[k], 1);
        i = j + 1;
    }
    out->changes = p.changes;
    out->nchanges = p.nchanges;
    if (!risky) {
        bool timeouts = false;
        for (size_t i = 0; i < ndiags; i++)
            timeouts |= diags[i].span.start >= part->start && diags[i].span.start < part->end &&
                        diags[i].severity >= PB_SEV_WARNING;
        if (!timeouts) {
            out->nothing_to_change = true;
            out->notes = p.notes.v;
            out->nnotes = p.notes.n;
            return;
        }
    }
    assemble(&p, out);
    out->notes = p.notes.v;
    out->nnotes = p.notes.n;
}
