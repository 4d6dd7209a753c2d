/* concurrently-retry-unsafe: a no-transaction part with several statements
 * and a CREATE INDEX CONCURRENTLY: a failure half-applies the part, and a
 * retry fails or (IF NOT EXISTS) keeps the INVALID index silently. A DROP
 * INDEX CONCURRENTLY IF EXISTS of the same index just before it is the
 * clean-retry pattern and is not reported. Once per part. */
#include <string.h>

#include "rules/rule.h"
#include "rules/rule_util.h"

static bool is_cic(const pb_op *o)
{
    return o->kind == PB_OP_CREATE_INDEX && o->concurrently;
}

/* DROP INDEX CONCURRENTLY IF EXISTS <same name> right before the CIC. */
static bool guarded(const pb_rule_ctx *ctx, size_t i)
{
    const pb_op *cic = ctx->ops->items[i];
    if (i == 0 || !cic->index_name)
        return false;
    const pb_op *prev = ctx->ops->items[i - 1];
    return prev->kind == PB_OP_DROP_INDEX && prev->concurrently && prev->if_exists && prev->obj.name &&
           strcmp(prev->obj.name, cic->index_name) == 0;
}

void pb_rule__concurrently_retry_unsafe(pb_rule_ctx *ctx, const pb_op *op)
{
    /* only where the migration tool runs the part without a transaction:
       for plain SQL the runner is unknown */
    if (!is_cic(op) || ctx->st->in_tx || !ctx->st->no_tx_reason || pb_rule_reported(ctx) ||
        ctx->ops->nstatements < 2)
        return;
    /* count the statements that make a retry unsafe: other work, and
       CONCURRENTLY builds without the drop-first guard */
    size_t unguarded = 0, others = 0;
    uint32_t last_stmt = UINT32_MAX;
    for (size_t i = 0; i < ctx->ops->len; i++) {
        const pb_op *o = ctx->ops->items[i];
        if (o->stmt == last_stmt)
            continue;
        last_stmt = o->stmt;
        if (is_cic(o)) {
            if (!guarded(ctx, i))
                unguarded++;
        } else if (!(o->kind == PB_OP_DROP_INDEX && o->concurrently && o->if_exists) &&
                   o->kind != PB_OP_SET) {
            others++;
        }
    }
    if (unguarded == 0 || unguarded + others < 2)
        return;
    /* a later ADD CONSTRAINT ... USING INDEX of this index: with IF NOT
       EXISTS the retry skips the INVALID index and then that statement
       fails ("index ... is not valid", PostgreSQL 15.20) */
    const pb_op *user = NULL;
    for (size_t i = 0; i < ctx->ops->len && op->index_name && !user; i++) {
        const pb_op *o = ctx->ops->items[i];
        if (o->stmt > op->stmt && o->kind == PB_OP_ADD_CONSTRAINT && o->using_index && o->index_name &&
            strcmp(o->index_name, op->index_name) == 0)
            user = o;
    }
    const char *retry =
        !op->if_not_exists ? "stops with \"already exists\""
        : user ? pb_arena_sprintf(ctx->arena,
                                  "skips the INVALID index (IF NOT EXISTS) and then fails at the USING "
                                  "INDEX on line %u (\"index ... is not valid\")",
                                  pb_rule_offset_line(ctx, user->span.start))
               : "skips the INVALID index (IF NOT EXISTS) and keeps it without a word";
    const char *name = op->index_name ? pb_sql_ident(ctx->arena, op->index_name) : "the_index";
    const char *help = pb_arena_sprintf(ctx->arena,
                                        "one CREATE INDEX CONCURRENTLY per migration part, each preceded by "
                                        "DROP INDEX CONCURRENTLY IF EXISTS "
                                        "%s; so that a retry after a failed build starts clean",
                                        name);
    pb_rule_report(
        ctx, op, op->span, help,
        "this part runs %zu statements outside a transaction (%s), %zu of them CREATE INDEX "
        "CONCURRENTLY: "
        "if one fails, the statements before it stay applied and the failed build leaves an INVALID "
        "index, so a retry %s",
        ctx->ops->nstatements, ctx->st->no_tx_reason, unguarded, retry);
}
