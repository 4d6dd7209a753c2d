/* missing-lock-timeout: a statement that takes ACCESS EXCLUSIVE, or any
 * lock that blocks writes, on an existing table with no lock_timeout set
 * earlier. One finding per statement, from its first op, about the
 * statement's strongest lock on a relation that is not new in the part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

#include <string.h>

typedef struct strongest {
    pb_lock_mode lock;
    const char *what; /* the relation, for the message */
} strongest;

static void consider(strongest *s, pb_lock_mode m, const char *what)
{
    if (m > s->lock) {
        s->lock = m;
        s->what = what;
    }
}

/* The relation an op's target lock is on, or NULL when it is new in the
 * part or not a table-like relation. */
static const char *target_of(const pb_rule_ctx *ctx, const pb_op *o, const pb_fact *f)
{
    if (!f->target || strncmp(f->target, "new ", 4) == 0)
        return NULL;
    if (strcmp(f->target, "sequence") == 0 || strcmp(f->target, "type") == 0 ||
        strcmp(f->target, "object") == 0)
        return NULL;
    pb_arena *a = ctx->arena;
    switch (o->kind) {
    case PB_OP_DROP_INDEX:
    case PB_OP_RENAME_INDEX:
    case PB_OP_REINDEX:
        if (o->kind == PB_OP_REINDEX && o->reindex_target != PB_REINDEX_INDEX) {
            if (o->reindex_target == PB_REINDEX_TABLE)
                break;
            if (o->reindex_target == PB_REINDEX_SCHEMA)
                return pb_arena_sprintf(a, "every table in schema %s", pb_rule_name(ctx, o->obj));
            return "every table of the database";
        } else {
            const pb_cat_index *c = pb_rule_index(ctx, o->obj);
            if (c && (pb_catalog_in_part(ctx->cat, c->part) || pb_rule_table_is_new(ctx, c->table)))
                return NULL;
            if (c && c->table.name)
                return pb_rule_name(ctx, c->table);
            return pb_arena_sprintf(a, "the table of index %s", pb_rule_name(ctx, o->obj));
        }
    case PB_OP_VACUUM:
    case PB_OP_CLUSTER:
        if (!o->rel.name)
            return o->kind == PB_OP_VACUUM ? "every table of the database"
                                           : "every clustered table of the database";
        break;
    default: break;
    }
    if (!o->rel.name)
        return NULL;
    /* views are not in the catalog: look for their CREATE VIEW only when
       the op can be on a view */
    bool view = o->kind == PB_OP_CREATE_VIEW || o->kind == PB_OP_DROP_OTHER ||
                o->object_kind == PB_OBJ_VIEW || o->object_kind == PB_OBJ_MATVIEW;
    if (view ? pb_rule_relation_is_new(ctx, o->rel) : pb_rule_table_is_new(ctx, o->rel))
        return NULL;
    return pb_rule_name(ctx, o->rel);
}

/* The second relation an op locks, when it is named and not new. */
static const char *other_of(const pb_rule_ctx *ctx, const pb_op *o, const pb_fact *f)
{
    if (!f->other_lock || !f->other_role)
        return NULL;
    pb_qname q = {0};
    if (strcmp(f->other_role, "referenced table") == 0)
        q = o->kind == PB_OP_ADD_COLUMN && o->col ? o->col->ref : o->ref;
    else if (strcmp(f->other_role, "parent table") == 0 || strcmp(f->other_role, "attached table") == 0 ||
             strcmp(f->other_role, "partition") == 0)
        q = o->obj;
    if (!q.name || pb_rule_table_is_new(ctx, q))
        return NULL;
    /* a table referencing itself (CREATE TABLE t (... REFERENCES t)) */
    if (o->kind == PB_OP_CREATE_TABLE && pb_qname_match(q, o->rel))
        return NULL;
    return pb_rule_name(ctx, q);
}

void pb_rule__missing_lock_timeout(pb_rule_ctx *ctx, const pb_op *op)
{
    /* one SET lock_timeout at the top of the file fixes every statement:
       report only the first statement that needs it */
    if (ctx->st->lock_timeout_set || !pb_rule_first_op_of_stmt(ctx) || pb_rule_reported(ctx))
        return;
    strongest s = {0};
    for (size_t i = ctx->op_index; i < ctx->ops->len && ctx->ops->items[i]->stmt == op->stmt; i++) {
        const pb_op *o = ctx->ops->items[i];
        if (o->kind == PB_OP_LOCK_TABLE && o->nowait)
            continue; /* NOWAIT fails at once instead of queueing */
        pb_fact f;
        pb_rule_facts(ctx, o, &f);
        if (!f.known)
            continue;
        /* only locks that block writes and beat the strongest so far matter */
        if (f.lock > s.lock && pb_lock_blocks_writes(f.lock)) {
            const char *t = target_of(ctx, o, &f);
            if (t)
                consider(&s, f.lock, t);
        }
        if (f.other_lock > s.lock && pb_lock_blocks_writes(f.other_lock)) {
            const char *u = other_of(ctx, o, &f);
            if (u)
                consider(&s, f.other_lock, u);
        }
    }
    if (!s.what || !pb_lock_blocks_writes(s.lock))
        return;
    const char *queue =
        pb_lock_blocks_reads(s.lock)
            ? pb_arena_sprintf(ctx->arena, "every later query on %s, plain SELECTs included,", s.what)
            : pb_arena_sprintf(ctx->arena, "every later write to %s", s.what);
    pb_rule_report(
        ctx, op, op->span,
        ctx->st->in_tx ? "SET LOCAL lock_timeout = '5s'; before this statement (or SET lock_timeout = "
                         "'5s'; at the start of the migration, which covers every later statement), and "
                         "retry the migration if it times out"
                       : "SET lock_timeout = '5s'; at the start of the migration (it covers every later "
                         "statement), and retry the migration if it times out",
        "no lock_timeout is set, and this statement needs %s %s lock on %s, which %s: while it waits "
        "for a long-running transaction to finish, %s queues behind it (later statements of this file "
        "that also lack a lock_timeout are not reported again)",
        pb_lock_article(s.lock), pb_lock_mode_name(s.lock), s.what, pb_lock_blocks_text(s.lock), queue);
}
