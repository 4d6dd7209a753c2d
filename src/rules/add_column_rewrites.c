/* add-column-rewrites: ADD COLUMN whose per-row value forces a table
 * rewrite (facts: volatile default, serial, identity, stored generated, any
 * default before 11), or a default whose volatility pgbelay cannot tell
 * (a user function is VOLATILE unless declared otherwise). Quiet for tables
 * created earlier in the part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

#include <string.h>

static const char *serial_base_type(const char *name)
{
    if (strcmp(name, "bigserial") == 0 || strcmp(name, "serial8") == 0)
        return "bigint";
    if (strcmp(name, "smallserial") == 0 || strcmp(name, "serial2") == 0)
        return "smallint";
    return "integer";
}

/* 0: no rewrite; 1: the column rewrites the table (facts); 2: it does unless
 * the function of its default is declared IMMUTABLE or STABLE. */
static int rewrite_kind(const pb_rule_ctx *ctx, const pb_op *op, pb_fact *f)
{
    if (op->kind != PB_OP_ADD_COLUMN || !op->col)
        return 0;
    pb_rule_facts(ctx, op, f);
    if (f->rewrite)
        return 1;
    if (!op->col->has_default || op->col->default_vol != PB_VOL_UNKNOWN)
        return 0;
    /* the facts of the same column with a volatile default */
    pb_fact fv;
    if (!pb_facts_row(PB_FACT_ADD_COLUMN_VOLATILE_DEFAULT, ctx->pg_version, &fv) || !fv.rewrite)
        return 0;
    if (fv.lock > f->lock)
        f->lock = fv.lock;
    return 2;
}

void pb_rule__add_column_rewrites(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_ADD_COLUMN || !op->col || pb_rule_table_is_new(ctx, op->rel))
        return;
    const pb_column *c = op->col;
    pb_fact f, g;
    int kind = rewrite_kind(ctx, op, &f);
    if (!kind)
        return;
    bool unknown = kind == 2;
    /* one ALTER TABLE rewrites the table once, whatever the number of
       columns: report the first such column of the statement */
    for (size_t i = ctx->op_index; i-- > 0 && ctx->ops->items[i]->stmt == op->stmt;) {
        int k = rewrite_kind(ctx, ctx->ops->items[i], &g);
        if (k == 1 || (k == 2 && unknown))
            return;
    }
    int more = 0;
    for (size_t i = ctx->op_index + 1; i < ctx->ops->len && ctx->ops->items[i]->stmt == op->stmt; i++)
        more += rewrite_kind(ctx, ctx->ops->items[i], &g) == 1;
    const char *also = more ? pb_arena_sprintf(ctx->arena,
                                               " (this statement adds %d more column%s rewritten in the "
                                               "same pass)",
                                               more, more == 1 ? "" : "s")
                            : "";
    pb_arena *a = ctx->arena;
    const char *tbl = pb_sql_qname(a, op->rel);
    const char *colname = c->name ? c->name : "?";
    const char *col = pb_sql_ident(a, colname);
    const char *qcol = pb_rule_name(ctx, (pb_qname){.name = colname});
    uint32_t end = pb_sql_item_end(ctx->src, op->focus.start, op->span.end);
    const char *expr = pb_sql_default_expr(a, ctx->src, op->focus.start, end);
    const char *func = c->default_func ? pb_arena_sprintf(a, "%s()", c->default_func) : NULL;
    const char *locktext = pb_arena_sprintf(a, "%s %s lock, which %s", pb_lock_article(f.lock),
                                            pb_lock_mode_name(f.lock), pb_lock_blocks_text(f.lock));
    const char *type = pb_sql_type(a, &c->type);
    const char *backfill = pb_arena_sprintf(
        a,
        "then backfill existing rows in batches of a few thousand (UPDATE %s SET %s = ... WHERE "
        "%s IS NULL AND <key range>), one transaction per batch%s",
        tbl, col, col,
        c->not_null && !c->identity ? ", and make it NOT NULL afterwards (see set-not-null-scans)" : "");
    const char *reason, *help;
    if (unknown) {
        reason = func ? pb_arena_sprintf(a, "a DEFAULT that calls %s", func) : "a DEFAULT expression";
        help = pb_arena_sprintf(
            a,
            "if %s is really IMMUTABLE or STABLE, declare it so; otherwise ALTER TABLE %s ADD "
            "COLUMN %s %s; ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s; %s",
            func ? func : "the expression", tbl, col, type, tbl, col, expr ? expr : "...", backfill);
        pb_rule_report(
            ctx, op, op->focus, help,
            "ADD COLUMN %s with %s rewrites %s and all its indexes (table rewrite) under %s for the whole "
            "rewrite, unless %s is declared IMMUTABLE or STABLE (a user function is VOLATILE unless "
            "declared otherwise)%s",
            qcol, reason, pb_rule_name(ctx, op->rel), locktext, func ? func : "every function it calls",
            also);
        return;
    }
    if (c->type.serial) {
        const char *seq = pb_sql_default_name(a, op->rel.name, &colname, 1, "seq");
        reason = "a serial type (its default, nextval(), is volatile)";
        help = pb_arena_sprintf(
            a,
            "ALTER TABLE %s ADD COLUMN %s %s; CREATE SEQUENCE %s OWNED BY %s.%s; ALTER TABLE %s "
            "ALTER COLUMN %s SET DEFAULT nextval(%s); %s",
            tbl, col, serial_base_type(c->type.name), pb_sql_ident(a, seq), tbl, col, tbl, col,
            pb_sql_regclass_literal(a, pb_sql_ident(a, seq)), backfill);
    } else if (c->identity) {
        reason = "GENERATED ... AS IDENTITY";
        help = pb_arena_sprintf(
            a,
            "ALTER TABLE %s ADD COLUMN %s %s; %s; make it NOT NULL (see set-not-null-scans), "
            "then ALTER TABLE %s ALTER COLUMN %s ADD GENERATED BY DEFAULT AS IDENTITY (START WITH "
            "<max + 1>); (catalog-only, no rewrite)",
            tbl, col, type, backfill, tbl, col);
    } else if (c->generated_stored) {
        reason = "GENERATED ALWAYS AS (...) STORED";
        help = pb_arena_sprintf(
            a,
            "a stored generated column cannot be added without a rewrite: add a plain column "
            "(ALTER TABLE %s ADD COLUMN %s %s;), keep it up to date with a trigger, %s",
            tbl, col, type, backfill);
    } else if (c->has_default && c->default_vol == PB_VOL_VOLATILE) {
        reason = func ? pb_arena_sprintf(a, "a volatile default (%s)", func) : "a volatile default";
        help = pb_arena_sprintf(
            a, "ALTER TABLE %s ADD COLUMN %s %s; ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s; %s", tbl, col,
            type, tbl, col, expr ? expr : (func ? func : "..."), backfill);
    } else {
        reason = pb_arena_sprintf(a, "a DEFAULT (on PostgreSQL %d every default is written into each row)",
                                  ctx->pg_version);
        help = pb_arena_sprintf(
            a, "ALTER TABLE %s ADD COLUMN %s %s; ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s; %s", tbl, col,
            type, tbl, col, expr ? expr : "...", backfill);
    }
    pb_rule_report(
        ctx, op, op->focus, help,
        "ADD COLUMN %s with %s rewrites %s and all its indexes (table rewrite) under %s for the whole "
        "rewrite%s",
        qcol, reason, pb_rule_name(ctx, op->rel), locktext, also);
}
