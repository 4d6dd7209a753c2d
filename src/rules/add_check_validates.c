/* add-check-validates: ADD CHECK without NOT VALID (and an inline CHECK in
 * ADD COLUMN) checks every row under ACCESS EXCLUSIVE. Quiet for tables
 * created earlier in the part. */
#include <string.h>

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

void pb_rule__add_check_validates(pb_rule_ctx *ctx, const pb_op *op)
{
    bool add_con = op->kind == PB_OP_ADD_CONSTRAINT && op->con_kind == PB_CON_CHECK;
    bool add_col = op->kind == PB_OP_ADD_COLUMN && op->col && op->col->has_check;
    if (!(add_con || add_col) || pb_rule_table_is_new(ctx, op->rel))
        return;
    pb_fact f;
    pb_rule_facts(ctx, op, &f);
    if (add_con ? !f.scan : !has_key(&f, PB_FACT_ADD_COLUMN_CHECK))
        return;
    pb_arena *a = ctx->arena;
    const char *tbl = pb_sql_qname(a, op->rel);
    uint32_t end = pb_sql_item_end(ctx->src, op->focus.start, op->span.end);
    if (add_con) {
        const char *col = op->check_not_null_column;
        const char *name =
            op->con_name ? op->con_name
                         : pb_sql_default_name(a, op->rel.name, col ? &col : NULL, col ? 1 : 0, "check");
        const char *def = pb_sql_text(a, ctx->src, op->focus.start, end);
        /* replacing a constraint of the same name in the same statement:
           the help must drop it too, or pasting fails with "already exists" */
        const char *drop = "";
        for (size_t i = 0; op->con_name && i < ctx->ops->len; i++) {
            const pb_op *o = ctx->ops->items[i];
            if (o->stmt == op->stmt && o->kind == PB_OP_DROP_CONSTRAINT && o->con_name &&
                strcmp(o->con_name, op->con_name) == 0 && pb_qname_match(o->rel, op->rel))
                drop = pb_arena_sprintf(a, "DROP CONSTRAINT %s%s, ", o->if_exists ? "IF EXISTS " : "",
                                        pb_sql_ident(a, o->con_name));
        }
        const char *add;
        if (def && op->con_name)
            add = pb_arena_sprintf(a, "ALTER TABLE %s %sADD %s NOT VALID;", tbl, drop, def);
        else if (def && strncasecmp(def, "check", 5) == 0)
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
            "ADD CHECK without NOT VALID checks every existing row of %s (full table scan) under %s %s "
            "lock, which %s for the whole scan",
            pb_rule_name(ctx, op->rel), pb_lock_article(f.lock), pb_lock_mode_name(f.lock),
            pb_lock_blocks_text(f.lock));
        return;
    }
    const char *col = op->col->name ? op->col->name : "?";
    /* the user's CONSTRAINT name, else the one PostgreSQL would choose */
    const char *name = NULL;
    for (size_t i = 0; i < op->col->nconstraints && !name; i++) {
        const pb_constraint *pc = op->col->constraints[i];
        if (pc->kind == PB_CON_CHECK)
            name =
                pc->name
                    ? pc->name
                    : pb_catalog_default_constraint_name(a, op->rel.name ? op->rel.name : "t", PB_CON_CHECK,
                                                         (const char *const *)pc->columns, pc->ncolumns);
    }
    if (!name)
        name = pb_sql_default_name(a, op->rel.name, &col, 1, "check");
    const char *expr = pb_sql_paren_after(a, ctx->src, op->focus.start, end, "check");
    const char *help =
        pb_arena_sprintf(a,
                         "add the column without the CHECK, then ALTER TABLE %s ADD CONSTRAINT %s CHECK %s "
                         "NOT VALID; and, in a "
                         "separate transaction: ALTER TABLE %s VALIDATE CONSTRAINT %s;",
                         tbl, pb_sql_ident(a, name), expr ? expr : "(...)", tbl, pb_sql_ident(a, name));
    pb_rule_report(
        ctx, op, op->focus, help,
        "ADD COLUMN %s with an inline CHECK checks every existing row of %s (full table scan) under %s %s "
        "lock, which %s for the whole scan",
        pb_rule_name(ctx, (pb_qname){.name = col}), pb_rule_name(ctx, op->rel), pb_lock_article(f.lock),
        pb_lock_mode_name(f.lock), pb_lock_blocks_text(f.lock));
}
