/* missing-rollback: an up part whose migration has no down part, in a
 * project whose tool rolls back with down parts. Reported once, at the
 * part's first statement; the help sketches the down part from the ops. */
#include "parse/deparse.h"
#include "rules/rule.h"
#include "rules/rule_util.h"

/* The statement that undoes `op`, or NULL if SQL alone cannot (data
 * changes, drops, type changes) or it needs none (SET, BEGIN, ...).
 * *lossy is set when `op` destroys or changes data. */
static const char *undo(pb_arena *a, const pb_op *op, bool *lossy)
{
    const char *t = pb_sql_qname(a, op->rel);
    switch (op->kind) {
    case PB_OP_CREATE_TABLE: return op->temp ? NULL : pb_arena_sprintf(a, "DROP TABLE %s;", t);
    case PB_OP_CREATE_TABLE_AS:
        return pb_arena_sprintf(a, "DROP %s %s;", op->matview ? "MATERIALIZED VIEW" : "TABLE", t);
    case PB_OP_CREATE_VIEW: return op->replace ? NULL : pb_arena_sprintf(a, "DROP VIEW %s;", t);
    case PB_OP_ADD_COLUMN:
        return op->column
                   ? pb_arena_sprintf(a, "ALTER TABLE %s DROP COLUMN %s;", t, pb_sql_ident(a, op->column))
                   : NULL;
    case PB_OP_CREATE_INDEX:
        if (!op->index_name)
            return NULL;
        return pb_arena_sprintf(a, "DROP INDEX %s%s;", op->concurrently ? "CONCURRENTLY " : "",
                                pb_sql_qname(a, (pb_qname){op->rel.schema, op->index_name}));
    case PB_OP_ADD_CONSTRAINT: {
        /* unnamed ones get PostgreSQL's names; a CHECK's depends on its expression */
        const char *name = op->con_name;
        if (!name && op->con_kind == PB_CON_FOREIGN_KEY)
            name = pb_sql_default_name(a, op->rel.name, op->con_columns, op->ncon_columns, "fkey");
        else if (!name && op->con_kind == PB_CON_UNIQUE)
            name = pb_sql_default_name(a, op->rel.name, op->con_columns, op->ncon_columns, "key");
        else if (!name && op->con_kind == PB_CON_PRIMARY_KEY)
            name = pb_sql_default_name(a, op->rel.name, NULL, 0, "pkey");
        return name ? pb_arena_sprintf(a, "ALTER TABLE %s DROP CONSTRAINT %s;", t, pb_sql_ident(a, name))
                    : NULL;
    }
    case PB_OP_SET_NOT_NULL:
        return pb_arena_sprintf(a, "ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL;", t,
                                pb_sql_ident(a, op->column));
    case PB_OP_RENAME_COLUMN:
        if (!op->column || !op->new_name)
            return NULL;
        return pb_arena_sprintf(a, "ALTER TABLE %s RENAME COLUMN %s TO %s;", t, pb_sql_ident(a, op->new_name),
                                pb_sql_ident(a, op->column));
    case PB_OP_RENAME_TABLE:
        if (!op->new_name)
            return NULL;
        return pb_arena_sprintf(a, "ALTER TABLE %s RENAME TO %s;",
                                pb_sql_qname(a, (pb_qname){op->rel.schema, op->new_name}),
                                pb_sql_ident(a, op->rel.name));
    case PB_OP_CREATE_SCHEMA: return pb_arena_sprintf(a, "DROP SCHEMA %s;", pb_sql_ident(a, op->obj.name));
    case PB_OP_CREATE_ENUM: return pb_arena_sprintf(a, "DROP TYPE %s;", pb_sql_qname(a, op->obj));
    case PB_OP_ALTER_ENUM:
        if (op->enum_rename && op->enum_old_value && op->new_name)
            return pb_arena_sprintf(a, "ALTER TYPE %s RENAME VALUE %s TO %s;", pb_sql_qname(a, op->obj),
                                    pb_sql_literal(a, op->new_name), pb_sql_literal(a, op->enum_old_value));
        return NULL; /* ADD VALUE: see enum_added() */
    case PB_OP_DROP_TABLE:
    case PB_OP_DROP_COLUMN:
    case PB_OP_DROP_SCHEMA:
    case PB_OP_TRUNCATE:
    case PB_OP_ALTER_COLUMN_TYPE:
    case PB_OP_UPDATE:
    case PB_OP_DELETE:
    case PB_OP_INSERT: *lossy = true; return NULL;
    default: return NULL;
    }
}

