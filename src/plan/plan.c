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
    ST_DROPPED = -1000,  /* a step that turned out impossible (a note says why) */
    ST_PREBUILD = -10,   /* indexes that later expand steps rely on (a foreign key's index) */
    ST_EXPAND = 0,       /* additive schema changes, NOT VALID constraints, triggers */
    ST_BUILD = 10,       /* CREATE INDEX CONCURRENTLY and other non-transactional statements */
    ST_EXPAND_LATE = 15, /* a foreign key NOT VALID whose index ST_BUILD builds: after it */
    ST_VALIDATE = 20,    /* VALIDATE CONSTRAINT, ADD CONSTRAINT ... USING INDEX */
    ST_BACKFILL = 30,    /* batched data changes */
    ST_BUILD_LATE = 35,  /* indexes on backfilled columns */
    ST_NN_ADD = 40,      /* CHECK (c IS NOT NULL) NOT VALID, after the backfill */
    ST_NN_VALIDATE = 50,
    ST_NN_SET = 60,     /* SET NOT NULL using the validated check, then drop it */
    ST_SWITCH = 70,     /* short swap transactions */
    ST_SWITCH_ADD = 72, /* foreign keys added again NOT VALID on the swapped columns */
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
    int prio; /* order within the stage before seq (lower first) */
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
    step **steps;
    size_t nsteps, cap;
    strv settings; /* session settings of the migration, repeated in every phase */
    strv notes;
    pb_plan_change *changes;
    size_t nchanges, changes_cap;
    strv built;           /* names of the indexes the plan builds (each once) */
    strv added;           /* ... of those, the ones the migration does not create (pb_plan.added_indexes) */
    const char *scenario; /* a multi-statement pattern recognised in the migration (change-primary-key,
                             split-table, merge-tables): every change is reported under its name */
    uint8_t *role;        /* per op: what the scenario does with it (ROLE_*) */
    /* the contract step of the DROP COLUMN subcommands of the statement being planned */
    bool drop_open;
    uint32_t drop_stmt;
    size_t drop_step;
    strv drop_what;
    const char *drop_gate; /* the scenario's gate for its drops, or NULL */
} planner;

/* What a recognised scenario does with an op (planner.role). */
enum {
    ROLE_NONE = 0,
    ROLE_SWAP,     /* change-primary-key: a constraint change of the short swap transaction */
    ROLE_COPY,     /* split/merge: INSERT ... SELECT into the new table, copied in batches */
    ROLE_CONTRACT, /* split/merge: a drop of what the copy replaced */
    ROLE_BACKFILL  /* change-primary-key: an UPDATE that fills the new key columns, in batches */
};

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
    /* steps are allocated one by one: a recipe keeps pointers to its steps
       while it adds more */
    if (p->nsteps == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        step **n = pb_arena_alloc(p->a, cap * sizeof *n);
        if (p->nsteps)
            memcpy(n, p->steps, p->nsteps * sizeof *n);
        p->steps = n;
        p->cap = cap;
    }
    step *s = pb_arena_alloc(p->a, sizeof *s);
    memset(s, 0, sizeof *s);
    p->steps[p->nsteps] = s;
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
static bool backfill_from(planner *p, step *s, pb_qname rel, const char *name, const char *set,
                          const char *todo, const char *alias, const char *from);

static bool backfill(planner *p, step *s, pb_qname rel, const char *name, const char *set, const char *todo,
                     const char *alias)
{
    return backfill_from(p, s, rel, name, set, todo, alias, NULL);
}

/* As backfill, for an UPDATE that also reads the relations of `from` (its
 * FROM list; NULL when none). */
static bool backfill_from(planner *p, step *s, pb_qname rel, const char *name, const char *set,
                          const char *todo, const char *alias, const char *from)
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
           "            FROM batch%s%s WHERE %s.%s = batch.pgbelay_key AND (%s)\n"
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
           table, k, table, k, k, table, k, table, k, k, k, table, al, set, from ? ", " : "",
           from ? from : "", al, k, todo));
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

/* Records that `op` is rewritten by `recipe` because of the finding `rule`
 * (NULL: a statement rewritten as part of a scenario without a finding of
 * its own; not listed among the risky statements). */
static void change_as(planner *p, const pb_op *op, const char *rule, const char *recipe, const char *text);

static void change(planner *p, const pb_op *op, const char *rule, const char *recipe)
{
    change_as(p, op, rule, recipe, NULL);
}

/* As change, with the statement shown as `text` (one subcommand of a
 * statement; NULL: the statement as written). */
static void change_as(planner *p, const pb_op *op, const char *rule, const char *recipe, const char *text)
{
    if (!rule)
        return;
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
    p->changes[p->nchanges++] =
        (pb_plan_change){line, rule, p->scenario ? p->scenario : recipe, text ? text : stmt_text(p, op)};
}

static bool index_planned(planner *p, const char *iname)
{
    for (size_t i = 0; i < p->built.n; i++)
        if (!strcmp(p->built.v[i], iname))
            return true;
    return false;
}

