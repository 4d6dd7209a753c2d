/* alter-column-type-rewrites: ALTER COLUMN ... TYPE that rewrites the table
 * (pb_facts_type_change), or whose old type pgbelay cannot see. Quiet for
 * catalog-only changes and for tables created earlier in the part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

void pb_rule__alter_column_type_rewrites(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_ALTER_COLUMN_TYPE || !op->column || pb_rule_table_is_new(ctx, op->rel))
        return;
    const pb_cat_column *oc = pb_catalog_column(pb_catalog_table(ctx->cat, op->rel), op->column);
    const pb_type *old = oc && oc->type.name ? &oc->type : NULL;
    pb_type_change tc = pb_facts_type_change_tz(old, &op->type, op->has_using, op->using_is_column,
                                                ctx->pg_version, ctx->st->timezone_utc);
    if (tc == PB_TYPECHANGE_CATALOG)
        return;
    pb_fact f;
    pb_rule_facts(ctx, op, &f);
    if (!f.rewrite)
        return;
    pb_arena *a = ctx->arena;
    const char *tbl = pb_sql_qname(a, op->rel);
    const char *newtype = pb_sql_type(a, &op->type);
    const char *tmp = pb_sql_ident(a, pb_arena_sprintf(a, "%s_new", op->column));
    const char *help =
        pb_arena_sprintf(a,
                         "%sexpand and contract: ALTER TABLE %s ADD COLUMN %s %s; keep it in sync (trigger "
                         "or dual writes), backfill "
                         "it in batches, switch readers to it, then drop %s in a later release",
                         tc == PB_TYPECHANGE_UNKNOWN ? "if the change is not catalog-only, use " : "", tbl,
                         tmp, newtype, pb_sql_ident(a, op->column));
    const char *col = pb_rule_name(ctx, (pb_qname){.name = op->column});
    const char *locktext = pb_arena_sprintf(a, "%s %s lock, which %s", pb_lock_article(f.lock),
                                            pb_lock_mode_name(f.lock), pb_lock_blocks_text(f.lock));
    if (tc == PB_TYPECHANGE_UNKNOWN) {
        pb_rule_report(
            ctx, op, op->focus, help,
            "ALTER COLUMN %s TYPE %s rewrites %s and rebuilds its indexes (table rewrite) under %s, unless "
            "the change is binary-coercible (varchar(n) to varchar(m >= n) or text, numeric(p,s) to "
            "numeric(p2 >= p,s), ...): pgbelay cannot see the old type of %s",
            col, newtype, pb_rule_name(ctx, op->rel), locktext, col);
        return;
    }
    const char *from = old ? pb_arena_sprintf(a, " (from %s)", pb_sql_type(a, old)) : "";
    pb_rule_report(
        ctx, op, op->focus, help,
        "ALTER COLUMN %s TYPE %s%s%s rewrites %s and rebuilds all its indexes (table rewrite) under %s for "
        "the whole rewrite",
        col, newtype, from, op->has_using && !op->using_is_column ? " with a USING expression" : "",
        pb_rule_name(ctx, op->rel), locktext);
}
