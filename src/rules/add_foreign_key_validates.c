/* add-foreign-key-validates: ADD FOREIGN KEY without NOT VALID (and ADD
 * COLUMN ... REFERENCES with a DEFAULT) validates every row while holding
 * write-blocking locks on both tables. Quiet for tables created earlier in
 * the part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

#include <strings.h>

static bool has_key(const pb_fact *f, pb_fact_key k)
{
    for (int i = 0; i < f->nkeys; i++)
        if (f->keys[i] == k)
            return true;
    return false;
}

/* "a SHARE ROW EXCLUSIVE lock on "t" and on the referenced table "p", which
 * blocks writes (reads continue)" */
static const char *locks_text(const pb_rule_ctx *ctx, const pb_fact *f, pb_qname rel, pb_qname ref)
{
    if (!f->other_lock || !ref.name)
        return pb_arena_sprintf(ctx->arena, "%s %s lock on %s, which %s", pb_lock_article(f->lock),
                                pb_lock_mode_name(f->lock), pb_rule_name(ctx, rel),
                                pb_lock_blocks_text(f->lock));
    if (f->other_lock == f->lock)
        return pb_arena_sprintf(ctx->arena, "%s locks on %s and on the %s %s, which %s on both",
                                pb_lock_mode_name(f->lock), pb_rule_name(ctx, rel), f->other_role,
                                pb_rule_name(ctx, ref), pb_lock_blocks_text(f->lock));
    return pb_arena_sprintf(ctx->arena, "%s %s lock on %s, which %s, and %s %s lock on the %s %s, which %s",
                            pb_lock_article(f->lock), pb_lock_mode_name(f->lock), pb_rule_name(ctx, rel),
                            pb_lock_blocks_text(f->lock), pb_lock_article(f->other_lock),
                            pb_lock_mode_name(f->other_lock), f->other_role, pb_rule_name(ctx, ref),
                            pb_lock_blocks_text(f->other_lock));
}

void pb_rule__add_foreign_key_validates(pb_rule_ctx *ctx, const pb_op *op)
{
    bool add_con = op->kind == PB_OP_ADD_CONSTRAINT && op->con_kind == PB_CON_FOREIGN_KEY;
    bool add_col = op->kind == PB_OP_ADD_COLUMN && op->col && op->col->references;
    if (!(add_con || add_col) || pb_rule_table_is_new(ctx, op->rel))
        return;
    pb_fact f;
    pb_rule_facts(ctx, op, &f);
    if (add_con ? !f.scan : !has_key(&f, PB_FACT_ADD_COLUMN_REFERENCES_DEFAULT))
        return;
    pb_arena *a = ctx->arena;
    const char *tbl = pb_sql_qname(a, op->rel);
    if (add_con) {
        const char *name =
            op->con_name ? op->con_name
                         : pb_sql_default_name(a, op->rel.name, op->con_columns, op->ncon_columns, "fkey");
        uint32_t end = pb_sql_item_end(ctx->src, op->focus.start, op->span.end);
        const char *def = pb_sql_text(a, ctx->src, op->focus.start, end);
        const char *add;
        if (def && op->con_name)
            add = pb_arena_sprintf(a, "ALTER TABLE %s ADD %s NOT VALID;", tbl, def);
        else if (def && strncasecmp(def, "foreign", 7) == 0)
            add = pb_arena_sprintf(a, "ALTER TABLE %s ADD CONSTRAINT %s %s NOT VALID;", tbl,
                                   pb_sql_ident(a, name), def);
        else
            add = "add NOT VALID to the constraint;";
        const char *help =
            pb_arena_sprintf(a,
                             "%s then, in a separate transaction (a later migration): ALTER TABLE "
                             "%s VALIDATE CONSTRAINT %s;",
                             add, tbl, pb_sql_ident(a, name));
        pb_rule_report(
            ctx, op, op->focus, help,
            "ADD FOREIGN KEY without NOT VALID checks every existing row of %s (full table scan) under "
            "%s, until the transaction commits",
            pb_rule_name(ctx, op->rel), locks_text(ctx, &f, op->rel, op->ref));
        return;
    }
    const pb_column *c = op->col;
    const char *col = c->name ? c->name : "?";
    const char *name = pb_sql_default_name(a, op->rel.name, &col, 1, "fkey");
    const char *refcol = c->ref_column ? pb_arena_sprintf(a, " (%s)", pb_sql_ident(a, c->ref_column)) : "";
    const char *help = pb_arena_sprintf(a,
                                        "add the column without REFERENCES, then ALTER TABLE %s ADD "
                                        "CONSTRAINT %s FOREIGN KEY (%s) REFERENCES "
                                        "%s%s NOT VALID; (keeping any ON DELETE / ON UPDATE action) and, in "
                                        "a separate transaction: ALTER TABLE %s "
                                        "VALIDATE CONSTRAINT %s;",
                                        tbl, pb_sql_ident(a, name), pb_sql_ident(a, col),
                                        pb_sql_qname(a, c->ref), refcol, tbl, pb_sql_ident(a, name));
    pb_rule_report(
        ctx, op, op->focus, help,
        "ADD COLUMN %s with REFERENCES and a DEFAULT checks every existing row of %s against %s (full "
        "table scan) under %s",
        pb_rule_name(ctx, (pb_qname){.name = col}), pb_rule_name(ctx, op->rel), pb_rule_name(ctx, c->ref),
        locks_text(ctx, &f, op->rel, c->ref));
}
