/* SQL text for the planner through libpg_query's protobuf parse tree and
 * deparser (pg_query_parse_protobuf / pg_query_deparse_protobuf). */
#include <stdlib.h>
#include <string.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "core/buf.h"
#include "parse/deparse.h"
#include "rules/rule_util.h" /* pb_sql_ident */

const char *pb_sql_literal(pb_arena *a, const char *s)
{
    pb_buf b = {0};
    pb_buf_putc(&b, '\'');
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '\'')
            pb_buf_putc(&b, '\'');
        pb_buf_putc(&b, *p);
    }
    pb_buf_putc(&b, '\'');
    const char *r = pb_arena_strndup(a, b.data, b.len);
    pb_buf_release(&b);
    return r;
}

/* A parsed statement as protobuf-c structs. */
typedef struct tree {
    PgQueryProtobufParseResult raw;
    PgQuery__ParseResult *pr;
} tree;

static bool tree_parse(tree *t, const char *stmt, size_t len)
{
    memset(t, 0, sizeof *t);
    char *text = malloc(len + 1);
    if (!text)
        return false;
    memcpy(text, stmt, len);
    text[len] = '\0';
    t->raw = pg_query_parse_protobuf(text);
    free(text);
    if (t->raw.error) {
        pg_query_free_protobuf_parse_result(t->raw);
        memset(t, 0, sizeof *t);
        return false;
    }
    t->pr =
        pg_query__parse_result__unpack(NULL, t->raw.parse_tree.len, (const uint8_t *)t->raw.parse_tree.data);
    if (!t->pr || t->pr->n_stmts < 1) {
        if (t->pr)
            pg_query__parse_result__free_unpacked(t->pr, NULL);
        pg_query_free_protobuf_parse_result(t->raw);
        memset(t, 0, sizeof *t);
        return false;
    }
    return true;
}

static void tree_free(tree *t)
{
    if (t->pr) {
        pg_query__parse_result__free_unpacked(t->pr, NULL);
        pg_query_free_protobuf_parse_result(t->raw);
    }
    memset(t, 0, sizeof *t);
}

static PgQuery__Node *first_stmt(tree *t)
{
    return t->pr && t->pr->n_stmts ? t->pr->stmts[0]->stmt : NULL;
}

/* Deparses the (edited) tree into an arena string without a trailing ';'. */
static const char *tree_deparse(pb_arena *a, tree *t)
{
    size_t n = pg_query__parse_result__get_packed_size(t->pr);
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf)
        return NULL;
    pg_query__parse_result__pack(t->pr, buf);
    PgQueryProtobuf p = {.len = n, .data = (char *)buf};
    PgQueryDeparseResult d = pg_query_deparse_protobuf(p);
    free(buf);
    const char *r = NULL;
    if (!d.error && d.query)
        r = pb_arena_strdup(a, d.query);
    pg_query_free_deparse_result(d);
    return r;
}

/* libpg_query 15.1's deparser writes index and constraint names without
 * quoting them ("Idx X" comes out as Idx X, which does not parse): the
 * caller deparses with `slot` set to a placeholder, and this puts the
 * real name back, quoted as needed. */
static const char name_placeholder[] = "pgbelay_name_placeholder";

static const char *put_name(pb_arena *a, const char *sql, const char *real)
{
    const char *at = sql && real && real[0] ? strstr(sql, name_placeholder) : NULL;
    if (!at)
        return sql;
    return pb_arena_sprintf(a, "%.*s%s%s", (int)(at - sql), sql, pb_sql_ident(a, real),
                            at + sizeof name_placeholder - 1);
}

const char *pb_deparse_create_index(pb_arena *a, const char *stmt, size_t len, const char *name)
{
    tree t;
    if (!tree_parse(&t, stmt, len))
        return NULL;
    const char *r = NULL;
    PgQuery__Node *n = first_stmt(&t);
    if (n && n->node_case == PG_QUERY__NODE__NODE_INDEX_STMT) {
        PgQuery__IndexStmt *ix = n->index_stmt;
        char *old = ix->idxname;
        ix->concurrent = true;
        if (name)
            ix->idxname = (char *)name;
        ix->if_not_exists = ix->idxname && ix->idxname[0];
        const char *real = ix->idxname;
        if (real && real[0])
            ix->idxname = (char *)name_placeholder;
        r = put_name(a, tree_deparse(a, &t), real);
        ix->idxname = old;
    }
    tree_free(&t);
    return r;
}

static PgQuery__AlterTableCmd *alter_cmd(tree *t, size_t cmd)
{
    PgQuery__Node *n = first_stmt(t);
    if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT)
        return NULL;
    PgQuery__AlterTableStmt *at = n->alter_table_stmt;
    if (cmd >= at->n_cmds || at->cmds[cmd]->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
        return NULL;
    return at->cmds[cmd]->alter_table_cmd;
}

