/* Lowering: turns PostgreSQL 15 raw parse trees into IR ops. The one place
 * that knows PostgreSQL node layouts (nodes/parsenodes.h); node shapes as
 * verified in shared/reference/postgres-locks.md §7.4. */
#include "postgres.h"

#include "nodes/parsenodes.h"
#include "nodes/pg_list.h"

#include <string.h>

#include "parse/lower.h"

/* ---- small helpers ------------------------------------------------------ */

static const char *dup(pb_lower_ctx *lc, const char *s)
{
    return s ? pb_arena_strdup(lc->arena, s) : NULL;
}

static pb_qname rangevar_name(pb_lower_ctx *lc, const RangeVar *rv)
{
    pb_qname q = {0};
    if (rv) {
        q.schema = dup(lc, rv->schemaname);
        q.name = dup(lc, rv->relname);
    }
    return q;
}

/* The first `n` String nodes of a List ("schema", "name") as a qualified
 * name. (list_copy_head is not used: the 15.1-based libpg_query.a lacks it
 * although the 15.x server headers declare it.) */
static pb_qname list_name_n(pb_lower_ctx *lc, List *names, int n)
{
    pb_qname q = {0};
    if (n > list_length(names))
        n = list_length(names);
    if (n <= 0)
        return q;
    Node *last = (Node *)list_nth(names, n - 1);
    if (IsA(last, String))
        q.name = dup(lc, strVal(last));
    if (n >= 2) {
        Node *prev = (Node *)list_nth(names, n - 2);
        if (IsA(prev, String))
            q.schema = dup(lc, strVal(prev));
    }
    return q;
}

/* A List of String nodes ("schema", "name") as a qualified name. */
static pb_qname list_name(pb_lower_ctx *lc, List *names)
{
    return list_name_n(lc, names, list_length(names));
}

static uint32_t clamp_loc(pb_lower_ctx *lc, int loc)
{
    if (loc < 0)
        return lc->stmt_span.start;
    uint32_t off = lc->base + (uint32_t)loc;
    if (off < lc->stmt_span.start || off > lc->stmt_span.end)
        return lc->stmt_span.start;
    return off;
}

static pb_op *new_op(pb_lower_ctx *lc, pb_op_kind kind, const char *stmt_kind)
{
    pb_op *op = pb_ops_add(lc->arena, lc->ops, kind);
    op->stmt = lc->stmt_index;
    op->span = lc->stmt_span;
    op->focus = lc->stmt_span;
    op->stmt_kind = stmt_kind;
    return op;
}

static void set_focus(pb_lower_ctx *lc, pb_op *op, int loc)
{
    uint32_t s = clamp_loc(lc, loc);
    op->focus.start = s;
    op->focus.end = lc->stmt_span.end;
}

static const char **string_list(pb_lower_ctx *lc, List *l, size_t *n)
{
    *n = 0;
    if (!l)
        return NULL;
    const char **out = pb_arena_alloc(lc->arena, (size_t)list_length(l) * sizeof *out);
    ListCell *c;
    foreach (c, l) {
        Node *x = lfirst(c);
        if (x && IsA(x, String))
            out[(*n)++] = dup(lc, strVal(x));
    }
    return out;
}

/* ---- types ---------------------------------------------------------------- */

static bool is_serial_name(const char *n)
{
    return strcmp(n, "serial") == 0 || strcmp(n, "bigserial") == 0 || strcmp(n, "smallserial") == 0 ||
           strcmp(n, "serial2") == 0 || strcmp(n, "serial4") == 0 || strcmp(n, "serial8") == 0;
}

static pb_type lower_type(pb_lower_ctx *lc, const TypeName *tn)
{
    pb_type t = {0};
    if (!tn)
        return t;
    int n = list_length(tn->names);
    if (n == 0)
        return t;
    Node *last = llast(tn->names);
    if (!IsA(last, String))
        return t;
    const char *name = strVal(last);
    const char *schema = NULL;
    if (n >= 2 && IsA(list_nth(tn->names, n - 2), String))
        schema = strVal(list_nth(tn->names, n - 2));
    if (schema && strcmp(schema, "pg_catalog") == 0)
        schema = NULL;
    if (!schema) {
        t.serial = is_serial_name(name);
        name = pb_type_normalize_name(name);
    }
    t.name = dup(lc, name);
    t.schema = dup(lc, schema);
    ListCell *c;
    foreach (c, tn->typmods) {
        Node *m = lfirst(c);
        if (m && IsA(m, A_Const) && !((A_Const *)m)->isnull && IsA(&((A_Const *)m)->val, Integer)) {
            if (t.nmods >= 0 && t.nmods < 2)
                t.mods[t.nmods++] = (int32_t)intVal(&((A_Const *)m)->val);
            else
                t.nmods = -1;
        } else {
            t.nmods = -1;
        }
    }
    t.array_dims = list_length(tn->arrayBounds);
    return t;
}

/* ---- expression volatility ------------------------------------------------ */

/* Built-in functions by pg_proc.provolatile (PostgreSQL 15 catalog). A
 * function not listed is "unknown": user-defined functions are VOLATILE
 * unless declared otherwise (manual: xfunc-volatility). */
static const char *const volatile_funcs[] = {
    "random",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "setval",
    "currval",
    "lastval",
    "setseed",
    "pg_sleep",
    "gen_random_bytes",
    "gen_salt",
    "random_normal",
    "uuidv4",
    "uuidv7",
    "txid_current",
    "pg_current_xact_id",
    "crypt",
};
static const char *const stable_funcs[] = {
    "now",
    "statement_timestamp",
    "transaction_timestamp",
    "current_setting",
    "to_char",
    "to_timestamp",
    "to_date",
    "current_schema",
    "current_database",
    "concat",
    "concat_ws",
    "age",
    "date_part",
    "timezone",
    "jsonb_build_object",
    "json_build_object",
    "to_jsonb",
    "to_json",
    "jsonb_build_array",
    "json_build_array",
    "current_schemas",
    "inet_client_addr",
    "pg_backend_pid",
    "version",
    "format",
};
static const char *const immutable_funcs[] = {
    "lower",
    "upper",
    "btrim",
    "ltrim",
    "rtrim",
    "md5",
    "length",
    "char_length",
    "substring",
    "substr",
    "replace",
    "round",
    "floor",
    "ceil",
    "ceiling",
    "abs",
    "coalesce",
    "nullif",
    "greatest",
    "least",
    "make_interval",
    "make_date",
    "make_time",
    "date_trunc",
    "encode",
    "decode",
    "uuid_nil",
    "sha256",
    "sha512",
    "array_fill",
    "int4",
    "int8",
    "numeric",
    "text",
    "jsonb",
    "json",
    "interval",
    "split_part",
    "left",
    "right",
    "lpad",
    "rpad",
    "repeat",
    "array_length",
    "cardinality",
    "to_hex",
    "chr",
    "ascii",
    "bool",
    "timestamptz",
    "timestamp",
    "point",
    "array_to_string",
    "string_to_array",
    "digest",
    "hmac",
    "trim",
};

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return true;
    return false;
}
#define IN_LIST(name, list) in_list(name, list, sizeof list / sizeof list[0])

static int vol_rank(pb_volatility v)
{
    switch (v) {
    case PB_VOL_NONE: return 0;
    case PB_VOL_IMMUTABLE: return 1;
    case PB_VOL_STABLE: return 2;
    case PB_VOL_UNKNOWN: return 3;
    case PB_VOL_VOLATILE: return 4;
    }
    return 3;
}

typedef struct vol_acc {
    pb_volatility vol;
    const char *func; /* the function that decided it */
} vol_acc;

static void vol_add(vol_acc *acc, pb_volatility v, const char *func)
{
    if (vol_rank(v) > vol_rank(acc->vol)) {
        acc->vol = v;
        acc->func = func;
    }
}

static void expr_vol(pb_lower_ctx *lc, Node *n, vol_acc *acc, int depth);

static void list_vol(pb_lower_ctx *lc, List *l, vol_acc *acc, int depth)
{
    ListCell *c;
    foreach (c, l)
        expr_vol(lc, lfirst(c), acc, depth + 1);
}