static void add_index_build(planner *p, const char *table, const char *iname, const char *create,
                            const char *why, int stage)
{
    sv_add(p->a, &p->built, iname);
    const char *bare = strrchr(iname, '.'); /* the file name without the schema */
    step *s = new_step(p, stage, PB_PHASE_EXPAND, fmt(p, "build index %s without blocking writes", iname),
                       slugify(p, fmt(p, "create index %s", bare ? bare + 1 : iname)));
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
    if (index_planned(p, qn(p, iq)))
        return; /* an earlier step of the plan builds it already (a foreign key's index) */
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

/* Is there such an index from before this migration? */
static bool has_leading_index_before(planner *p, pb_qname rel, const char *const *cols, size_t n)
{
    size_t i = 0;
    const pb_cat_index *ix;
    while ((ix = pb_catalog_table_index(p->cat, rel, &i)))
        if (ix->part != p->cat->part && pb_index_leads_with(ix->columns, ix->ncolumns, cols, n))
            return true;
    return false;
}

/* Does a CREATE INDEX later in the migration index `rel` starting with `cols`? */
static bool later_index(planner *p, pb_qname rel, const char *const *cols, size_t n)
{
    for (size_t i = p->op_index + 1; i < p->ops->len; i++) {
        const pb_op *o = p->ops->items[i];
        if (o->kind == PB_OP_CREATE_INDEX && pb_qname_match(o->rel, rel) &&
            pb_index_leads_with(o->con_columns, o->ncon_columns, cols, n))
            return true;
    }
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
    /* a foreign key is enforced from the moment it is added, NOT VALID or
       not (each DELETE on the referenced table looks for referencing
       rows): it comes after the index the plan builds for it, also when
       that index is built concurrently (ST_BUILD) */
    bool index_in_build = false;
    if (fk && op->ncon_columns && !has_leading_index_before(p, op->rel, op->con_columns, op->ncon_columns)) {
        /* an index of this migration (built concurrently in ST_BUILD), or
           the plan's own when a key column is new (ST_BUILD too) */
        index_in_build = later_index(p, op->rel, op->con_columns, op->ncon_columns) ||
                         has_leading_index(p, op->rel, op->con_columns, op->ncon_columns);
        pb_cat_table *ct = pb_catalog_table(p->cat, op->rel);
        for (size_t i = 0; i < op->ncon_columns && !index_in_build; i++) {
            pb_cat_column *cc = pb_catalog_column(ct, op->con_columns[i]);
            index_in_build = !cc || cc->part == p->cat->part;
        }
    }
    step *s = new_step(p, index_in_build ? ST_EXPAND_LATE : ST_EXPAND, PB_PHASE_EXPAND,
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
    if (fk && op->ncon_columns && !has_leading_index(p, op->rel, op->con_columns, op->ncon_columns) &&
        !later_index(p, op->rel, op->con_columns, op->ncon_columns)) {
        const char *iname =
            pb_catalog_default_index_name(p->a, op->rel.name, op->con_columns, op->ncon_columns);
        pb_qname iq = {op->rel.schema, iname};
        /* before the expand phase, unless a column is added by this
           migration (then right after it) */
        int stage = ST_PREBUILD;
        pb_cat_table *ct = pb_catalog_table(p->cat, op->rel);
        for (size_t i = 0; i < op->ncon_columns; i++) {
            pb_cat_column *cc = pb_catalog_column(ct, op->con_columns[i]);
            if (!cc || cc->part == p->cat->part)
                stage = ST_BUILD;
        }
        if (!index_planned(p, qn(p, iq))) {
            sv_add(p->a, &p->added, qn(p, iq));
            note(p, fmt(p,
                        "the plan also builds the index %s on %s (%s), which the migration does not have: "
                        "without it every DELETE or key UPDATE on %s scans %s",
                        qn(p, iq), table, pb_sql_ident_list(p->a, op->con_columns, op->ncon_columns),
                        qn(p, op->ref), table));
            add_index_build(
                p, table, qn(p, iq),
                fmt(p, "CREATE INDEX CONCURRENTLY IF NOT EXISTS %s ON %s (%s);", ident(p, iname), table,
                    pb_sql_ident_list(p->a, op->con_columns, op->ncon_columns)),
                "an index on the referencing columns lets each DELETE or key UPDATE on the referenced table "
                "find the matching rows without a full table scan; built concurrently, alone, outside a "
                "transaction",
                stage);
        }
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
    /* dropping the constraint drops its index too, which the phase before
       built: the down part builds it again, concurrently, so it runs
       outside a transaction block like that phase */
    s->notx = true;
    down(p, s, fmt(p, "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s;", table, cn));
    down(p, s,
         fmt(p, "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS %s ON %s (%s);", cn, table,
             pb_sql_ident_list(p->a, op->con_columns, op->ncon_columns)));
    lock(s, table, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    s->why = "ADD CONSTRAINT ... USING INDEX takes over the index that is already built: catalog-only";
    s->rollback =
        fmt(p, "the down part drops the constraint, which drops its index, and builds the index again "
               "concurrently, as the phase before left it");
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
    down(p, s, fmt(p, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID;", table, cn, c));
    lock(s, table, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    s->why = p->v >= 12
                 ? "PostgreSQL 12 and later skip the scan of SET NOT NULL when a validated CHECK proves "
                   "the column has no NULLs, so the ACCESS EXCLUSIVE lock is brief; the check is then dropped"
                 : "before PostgreSQL 12, SET NOT NULL scans the table under ACCESS EXCLUSIVE even with the "
                   "validated check: run it in a quiet period, or keep the CHECK constraint instead";
    s->rollback = fmt(p,
                      "the down part drops NOT NULL and adds the check back as NOT VALID (PostgreSQL cannot "
                      "add it validated without a scan under the lock): before this phase runs again, run "
                      "ALTER TABLE %s VALIDATE CONSTRAINT %s; so that SET NOT NULL does not scan the table",
                      table, cn);
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
static void rebuild_indexes(planner *p, pb_qname rel, const char *col, const char *newcol, step *contract,
                            const char **pk_index)
{
    if (pk_index)
        *pk_index = NULL;
    pb_cat_table *tab = pb_catalog_table(p->cat, rel);
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
        /* named as the catalog knows the index and its table, so the
           rebuilt one ends up with the same (schema-qualified) name */
        pb_qname tq = {ix->name.schema ? ix->name.schema : rel.schema, tmp};
        const char *itable = ix->table.name ? qn(p, ix->table) : table;
        add_index_build(
            p, itable, qn(p, tq),
            fmt(p, "CREATE %sINDEX CONCURRENTLY IF NOT EXISTS %s ON %s (%s);", ix->unique ? "UNIQUE " : "",
                ident(p, tmp), itable, pb_sql_ident_list(p->a, cols, ix->ncolumns)),
            fmt(p,
                "the new column needs the index %s has on %s (pgbelay rebuilds its plain key columns; "
                "check the original for expressions, INCLUDE, WHERE or the method)",
                qn(p, ix->name), ident(p, col)),
            ST_BUILD_LATE);
        /* the index of a UNIQUE constraint becomes that constraint again,
           under its name; a primary key's is swapped in by the caller */
        pb_cat_constraint *con = tab ? pb_catalog_constraint(tab, ix->name.name) : NULL;
        if (con && con->kind == PB_CON_PRIMARY_KEY && pk_index)
            *pk_index = tmp;
        else if (con && con->kind == PB_CON_UNIQUE && contract)
            up(p, contract,
               fmt(p, "ALTER TABLE %s ADD CONSTRAINT %s UNIQUE USING INDEX %s;", table,
                   ident(p, ix->name.name), ident(p, tmp)));
        else if (contract)
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
    rebuild_indexes(p, op->rel, op->column, op->new_name, k, NULL);
}

/* Is `op` one of several ops of its statement (ALTER TABLE with several
 * subcommands, DROP TABLE a, b)? */
static bool shares_statement(planner *p)
{
    const pb_op *op = p->ops->items[p->op_index];
    return (p->op_index > 0 && p->ops->items[p->op_index - 1]->stmt == op->stmt) ||
           (p->op_index + 1 < p->ops->len && p->ops->items[p->op_index + 1]->stmt == op->stmt);
}

/* The statement of a drop op alone, when it shares its statement. */
static const char *drop_text(planner *p, const pb_op *op)
{
    if (!shares_statement(p))
        return stmt_text(p, op);
    if (op->kind == PB_OP_DROP_TABLE)
        return fmt(p, "DROP TABLE %s%s%s;", op->if_exists ? "IF EXISTS " : "", qn(p, op->rel),
                   op->cascade ? " CASCADE" : "");
    size_t len;
    const char *raw = stmt_raw(p, op, &len);
    const char *one = pb_deparse_alter_cmd(p->a, raw, len, cmd_index(p), NULL, false);
    return one ? with_semicolon(p, one) : NULL;
}

static void recipe_drop(planner *p, const pb_op *op, const char *rule)
{
    bool table = op->kind == PB_OP_DROP_TABLE;
    const char *sql = drop_text(p, op);
    if (!sql) {
        note(p, fmt(p, "could not separate: %s", stmt_text(p, op)));
        return;
    }
    change_as(p, op, rule, table ? "drop-table" : "drop-column", sql);
    const char *rel = qn(p, op->rel);
    const char *what = table ? rel : fmt(p, "%s.%s", rel, ident(p, op->column));
    /* the drops of one statement stay one contract step */
    step *s;
    if (p->drop_open && p->drop_stmt == op->stmt) {
        s = p->steps[p->drop_step];
    } else {
        s = new_step(p, ST_CONTRACT, PB_PHASE_CONTRACT, NULL,
                     slugify(p, table ? fmt(p, "drop %s", op->rel.name)
                                      : fmt(p, "drop %s %s", op->rel.name, op->column)));
        p->drop_open = true;
        p->drop_stmt = op->stmt;
        p->drop_step = p->nsteps - 1;
        p->drop_what = (strv){0};
    }
    sv_add(p->a, &p->drop_what, what);
    const char *all = sv_join(p->a, &p->drop_what, ", ");
    s->title = fmt(p, "drop %s", all);
    s->gate = p->drop_gate ? p->drop_gate
              : table
                  ? fmt(p,
                        "deploy the application version that no longer reads or writes %s, and wait until "
                        "no running code uses it",
                        all)
                  : fmt(p,
                        "deploy the application version that no longer reads or writes %s; ORMs that cache "
                        "the column list must ignore the column first (Rails ignored_columns, Django: "
                        "remove the field), and wait until no running code uses it",
                        all);
    up(p, s, sql);
    lock(s, rel, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    s->no_down = true;
    s->why = fmt(p, "%s %s no longer used; dropping is catalog-only, but it destroys the data", all,
                 p->drop_what.n > 1 ? "are" : "is");
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

typedef struct fkref {
    pb_cat_table *t;
    pb_cat_constraint *c;
} fkref;

/* The foreign keys (of any table) that reference `rel`, from the catalog. */
static fkref *referencing_fks(planner *p, pb_qname rel, size_t *n)
{
    size_t cap = 8;
    fkref *v = pb_arena_alloc(p->a, cap * sizeof *v);
    *n = 0;
    const pb_strmap *m = &p->cat->tables;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i] || !m->vals[i])
            continue;
        for (pb_cat_table *t = m->vals[i]; t; t = t->next_same_name)
            for (size_t k = 0; k < t->constraints.len; k++) {
                pb_cat_constraint *c = t->constraints.items[k];
                if (c->kind != PB_CON_FOREIGN_KEY || !pb_qname_match(c->ref, rel))
                    continue;
                if (*n == cap) {
                    fkref *g = pb_arena_alloc(p->a, 2 * cap * sizeof *g);
                    memcpy(g, v, *n * sizeof *g);
                    v = g;
                    cap *= 2;
                }
                v[(*n)++] = (fkref){t, c};
            }
    }
    return v;
}

static pb_cat_constraint *primary_key(planner *p, pb_qname rel)
{
    pb_cat_table *t = pb_catalog_table(p->cat, rel);
    for (size_t i = 0; t && i < t->constraints.len; i++) {
        pb_cat_constraint *c = t->constraints.items[i];
        if (c->kind == PB_CON_PRIMARY_KEY)
            return c;
    }
    return NULL;
}

/* Does an ALTER COLUMN ... TYPE of this migration change rel.col? */
static bool type_changed_in_migration(planner *p, pb_qname rel, const char *col)
{
    for (size_t i = 0; i < p->ops->len; i++) {
        const pb_op *o = p->ops->items[i];
        if (o->kind == PB_OP_ALTER_COLUMN_TYPE && o->column && !strcmp(o->column, col) &&
            pb_qname_match(o->rel, rel))
            return true;
    }
    return false;
}

/* Is rel.col the column of a foreign key whose referenced primary key
 * changes type in this migration? */
static bool references_changed_key(planner *p, pb_qname rel, const char *col)
{
    pb_cat_table *t = pb_catalog_table(p->cat, rel);
    for (size_t i = 0; t && i < t->constraints.len; i++) {
        pb_cat_constraint *c = t->constraints.items[i];
        if (c->kind != PB_CON_FOREIGN_KEY || c->ncolumns != 1 || strcmp(c->columns[0], col))
            continue;
        const char *const *rk;
        if (pk_columns(p, c->ref, &rk) == 1 && type_changed_in_migration(p, c->ref, rk[0]))
            return true;
    }
    return false;
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
    if (is_pk && npk != 1) {
        note(p,
             fmt(p,
                 "%s changes the type of a column of a multi-column primary key: pgbelay plans single-column "
                 "keys only; not rewritten",
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
    bool pk_change = is_pk || references_changed_key(p, op->rel, op->column);
    change(p, op, rule,
           pk_change   ? "change-primary-key"
           : narrowing ? "narrowing-type-change"
                       : "change-column-type");
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
    /* the contract first: the rebuilt indexes tell the swap which one is the primary key's */
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
    const char *pk_index = NULL;
    rebuild_indexes(p, op->rel, op->column, newname, k, is_pk ? &pk_index : NULL);
    pb_cat_constraint *pkc = is_pk ? primary_key(p, op->rel) : NULL;
    if (is_pk && (!pk_index || !pkc)) {
        note(p, fmt(p,
                    "pgbelay does not know the index of the primary key of %s: add the primary key on the "
                    "new column by hand (CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... PRIMARY "
                    "KEY USING INDEX) in the swap phase",
                    table));
        is_pk = false;
    }

    step *w = new_step(p, ST_SWITCH, PB_PHASE_SWITCH, fmt(p, "swap %s and %s", c, nc),
                       slugify(p, fmt(p, "swap %s %s", op->rel.name, op->column)));
    /* a primary key's swap comes before the swaps of the columns that
       reference it, in the same transaction */
    w->prio = is_pk ? -1 : 0;
    const char *fn_sql = s->up.v[s->up.n - 2], *trg_sql = s->up.v[s->up.n - 1];
    up(p, w, fmt(p, "DROP TRIGGER %s ON %s;", trg, table));
    up(p, w, fmt(p, "DROP FUNCTION %s();", fn));
    lock(w, table, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    bool keys = is_pk;
    size_t nfk_moved = 0;
    /* foreign keys of this column: dropped, and added again on the new
       column (NOT VALID, validated after the swap) */
    strv readd = {0}, revalidate = {0}, retable = {0}, reref = {0}, refdrops = {0};
    pb_cat_table *tab = pb_catalog_table(p->cat, op->rel);
    for (size_t i = 0; tab && i < tab->constraints.len; i++) {
        pb_cat_constraint *fk = tab->constraints.items[i];
        if (fk->kind != PB_CON_FOREIGN_KEY || fk->ncolumns != 1 || strcmp(fk->columns[0], op->column))
            continue;
        keys = true;
        nfk_moved++;
        const char *const *rk;
        size_t nrk = pk_columns(p, fk->ref, &rk);
        up(p, w, fmt(p, "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s;", table, ident(p, fk->name)));
        if (nrk != 1) {
            note(p, fmt(p,
                        "add the foreign key %s on %s again by hand after the swap: pgbelay does not know "
                        "the key of %s",
                        fk->name, table, qn(p, fk->ref)));
            continue;
        }
        sv_add(p->a, &readd,
               fmt(p, "ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s) NOT VALID;",
                   table, ident(p, fk->name), c, qn(p, fk->ref), ident(p, rk[0])));
        sv_add(p->a, &revalidate, ident(p, fk->name));
        sv_add(p->a, &retable, table);
        sv_add(p->a, &reref, qn(p, fk->ref));
        lock(w, qn(p, fk->ref), PB_LOCK_SHARE_ROW_EXCLUSIVE, PB_DUR_CATALOG);
    }
    /* a primary key: the foreign keys that reference it move to the new
       key, unless their own column is changed too (its swap moves them) */
    if (is_pk) {
        size_t nrefs;
        fkref *refs = referencing_fks(p, op->rel, &nrefs);
        for (size_t i = 0; i < nrefs; i++) {
            const char *other = qn(p, refs[i].t->name);
            sv_add(p->a, &refdrops,
                   fmt(p, "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s;", other, ident(p, refs[i].c->name)));
            lock(w, other, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
            nfk_moved++;
            if (refs[i].c->ncolumns != 1) {
                note(p,
                     fmt(p,
                         "add the foreign key %s on %s again by hand after the swap (more than one column)",
                         refs[i].c->name, other));
                continue;
            }
            if (type_changed_in_migration(p, refs[i].t->name, refs[i].c->columns[0]))
                continue;
            sv_add(p->a, &readd,
                   fmt(p, "ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s) NOT VALID;",
                       other, ident(p, refs[i].c->name), ident(p, refs[i].c->columns[0]), table, c));
            sv_add(p->a, &revalidate, ident(p, refs[i].c->name));
            sv_add(p->a, &retable, other);
            sv_add(p->a, &reref, table);
        }
        up(p, w, fmt(p, "ALTER TABLE %s DROP CONSTRAINT %s;", table, ident(p, pkc->name)));
        /* the swap locks the referencing tables before the referenced one,
           in the order application transactions do (a row of the child
           written, then the parent's row checked by the foreign key):
           taking them the other way round deadlocks with such a transaction */
        for (size_t i = 0; i < w->up.n; i++)
            sv_add(p->a, &refdrops, w->up.v[i]);
        w->up = refdrops;
    }
    if (oldc && oldc->not_null)
        up(p, w, fmt(p, "ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL;", table, c));
    /* the sequence of a serial column goes with the column's name */
    size_t si = 0;
    const pb_cat_sequence *seq = NULL, *sq;
    while ((sq = pb_catalog_owned_sequence(p->cat, op->rel, &si)))
        if (sq->owner_column && !strcmp(sq->owner_column, op->column))
            seq = sq;
    if (seq)
        up(p, w, fmt(p, "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT;", table, c));
    up(p, w, fmt(p, "ALTER TABLE %s RENAME COLUMN %s TO %s;", table, c, oc));
    up(p, w, fmt(p, "ALTER TABLE %s RENAME COLUMN %s TO %s;", table, nc, c));
    if (seq) {
        up(p, w,
           fmt(p, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT nextval(%s::regclass);", table, c,
               pb_sql_literal(p->a, qn(p, seq->name))));
        up(p, w, fmt(p, "ALTER SEQUENCE %s OWNED BY %s.%s;", qn(p, seq->name), table, c));
        keys = true;
    }
    if (is_pk)
        up(p, w,
           fmt(p, "ALTER TABLE %s ADD CONSTRAINT %s PRIMARY KEY USING INDEX %s;", table, ident(p, pkc->name),
               ident(p, pk_index)));
    if (readd.n)
        note(p, fmt(p,
                    "the foreign keys moved to the new %s.%s are added again as plain FOREIGN KEY ... "
                    "REFERENCES (%s): pgbelay does not know their ON DELETE / ON UPDATE actions or "
                    "DEFERRABLE; add those to the statements if the originals have them",
                    table, c, sv_join(p->a, &revalidate, ", ")));
    for (size_t i = 0; i < readd.n; i++) {
        /* in the next transaction: a column is renamed in the swap, and a
           migration that renames and adds belongs to two deploys
           (expand-and-contract-in-one-migration); the VALIDATE after it
           checks every row, those written in between too */
        step *ra =
            new_step(p, ST_SWITCH_ADD, PB_PHASE_SWITCH, fmt(p, "add %s again, NOT VALID", revalidate.v[i]),
                     slugify(p, fmt(p, "add %s", revalidate.v[i])));
        up(p, ra, readd.v[i]);
        down(p, ra, fmt(p, "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s;", retable.v[i], revalidate.v[i]));
        lock(ra, retable.v[i], PB_LOCK_SHARE_ROW_EXCLUSIVE, PB_DUR_CATALOG);
        lock(ra, reref.v[i], PB_LOCK_SHARE_ROW_EXCLUSIVE, PB_DUR_CATALOG);
        ra->why = "the foreign key on the swapped columns, added NOT VALID: catalog-only, it checks new and "
                  "changed rows from now on";
        ra->rollback = "the down part drops it again";
        step *v = new_step(p, ST_SWITCH_VALIDATE, PB_PHASE_SWITCH, fmt(p, "validate %s", revalidate.v[i]),
                           slugify(p, fmt(p, "validate %s", revalidate.v[i])));
        up(p, v, fmt(p, "ALTER TABLE %s VALIDATE CONSTRAINT %s;", retable.v[i], revalidate.v[i]));
        lock(v, retable.v[i], PB_LOCK_SHARE_UPDATE_EXCLUSIVE, PB_DUR_SCAN);
        lock(v, reref.v[i], PB_LOCK_ROW_SHARE, PB_DUR_SCAN);
        v->why =
            "checks the existing rows of the foreign key added NOT VALID in the swap, under SHARE UPDATE "
            "EXCLUSIVE, which lets reads and writes continue";
        v->rollback = "nothing to undo";
    }
    if (keys) {
        strv moved = {0};
        if (is_pk)
            sv_add(p->a, &moved, "the primary key");
        if (nfk_moved)
            sv_add(p->a, &moved, "foreign keys");
        if (seq)
            sv_add(p->a, &moved, "the sequence");
        w->no_down = true;
        w->rollback = fmt(
            p,
            "no down part: the swap moved keys (%s) and undoing it means building them again on %s; to go "
            "back, build a unique index concurrently on %s, then in one transaction swap the names back, "
            "attach the keys NOT VALID and validate them",
            sv_join(p->a, &moved, ", "), oc, oc);
    } else {
        down(p, w, fmt(p, "ALTER TABLE %s RENAME COLUMN %s TO %s;", table, c, nc));
        down(p, w, fmt(p, "ALTER TABLE %s RENAME COLUMN %s TO %s;", table, oc, c));
        if (oldc && oldc->not_null)
            down(p, w, fmt(p, "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL;", table, c));
        down(p, w, fn_sql);
        down(p, w, trg_sql);
        w->rollback =
            oldc && oldc->not_null
                ? fmt(p,
                      "the down part renames the columns back and creates the sync trigger again; its "
                      "SET NOT NULL on %s scans the table under ACCESS EXCLUSIVE",
                      c)
                : "the down part renames the columns back and creates the sync trigger again";
    }
    w->why =
        fmt(p,
            "in one short transaction the converted column takes the name %s; running code keeps working "
            "because the name stays the same%s (a column default of the old column other than its "
            "sequence must be set again: pgbelay does not copy defaults)",
            c, readd.n ? "; foreign keys are added again NOT VALID right after and then validated" : "");
}

/* UPDATE of an existing table in batches. */
static void recipe_update(planner *p, const pb_op *op, const char *rule)
{
    size_t len;
    const char *raw = stmt_raw(p, op, &len);
    const char *set = NULL, *where = NULL, *alias = NULL, *still = NULL;
    const char *from = NULL;
    if (!pb_deparse_update_from_parts(p->a, raw, len, &set, &where, &alias, &still, &from)) {
        note(p, fmt(p,
                    "not planned (UPDATE with RETURNING, WITH or a cursor): run it in batches of rows "
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
    if (!backfill_from(p, b, op->rel, "update", set, todo, alias ? alias : op->rel.name, from))
        b->stage = ST_DROPPED;
    b->rollback =
        "a down part cannot bring back the values an UPDATE overwrote: keep a copy of them (a backup "
        "table) first if you may need them";
}

/* ---- scenarios: patterns of several statements ------------------------------------ */

static const char *finding(const pb_diag *diags, size_t n, const pb_op *op, const char *const *ids);

/* The text of one op alone: its statement, or its own ALTER TABLE subcommand. */
static const char *op_text(planner *p, const pb_op *op, const char *con_name, bool not_valid)
{
    if (!shares_statement(p) && !not_valid)
        return stmt_text(p, op);
    size_t len;
    const char *raw = stmt_raw(p, op, &len);
    const char *one = pb_deparse_alter_cmd(p->a, raw, len, cmd_index(p), con_name, not_valid);
    return one ? with_semicolon(p, one) : NULL;
}

/* The one transaction of a change-primary-key plan that swaps the keys. */
static step *swap_step(planner *p)
{
    for (size_t i = 0; i < p->nsteps; i++)
        if (p->steps[i]->stage == ST_SWITCH && p->steps[i]->prio == -2)
            return p->steps[i];
    step *w = new_step(p, ST_SWITCH, PB_PHASE_SWITCH, "swap the primary key and the foreign keys that use it",
                       "swap_primary_key");
    w->prio = -2;
    w->no_down = true;
    w->why =
        "drops the old keys and attaches the new ones in one short transaction: the new primary key takes "
        "over a unique index built concurrently before, and foreign keys are added NOT VALID and validated "
        "right after, so nothing scans the tables under the ACCESS EXCLUSIVE locks";
    w->rollback =
        "no down part: going back means building the old keys again; build a unique index "
        "concurrently on the old key column, then swap the constraints back in one transaction the same "
        "way (foreign keys NOT VALID, validated afterwards)";
    return w;
}

/* change-primary-key: a constraint change of the swap transaction. */
static void plan_swap_op(planner *p, const pb_op *op, const pb_diag *diags, size_t nd)
{
    static const char *const any[] = {"add-unique-builds-index", "add-foreign-key-validates",
                                      "foreign-key-without-index", NULL};
    const char *rule = finding(diags, nd, op, any);
    const char *table = qn(p, op->rel);
    step *w = swap_step(p);
    lock(w, table, PB_LOCK_ACCESS_EXCLUSIVE, PB_DUR_CATALOG);
    if (op->kind == PB_OP_DROP_CONSTRAINT) {
        const char *t = op_text(p, op, NULL, false);
        if (t)
            up(p, w, t);
        else
            note(p, fmt(p, "could not separate: %s", stmt_text(p, op)));
        return;
    }
    if (op->con_kind == PB_CON_PRIMARY_KEY) {
        change(p, op, rule ? rule : "add-unique-builds-index", "add-primary-key");
        const char *name = con_name_for(p, op);
        const char *tmp = pb_catalog_default_constraint_name(p->a, op->rel.name, PB_CON_UNIQUE,
                                                             op->con_columns, op->ncon_columns);
        pb_qname iq = {op->rel.schema, tmp};
        add_index_build(
            p, table, qn(p, iq),
            fmt(p, "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS %s ON %s (%s);", ident(p, tmp), table,
                pb_sql_ident_list(p->a, op->con_columns, op->ncon_columns)),
            "the unique index the new primary key takes over in the swap, built concurrently once the key "
            "column is filled (reads and writes continue)",
            ST_BUILD_LATE);
        pb_cat_table *t = pb_catalog_table(p->cat, op->rel);
        for (size_t i = 0; i < op->ncon_columns; i++) {
            pb_cat_column *c = pb_catalog_column(t, op->con_columns[i]);
            if (!c || !c->not_null)
                not_null(p, op->rel, op->con_columns[i]);
        }
        up(p, w,
           fmt(p, "ALTER TABLE %s ADD CONSTRAINT %s PRIMARY KEY USING INDEX %s;", table, ident(p, name),
               ident(p, tmp)));
        return;
    }
    /* a foreign key that references the new key */
    change(p, op, rule ? rule : "add-foreign-key-validates", "add-foreign-key");
    const char *name = con_name_for(p, op);
    const char *t = op_text(p, op, name, true);
    if (!t) {
        note(p, fmt(p, "could not rewrite: %s", stmt_text(p, op)));
        return;
    }
    up(p, w, t);
    lock(w, qn(p, op->ref), PB_LOCK_SHARE_ROW_EXCLUSIVE, PB_DUR_CATALOG);
    if (op->ncon_columns && !has_leading_index(p, op->rel, op->con_columns, op->ncon_columns) &&
        !later_index(p, op->rel, op->con_columns, op->ncon_columns)) {
        const char *iname =
            pb_catalog_default_index_name(p->a, op->rel.name, op->con_columns, op->ncon_columns);
        pb_qname iq = {op->rel.schema, iname};
        if (!index_planned(p, qn(p, iq)))
            sv_add(p->a, &p->added, qn(p, iq));
        if (!index_planned(p, qn(p, iq))) /* (add_index_build records it) */
            add_index_build(p, table, qn(p, iq),
                            fmt(p, "CREATE INDEX CONCURRENTLY IF NOT EXISTS %s ON %s (%s);", ident(p, iname),
                                table, pb_sql_ident_list(p->a, op->con_columns, op->ncon_columns)),
                            "an index on the referencing columns, so that deletes on the referenced table do "
                            "not scan this one",
                            ST_BUILD);
    }
    step *v = new_step(p, ST_SWITCH_VALIDATE, PB_PHASE_SWITCH, fmt(p, "validate %s", ident(p, name)),
                       slugify(p, fmt(p, "validate %s", name)));
    up(p, v, fmt(p, "ALTER TABLE %s VALIDATE CONSTRAINT %s;", table, ident(p, name)));
    lock(v, table, PB_LOCK_SHARE_UPDATE_EXCLUSIVE, PB_DUR_SCAN);
    lock(v, qn(p, op->ref), PB_LOCK_ROW_SHARE, PB_DUR_SCAN);
    v->why = "checks the existing rows under SHARE UPDATE EXCLUSIVE, which lets reads and writes continue";
    v->rollback = "nothing to undo";
}

/* split-table / merge-tables: INSERT INTO new_table (cols) SELECT ... as a
 * batched copy along the new table's primary key, after a deploy gate
 * from which the application writes both the old and the new places. */
static void plan_copy_op(planner *p, const pb_op *op)
{
    size_t len;
    const char *raw = stmt_raw(p, op, &len);
    const char **cols;
    size_t ncols;
    const char *select;
    const char *const *pk;
    size_t npk = pk_columns(p, op->rel, &pk);
    size_t key = SIZE_MAX;
    if (pb_deparse_insert_select(p->a, raw, len, &cols, &ncols, &select))
        for (size_t i = 0; npk == 1 && i < ncols; i++)
            if (!strcmp(cols[i], pk[0]))
                key = i;
    const char *table = qn(p, op->rel);
    step *b = new_step(p, ST_BACKFILL, PB_PHASE_BACKFILL,
                       fmt(p, "copy the existing rows into %s in batches", table),
                       slugify(p, fmt(p, "copy into %s", op->rel.name)));
    strv srcs = {0};
    for (size_t i = 0; i < op->nreads; i++)
        sv_add_unique(p->a, &srcs, qn(p, op->reads[i]));
    const char *from = sv_join(p->a, &srcs, " and ");
    b->gate =
        fmt(p,
            "deploy the application version that writes every change of %s to %s as well (dual writes: "
            "insert or update the row of %s in the same transaction), so that rows changed from now on do "
            "not depend on the copy",
            from, table, table);
    b->rollback = "nothing to undo: the copy only inserts rows that are missing; stop it at any time";
    if (key == SIZE_MAX) {
        note(p,
             fmt(p,
                 "%s: pgbelay copies INSERT ... SELECT in batches along the single-column primary key of the "
                 "new table, named in the INSERT's column list; run the copy in batches by hand, each batch "
                 "its own transaction, with ON CONFLICT DO NOTHING",
                 stmt_text(p, op)));
        up(p, b, stmt_text(p, op));
        b->stage = ST_BACKFILL;
        b->notx = false;
        b->why = "the copy as written, after the gate";
        return;
    }
    const char *k = ident(p, cols[key]);
    const char *collist = pb_sql_ident_list(p->a, cols, ncols);
    const char *name = op->rel.name;
    const char *proc = ident(p, pb_sql_default_name(p->a, "pgbelay_copy", &name, 1, NULL));
    const char *pq = op->rel.schema ? fmt(p, "%s.%s", ident(p, op->rel.schema), proc) : proc;
    up(p, b,
       fmt(p,
           "CREATE PROCEDURE %s(batch_size integer DEFAULT %u, pause interval DEFAULT %s)\n"
           "LANGUAGE plpgsql AS $pgbelay$\n"
           "DECLARE\n"
           "    last_key %s.%s%%TYPE;\n"
           "    batch_last %s.%s%%TYPE;\n"
           "    batch_rows bigint;\n"
           "BEGIN\n"
           "    -- rows written from now on are written by the application (dual\n"
           "    -- writes): the copy ends at the first batch that is not full\n"
           "    LOOP\n"
           "        WITH batch AS (\n"
           "            SELECT * FROM (%s) AS pgbelay_src (%s)\n"
           "            WHERE last_key IS NULL OR pgbelay_src.%s > last_key\n"
           "            ORDER BY pgbelay_src.%s LIMIT batch_size\n"
           "        ), done AS (\n"
           "            INSERT INTO %s (%s) SELECT %s FROM batch ON CONFLICT DO NOTHING\n"
           "        )\n"
           "        SELECT max(%s), count(*) INTO batch_last, batch_rows FROM batch;\n"
           "        EXIT WHEN batch_last IS NULL;\n"
           "        last_key := batch_last;\n"
           "        COMMIT;\n"
           "        EXIT WHEN batch_rows < batch_size;\n"
           "        PERFORM pg_sleep(extract(epoch FROM pause));\n"
           "    END LOOP;\n"
           "END\n"
           "$pgbelay$;",
           pq, p->po->batch_size ? p->po->batch_size : 1000,
           pb_sql_literal(p->a, p->po->batch_pause ? p->po->batch_pause : "100 milliseconds"), table, k,
           table, k, select, collist, k, k, table, collist, collist, k));
    up(p, b, fmt(p, "CALL %s();", pq));
    up(p, b, fmt(p, "DROP PROCEDURE %s(integer, interval);", pq));
    down(p, b, fmt(p, "DROP PROCEDURE IF EXISTS %s(integer, interval);", pq));
    lock(b, table, PB_LOCK_ROW_EXCLUSIVE, PB_DUR_BATCHED);
    for (size_t i = 0; i < srcs.n && i < 3; i++)
        lock(b, srcs.v[i], PB_LOCK_ACCESS_SHARE, PB_DUR_BATCHED);
    b->why =
        fmt(p,
            "copies the rows in batches of %u along %s (keyset, no OFFSET), one transaction per batch with a "
            "pause between batches; rows the application already wrote are kept (ON CONFLICT DO NOTHING), so "
            "it can be stopped and rerun",
            p->po->batch_size ? p->po->batch_size : 1000, k);
}

/* Finds the scenarios of several statements in the migration and marks
 * the ops they take over (planner.role). */
static void recognise(planner *p, const pb_ops *ops)
{
    p->role = pb_arena_alloc(p->a, (ops->len ? ops->len : 1) * sizeof *p->role);
    memset(p->role, 0, (ops->len ? ops->len : 1) * sizeof *p->role);
    /* change-primary-key: the primary key is dropped and another added */
    for (size_t i = 0; i < ops->len; i++) {
        const pb_op *d = ops->items[i];
        if (d->kind != PB_OP_DROP_CONSTRAINT || !d->con_name)
            continue;
        pb_cat_constraint *pkc = primary_key(p, d->rel);
        if (!pkc || strcmp(pkc->name, d->con_name))
            continue;
        size_t add = SIZE_MAX;
        for (size_t k = i + 1; k < ops->len && add == SIZE_MAX; k++)
            if (ops->items[k]->kind == PB_OP_ADD_CONSTRAINT &&
                ops->items[k]->con_kind == PB_CON_PRIMARY_KEY && pb_qname_match(ops->items[k]->rel, d->rel) &&
                !ops->items[k]->using_index)
                add = k;
        if (add == SIZE_MAX)
            continue;
        p->scenario = "change-primary-key";
        p->role[i] = p->role[add] = ROLE_SWAP;
        for (size_t k = 0; k < ops->len; k++)
            if (ops->items[k]->kind == PB_OP_UPDATE)
                p->role[k] = ROLE_BACKFILL;
        size_t nrefs;
        fkref *refs = referencing_fks(p, d->rel, &nrefs);
        for (size_t k = 0; k < ops->len; k++) {
            const pb_op *o = ops->items[k];
            if (o->kind == PB_OP_DROP_CONSTRAINT && o->con_name)
                for (size_t r = 0; r < nrefs; r++)
                    if (!strcmp(refs[r].c->name, o->con_name) && pb_qname_match(refs[r].t->name, o->rel))
                        p->role[k] = ROLE_SWAP;
            if (k > add && o->kind == PB_OP_ADD_CONSTRAINT && o->con_kind == PB_CON_FOREIGN_KEY &&
                pb_qname_match(o->ref, d->rel))
                p->role[k] = ROLE_SWAP;
        }
        return;
    }
    /* split-table / merge-tables: CREATE TABLE n, INSERT INTO n SELECT ...
       FROM the old tables, then drops of old tables or of their columns */
    for (size_t i = 0; i < ops->len; i++) {
        const pb_op *ins = ops->items[i];
        if (ins->kind != PB_OP_INSERT || !ins->nreads)
            continue;
        bool created = false;
        for (size_t k = 0; k < i && !created; k++)
            created =
                ops->items[k]->kind == PB_OP_CREATE_TABLE && pb_qname_match(ops->items[k]->rel, ins->rel);
        if (!created)
            continue;
        size_t tables = 0, columns = 0;
        for (size_t k = i + 1; k < ops->len; k++) {
            const pb_op *o = ops->items[k];
            if (o->kind != PB_OP_DROP_TABLE && o->kind != PB_OP_DROP_COLUMN)
                continue;
            for (size_t r = 0; r < ins->nreads; r++)
                if (pb_qname_match(o->rel, ins->reads[r])) {
                    p->role[k] = ROLE_CONTRACT;
                    if (o->kind == PB_OP_DROP_TABLE)
                        tables++;
                    else
                        columns++;
                    break;
                }
        }
        if (!tables && !columns)
            continue;
        p->role[i] = ROLE_COPY;
        p->scenario = tables ? "merge-tables" : "split-table";
        p->drop_gate = fmt(
            p,
            "deploy the application version that reads %s (switch reads), then the one that no longer reads "
            "or writes what this phase drops; wait until no running code or ORM schema cache uses it",
            qn(p, ins->rel));
        return;
    }
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
    case PB_OP_ALTER_SEQUENCE: {
        /* AS type: back to the type the catalog knows */
        const pb_cat_sequence *sq = pb_catalog_sequence(p->cat, op->rel);
        if (!op->type.name || op->has_owned_by || !sq || !sq->type.name)
            return NULL;
        return fmt(p, "ALTER SEQUENCE %s AS %s;", qn(p, op->rel), pb_sql_type(p->a, &sq->type));
    }
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

/* Does an ALTER TABLE the planner wrote (deparsed: upper-case keywords,
 * "DROP col" or "DROP COLUMN col") drop a column? */
static bool drops_column(const char *sql)
{
    static const char *const not_columns[] = {"CONSTRAINT ", "DEFAULT",  "NOT NULL",
                                              "EXPRESSION",  "IDENTITY", NULL};
    for (const char *d = strstr(sql, " DROP "); d; d = strstr(d + 1, " DROP ")) {
        const char *w = d + 6;
        bool other = false;
        for (size_t i = 0; not_columns[i] && !other; i++)
            other = !strncmp(w, not_columns[i], strlen(not_columns[i]));
        if (!other)
            return true;
    }
    return false;
}

/* A contract phase drops on purpose, behind its deploy gate: its drops
 * carry a reasoned suppression (`-- pgbelay-ignore RULE: reason`, see
 * rules/unused-ignore.yaml) so that the phase lints clean when committed
 * as a migration, and the reason tells the reviewer why. `sql` is one
 * statement as the planner wrote it (upper-case keywords). */
static const char *contract_ignore(planner *p, const char *sql)
{
    const char *rule = NULL, *why = NULL;
    if (!strncmp(sql, "DROP TABLE ", 11)) {
        rule = "drop-table";
        why = "contract phase, run only after the deploy gate, when no release uses the table";
    } else if (!strncmp(sql, "ALTER TABLE ", 12) && drops_column(sql)) {
        rule = "drop-column";
        why = "contract phase, run only after the deploy gate, when no release uses the column";
    }
    return rule ? fmt(p, "-- pgbelay-ignore %s: %s\n%s", rule, why, sql) : sql;
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
    const step *a = *(step *const *)x, *b = *(step *const *)y;
    if (a->stage != b->stage)
        return a->stage < b->stage ? -1 : 1;
    if (a->prio != b->prio)
        return a->prio < b->prio ? -1 : 1;
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

/* The relation a step locks in a mode that blocks the application's
 * writes (SHARE or stronger), "" when none, NULL when several. */
static const char *strong_relation(const step *s)
{
    const char *r = "";
    for (size_t i = 0; i < s->nlocks; i++) {
        if (s->locks[i].mode < PB_LOCK_SHARE)
            continue;
        if (!*r)
            r = s->locks[i].relation;
        else if (strcmp(r, s->locks[i].relation))
            return NULL;
    }
    return r;
}

/* May step `t` join a phase whose strong lock is on `*strong`? Not when
 * the phase would then block writes on two tables: it would take them one
 * after the other while holding the first, and an application
 * transaction that writes the second and then reads the first (a foreign
 * key check) deadlocks with it. The swap transactions are the exception:
 * they must be atomic and take their locks in a safe order themselves. */
static bool may_share(const char **strong, const step *t, int stage)
{
    if (stage == ST_SWITCH)
        return true;
    const char *r = strong_relation(t);
    if (!*strong || !r)
        return false;
    if (!*r)
        return true;
    if (!**strong) {
        *strong = r;
        return true;
    }
    return !strcmp(*strong, r);
}

static void assemble(planner *p, pb_plan *out)
{
    if (p->nsteps) /* no steps: p->steps is NULL, which qsort must not get (found by fuzz_plan) */
        qsort(p->steps, p->nsteps, sizeof *p->steps, step_cmp);
    pb_phase *ph = pb_arena_alloc(p->a, (p->nsteps ? p->nsteps : 1) * sizeof *ph);
    size_t n = 0;
    for (size_t i = 0; i < p->nsteps;) {
        step *s = p->steps[i];
        if (s->stage == ST_DROPPED) {
            i++;
            continue;
        }
        size_t j = i + 1;
        const char *strong = strong_relation(s);
        if (!s->notx)
            while (j < p->nsteps && p->steps[j]->stage == s->stage && !p->steps[j]->notx &&
                   (!p->steps[j]->gate || !s->gate || !strcmp(p->steps[j]->gate, s->gate)) &&
                   may_share(&strong, p->steps[j], s->stage))
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
            catalog_only &= step_is_catalog_only(p->steps[k]);
            if (p->steps[k]->kind == PB_PHASE_CONTRACT)
                f->kind = PB_PHASE_CONTRACT;
            else if (p->steps[k]->kind == PB_PHASE_BACKFILL && f->kind != PB_PHASE_CONTRACT)
                f->kind = PB_PHASE_BACKFILL;
        }
        prefix(p, &upv, s->notx, catalog_only);
        bool phase_no_down = false; /* then only the notes of the steps that cannot be undone */
        for (size_t k = i; k < j; k++)
            phase_no_down |= p->steps[k]->no_down;
        for (size_t k = i; k < j; k++) {
            step *t = p->steps[k];
            for (size_t q = 0; q < t->up.n; q++)
                sv_add(p->a, &upv, t->up.v[q]);
            /* a statement kept as written ends with ';': not in a joined title */
            size_t tl = strlen(t->title);
            sv_add(p->a, &titles,
                   tl && t->title[tl - 1] == ';' ? fmt(p, "%.*s", (int)(tl - 1), t->title) : t->title);
            if (t->why)
                sv_add_unique(p->a, &whys, t->why);
            if (t->rollback && (!phase_no_down || t->no_down))
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
            bool any = false, none = false;
            for (size_t k = j; k-- > i;) {
                any |= p->steps[k]->down.n > 0;
                none |= p->steps[k]->no_down;
            }
            if (none) {
                /* one step of the phase cannot be undone: the phase has no
                   down part, and its rollback note says what to do */
                downv.v = NULL;
                downv.n = 0;
            } else if (any) {
                prefix(p, &downv, s->notx, true);
                for (size_t k = j; k-- > i;)
                    for (size_t q = 0; q < p->steps[k]->down.n; q++)
                        sv_add(p->a, &downv, p->steps[k]->down.v[q]);
            } else {
                downv.v = pb_arena_alloc(p->a, sizeof *downv.v);
                downv.n = 0;
            }
            f->down = downv.v;
            f->ndown = downv.n;
        }
        if (f->kind == PB_PHASE_CONTRACT)
            for (size_t q = 0; q < upv.n; q++)
                upv.v[q] = contract_ignore(p, upv.v[q]);
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
    recognise(&p, &pr.ops);
    if (p.scenario)
        note(&p,
             fmt(&p, "recognised as %s: the statements of the scenario are planned together", p.scenario));
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
                const pb_op *op = pr.ops.items[k];
                if (p.role[k]) {
                    if (p.role[k] == ROLE_SWAP)
                        plan_swap_op(&p, op, diags, ndiags);
                    else if (p.role[k] == ROLE_COPY)
                        plan_copy_op(&p, op);
                    else if (p.role[k] == ROLE_BACKFILL) {
                        static const char *const bf[] = {"backfill-in-schema-migration", NULL};
                        size_t nsteps = p.nsteps;
                        recipe_update(&p, op, finding(diags, ndiags, op, bf));
                        if (p.nsteps == nsteps)
                            keep(&p, k, k, NULL); /* not batchable: a note says so */
                        else
                            p.steps[p.nsteps - 1]->gate = fmt(
                                &p,
                                "deploy the application version that writes the new key columns of %s itself "
                                "on every insert and update (as this UPDATE would), so that the batches only "
                                "have the older rows to fill",
                                qn(&p, op->rel));
                    } else {
                        static const char *const drops[] = {"drop-column", "drop-table", NULL};
                        const char *rule = finding(diags, ndiags, op, drops);
                        recipe_drop(&p, op,
                                    rule                           ? rule
                                    : op->kind == PB_OP_DROP_TABLE ? "drop-table"
                                                                   : "drop-column");
                    }
                    any = true;
                    planned[k - i] = true;
                    continue;
                }
                plan_op(&p, op, diags, ndiags);
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
    if (!out->nphases)
        note(&p, "no phase to write: what pgbelay reports on this migration (pgbelay lint) is not a statement "
                 "a recipe rewrites, such as a file that is not SQL text or does not parse");
    out->notes = p.notes.v;
    out->nnotes = p.notes.n;
    out->added_indexes = p.added.v;
    out->nadded_indexes = p.added.n;
}