const char *pb_deparse_alter_cmd(pb_arena *a, const char *stmt, size_t len, size_t cmd, const char *con_name,
                                 bool not_valid)
{
    tree t;
    if (!tree_parse(&t, stmt, len))
        return NULL;
    const char *r = NULL;
    PgQuery__AlterTableCmd *c = alter_cmd(&t, cmd);
    if (c) {
        PgQuery__AlterTableStmt *at = first_stmt(&t)->alter_table_stmt;
        size_t n = at->n_cmds;
        PgQuery__Node **cmds = at->cmds;
        PgQuery__Node *one = cmds[cmd];
        at->cmds = &one;
        at->n_cmds = 1;
        PgQuery__Constraint *con = NULL;
        char *old_name = NULL;
        protobuf_c_boolean old_skip = 0, old_valid = 0;
        if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint && c->def &&
            c->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
            con = c->def->constraint;
            old_name = con->conname;
            old_skip = con->skip_validation;
            old_valid = con->initially_valid;
            if (con_name && (!con->conname || !con->conname[0]))
                con->conname = (char *)con_name;
            if (not_valid) {
                con->skip_validation = true;
                con->initially_valid = false;
            }
        }
        const char *real = con ? con->conname : NULL;
        if (real && real[0])
            con->conname = (char *)name_placeholder;
        r = put_name(a, tree_deparse(a, &t), real);
        if (con) {
            con->conname = old_name;
            con->skip_validation = old_skip;
            con->initially_valid = old_valid;
        }
        at->cmds = cmds;
        at->n_cmds = n;
    }
    tree_free(&t);
    return r;
}

/* Deparses an expression node by putting it into "SELECT 1" in place of
 * the 1. */
static const char *expr_text(pb_arena *a, PgQuery__Node *expr)
{
    if (!expr)
        return NULL;
    tree t;
    if (!tree_parse(&t, "SELECT 1", 8))
        return NULL;
    const char *r = NULL;
    PgQuery__Node *n = first_stmt(&t);
    if (n && n->node_case == PG_QUERY__NODE__NODE_SELECT_STMT && n->select_stmt->n_target_list == 1 &&
        n->select_stmt->target_list[0]->node_case == PG_QUERY__NODE__NODE_RES_TARGET) {
        PgQuery__ResTarget *rt = n->select_stmt->target_list[0]->res_target;
        PgQuery__Node *old = rt->val;
        rt->val = expr;
        const char *s = tree_deparse(a, &t);
        rt->val = old;
        if (s && !strncmp(s, "SELECT ", 7))
            r = s + 7;
    }
    tree_free(&t);
    return r;
}

/* Deparses a type name by putting it into "SELECT NULL::int4". */
static const char *type_text(pb_arena *a, PgQuery__TypeName *tn)
{
    if (!tn)
        return NULL;
    tree t;
    if (!tree_parse(&t, "SELECT NULL::int4", 17))
        return NULL;
    const char *r = NULL;
    PgQuery__Node *n = first_stmt(&t);
    PgQuery__ResTarget *rt =
        n && n->node_case == PG_QUERY__NODE__NODE_SELECT_STMT && n->select_stmt->n_target_list == 1
            ? n->select_stmt->target_list[0]->res_target
            : NULL;
    if (rt && rt->val && rt->val->node_case == PG_QUERY__NODE__NODE_TYPE_CAST) {
        PgQuery__TypeName *old = rt->val->type_cast->type_name;
        rt->val->type_cast->type_name = tn;
        const char *s = tree_deparse(a, &t);
        rt->val->type_cast->type_name = old;
        if (s && !strncmp(s, "SELECT NULL::", 13))
            r = s + 13;
    }
    tree_free(&t);
    return r;
}

static PgQuery__ColumnDef *cmd_coldef(PgQuery__AlterTableCmd *c)
{
    return c && c->def && c->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF ? c->def->column_def : NULL;
}

enum piece { P_DEFAULT, P_USING, P_CHECK, P_TYPE };

static const char *default_text(pb_arena *a, PgQuery__AlterTableCmd *c)
{
    if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault)
        return expr_text(a, c->def);
    PgQuery__ColumnDef *cd = c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn ? cmd_coldef(c) : NULL;
    for (size_t i = 0; cd && i < cd->n_constraints; i++) {
        PgQuery__Node *k = cd->constraints[i];
        if (k->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
            k->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT)
            return expr_text(a, k->constraint->raw_expr);
    }
    return cd && cd->raw_default ? expr_text(a, cd->raw_default) : NULL;
}