static void expr_vol(pb_lower_ctx *lc, Node *n, vol_acc *acc, int depth)
{
    if (!n)
        return;
    if (depth > 200) {
        vol_add(acc, PB_VOL_UNKNOWN, NULL);
        return;
    }
    switch (nodeTag(n)) {
    case T_A_Const:
    case T_ColumnRef: /* generated columns refer to other columns */
    case T_ParamRef: vol_add(acc, PB_VOL_IMMUTABLE, NULL); break;
    case T_SQLValueFunction:
        /* CURRENT_TIMESTAMP, CURRENT_DATE, LOCALTIME, CURRENT_USER, ... */
        vol_add(acc, PB_VOL_STABLE, NULL);
        break;
    case T_TypeCast:
        expr_vol(lc, ((TypeCast *)n)->arg, acc, depth + 1);
        if (acc->vol == PB_VOL_NONE)
            vol_add(acc, PB_VOL_IMMUTABLE, NULL);
        break;
    case T_CollateClause: expr_vol(lc, ((CollateClause *)n)->arg, acc, depth + 1); break;
    case T_FuncCall: {
        FuncCall *fc = (FuncCall *)n;
        Node *last = llast(fc->funcname);
        const char *name = IsA(last, String) ? strVal(last) : "?";
        const char *schema = list_length(fc->funcname) >= 2 && IsA(linitial(fc->funcname), String)
                                 ? strVal(linitial(fc->funcname))
                                 : NULL;
        bool builtin = !schema || strcmp(schema, "pg_catalog") == 0 || strcmp(schema, "public") == 0 ||
                       strcmp(schema, "extensions") == 0;
        pb_volatility v = PB_VOL_UNKNOWN;
        if (builtin && IN_LIST(name, volatile_funcs))
            v = PB_VOL_VOLATILE;
        else if (builtin && IN_LIST(name, stable_funcs))
            v = PB_VOL_STABLE;
        else if (builtin && IN_LIST(name, immutable_funcs))
            v = PB_VOL_IMMUTABLE;
        vol_add(acc, v, dup(lc, name));
        list_vol(lc, fc->args, acc, depth);
        break;
    }
    case T_A_Expr:
        expr_vol(lc, ((A_Expr *)n)->lexpr, acc, depth + 1);
        expr_vol(lc, ((A_Expr *)n)->rexpr, acc, depth + 1);
        if (acc->vol == PB_VOL_NONE)
            vol_add(acc, PB_VOL_IMMUTABLE, NULL);
        break;
    case T_BoolExpr: list_vol(lc, ((BoolExpr *)n)->args, acc, depth); break;
    case T_NullTest: expr_vol(lc, (Node *)((NullTest *)n)->arg, acc, depth + 1); break;
    case T_CoalesceExpr: list_vol(lc, ((CoalesceExpr *)n)->args, acc, depth); break;
    case T_MinMaxExpr: list_vol(lc, ((MinMaxExpr *)n)->args, acc, depth); break;
    case T_A_ArrayExpr:
        list_vol(lc, ((A_ArrayExpr *)n)->elements, acc, depth);
        if (acc->vol == PB_VOL_NONE)
            vol_add(acc, PB_VOL_IMMUTABLE, NULL);
        break;
    case T_RowExpr: list_vol(lc, ((RowExpr *)n)->args, acc, depth); break;
    case T_CaseExpr: {
        CaseExpr *ce = (CaseExpr *)n;
        expr_vol(lc, (Node *)ce->arg, acc, depth + 1);
        ListCell *c;
        foreach (c, ce->args) {
            CaseWhen *w = lfirst(c);
            expr_vol(lc, (Node *)w->expr, acc, depth + 1);
            expr_vol(lc, (Node *)w->result, acc, depth + 1);
        }
        expr_vol(lc, (Node *)ce->defresult, acc, depth + 1);
        break;
    }
    case T_NamedArgExpr: expr_vol(lc, (Node *)((NamedArgExpr *)n)->arg, acc, depth + 1); break;
    default: vol_add(acc, PB_VOL_UNKNOWN, NULL);
    }
}

static void default_facts(pb_lower_ctx *lc, Node *expr, bool *has, pb_volatility *vol, const char **func)
{
    /* SET DEFAULT NULL and DEFAULT NULL are no default at all */
    if (!expr || (IsA(expr, A_Const) && ((A_Const *)expr)->isnull)) {
        *has = false;
        *vol = PB_VOL_NONE;
        *func = NULL;
        return;
    }
    vol_acc acc = {0};
    expr_vol(lc, expr, &acc, 0);
    *has = true;
    *vol = acc.vol == PB_VOL_NONE ? PB_VOL_IMMUTABLE : acc.vol;
    *func = acc.func;
}

/* CHECK (c IS NOT NULL) [AND ...]: the column proven non-null, or NULL. */
static const char *check_not_null_column(pb_lower_ctx *lc, Node *e, int depth)
{
    if (!e || depth > 50)
        return NULL;
    if (IsA(e, NullTest)) {
        NullTest *nt = (NullTest *)e;
        if (nt->nulltesttype == IS_NOT_NULL && nt->arg && IsA(nt->arg, ColumnRef)) {
            List *f = ((ColumnRef *)nt->arg)->fields;
            if (list_length(f) >= 1 && IsA(llast(f), String))
                return dup(lc, strVal(llast(f)));
        }
        return NULL;
    }
    if (IsA(e, BoolExpr) && ((BoolExpr *)e)->boolop == AND_EXPR) {
        ListCell *c;
        foreach (c, ((BoolExpr *)e)->args) {
            const char *col = check_not_null_column(lc, lfirst(c), depth + 1);
            if (col)
                return col;
        }
    }
    return NULL;
}

/* ---- names a raw tree mentions ---------------------------------------------- */

/* What walk() collects: the distinct plain columns (ColumnRef) an
 * expression reads, or the relations (RangeVar) a query reads and the CTE
 * names it defines. */
typedef struct names_acc {
    pb_lower_ctx *lc;
    const char **cols;
    size_t ncols, capcols;
    pb_qname *rels;
    size_t nrels, caprels;
    const char **ctes;
    size_t nctes, capctes;
} names_acc;

static void *grow_array(pb_lower_ctx *lc, void *items, size_t len, size_t *cap, size_t size)
{
    if (len < *cap)
        return items;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *n = pb_arena_alloc(lc->arena, ncap * size);
    if (len)
        memcpy(n, items, len * size);
    *cap = ncap;
    return n;
}

static void add_col_name(names_acc *acc, const char *name)
{
    for (size_t i = 0; i < acc->ncols; i++)
        if (strcmp(acc->cols[i], name) == 0)
            return;
    acc->cols = grow_array(acc->lc, acc->cols, acc->ncols, &acc->capcols, sizeof *acc->cols);
    acc->cols[acc->ncols++] = dup(acc->lc, name);
}

static void walk(names_acc *acc, Node *n, int depth);

static void walk_list(names_acc *acc, List *l, int depth)
{
    ListCell *c;
    foreach (c, l)
        walk(acc, lfirst(c), depth + 1);
}

/* A walker over the raw-tree nodes that can hold a column or relation
 * reference in a CHECK expression or a view's query. Written here rather
 * than using raw_expression_tree_walker, which raises a PostgreSQL ERROR
 * (a longjmp with no handler outside the parser) on a node it does not
 * know; nodes not listed are skipped. */