/* The first ALTER TYPE ... ADD VALUE of the part: no statement removes an
 * enum value (PostgreSQL 15 manual, ALTER TYPE: there is no DROP VALUE). */
static const pb_op *enum_added(const pb_rule_ctx *ctx)
{
    for (size_t i = 0; i < ctx->ops->len; i++) {
        const pb_op *o = ctx->ops->items[i];
        if (o->kind == PB_OP_ALTER_ENUM && !o->enum_rename && o->new_name)
            return o;
    }
    return NULL;
}

void pb_rule__missing_rollback(pb_rule_ctx *ctx, const pb_op *op)
{
    const pb_lint_state *st = ctx->st;
    if (ctx->op_index != 0 || st->down || !st->expects_down || st->has_down)
        return;
    pb_arena *a = ctx->arena;
    /* tables the part creates: DROP TABLE undoes everything done to them */
    pb_qname created[64];
    size_t ncreated = 0;
    for (size_t i = 0; i < ctx->ops->len && ncreated < 64; i++) {
        const pb_op *o = ctx->ops->items[i];
        if ((o->kind == PB_OP_CREATE_TABLE || o->kind == PB_OP_CREATE_TABLE_AS) && o->rel.name)
            created[ncreated++] = o->rel;
    }
    const char *steps = "";
    size_t nsteps = 0;
    bool lossy = false, more = false;
    for (size_t i = ctx->ops->len; i-- > 0;) {
        const pb_op *o = ctx->ops->items[i];
        bool on_created = false;
        if (o->kind != PB_OP_CREATE_TABLE && o->kind != PB_OP_CREATE_TABLE_AS)
            for (size_t k = 0; k < ncreated && !on_created; k++)
                on_created = pb_qname_match(o->rel, created[k]);
        if (on_created)
            continue;
        const char *u = undo(a, o, &lossy);
        if (!u)
            continue;
        if (nsteps == 5) {
            more = true;
            continue;
        }
        steps = pb_arena_sprintf(a, "%s%s%s", steps, nsteps ? " " : "", u);
        nsteps++;
    }
    const pb_op *ev = enum_added(ctx);
    const char *why_enum = "PostgreSQL has no ALTER TYPE ... DROP VALUE; only re-creating the type and "
                           "converting the columns that use it removes a value";
    const char *enum_note =
        ev ? pb_arena_sprintf(a, " (the value %s added to %s stays: %s)", pb_sql_literal(a, ev->new_name),
                              pb_rule_name(ctx, ev->obj), why_enum)
           : "";
    const char *help;
    if (nsteps)
        help = pb_arena_sprintf(a, "add a down part that undoes the up part in reverse order: %s%s%s%s", steps,
                                more ? " ..." : "",
                                lossy ? " (the data it changes or drops can only come back from a copy made "
                                        "before)"
                                      : "",
                                enum_note);
    else if (ev && !lossy)
        help = pb_arena_sprintf(a,
                                "a down part cannot remove the value %s this part adds to %s (%s): add a down "
                                "part that undoes the rest, or an empty one with a comment saying so",
                                pb_sql_literal(a, ev->new_name), pb_rule_name(ctx, ev->obj), why_enum);
    else
        help = pb_arena_sprintf(a, "add a down part that undoes exactly what the up part does, in reverse order%s",
                                enum_note);
    pb_rule_report(
        ctx, op, op->span, help,
        "this migration has no down part, though its migration tool rolls back with down parts: if "
        "the deploy must be undone, there is no prepared way back");
}
