/* backfill-in-schema-migration: a data change on an existing table inside a
 * schema migration: UPDATE / DELETE / INSERT ... SELECT in the same
 * transaction as a statement whose lock blocks writes, and any UPDATE or
 * DELETE without WHERE. One finding per statement. Quiet for tables created
 * earlier in the part and, in a down part, for tables its up part created. */
#include "parse/deparse.h"
#include "rules/rule.h"
#include "rules/rule_util.h"

#include <string.h>

/* How far to look for the locking statement within one transaction: bounds
 * the work on transactions of many thousands of statements. */
#define SCAN_LIMIT 1000

static bool is_data_change(const pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind == PB_OP_UPDATE || op->kind == PB_OP_DELETE)
        return true;
    if (op->kind != PB_OP_INSERT)
        return false;
    /* INSERT ... SELECT ... FROM copies rows; INSERT ... VALUES and
       INSERT ... SELECT 'x' WHERE NOT EXISTS (...) add a few */
    uint32_t sel = pb_sql_find_word(ctx->src, op->span.start, op->span.end, "select");
    return sel != UINT32_MAX && pb_sql_find_word(ctx->src, sel, op->span.end, "from") != UINT32_MAX;
}

/* The first two words of a statement ("ALTER TABLE", "CREATE INDEX"). */
static const char *stmt_words(const pb_rule_ctx *ctx, const pb_op *op)
{
    uint32_t end = op->span.start + 64 < op->span.end ? op->span.start + 64 : op->span.end;
    const char *t = pb_sql_text(ctx->arena, ctx->src, op->span.start, end);
    if (!t)
        return "statement";
    char *s = pb_arena_strdup(ctx->arena, t);
    char *sp = strchr(s, ' ');
    if (sp && (sp = strchr(sp + 1, ' ')))
        *sp = '\0';
    for (char *p = s; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
        else if (!(*p >= 'A' && *p <= 'Z') && *p != ' ')
            *p = '\0';
    return s;
}

/* Can `k` take a lock that blocks writes? (Cheap: checked before facts.) */
static inline bool may_lock(pb_op_kind k)
{
    switch (k) {
    case PB_OP_INSERT:
    case PB_OP_UPDATE:
    case PB_OP_DELETE:
    case PB_OP_OTHER:
    case PB_OP_SET:
    case PB_OP_BEGIN:
    case PB_OP_COMMIT:
    case PB_OP_ROLLBACK:
    case PB_OP_SAVEPOINT: return false;
    default: return true;
    }
}

typedef struct lock_hit {
    const pb_op *op;
    pb_lock_mode mode;
    pb_qname on;
} lock_hit;

/* Does `o` hold a lock that blocks writes to a table that existed before
 * the part? `created` lists tables created between the current op and `o`. */
static bool write_lock(const pb_rule_ctx *ctx, const pb_op *o, const pb_qname *created, size_t ncreated,
                       lock_hit *hit)
{
    pb_fact f;
    pb_rule_facts(ctx, o, &f);
    if (!f.known)
        return false;
    bool creates =
        o->kind == PB_OP_CREATE_TABLE || o->kind == PB_OP_CREATE_TABLE_AS || o->kind == PB_OP_CREATE_VIEW;
    pb_qname targets[2] = {creates ? (pb_qname){0} : o->rel, o->ref.name ? o->ref : o->obj};
    pb_lock_mode modes[2] = {f.lock, f.other_lock};
    for (int k = 0; k < 2; k++) {
        if (!targets[k].name || !pb_lock_blocks_writes(modes[k]) || pb_rule_relation_is_new(ctx, targets[k]))
            continue;
        bool fresh = false;
        for (size_t c = 0; c < ncreated && !fresh; c++)
            fresh = pb_qname_match(created[c], targets[k]);
        if (fresh)
            continue;
        *hit = (lock_hit){o, modes[k], targets[k]};
        return true;
    }
    return false;
}

/* A statement of the same transaction that holds a write-blocking lock,
 * preferring one on the changed table: the nearest one before the op, else
 * the first one after it. */
static bool find_lock(const pb_rule_ctx *ctx, const pb_op *op, lock_hit *hit, bool *after)
{
    const pb_ops *ops = ctx->ops;
    size_t i = ctx->op_index;
    lock_hit h;
    hit->op = NULL;
    /* back to the transaction's start (BEGIN, or the COMMIT before it) */
    for (size_t k = i; k-- > 0 && i - k <= SCAN_LIMIT;) {
        const pb_op *o = ops->items[k];
        if (o->kind == PB_OP_BEGIN || o->kind == PB_OP_COMMIT || o->kind == PB_OP_ROLLBACK)
            break;
        if (may_lock(o->kind) && write_lock(ctx, o, NULL, 0, &h)) {
            if (!hit->op || pb_qname_match(h.on, op->rel))
                *hit = h;
            if (pb_qname_match(h.on, op->rel))
                break;
        }
    }
    if (hit->op) {
        *after = false;
        return true;
    }
    /* on to its end */
    pb_qname created[32];
    size_t ncreated = 0;
    for (size_t k = i + 1; k < ops->len && k - i <= SCAN_LIMIT; k++) {
        const pb_op *o = ops->items[k];
        if (o->kind == PB_OP_COMMIT || o->kind == PB_OP_ROLLBACK)
            break;
        if (may_lock(o->kind) && write_lock(ctx, o, created, ncreated, &h)) {
            if (!hit->op || pb_qname_match(h.on, op->rel))
                *hit = h;
            if (pb_qname_match(h.on, op->rel))
                break;
        }
        if ((o->kind == PB_OP_CREATE_TABLE || o->kind == PB_OP_CREATE_TABLE_AS) && o->rel.name &&
            ncreated < 32)
            created[ncreated++] = o->rel;
    }
    *after = true;
    return hit->op != NULL;
}

/* The table's single-column primary key as the catalog knows it, else "id". */
static const char *key_column(const pb_rule_ctx *ctx, pb_qname rel)
{
    const pb_cat_index *x =
        pb_catalog_index(ctx->cat, (pb_qname){rel.schema, pb_arena_sprintf(ctx->arena, "%s_pkey", rel.name)});
    return x && x->ncolumns == 1 ? x->columns[0] : "id";
}

/* The batched form of the statement, for the help. */
static const char *batched(const pb_rule_ctx *ctx, const pb_op *op)
{
    pb_arena *a = ctx->arena;
    const pb_source *src = ctx->src;
    const char *t = pb_sql_qname(a, op->rel);
    const char *key = pb_sql_ident(a, key_column(ctx, op->rel));
    uint32_t s = op->span.start, e = op->span.end;
    uint32_t ret = pb_sql_find_word(src, s, e, "returning");
    if (ret != UINT32_MAX)
        e = ret;
    uint32_t w = pb_sql_find_word(src, s, e, "where");
    const char *cond = w != UINT32_MAX ? pb_sql_text(a, src, w + 5, e) : NULL;
    if (cond) {
        size_t n = strlen(cond);
        if (n && cond[n - 1] == ';')
            cond = pb_arena_sprintf(a, "%.*s", (int)(n - 1), cond);
    }
    const char *range = pb_arena_sprintf(a, "%s BETWEEN $1 AND $2", key);
    const char *where = cond ? pb_arena_sprintf(a, "(%s) AND %s", cond, range) : range;
    /* a WITH clause, USING list or alias would be lost by the textual
       form below: then the generic form, which the reader completes */
    uint32_t first = pb_sql_find_word(src, s, e, "with");
    bool with = first == s;
    if (op->kind == PB_OP_DELETE) {
        bool using = pb_sql_find_word(src, s, w != UINT32_MAX ? w : e, "using") != UINT32_MAX;
        if (with || using)
            return pb_arena_sprintf(a, "DELETE FROM %s WHERE ... AND %s;", t, range);
        return pb_arena_sprintf(a, "DELETE FROM %s WHERE %s;", t, where);
    }
    if (op->kind == PB_OP_UPDATE) {
        /* the parse tree's pieces (false for FROM, WITH, RETURNING, ...) */
        const char *set, *pwhere, *alias, *todo;
        size_t tlen;
        const char *text = pb_source_text(src, &tlen);
        if (!pb_deparse_update_parts(a, text + op->span.start, op->span.end - op->span.start, &set, &pwhere,
                                     &alias, &todo))
            return pb_arena_sprintf(a, "UPDATE %s SET ... WHERE ... AND %s;", t, range);
        const char *qual = alias ? pb_arena_sprintf(a, "%s.%s", pb_sql_ident(a, alias), key) : key;
        const char *r = pb_arena_sprintf(a, "%s BETWEEN $1 AND $2", qual);
        return pb_arena_sprintf(a, "UPDATE %s%s%s SET %s WHERE %s;", t, alias ? " AS " : "",
                                alias ? pb_sql_ident(a, alias) : "", set,
                                pwhere ? pb_arena_sprintf(a, "(%s) AND %s", pwhere, r) : r);
    }
    return pb_arena_sprintf(a,
                            "the same INSERT INTO %s ... SELECT, restricted to one key range of its source "
                            "table per batch (WHERE id BETWEEN $1 AND $2)",
                            t);
}

void pb_rule__backfill_in_schema_migration(pb_rule_ctx *ctx, const pb_op *op)
{
    if (!is_data_change(ctx, op) || !op->rel.name || pb_rule_relation_is_new(ctx, op->rel) ||
        pb_rule_undoes_own_up(ctx, op->rel, NULL))
        return;
    bool unbounded = (op->kind == PB_OP_UPDATE || op->kind == PB_OP_DELETE) && !op->has_where;
    lock_hit hit = {0};
    bool after = false;
    bool locked = ctx->st->in_tx && find_lock(ctx, op, &hit, &after);
    if (!unbounded && !locked)
        return;
    pb_arena *a = ctx->arena;
    const char *tbl = pb_rule_name(ctx, op->rel);
    const char *msg = NULL;
    if (unbounded)
        msg = pb_arena_sprintf(
            a,
            "%s without WHERE %s every row of %s in one transaction: a row lock on each until "
            "it commits, WAL for all of them at once (replicas fall behind) and a dead row "
            "version of each for VACUUM",
            op->kind == PB_OP_UPDATE ? "UPDATE" : "DELETE",
            op->kind == PB_OP_UPDATE ? "writes a new version of" : "deletes", tbl);
    if (locked) {
        const char *stmt = pb_arena_sprintf(a, "the %s at line %u", stmt_words(ctx, hit.op),
                                            pb_rule_offset_line(ctx, hit.op->span.start));
        const char *lock = pb_arena_sprintf(a, "%s %s lock on %s, which %s", pb_lock_article(hit.mode),
                                            pb_lock_mode_name(hit.mode), pb_rule_name(ctx, hit.on),
                                            pb_lock_blocks_text(hit.mode));
        const char *subject = msg ? pb_arena_sprintf(a, "%s; it", msg)
                                  : pb_arena_sprintf(a, "%s %s",
                                                     op->kind == PB_OP_UPDATE   ? "UPDATE of"
                                                     : op->kind == PB_OP_DELETE ? "DELETE from"
                                                                                : "INSERT ... SELECT into",
                                                     tbl);
        msg = after
                  ? pb_arena_sprintf(
                        a,
                        "%s runs in the same transaction as %s, so the rows it writes stay locked and "
                        "uncommitted "
                        "while that statement waits for and then holds %s, until the transaction "
                        "commits",
                        subject, stmt, lock)
                  : pb_arena_sprintf(a,
                                     "%s runs in the same transaction as %s and its %s: that lock is held "
                                     "until the transaction commits, so it lasts as long as this whole data "
                                     "change",
                                     subject, stmt, lock + strlen(pb_lock_article(hit.mode)) + 1);
    }
    const pb_cat_index *pk =
        pb_catalog_index(ctx->cat, (pb_qname){op->rel.schema, pb_arena_sprintf(a, "%s_pkey", op->rel.name)});
    const char *help =
        pb_arena_sprintf(a,
                         "move the data change to its own migration or job, outside the schema change's "
                         "transaction, and run it in batches, each its own transaction, with a short sleep "
                         "between them: %s%s",
                         batched(ctx, op),
                         op->kind == PB_OP_INSERT || (pk && pk->ncolumns == 1)
                             ? ""
                             : " (with id standing for the table's key column)");
    pb_rule_report(ctx, op, op->focus, help, "%s", msg);
}