static void walk(names_acc *acc, Node *n, int depth)
{
    if (!n || depth > 200)
        return;
    switch (nodeTag(n)) {
    case T_List: walk_list(acc, (List *)n, depth); break;
    case T_ColumnRef: {
        List *f = ((ColumnRef *)n)->fields;
        if (list_length(f) >= 1 && IsA(llast(f), String))
            add_col_name(acc, strVal(llast(f)));
        break;
    }
    case T_RangeVar: {
        RangeVar *rv = (RangeVar *)n;
        if (!rv->relname)
            break;
        acc->rels = grow_array(acc->lc, acc->rels, acc->nrels, &acc->caprels, sizeof *acc->rels);
        acc->rels[acc->nrels++] = rangevar_name(acc->lc, rv);
        break;
    }
    case T_SelectStmt: {
        SelectStmt *s = (SelectStmt *)n;
        walk(acc, (Node *)s->withClause, depth + 1);
        walk_list(acc, s->fromClause, depth);
        walk_list(acc, s->targetList, depth);
        walk(acc, s->whereClause, depth + 1);
        walk(acc, s->havingClause, depth + 1);
        walk_list(acc, s->valuesLists, depth);
        walk(acc, (Node *)s->larg, depth + 1);
        walk(acc, (Node *)s->rarg, depth + 1);
        break;
    }
    case T_WithClause: walk_list(acc, ((WithClause *)n)->ctes, depth); break;
    case T_CommonTableExpr: {
        CommonTableExpr *cte = (CommonTableExpr *)n;
        if (cte->ctename) {
            acc->ctes = grow_array(acc->lc, acc->ctes, acc->nctes, &acc->capctes, sizeof *acc->ctes);
            acc->ctes[acc->nctes++] = cte->ctename;
        }
        walk(acc, cte->ctequery, depth + 1);
        break;
    }
    case T_JoinExpr:
        walk(acc, ((JoinExpr *)n)->larg, depth + 1);
        walk(acc, ((JoinExpr *)n)->rarg, depth + 1);
        walk(acc, ((JoinExpr *)n)->quals, depth + 1);
        break;
    case T_RangeSubselect: walk(acc, ((RangeSubselect *)n)->subquery, depth + 1); break;
    case T_RangeFunction: walk_list(acc, ((RangeFunction *)n)->functions, depth); break;
    case T_SubLink:
        walk(acc, ((SubLink *)n)->testexpr, depth + 1);
        walk(acc, ((SubLink *)n)->subselect, depth + 1);
        break;
    case T_ResTarget: walk(acc, ((ResTarget *)n)->val, depth + 1); break;
    case T_A_Expr:
        walk(acc, ((A_Expr *)n)->lexpr, depth + 1);
        walk(acc, ((A_Expr *)n)->rexpr, depth + 1);
        break;
    case T_BoolExpr: walk_list(acc, ((BoolExpr *)n)->args, depth); break;
    case T_FuncCall:
        walk_list(acc, ((FuncCall *)n)->args, depth);
        walk(acc, (Node *)((FuncCall *)n)->agg_filter, depth + 1);
        break;
    case T_TypeCast: walk(acc, ((TypeCast *)n)->arg, depth + 1); break;
    case T_CollateClause: walk(acc, ((CollateClause *)n)->arg, depth + 1); break;
    case T_NamedArgExpr: walk(acc, (Node *)((NamedArgExpr *)n)->arg, depth + 1); break;
    case T_NullTest: walk(acc, (Node *)((NullTest *)n)->arg, depth + 1); break;
    case T_BooleanTest: walk(acc, (Node *)((BooleanTest *)n)->arg, depth + 1); break;
    case T_CoalesceExpr: walk_list(acc, ((CoalesceExpr *)n)->args, depth); break;
    case T_MinMaxExpr: walk_list(acc, ((MinMaxExpr *)n)->args, depth); break;
    case T_RowExpr: walk_list(acc, ((RowExpr *)n)->args, depth); break;
    case T_A_ArrayExpr: walk_list(acc, ((A_ArrayExpr *)n)->elements, depth); break;
    case T_A_Indirection: walk(acc, ((A_Indirection *)n)->arg, depth + 1); break;
    case T_CaseExpr: {
        CaseExpr *ce = (CaseExpr *)n;
        walk(acc, (Node *)ce->arg, depth + 1);
        walk_list(acc, ce->args, depth);
        walk(acc, (Node *)ce->defresult, depth + 1);
        break;
    }
    case T_CaseWhen:
        walk(acc, (Node *)((CaseWhen *)n)->expr, depth + 1);
        walk(acc, (Node *)((CaseWhen *)n)->result, depth + 1);
        break;
    default: break;
    }
}

/* The relations a view's (or materialized view's) query reads, without
 * the names of its own CTEs. */
static void query_reads(pb_lower_ctx *lc, pb_op *op, Node *query)
{
    names_acc acc = {.lc = lc};
    walk(&acc, query, 0);
    op->reads = pb_arena_alloc(lc->arena, (acc.nrels ? acc.nrels : 1) * sizeof *op->reads);
    for (size_t i = 0; i < acc.nrels; i++) {
        pb_qname r = acc.rels[i];
        bool skip = false;
        for (size_t k = 0; !r.schema && k < acc.nctes && !skip; k++)
            skip = strcmp(acc.ctes[k], r.name) == 0;
        for (size_t k = 0; k < op->nreads && !skip; k++)
            skip = strcmp(op->reads[k].name, r.name) == 0 &&
                   ((!r.schema && !op->reads[k].schema) ||
                    (r.schema && op->reads[k].schema && strcmp(r.schema, op->reads[k].schema) == 0));
        if (!skip)
            op->reads[op->nreads++] = r;
    }
}

/* ---- column definitions and constraints ---------------------------------- */

static pb_constraint_kind constraint_kind(ConstrType t);

/* A CHECK, FOREIGN KEY, UNIQUE, PRIMARY KEY or EXCLUDE constraint of a
 * CREATE TABLE or ADD COLUMN; `column` for one written inline. NULL for the
 * other Constraint kinds (NOT NULL, DEFAULT, IDENTITY, ...). */
static pb_constraint *lower_constraint(pb_lower_ctx *lc, const Constraint *con, const char *column)
{
    pb_constraint_kind k = constraint_kind(con->contype);
    if (k == PB_CON_NONE || k == PB_CON_NOT_NULL)
        return NULL;
    pb_constraint *pc = pb_arena_alloc(lc->arena, sizeof *pc);
    pc->kind = k;
    pc->name = dup(lc, con->conname);
    pc->not_valid = con->skip_validation;
    pc->is_inline = column != NULL;
    pc->at = clamp_loc(lc, con->location);
    if (k == PB_CON_FOREIGN_KEY) {
        pc->ref = rangevar_name(lc, con->pktable);
        pc->ref_columns = string_list(lc, con->pk_attrs, &pc->nref_columns);
        pc->columns = string_list(lc, con->fk_attrs, &pc->ncolumns);
    } else if (k == PB_CON_CHECK) {
        names_acc acc = {.lc = lc};
        walk(&acc, con->raw_expr, 0);
        pc->columns = acc.cols;
        pc->ncolumns = acc.ncols;
        pc->check_not_null_column = check_not_null_column(lc, con->raw_expr, 0);
    } else if (k == PB_CON_EXCLUSION) {
        /* exclusions: (IndexElem, operator name) pairs */
        pc->columns = pb_arena_alloc(lc->arena, ((size_t)list_length(con->exclusions) + 1) * sizeof(char *));
        ListCell *c;
        foreach (c, con->exclusions) {
            List *pair = lfirst(c);
            if (IsA(pair, List) && list_length(pair) >= 1 && IsA(linitial(pair), IndexElem) &&
                ((IndexElem *)linitial(pair))->name)
                pc->columns[pc->ncolumns++] = dup(lc, ((IndexElem *)linitial(pair))->name);
        }
    } else {
        pc->columns = string_list(lc, con->keys, &pc->ncolumns);
    }
    if (column && k != PB_CON_CHECK) {
        /* inline: the constraint is on its column (a CHECK keeps the
           columns it reads, which name it: t_col_check or t_check) */
        pc->columns = pb_arena_alloc(lc->arena, sizeof *pc->columns);
        pc->columns[0] = dup(lc, column);
        pc->ncolumns = 1;
    }
    return pc;
}

static void add_constraint(pb_lower_ctx *lc, pb_constraint ***items, size_t *n, size_t *cap, pb_constraint *c)
{
    if (!c)
        return;
    *items = grow_array(lc, *items, *n, cap, sizeof **items);
    (*items)[(*n)++] = c;
}

static pb_column *lower_column(pb_lower_ctx *lc, const ColumnDef *cd)
{
    pb_column *col = pb_arena_alloc(lc->arena, sizeof *col);
    col->name = dup(lc, cd->colname);
    col->type = lower_type(lc, cd->typeName);
    col->not_null = cd->is_not_null;
    if (cd->raw_default)
        default_facts(lc, cd->raw_default, &col->has_default, &col->default_vol, &col->default_func);
    if (cd->collClause)
        col->collation = list_name(lc, cd->collClause->collname).name;
    ListCell *c;
    size_t cap = 0;
    foreach (c, cd->constraints) {
        Constraint *con = lfirst(c);
        if (!IsA(con, Constraint))
            continue;
        add_constraint(lc, &col->constraints, &col->nconstraints, &cap, lower_constraint(lc, con, col->name));
        switch (con->contype) {
        case CONSTR_NOTNULL: col->not_null = true; break;
        case CONSTR_NULL: col->not_null = false; break;
        case CONSTR_DEFAULT:
            default_facts(lc, con->raw_expr, &col->has_default, &col->default_vol, &col->default_func);
            break;
        case CONSTR_IDENTITY: col->identity = true; break;
        case CONSTR_GENERATED: col->generated_stored = true; break;
        case CONSTR_CHECK: col->has_check = true; break;
        case CONSTR_PRIMARY:
            col->primary_key = true;
            col->not_null = true;
            break;
        case CONSTR_UNIQUE: col->unique = true; break;
        case CONSTR_FOREIGN:
            col->references = true;
            col->ref = rangevar_name(lc, con->pktable);
            if (list_length(con->pk_attrs) == 1 && IsA(linitial(con->pk_attrs), String))
                col->ref_column = dup(lc, strVal(linitial(con->pk_attrs)));
            break;
        default: break;
        }
    }
    if (col->type.serial) {
        col->has_default = true;
        col->default_vol = PB_VOL_VOLATILE;
        col->default_func = "nextval";
        col->not_null = true;
    }
    return col;
}