/* "character varying(100)", with COLLATE when the column definition has one. */
static const char *coltype_text(pb_arena *a, PgQuery__ColumnDef *cd)
{
    const char *r = cd ? type_text(a, cd->type_name) : NULL;
    if (!r || !cd->coll_clause || cd->coll_clause->n_collname == 0)
        return r;
    pb_buf b = {0};
    pb_buf_puts(&b, r);
    pb_buf_puts(&b, " COLLATE ");
    for (size_t i = 0; i < cd->coll_clause->n_collname; i++) {
        PgQuery__Node *s = cd->coll_clause->collname[i];
        if (s->node_case != PG_QUERY__NODE__NODE_STRING)
            continue;
        if (i)
            pb_buf_putc(&b, '.');
        /* always quoted: valid for every name, and keeps "C" from folding to c */
        pb_buf_putc(&b, '"');
        for (const char *p = s->string->sval; *p; p++) {
            if (*p == '"')
                pb_buf_putc(&b, '"');
            pb_buf_putc(&b, *p);
        }
        pb_buf_putc(&b, '"');
    }
    r = pb_arena_strndup(a, b.data, b.len);
    pb_buf_release(&b);
    return r;
}

/* One piece of the `cmd`-th subcommand of an ALTER TABLE statement. */
static const char *cmd_piece(pb_arena *a, const char *stmt, size_t len, size_t cmd, enum piece which)
{
    tree t;
    if (!tree_parse(&t, stmt, len))
        return NULL;
    const char *r = NULL;
    PgQuery__AlterTableCmd *c = alter_cmd(&t, cmd);
    if (c) {
        switch (which) {
        case P_DEFAULT: r = default_text(a, c); break;
        case P_USING:
            if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType && cmd_coldef(c) &&
                cmd_coldef(c)->raw_default)
                r = expr_text(a, cmd_coldef(c)->raw_default);
            break;
        case P_CHECK:
            if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint && c->def &&
                c->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
                c->def->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK)
                r = expr_text(a, c->def->constraint->raw_expr);
            break;
        case P_TYPE: r = coltype_text(a, cmd_coldef(c)); break;
        }
    }
    tree_free(&t);
    return r;
}

const char *pb_deparse_cmd_default(pb_arena *a, const char *stmt, size_t len, size_t cmd)
{
    return cmd_piece(a, stmt, len, cmd, P_DEFAULT);
}

const char *pb_deparse_cmd_using(pb_arena *a, const char *stmt, size_t len, size_t cmd)
{
    return cmd_piece(a, stmt, len, cmd, P_USING);
}

const char *pb_deparse_cmd_check(pb_arena *a, const char *stmt, size_t len, size_t cmd)
{
    return cmd_piece(a, stmt, len, cmd, P_CHECK);
}

const char *pb_deparse_cmd_type(pb_arena *a, const char *stmt, size_t len, size_t cmd)
{
    return cmd_piece(a, stmt, len, cmd, P_TYPE);
}

/* The FROM list of a statement as text, by putting it into "SELECT 1 FROM x". */
static const char *from_text(pb_arena *a, PgQuery__Node **items, size_t n)
{
    tree t;
    if (!tree_parse(&t, "SELECT 1 FROM x", 15))
        return NULL;
    const char *r = NULL;
    PgQuery__Node *s = first_stmt(&t);
    if (s && s->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
        PgQuery__SelectStmt *sel = s->select_stmt;
        PgQuery__Node **old = sel->from_clause;
        size_t oldn = sel->n_from_clause;
        sel->from_clause = items;
        sel->n_from_clause = n;
        const char *d = tree_deparse(a, &t);
        sel->from_clause = old;
        sel->n_from_clause = oldn;
        if (d && !strncmp(d, "SELECT 1 FROM ", 14))
            r = d + 14;
    }
    tree_free(&t);
    return r;
}