static pb_constraint_kind constraint_kind(ConstrType t)
{
    switch (t) {
    case CONSTR_CHECK: return PB_CON_CHECK;
    case CONSTR_FOREIGN: return PB_CON_FOREIGN_KEY;
    case CONSTR_UNIQUE: return PB_CON_UNIQUE;
    case CONSTR_PRIMARY: return PB_CON_PRIMARY_KEY;
    case CONSTR_EXCLUSION: return PB_CON_EXCLUSION;
    case CONSTR_NOTNULL: return PB_CON_NOT_NULL;
    default: return PB_CON_NONE;
    }
}

static void lower_table_constraint(pb_lower_ctx *lc, pb_op *op, const Constraint *con)
{
    op->con_kind = constraint_kind(con->contype);
    op->con_name = dup(lc, con->conname);
    op->not_valid = con->skip_validation;
    if (con->indexname) {
        op->using_index = true;
        op->index_name = dup(lc, con->indexname);
    }
    const pb_constraint *pc = lower_constraint(lc, con, NULL);
    if (pc) {
        op->ref = pc->ref;
        op->con_columns = pc->columns;
        op->ncon_columns = pc->ncolumns;
        op->check_not_null_column = pc->check_not_null_column;
    }
    set_focus(lc, op, con->location);
}

/* ---- statements ------------------------------------------------------------ */

static pb_object_kind object_kind(ObjectType t)
{
    switch (t) {
    case OBJECT_TABLE: return PB_OBJ_TABLE;
    case OBJECT_INDEX: return PB_OBJ_INDEX;
    case OBJECT_VIEW: return PB_OBJ_VIEW;
    case OBJECT_MATVIEW: return PB_OBJ_MATVIEW;
    case OBJECT_SEQUENCE: return PB_OBJ_SEQUENCE;
    case OBJECT_TYPE: return PB_OBJ_TYPE;
    case OBJECT_DOMAIN: return PB_OBJ_DOMAIN;
    case OBJECT_FUNCTION:
    case OBJECT_PROCEDURE:
    case OBJECT_ROUTINE:
    case OBJECT_AGGREGATE: return PB_OBJ_FUNCTION;
    case OBJECT_TRIGGER: return PB_OBJ_TRIGGER;
    case OBJECT_SCHEMA: return PB_OBJ_SCHEMA;
    case OBJECT_EXTENSION: return PB_OBJ_EXTENSION;
    case OBJECT_POLICY: return PB_OBJ_POLICY;
    case OBJECT_TABCONSTRAINT:
    case OBJECT_DOMCONSTRAINT: return PB_OBJ_CONSTRAINT;
    case OBJECT_DATABASE: return PB_OBJ_DATABASE;
    case OBJECT_FOREIGN_TABLE: return PB_OBJ_FOREIGN_TABLE;
    default: return PB_OBJ_OTHER;
    }
}

/* Storage parameters that need ACCESS EXCLUSIVE (reloptions.c option
 * tables): everything else settable with ALTER TABLE SET takes SHARE UPDATE
 * EXCLUSIVE (postgres-locks.md §2.1). */
static bool reloptions_need_ae(List *defs)
{
    ListCell *c;
    foreach (c, defs) {
        DefElem *d = lfirst(c);
        if (!IsA(d, DefElem) || !d->defname)
            continue;
        if (strcmp(d->defname, "user_catalog_table") == 0 || strcmp(d->defname, "security_barrier") == 0 ||
            strcmp(d->defname, "check_option") == 0 || strcmp(d->defname, "security_invoker") == 0)
            return true;
    }
    return false;
}

static void lower_alter_cmd(pb_lower_ctx *lc, const AlterTableStmt *st, const AlterTableCmd *cmd)
{
    static const char *K = "AlterTableStmt";
    pb_qname rel = rangevar_name(lc, st->relation);
    pb_object_kind ok = object_kind(st->objtype);
    pb_op *op = NULL;

#define AT_OTHER(kind)                                                                                       \
    do {                                                                                                     \
        op = new_op(lc, PB_OP_ALTER_TABLE_OTHER, K);                                                         \
        op->at = (kind);                                                                                     \
    } while (0)

    switch (cmd->subtype) {
    case AT_AddColumn:
    case AT_AddColumnToView: {
        op = new_op(lc, PB_OP_ADD_COLUMN, K);
        if (cmd->def && IsA(cmd->def, ColumnDef)) {
            ColumnDef *cd = (ColumnDef *)cmd->def;
            op->col = lower_column(lc, cd);
            op->column = op->col->name;
            op->type = op->col->type;
            op->has_default = op->col->has_default;
            op->default_vol = op->col->default_vol;
            op->default_func = op->col->default_func;
            op->constraints = op->col->constraints;
            op->nconstraints = op->col->nconstraints;
            set_focus(lc, op, cd->location);
        }
        op->if_not_exists = cmd->missing_ok;
        break;
    }
    case AT_ColumnDefault:
        op = new_op(lc, cmd->def ? PB_OP_SET_DEFAULT : PB_OP_DROP_DEFAULT, K);
        op->column = dup(lc, cmd->name);
        if (cmd->def)
            default_facts(lc, cmd->def, &op->has_default, &op->default_vol, &op->default_func);
        break;
    case AT_DropNotNull:
        op = new_op(lc, PB_OP_DROP_NOT_NULL, K);
        op->column = dup(lc, cmd->name);
        break;
    case AT_SetNotNull:
        op = new_op(lc, PB_OP_SET_NOT_NULL, K);
        op->column = dup(lc, cmd->name);
        break;
    case AT_DropExpression:
        AT_OTHER(PB_AT_DROP_EXPRESSION);
        op->column = dup(lc, cmd->name);
        break;
    case AT_SetStatistics:
        AT_OTHER(PB_AT_SET_STATISTICS);
        op->column = dup(lc, cmd->name);
        break;
    case AT_SetOptions:
    case AT_ResetOptions:
        AT_OTHER(PB_AT_SET_OPTIONS);
        op->column = dup(lc, cmd->name);
        break;
    case AT_SetStorage:
        AT_OTHER(PB_AT_SET_STORAGE);
        op->column = dup(lc, cmd->name);
        break;
    case AT_SetCompression:
        AT_OTHER(PB_AT_SET_COMPRESSION);
        op->column = dup(lc, cmd->name);
        break;
    case AT_DropColumn:
        op = new_op(lc, PB_OP_DROP_COLUMN, K);
        op->column = dup(lc, cmd->name);
        op->if_exists = cmd->missing_ok;
        op->cascade = cmd->behavior == DROP_CASCADE;
        break;
    case AT_AddConstraint:
        op = new_op(lc, PB_OP_ADD_CONSTRAINT, K);
        if (cmd->def && IsA(cmd->def, Constraint))
            lower_table_constraint(lc, op, (Constraint *)cmd->def);
        break;
    case AT_AlterConstraint: AT_OTHER(PB_AT_ALTER_CONSTRAINT); break;
    case AT_ValidateConstraint:
        op = new_op(lc, PB_OP_VALIDATE_CONSTRAINT, K);
        op->con_name = dup(lc, cmd->name);
        break;
    case AT_DropConstraint:
        op = new_op(lc, PB_OP_DROP_CONSTRAINT, K);
        op->con_name = dup(lc, cmd->name);
        op->if_exists = cmd->missing_ok;
        op->cascade = cmd->behavior == DROP_CASCADE;
        break;
    case AT_AlterColumnType: {
        op = new_op(lc, PB_OP_ALTER_COLUMN_TYPE, K);
        op->column = dup(lc, cmd->name);
        if (cmd->def && IsA(cmd->def, ColumnDef)) {
            ColumnDef *cd = (ColumnDef *)cmd->def;
            op->type = lower_type(lc, cd->typeName);
            if (cd->raw_default) {
                op->has_using = true;
                Node *u = cd->raw_default;
                /* USING c::<the new type> is the column itself: PostgreSQL adds the same
                   cast without USING ([E15] tests/pg/facts.py) */
                if (IsA(u, TypeCast) && ((TypeCast *)u)->arg && IsA(((TypeCast *)u)->arg, ColumnRef)) {
                    pb_type cast = lower_type(lc, ((TypeCast *)u)->typeName);
                    if (pb_type_equal(&cast, &op->type))
                        u = ((TypeCast *)u)->arg;
                }
                if (IsA(u, ColumnRef)) {
                    List *f = ((ColumnRef *)u)->fields;
                    op->using_is_column = list_length(f) == 1 && IsA(linitial(f), String) && cmd->name &&
                                          strcmp(strVal(linitial(f)), cmd->name) == 0;
                }
                vol_acc acc = {0};
                expr_vol(lc, u, &acc, 0);
                op->default_vol = acc.vol;
            }
            if (cd->collClause)
                op->collation = list_name(lc, cd->collClause->collname).name;
            set_focus(lc, op, cd->location);
        }
        break;
    }
    case AT_ChangeOwner: AT_OTHER(PB_AT_CHANGE_OWNER); break;
    case AT_ClusterOn: AT_OTHER(PB_AT_CLUSTER_ON); break;
    case AT_DropCluster: AT_OTHER(PB_AT_DROP_CLUSTER); break;
    case AT_SetLogged: AT_OTHER(PB_AT_SET_LOGGED); break;
    case AT_SetUnLogged: AT_OTHER(PB_AT_SET_UNLOGGED); break;
    case AT_SetAccessMethod: AT_OTHER(PB_AT_SET_ACCESS_METHOD); break;
    case AT_SetTableSpace: AT_OTHER(PB_AT_SET_TABLESPACE); break;
    case AT_SetRelOptions:
    case AT_ResetRelOptions:
        AT_OTHER(reloptions_need_ae((List *)cmd->def) ? PB_AT_SET_RELOPTIONS_AE : PB_AT_SET_RELOPTIONS);
        break;
    case AT_EnableTrig:
    case AT_EnableAlwaysTrig:
    case AT_EnableReplicaTrig:
    case AT_DisableTrig:
    case AT_EnableTrigAll:
    case AT_DisableTrigAll:
    case AT_EnableTrigUser:
    case AT_DisableTrigUser: AT_OTHER(PB_AT_ENABLE_DISABLE_TRIGGER); break;
    case AT_EnableRule:
    case AT_EnableAlwaysRule:
    case AT_EnableReplicaRule:
    case AT_DisableRule: AT_OTHER(PB_AT_ENABLE_DISABLE_RULE); break;
    case AT_EnableRowSecurity:
    case AT_DisableRowSecurity:
    case AT_ForceRowSecurity:
    case AT_NoForceRowSecurity: AT_OTHER(PB_AT_ROW_SECURITY); break;
    case AT_AddInherit:
        AT_OTHER(PB_AT_INHERIT);
        if (cmd->def && IsA(cmd->def, RangeVar))
            op->obj = rangevar_name(lc, (RangeVar *)cmd->def);
        break;
    case AT_DropInherit:
        AT_OTHER(PB_AT_NO_INHERIT);
        if (cmd->def && IsA(cmd->def, RangeVar))
            op->obj = rangevar_name(lc, (RangeVar *)cmd->def);
        break;
    case AT_AddOf:
    case AT_DropOf: AT_OTHER(PB_AT_OF); break;
    case AT_ReplicaIdentity: AT_OTHER(PB_AT_REPLICA_IDENTITY); break;
    case AT_AttachPartition:
    case AT_DetachPartition:
    case AT_DetachPartitionFinalize:
        AT_OTHER(cmd->subtype == AT_AttachPartition   ? PB_AT_ATTACH_PARTITION
                 : cmd->subtype == AT_DetachPartition ? PB_AT_DETACH_PARTITION
                                                      : PB_AT_DETACH_FINALIZE);
        if (cmd->def && IsA(cmd->def, PartitionCmd)) {
            PartitionCmd *pc = (PartitionCmd *)cmd->def;
            op->obj = rangevar_name(lc, pc->name);
            op->concurrently = pc->concurrent;
            op->partition_default = pc->bound && pc->bound->is_default;
        }
        break;
    case AT_AddIdentity:
        AT_OTHER(PB_AT_ADD_IDENTITY);
        op->column = dup(lc, cmd->name);
        break;
    case AT_SetIdentity:
        AT_OTHER(PB_AT_SET_IDENTITY);
        op->column = dup(lc, cmd->name);
        break;
    case AT_DropIdentity:
        AT_OTHER(PB_AT_DROP_IDENTITY);
        op->column = dup(lc, cmd->name);
        break;
    default: AT_OTHER(PB_AT_OTHER); break;
    }
#undef AT_OTHER
    op->rel = rel;
    op->object_kind = ok;
    op->only = st->relation && !st->relation->inh;
    if (st->missing_ok)
        op->if_exists = true;
}

static pb_reindex_target reindex_target(ReindexObjectType k)
{
    switch (k) {
    case REINDEX_OBJECT_INDEX: return PB_REINDEX_INDEX;
    case REINDEX_OBJECT_TABLE: return PB_REINDEX_TABLE;
    case REINDEX_OBJECT_SCHEMA: return PB_REINDEX_SCHEMA;
    case REINDEX_OBJECT_SYSTEM: return PB_REINDEX_SYSTEM;
    case REINDEX_OBJECT_DATABASE: return PB_REINDEX_DATABASE;
    }
    return PB_REINDEX_TABLE;
}

/* A boolean option DefElem: absent arg means true (manual: sql-reindex). */
static bool defelem_bool(const DefElem *d)
{
    if (!d->arg)
        return true;
    if (IsA(d->arg, Integer))
        return intVal(d->arg) != 0;
    if (IsA(d->arg, Boolean))
        return boolVal(d->arg);
    if (IsA(d->arg, String)) {
        const char *s = strVal(d->arg);
        return !(strcmp(s, "false") == 0 || strcmp(s, "off") == 0 || strcmp(s, "0") == 0 ||
                 strcmp(s, "no") == 0);
    }
    return true;
}

static bool has_option(List *opts, const char *name)
{
    ListCell *c;
    foreach (c, opts) {
        DefElem *d = lfirst(c);
        if (IsA(d, DefElem) && d->defname && strcmp(d->defname, name) == 0)
            return defelem_bool(d);
    }
    return false;
}

/* The text of a SET value list as PostgreSQL would show it. */
static const char *set_value(pb_lower_ctx *lc, List *args)
{
    if (list_length(args) == 0)
        return NULL;
    Node *a = linitial(args);
    if (IsA(a, A_Const)) {
        A_Const *c = (A_Const *)a;
        if (c->isnull)
            return NULL;
        if (IsA(&c->val, Integer))
            return pb_arena_sprintf(lc->arena, "%d", intVal(&c->val));
        if (IsA(&c->val, Float))
            return dup(lc, castNode(Float, &c->val)->fval);
        if (IsA(&c->val, String))
            return dup(lc, strVal(&c->val));
        if (IsA(&c->val, Boolean))
            return boolVal(&c->val) ? "true" : "false";
    }
    if (IsA(a, TypeCast) && ((TypeCast *)a)->arg && IsA(((TypeCast *)a)->arg, A_Const))
        return set_value(lc, list_make1(((TypeCast *)a)->arg));
    return "?";
}

static void lower_drop(pb_lower_ctx *lc, const DropStmt *ds)
{
    static const char *K = "DropStmt";
    ListCell *c;
    foreach (c, ds->objects) {
        Node *o = lfirst(c);
        pb_op *op;
        pb_qname name = {0};
        if (IsA(o, List))
            name = list_name(lc, (List *)o);
        else if (IsA(o, String))
            name.name = dup(lc, strVal(o));
        else if (IsA(o, TypeName))
            name = list_name(lc, ((TypeName *)o)->names);
        else if (IsA(o, ObjectWithArgs))
            name = list_name(lc, ((ObjectWithArgs *)o)->objname);
        switch (ds->removeType) {
        case OBJECT_TABLE:
            op = new_op(lc, PB_OP_DROP_TABLE, K);
            op->rel = name;
            break;
        case OBJECT_INDEX:
            op = new_op(lc, PB_OP_DROP_INDEX, K);
            op->obj = name;
            op->index_name = name.name;
            break;
        case OBJECT_SCHEMA:
            op = new_op(lc, PB_OP_DROP_SCHEMA, K);
            op->obj = name;
            break;
        default:
            op = new_op(lc, PB_OP_DROP_OTHER, K);
            op->obj = name;
            if (ds->removeType == OBJECT_VIEW || ds->removeType == OBJECT_MATVIEW ||
                ds->removeType == OBJECT_SEQUENCE || ds->removeType == OBJECT_FOREIGN_TABLE)
                op->rel = name;
            if ((ds->removeType == OBJECT_TRIGGER || ds->removeType == OBJECT_POLICY ||
                 ds->removeType == OBJECT_RULE) &&
                IsA(o, List) && list_length((List *)o) >= 2) {
                /* [schema.]table.name */
                List *l = (List *)o;
                op->rel = list_name_n(lc, l, list_length(l) - 1);
            }
            break;
        }
        op->object_kind = object_kind(ds->removeType);
        op->if_exists = ds->missing_ok;
        op->cascade = ds->behavior == DROP_CASCADE;
        op->concurrently = ds->concurrent;
    }
}