static bool update_parts(pb_arena *a, const char *stmt, size_t len, const char **set, const char **where,
                         const char **alias, const char **todo, const char **from)
{
    *set = *where = *alias = *todo = NULL;
    if (from)
        *from = NULL;
    tree t;
    if (!tree_parse(&t, stmt, len))
        return false;
    bool ok = false;
    PgQuery__Node *n = first_stmt(&t);
    PgQuery__UpdateStmt *u = n && n->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT ? n->update_stmt : NULL;
    if (u && (from || !u->n_from_clause) && !u->n_returning_list && !u->with_clause && u->n_target_list &&
        !(u->where_clause && u->where_clause->node_case == PG_QUERY__NODE__NODE_CURRENT_OF_EXPR)) {
        pb_buf b = {0}, lhs = {0}, rhs = {0};
        ok = true;
        for (size_t i = 0; i < u->n_target_list && ok; i++) {
            PgQuery__Node *x = u->target_list[i];
            if (x->node_case != PG_QUERY__NODE__NODE_RES_TARGET || x->res_target->n_indirection ||
                !x->res_target->val ||
                x->res_target->val->node_case == PG_QUERY__NODE__NODE_MULTI_ASSIGN_REF) {
                ok = false;
                break;
            }
            const char *e = expr_text(a, x->res_target->val);
            if (!e) {
                ok = false;
                break;
            }
            /* the target column, always quoted (valid for any name) */
            pb_buf_puts(&b, i ? ", " : "");
            pb_buf_puts(&lhs, i ? ", " : "");
            pb_buf_puts(&rhs, i ? ", " : "");
            pb_buf_putc(&b, '"');
            pb_buf_putc(&lhs, '"');
            for (const char *q = x->res_target->name; *q; q++) {
                if (*q == '"') {
                    pb_buf_putc(&b, '"');
                    pb_buf_putc(&lhs, '"');
                }
                pb_buf_putc(&b, *q);
                pb_buf_putc(&lhs, *q);
            }
            pb_buf_putc(&lhs, '"');
            pb_buf_puts(&b, "\" = ");
            pb_buf_puts(&b, e);
            pb_buf_putc(&rhs, '(');
            pb_buf_puts(&rhs, e);
            pb_buf_putc(&rhs, ')');
        }
        if (ok) {
            *set = pb_arena_strndup(a, b.data, b.len);
            *todo = u->n_target_list == 1 ? pb_arena_sprintf(a, "%.*s IS DISTINCT FROM %.*s", (int)lhs.len,
                                                             lhs.data, (int)rhs.len, rhs.data)
                                          : pb_arena_sprintf(a, "ROW(%.*s) IS DISTINCT FROM ROW(%.*s)",
                                                             (int)lhs.len, lhs.data, (int)rhs.len, rhs.data);
            if (u->where_clause && !(*where = expr_text(a, u->where_clause)))
                ok = false;
            if (u->relation && u->relation->alias && u->relation->alias->aliasname)
                *alias = pb_arena_strdup(a, u->relation->alias->aliasname);
            if (ok && u->n_from_clause && !(*from = from_text(a, u->from_clause, u->n_from_clause)))
                ok = false;
        }
        pb_buf_release(&b);
        pb_buf_release(&lhs);
        pb_buf_release(&rhs);
    }
    tree_free(&t);
    return ok;
}

bool pb_deparse_update_parts(pb_arena *a, const char *stmt, size_t len, const char **set, const char **where,
                             const char **alias, const char **todo)
{
    return update_parts(a, stmt, len, set, where, alias, todo, NULL);
}

bool pb_deparse_update_from_parts(pb_arena *a, const char *stmt, size_t len, const char **set,
                                  const char **where, const char **alias, const char **todo,
                                  const char **from)
{
    return update_parts(a, stmt, len, set, where, alias, todo, from);
}

bool pb_deparse_insert_select(pb_arena *a, const char *stmt, size_t len, const char ***cols, size_t *ncols,
                              const char **select)
{
    *cols = NULL;
    *ncols = 0;
    *select = NULL;
    tree t;
    if (!tree_parse(&t, stmt, len))
        return false;
    bool ok = false;
    PgQuery__Node *n = first_stmt(&t);
    PgQuery__InsertStmt *in = n && n->node_case == PG_QUERY__NODE__NODE_INSERT_STMT ? n->insert_stmt : NULL;
    PgQuery__Node *sel = in ? in->select_stmt : NULL;
    if (in && sel && sel->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
        !sel->select_stmt->n_values_lists && in->n_cols && !in->on_conflict_clause && !in->n_returning_list &&
        !in->with_clause && in->override == PG_QUERY__OVERRIDING_KIND__OVERRIDING_NOT_SET) {
        const char **c = pb_arena_alloc(a, in->n_cols * sizeof *c);
        ok = true;
        for (size_t i = 0; i < in->n_cols && ok; i++) {
            PgQuery__Node *x = in->cols[i];
            if (x->node_case != PG_QUERY__NODE__NODE_RES_TARGET || !x->res_target->name ||
                x->res_target->n_indirection)
                ok = false;
            else
                c[i] = pb_arena_strdup(a, x->res_target->name);
        }
        if (ok) {
            /* the SELECT alone: put it in the place of the statement */
            PgQuery__RawStmt *raw = t.pr->stmts[0];
            PgQuery__Node *old = raw->stmt;
            raw->stmt = sel;
            *select = tree_deparse(a, &t);
            raw->stmt = old;
            ok = *select != NULL;
        }
        if (ok) {
            *cols = c;
            *ncols = in->n_cols;
        }
    }
    tree_free(&t);
    return ok;
}

bool pb_sql_parses(pb_arena *a, const char *sql, const char **err)
{
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
    bool ok = !r.error;
    if (!ok && err)
        *err = pb_arena_sprintf(a, "%s (at character %d)", r.error->message, r.error->cursorpos);
    pg_query_free_protobuf_parse_result(r);
    return ok;
}