/* The name PostgreSQL's FigureColname gives an index expression, as
 * ChooseIndexColumnNames uses it: a function's name, a column's name, the
 * type of a cast of something unnamed; "expr" otherwise. */
static const char *index_expr_name(pb_lower_ctx *lc, Node *e)
{
    if (!e)
        return "expr";
    switch (nodeTag(e)) {
    case T_FuncCall: {
        List *fn = ((FuncCall *)e)->funcname;
        return list_length(fn) ? dup(lc, strVal(llast(fn))) : "expr";
    }
    case T_ColumnRef: {
        List *f = ((ColumnRef *)e)->fields;
        return list_length(f) && IsA(llast(f), String) ? dup(lc, strVal(llast(f))) : "expr";
    }
    case T_TypeCast: {
        const char *inner = index_expr_name(lc, ((TypeCast *)e)->arg);
        TypeName *tn = ((TypeCast *)e)->typeName;
        if (strcmp(inner, "expr") == 0 && tn && list_length(tn->names))
            return dup(lc, strVal(llast(tn->names)));
        return inner;
    }
    case T_CoalesceExpr: return "coalesce";
    case T_CaseExpr: return "case";
    default: return "expr";
    }
}

static void lower_rename(pb_lower_ctx *lc, const RenameStmt *rs)
{
    static const char *K = "RenameStmt";
    pb_op *op;
    switch (rs->renameType) {
    case OBJECT_COLUMN:
        op = new_op(lc, PB_OP_RENAME_COLUMN, K);
        op->rel = rangevar_name(lc, rs->relation);
        op->column = dup(lc, rs->subname);
        op->object_kind = object_kind(rs->relationType);
        break;
    case OBJECT_TABLE:
    case OBJECT_FOREIGN_TABLE:
        op = new_op(lc, PB_OP_RENAME_TABLE, K);
        op->rel = rangevar_name(lc, rs->relation);
        op->object_kind = PB_OBJ_TABLE;
        break;
    case OBJECT_INDEX:
        op = new_op(lc, PB_OP_RENAME_INDEX, K);
        op->obj = rangevar_name(lc, rs->relation);
        op->object_kind = PB_OBJ_INDEX;
        break;
    default:
        op = new_op(lc, PB_OP_RENAME_OTHER, K);
        op->object_kind = object_kind(rs->renameType);
        if (rs->relation) {
            op->rel = rangevar_name(lc, rs->relation);
            op->obj = op->rel;
        } else if (rs->object && IsA(rs->object, List)) {
            op->obj = list_name(lc, (List *)rs->object);
        } else if (rs->subname) {
            op->obj.name = dup(lc, rs->subname);
        }
        op->column = dup(lc, rs->subname);
        break;
    }
    op->new_name = dup(lc, rs->newname);
    op->if_exists = rs->missing_ok;
}

static void lower_create_table(pb_lower_ctx *lc, const CreateStmt *cs)
{
    pb_op *op = new_op(lc, PB_OP_CREATE_TABLE, "CreateStmt");
    op->rel = rangevar_name(lc, cs->relation);
    op->if_not_exists = cs->if_not_exists;
    op->temp = cs->relation && cs->relation->relpersistence == 't';
    if (cs->partbound) {
        op->partition_of = true;
        op->partition_default = cs->partbound->is_default;
        if (list_length(cs->inhRelations) > 0 && IsA(linitial(cs->inhRelations), RangeVar))
            op->obj = rangevar_name(lc, linitial(cs->inhRelations));
    }
    if (cs->partspec) {
        const PartitionSpec *ps = cs->partspec;
        op->partition_strategy = dup(lc, ps->strategy ? ps->strategy : "?");
        op->partition_columns =
            pb_arena_alloc(lc->arena, ((size_t)list_length(ps->partParams) + 1) * sizeof(char *));
        ListCell *k;
        foreach (k, ps->partParams) {
            PartitionElem *pe = lfirst(k);
            if (IsA(pe, PartitionElem) && pe->name)
                op->partition_columns[op->npartition_columns++] = dup(lc, pe->name);
        }
    }
    size_t n = (size_t)list_length(cs->tableElts), ccap = 0;
    op->columns = pb_arena_alloc(lc->arena, (n ? n : 1) * sizeof *op->columns);
    ListCell *c;
    foreach (c, cs->tableElts) {
        Node *e = lfirst(c);
        if (IsA(e, ColumnDef)) {
            pb_column *col = lower_column(lc, (ColumnDef *)e);
            op->columns[op->ncolumns++] = col;
            if (col->references && !op->ref.name)
                op->ref = col->ref;
            for (size_t i = 0; i < col->nconstraints; i++)
                add_constraint(lc, &op->constraints, &op->nconstraints, &ccap, col->constraints[i]);
        } else if (IsA(e, Constraint)) {
            Constraint *con = (Constraint *)e;
            add_constraint(lc, &op->constraints, &op->nconstraints, &ccap, lower_constraint(lc, con, NULL));
            if (con->contype == CONSTR_FOREIGN && !op->ref.name)
                op->ref = rangevar_name(lc, con->pktable);
            if (con->contype == CONSTR_PRIMARY) {
                ListCell *k;
                foreach (k, con->keys) {
                    const char *kn = strVal(lfirst(k));
                    for (size_t i = 0; i < op->ncolumns; i++)
                        if (strcmp(op->columns[i]->name, kn) == 0)
                            op->columns[i]->not_null = true;
                }
            }
        }
    }
}

static void lower_rels(pb_lower_ctx *lc, List *rels, pb_op_kind kind, const char *K, pb_op **first)
{
    ListCell *c;
    *first = NULL;
    foreach (c, rels) {
        Node *r = lfirst(c);
        RangeVar *rv = NULL;
        if (IsA(r, RangeVar))
            rv = (RangeVar *)r;
        else if (IsA(r, VacuumRelation))
            rv = ((VacuumRelation *)r)->relation;
        pb_op *op = new_op(lc, kind, K);
        op->rel = rangevar_name(lc, rv);
        op->only = rv && !rv->inh;
        if (rv)
            set_focus(lc, op, rv->location);
        if (!*first)
            *first = op;
    }
}

/* CREATE / ALTER SEQUENCE options the catalog keeps: AS type, OWNED BY
 * table.column (OWNED BY NONE clears it). */
static void sequence_options(pb_lower_ctx *lc, pb_op *op, List *options)
{
    ListCell *c;
    foreach (c, options) {
        DefElem *d = lfirst(c);
        if (!IsA(d, DefElem) || !d->defname)
            continue;
        if (strcmp(d->defname, "as") == 0 && d->arg && IsA(d->arg, TypeName)) {
            op->type = lower_type(lc, (TypeName *)d->arg);
        } else if (strcmp(d->defname, "owned_by") == 0 && d->arg && IsA(d->arg, List)) {
            List *l = (List *)d->arg;
            op->has_owned_by = true;
            if (list_length(l) >= 2 && IsA(llast(l), String)) {
                op->owned_by = list_name_n(lc, l, list_length(l) - 1);
                op->owned_by_column = dup(lc, strVal(llast(l)));
            }
        }
    }
}

/* An integer constant, or -1. */
static int32_t int_const(const Node *n)
{
    if (n && IsA(n, A_Const) && !((const A_Const *)n)->isnull && IsA(&((const A_Const *)n)->val, Integer))
        return (int32_t)intVal(&((const A_Const *)n)->val);
    return -1;
}

/* UPDATE ... SET c = substr(c, 1, n) | substring(c, 1, n) | left(c, n):
 * records the first such cap (the values are at most n characters after
 * it; PostgreSQL manual, "String Functions and Operators"). */
static void lower_update_cap(pb_lower_ctx *lc, pb_op *op, const UpdateStmt *u)
{
    ListCell *lc1;
    foreach (lc1, u->targetList) {
        ResTarget *rt = lfirst(lc1);
        if (!IsA(rt, ResTarget) || !rt->name || rt->indirection || !rt->val || !IsA(rt->val, FuncCall))
            continue;
        FuncCall *fc = (FuncCall *)rt->val;
        Node *fn = llast(fc->funcname);
        if (!IsA(fn, String) || fc->agg_order || fc->agg_filter || fc->over || fc->agg_star ||
            fc->func_variadic)
            continue;
        const char *name = strVal(fn);
        int nargs = list_length(fc->args);
        int32_t n = -1;
        if ((!strcmp(name, "substr") || !strcmp(name, "substring")) && nargs == 3 &&
            int_const(lsecond(fc->args)) == 1)
            n = int_const(lthird(fc->args));
        else if (!strcmp(name, "left") && nargs == 2)
            n = int_const(lsecond(fc->args));
        Node *arg = nargs ? linitial(fc->args) : NULL;
        if (n < 0 || !arg || !IsA(arg, ColumnRef))
            continue;
        Node *col = llast(((ColumnRef *)arg)->fields);
        if (!IsA(col, String) || strcmp(strVal(col), rt->name) != 0)
            continue;
        op->capped_column = pb_arena_strdup(lc->arena, rt->name);
        op->capped_len = n;
        return;
    }
}

/* SELECT set_config('lock_timeout', '5s', is_local): the function form of
 * SET, common in migrations (manual: functions-admin, set_config). */
static bool lower_set_config(pb_lower_ctx *lc, const SelectStmt *ss)
{
    if (list_length(ss->targetList) != 1 || ss->fromClause)
        return false;
    ResTarget *rt = linitial(ss->targetList);
    if (!IsA(rt, ResTarget) || !rt->val || !IsA(rt->val, FuncCall))
        return false;
    FuncCall *fc = (FuncCall *)rt->val;
    Node *fn = llast(fc->funcname);
    if (!IsA(fn, String) || strcmp(strVal(fn), "set_config") != 0 || list_length(fc->args) != 3)
        return false;
    Node *name = linitial(fc->args), *val = lsecond(fc->args), *local = lthird(fc->args);
    if (!IsA(name, A_Const) || !IsA(&((A_Const *)name)->val, String))
        return false;
    pb_op *op = new_op(lc, PB_OP_SET, "SelectStmt");
    char *setting = pb_arena_strdup(lc->arena, strVal(&((A_Const *)name)->val));
    for (char *p = setting; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    op->setting = setting;
    op->value = set_value(lc, list_make1(val));
    if (IsA(local, A_Const) && IsA(&((A_Const *)local)->val, Boolean))
        op->is_local = boolVal(&((A_Const *)local)->val);
    else if (IsA(local, TypeCast) || IsA(local, A_Const))
        op->is_local =
            strcmp(set_value(lc, list_make1(local)) ? set_value(lc, list_make1(local)) : "", "true") == 0;
    return true;
}

static const char *stmt_name(NodeTag t)
{
    switch (t) {
#define STMT(x)                                                                                              \
    case T_##x:                                                                                              \
        return #x;
#include "parse/stmt_tags.def"
#undef STMT
    default: return "Statement";
    }
}

const char *pb_lower__stmt_name(const void *node)
{
    return stmt_name(nodeTag((const Node *)node));
}

void pb_lower_stmt(pb_lower_ctx *lc, const void *stmt_node)
{
    Node *n = (Node *)stmt_node;
    const char *K = stmt_name(nodeTag(n));
    pb_op *op = NULL;
    switch (nodeTag(n)) {
    case T_TransactionStmt: {
        TransactionStmt *ts = (TransactionStmt *)n;
        switch (ts->kind) {
        case TRANS_STMT_BEGIN:
        case TRANS_STMT_START: new_op(lc, PB_OP_BEGIN, K); break;
        case TRANS_STMT_COMMIT:
        case TRANS_STMT_PREPARE:
            new_op(lc, PB_OP_COMMIT, K);
            if (ts->chain)
                new_op(lc, PB_OP_BEGIN, K);
            break;
        case TRANS_STMT_ROLLBACK:
            new_op(lc, PB_OP_ROLLBACK, K);
            if (ts->chain)
                new_op(lc, PB_OP_BEGIN, K);
            break;
        case TRANS_STMT_SAVEPOINT:
        case TRANS_STMT_RELEASE:
        case TRANS_STMT_ROLLBACK_TO: new_op(lc, PB_OP_SAVEPOINT, K); break;
        case TRANS_STMT_COMMIT_PREPARED:
        case TRANS_STMT_ROLLBACK_PREPARED: new_op(lc, PB_OP_NON_TRANSACTIONAL, K); break;
        }
        break;
    }
    case T_VariableSetStmt: {
        VariableSetStmt *vs = (VariableSetStmt *)n;
        op = new_op(lc, PB_OP_SET, K);
        op->setting = vs->name ? dup(lc, vs->name) : NULL;
        op->is_local = vs->is_local;
        if (vs->kind == VAR_SET_VALUE)
            op->value = set_value(lc, vs->args);
        break;
    }
    case T_CreateStmt: lower_create_table(lc, (CreateStmt *)n); break;
    case T_CreateTableAsStmt: {
        CreateTableAsStmt *ct = (CreateTableAsStmt *)n;
        op = new_op(lc, PB_OP_CREATE_TABLE_AS, K);
        op->rel = rangevar_name(lc, ct->into ? ct->into->rel : NULL);
        op->matview = ct->objtype == OBJECT_MATVIEW;
        op->if_not_exists = ct->if_not_exists;
        op->temp = ct->into && ct->into->rel && ct->into->rel->relpersistence == 't';
        query_reads(lc, op, ct->query);
        break;
    }
    case T_AlterTableStmt: {
        AlterTableStmt *st = (AlterTableStmt *)n;
        ListCell *c;
        foreach (c, st->cmds)
            lower_alter_cmd(lc, st, lfirst(c));
        break;
    }
    case T_AlterObjectSchemaStmt: {
        AlterObjectSchemaStmt *as = (AlterObjectSchemaStmt *)n;
        if (as->relation) {
            op = new_op(lc, PB_OP_ALTER_TABLE_OTHER, K);
            op->at = PB_AT_SET_SCHEMA;
            op->rel = rangevar_name(lc, as->relation);
            op->new_name = dup(lc, as->newschema);
            op->object_kind = object_kind(as->objectType);
        } else {
            new_op(lc, PB_OP_OTHER, K);
        }
        break;
    }
    case T_RenameStmt: lower_rename(lc, (RenameStmt *)n); break;
    case T_IndexStmt: {
        IndexStmt *is = (IndexStmt *)n;
        op = new_op(lc, PB_OP_CREATE_INDEX, K);
        op->rel = rangevar_name(lc, is->relation);
        op->index_name = dup(lc, is->idxname);
        op->obj.name = op->index_name;
        op->obj.schema = op->rel.schema;
        op->concurrently = is->concurrent;
        op->unique = is->unique || is->primary;
        op->partial = is->whereClause != NULL;
        op->only = is->relation && !is->relation->inh;
        op->if_not_exists = is->if_not_exists;
        size_t k = 0;
        op->con_columns =
            pb_arena_alloc(lc->arena, ((size_t)list_length(is->indexParams) + 1) * sizeof(char *));
        ListCell *c;
        op->index_parts =
            pb_arena_alloc(lc->arena, ((size_t)list_length(is->indexParams) + 1) * sizeof(char *));
        foreach (c, is->indexParams) {
            IndexElem *ie = lfirst(c);
            if (!IsA(ie, IndexElem))
                continue;
            if (ie->name)
                op->con_columns[k++] = dup(lc, ie->name);
            op->index_parts[op->nindex_parts++] = ie->name ? dup(lc, ie->name) : index_expr_name(lc, ie->expr);
        }
        op->ncon_columns = k;
        break;
    }
    case T_DropStmt: lower_drop(lc, (DropStmt *)n); break;
    case T_ReindexStmt: {
        ReindexStmt *rs = (ReindexStmt *)n;
        op = new_op(lc, PB_OP_REINDEX, K);
        op->reindex_target = reindex_target(rs->kind);
        if (rs->relation) {
            op->obj = rangevar_name(lc, rs->relation);
            if (rs->kind == REINDEX_OBJECT_TABLE)
                op->rel = op->obj;
        } else if (rs->name) {
            op->obj.name = dup(lc, rs->name);
        }
        op->concurrently = has_option(rs->params, "concurrently");
        break;
    }
    case T_TruncateStmt: {
        TruncateStmt *ts = (TruncateStmt *)n;
        pb_op *first;
        lower_rels(lc, ts->relations, PB_OP_TRUNCATE, K, &first);
        for (size_t i = lc->ops->len; i-- > 0 && lc->ops->items[i]->stmt == lc->stmt_index;)
            lc->ops->items[i]->cascade = ts->behavior == DROP_CASCADE;
        break;
    }
    case T_LockStmt: {
        LockStmt *ls = (LockStmt *)n;
        pb_op *first;
        lower_rels(lc, ls->relations, PB_OP_LOCK_TABLE, K, &first);
        for (size_t i = lc->ops->len; i-- > 0 && lc->ops->items[i]->stmt == lc->stmt_index;) {
            lc->ops->items[i]->lock_mode = (pb_lock_mode)ls->mode;
            lc->ops->items[i]->nowait = ls->nowait;
        }
        break;
    }
    case T_VacuumStmt: {
        VacuumStmt *vs = (VacuumStmt *)n;
        bool full = vs->is_vacuumcmd && has_option(vs->options, "full");
        bool analyze_only = !vs->is_vacuumcmd;
        pb_op *first = NULL;
        if (list_length(vs->rels) > 0)
            lower_rels(lc, vs->rels, PB_OP_VACUUM, K, &first);
        else
            new_op(lc, PB_OP_VACUUM, K);
        for (size_t i = lc->ops->len; i-- > 0 && lc->ops->items[i]->stmt == lc->stmt_index;) {
            lc->ops->items[i]->full = full;
            lc->ops->items[i]->analyze_only = analyze_only;
        }
        break;
    }
    case T_ClusterStmt: {
        ClusterStmt *cs = (ClusterStmt *)n;
        op = new_op(lc, PB_OP_CLUSTER, K);
        op->rel = rangevar_name(lc, cs->relation);
        op->index_name = dup(lc, cs->indexname);
        break;
    }
    case T_RefreshMatViewStmt: {
        RefreshMatViewStmt *rm = (RefreshMatViewStmt *)n;
        op = new_op(lc, PB_OP_REFRESH_MATVIEW, K);
        op->rel = rangevar_name(lc, rm->relation);
        op->concurrently = rm->concurrent;
        op->object_kind = PB_OBJ_MATVIEW;
        break;
    }
    case T_InsertStmt:
        op = new_op(lc, PB_OP_INSERT, K);
        op->rel = rangevar_name(lc, ((InsertStmt *)n)->relation);
        if (((InsertStmt *)n)->selectStmt) /* INSERT ... SELECT: the planner's copy patterns */
            query_reads(lc, op, ((InsertStmt *)n)->selectStmt);
        break;
    case T_UpdateStmt:
        op = new_op(lc, PB_OP_UPDATE, K);
        op->rel = rangevar_name(lc, ((UpdateStmt *)n)->relation);
        op->has_where = ((UpdateStmt *)n)->whereClause != NULL;
        lower_update_cap(lc, op, (UpdateStmt *)n);
        break;
    case T_DeleteStmt:
        op = new_op(lc, PB_OP_DELETE, K);
        op->rel = rangevar_name(lc, ((DeleteStmt *)n)->relation);
        op->has_where = ((DeleteStmt *)n)->whereClause != NULL;
        break;
    case T_CreatePolicyStmt:
        /* no op kind of its own: facts read the table and the object kind */
        op = new_op(lc, PB_OP_OTHER, K);
        op->rel = rangevar_name(lc, ((CreatePolicyStmt *)n)->table);
        op->object_kind = PB_OBJ_POLICY;
        break;
    case T_AlterPolicyStmt:
        op = new_op(lc, PB_OP_OTHER, K);
        op->rel = rangevar_name(lc, ((AlterPolicyStmt *)n)->table);
        op->object_kind = PB_OBJ_POLICY;
        break;
    case T_CreateTrigStmt:
        op = new_op(lc, PB_OP_CREATE_TRIGGER, K);
        op->rel = rangevar_name(lc, ((CreateTrigStmt *)n)->relation);
        op->replace = ((CreateTrigStmt *)n)->replace;
        break;
    case T_ViewStmt:
        op = new_op(lc, PB_OP_CREATE_VIEW, K);
        op->rel = rangevar_name(lc, ((ViewStmt *)n)->view);
        op->replace = ((ViewStmt *)n)->replace;
        op->object_kind = PB_OBJ_VIEW;
        query_reads(lc, op, ((ViewStmt *)n)->query);
        break;
    case T_AlterEnumStmt: {
        AlterEnumStmt *ae = (AlterEnumStmt *)n;
        op = new_op(lc, PB_OP_ALTER_ENUM, K);
        op->obj = list_name(lc, ae->typeName);
        op->new_name = dup(lc, ae->newVal);
        op->enum_rename = ae->oldVal != NULL;
        op->enum_old_value = dup(lc, ae->oldVal);
        op->enum_neighbor = dup(lc, ae->newValNeighbor);
        op->enum_after = ae->newValIsAfter;
        op->if_not_exists = ae->skipIfNewValExists;
        op->object_kind = PB_OBJ_TYPE;
        break;
    }
    case T_CreateEnumStmt:
        op = new_op(lc, PB_OP_CREATE_ENUM, K);
        op->obj = list_name(lc, ((CreateEnumStmt *)n)->typeName);
        op->values = string_list(lc, ((CreateEnumStmt *)n)->vals, &op->nvalues);
        op->object_kind = PB_OBJ_TYPE;
        break;
    case T_CreateSeqStmt: {
        CreateSeqStmt *cs = (CreateSeqStmt *)n;
        op = new_op(lc, PB_OP_CREATE_SEQUENCE, K);
        op->rel = rangevar_name(lc, cs->sequence);
        op->if_not_exists = cs->if_not_exists;
        op->temp = cs->sequence && cs->sequence->relpersistence == 't';
        op->object_kind = PB_OBJ_SEQUENCE;
        sequence_options(lc, op, cs->options);
        break;
    }
    case T_AlterSeqStmt:
        op = new_op(lc, PB_OP_ALTER_SEQUENCE, K);
        op->rel = rangevar_name(lc, ((AlterSeqStmt *)n)->sequence);
        op->if_exists = ((AlterSeqStmt *)n)->missing_ok;
        op->object_kind = PB_OBJ_SEQUENCE;
        sequence_options(lc, op, ((AlterSeqStmt *)n)->options);
        break;
    case T_CommentStmt: {
        CommentStmt *cs = (CommentStmt *)n;
        op = new_op(lc, PB_OP_COMMENT, K);
        op->object_kind = object_kind(cs->objtype);
        if (cs->object && IsA(cs->object, List)) {
            List *l = (List *)cs->object;
            if (cs->objtype == OBJECT_COLUMN && list_length(l) >= 2) {
                op->rel = list_name_n(lc, l, list_length(l) - 1);
                op->column = dup(lc, strVal(llast(l)));
            } else if (cs->objtype == OBJECT_TABLE) {
                op->rel = list_name(lc, l);
            }
        }
        break;
    }
    case T_CreateSchemaStmt:
        op = new_op(lc, PB_OP_CREATE_SCHEMA, K);
        op->obj.name = dup(lc, ((CreateSchemaStmt *)n)->schemaname);
        op->if_not_exists = ((CreateSchemaStmt *)n)->if_not_exists;
        break;
    case T_CreatedbStmt:
    case T_DropdbStmt:
    case T_CreateTableSpaceStmt:
    case T_DropTableSpaceStmt:
    case T_AlterSystemStmt:
    case T_CreateSubscriptionStmt:
    case T_DropSubscriptionStmt: new_op(lc, PB_OP_NON_TRANSACTIONAL, K); break;
    case T_AlterSubscriptionStmt: {
        AlterSubscriptionStmt *as = (AlterSubscriptionStmt *)n;
        new_op(lc, as->kind == ALTER_SUBSCRIPTION_REFRESH ? PB_OP_NON_TRANSACTIONAL : PB_OP_OTHER, K);
        break;
    }
    case T_DiscardStmt:
        new_op(lc, ((DiscardStmt *)n)->target == DISCARD_ALL ? PB_OP_NON_TRANSACTIONAL : PB_OP_OTHER, K);
        break;
    case T_AlterDatabaseStmt:
        new_op(lc,
               has_option(((AlterDatabaseStmt *)n)->options, "tablespace") ? PB_OP_NON_TRANSACTIONAL
                                                                           : PB_OP_OTHER,
               K);
        break;
    case T_SelectStmt:
        if (!lower_set_config(lc, (SelectStmt *)n))
            new_op(lc, PB_OP_OTHER, K);
        break;
    default: new_op(lc, PB_OP_OTHER, K); break;
    }
}
