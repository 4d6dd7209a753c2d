/* Catalog replay: applies ops to the in-memory schema model. */
#include "catalog/catalog.h"

#include <string.h>

void pb_catalog_init(pb_catalog *cat, pb_arena *a)
{
    memset(cat, 0, sizeof *cat);
    cat->arena = a;
    cat->part = 1;
    cat->mig = 1;
}

void pb_catalog_begin_part(pb_catalog *cat, size_t mig_index)
{
    cat->part++;
    cat->mig = (uint32_t)mig_index + 1;
}

bool pb_catalog_in_part(const pb_catalog *cat, uint32_t part)
{
    return part != 0 && part == cat->part;
}

bool pb_catalog_in_migration(const pb_catalog *cat, uint32_t mig)
{
    return mig != 0 && mig == cat->mig;
}

static const char *cp(pb_catalog *cat, const char *s)
{
    return pb_arena_strdup(cat->arena, s);
}

static pb_qname cpq(pb_catalog *cat, pb_qname q)
{
    return (pb_qname){cp(cat, q.schema), cp(cat, q.name)};
}

static pb_type cpt(pb_catalog *cat, pb_type t)
{
    t.name = cp(cat, t.name);
    t.schema = cp(cat, t.schema);
    return t;
}

/* ---- relations ------------------------------------------------------------- */

pb_cat_table *pb_catalog_table(const pb_catalog *cat, pb_qname name)
{
    if (!name.name)
        return NULL;
    for (pb_cat_table *t = pb_strmap_get(&cat->tables, name.name); t; t = t->next_same_name)
        if (pb_qname_match(t->name, name))
            return t;
    return NULL;
}

static void link_table(pb_catalog *cat, pb_cat_table *t)
{
    t->next_same_name = pb_strmap_get(&cat->tables, t->name.name);
    pb_strmap_put(cat->arena, &cat->tables, t->name.name, t);
}

static void unlink_table(pb_catalog *cat, pb_cat_table *t)
{
    pb_cat_table *head = pb_strmap_get(&cat->tables, t->name.name);
    if (head == t) {
        if (t->next_same_name)
            pb_strmap_put(cat->arena, &cat->tables, t->name.name, t->next_same_name);
        else
            pb_strmap_del(&cat->tables, t->name.name);
    } else {
        for (pb_cat_table *p = head; p; p = p->next_same_name)
            if (p->next_same_name == t) {
                p->next_same_name = t->next_same_name;
                break;
            }
    }
    t->next_same_name = NULL;
}

static pb_cat_table *new_table(pb_catalog *cat, pb_qname name, pb_rel_kind kind, bool created)
{
    pb_cat_table *t = pb_arena_alloc(cat->arena, sizeof *t);
    t->name = cpq(cat, name);
    t->kind = kind;
    t->matview = kind == PB_REL_MATVIEW;
    if (created) {
        t->part = cat->part;
        t->mig = cat->mig;
    }
    link_table(cat, t);
    cat->ntables++;
    return t;
}

/* The table an ALTER acts on; unknown tables are added as existing ones. */
static pb_cat_table *ensure_table(pb_catalog *cat, pb_qname name)
{
    pb_cat_table *t = pb_catalog_table(cat, name);
    return t ? t : new_table(cat, name, PB_REL_TABLE, false);
}

static void drop_table(pb_catalog *cat, pb_qname name)
{
    pb_cat_table *t = pb_catalog_table(cat, name);
    if (t) {
        unlink_table(cat, t);
        cat->ntables--;
    }
}

bool pb_catalog_is_new(const pb_catalog *cat, pb_qname rel)
{
    pb_cat_table *t = pb_catalog_table(cat, rel);
    return t && pb_catalog_in_part(cat, t->part);
}

bool pb_catalog_created_by_migration(const pb_catalog *cat, pb_qname rel)
{
    pb_cat_table *t = pb_catalog_table(cat, rel);
    return t && pb_catalog_in_migration(cat, t->mig);
}

/* ---- columns and constraints ------------------------------------------------ */

pb_cat_column *pb_catalog_column(const pb_cat_table *t, const char *name)
{
    return t && name ? pb_strmap_get(&t->column_map, name) : NULL;
}

pb_cat_constraint *pb_catalog_constraint(const pb_cat_table *t, const char *name)
{
    return t && name ? pb_strmap_get(&t->constraint_map, name) : NULL;
}

static pb_cat_column *put_column(pb_catalog *cat, pb_cat_table *t, const char *name)
{
    pb_cat_column *c = pb_catalog_column(t, name);
    if (!c) {
        c = pb_arena_alloc(cat->arena, sizeof *c);
        c->name = cp(cat, name);
        pb_ptrvec_push(cat->arena, &t->columns, c);
        pb_strmap_put(cat->arena, &t->column_map, c->name, c);
    }
    return c;
}

static void add_column(pb_catalog *cat, pb_cat_table *t, const pb_column *col)
{
    if (!col->name)
        return;
    pb_cat_column *c = put_column(cat, t, col->name);
    c->type = cpt(cat, col->type);
    c->not_null = col->not_null || col->primary_key;
    c->part = cat->part;
    c->mig = cat->mig;
}

static void remove_from(pb_ptrvec *v, void *item)
{
    for (size_t i = 0; i < v->len; i++)
        if (v->items[i] == item) {
            memmove(&v->items[i], &v->items[i + 1], (v->len - i - 1) * sizeof(void *));
            v->len--;
            return;
        }
}

static void drop_column(pb_cat_table *t, const char *name)
{
    pb_cat_column *c = pb_catalog_column(t, name);
    if (!c)
        return;
    pb_strmap_del(&t->column_map, name);
    remove_from(&t->columns, c);
}

bool pb_catalog_not_null_proven(const pb_catalog *cat, pb_qname rel, const char *col)
{
    pb_cat_table *t = pb_catalog_table(cat, rel);
    if (!t || !col)
        return false;
    for (size_t i = 0; i < t->constraints.len; i++) {
        pb_cat_constraint *c = t->constraints.items[i];
        if (c->kind == PB_CON_CHECK && c->validated && c->check_not_null_column &&
            strcmp(c->check_not_null_column, col) == 0)
            return true;
    }
    return false;
}

/* ---- indexes, schemas, enums ----------------------------------------------------- */

pb_cat_index *pb_catalog_index(const pb_catalog *cat, pb_qname name)
{
    if (!name.name)
        return NULL;
    for (pb_cat_index *x = pb_strmap_get(&cat->indexes, name.name); x; x = x->next_same_name)
        if (pb_qname_match(x->name, name))
            return x;
    return NULL;
}

static void unlink_index(pb_catalog *cat, pb_cat_index *x)
{
    pb_cat_index *head = pb_strmap_get(&cat->indexes, x->name.name);
    if (head == x) {
        if (x->next_same_name)
            pb_strmap_put(cat->arena, &cat->indexes, x->name.name, x->next_same_name);
        else
            pb_strmap_del(&cat->indexes, x->name.name);
    } else {
        for (pb_cat_index *p = head; p; p = p->next_same_name)
            if (p->next_same_name == x) {
                p->next_same_name = x->next_same_name;
                break;
            }
    }
    x->next_same_name = NULL;
}

/* Files `x` under its table's name in cat->table_indexes. */
static void on_table(pb_catalog *cat, pb_cat_index *x)
{
    if (!x->table.name)
        return;
    pb_ptrvec *v = pb_strmap_get(&cat->table_indexes, x->table.name);
    if (!v) {
        v = pb_arena_alloc(cat->arena, sizeof *v);
        pb_strmap_put(cat->arena, &cat->table_indexes, x->table.name, v);
    }
    pb_ptrvec_push(cat->arena, v, x);
}

static void add_index(pb_catalog *cat, pb_qname name, pb_qname table, bool unique, const char *const *cols,
                      size_t ncols)
{
    if (!name.name)
        return;
    pb_cat_index *old = pb_catalog_index(cat, name);
    if (old)
        unlink_index(cat, old);
    pb_cat_index *x = pb_arena_alloc(cat->arena, sizeof *x);
    x->name = cpq(cat, name);
    if (!x->name.schema && table.schema)
        x->name.schema = cp(cat, table.schema); /* an index lives in its table's schema */
    x->table = cpq(cat, table);
    x->unique = unique;
    x->columns = pb_arena_alloc(cat->arena, (ncols ? ncols : 1) * sizeof *x->columns);
    for (size_t i = 0; i < ncols; i++)
        if (cols[i])
            x->columns[x->ncolumns++] = cp(cat, cols[i]);
    x->part = cat->part;
    x->mig = cat->mig;
    x->next_same_name = pb_strmap_get(&cat->indexes, x->name.name);
    pb_strmap_put(cat->arena, &cat->indexes, x->name.name, x);
    on_table(cat, x);
}

const pb_cat_index *pb_catalog_table_index(const pb_catalog *cat, pb_qname table, size_t *i)
{
    const pb_ptrvec *v = table.name ? pb_strmap_get(&cat->table_indexes, table.name) : NULL;
    while (v && *i < v->len) {
        const pb_cat_index *x = v->items[(*i)++];
        if (pb_catalog_index(cat, x->name) == x && pb_qname_match(x->table, table))
            return x;
    }
    return NULL;
}

pb_cat_object *pb_catalog_schema(const pb_catalog *cat, const char *name)
{
    return name ? pb_strmap_get(&cat->schemas, name) : NULL;
}

pb_cat_object *pb_catalog_enum(const pb_catalog *cat, pb_qname name)
{
    return name.name ? pb_strmap_get(&cat->enums, name.name) : NULL;
}

static void put_object(pb_catalog *cat, pb_strmap *m, const char *name, uint32_t tx)
{
    if (!name)
        return;
    pb_cat_object *o = pb_arena_alloc(cat->arena, sizeof *o);
    o->name = cp(cat, name);
    o->part = cat->part;
    o->mig = cat->mig;
    o->tx = tx;
    pb_strmap_put(cat->arena, m, o->name, o);
}

/* ---- replay -------------------------------------------------------------------- */

void pb_catalog_apply(pb_catalog *cat, const pb_op *op, uint32_t tx)
{
    pb_cat_table *t;
    switch (op->kind) {
    case PB_OP_CREATE_TABLE:
        if (op->if_not_exists && pb_catalog_table(cat, op->rel))
            break;
        drop_table(cat, op->rel);
        t = new_table(cat, op->rel, PB_REL_TABLE, true);
        for (size_t i = 0; i < op->ncolumns; i++) {
            add_column(cat, t, op->columns[i]);
            if (op->columns[i]->primary_key || op->columns[i]->unique) {
                /* PostgreSQL names the index table_col_pkey / table_col_key */
                const char *suffix = op->columns[i]->primary_key ? "pkey" : "key";
                const char *iname = op->columns[i]->primary_key
                                        ? pb_arena_sprintf(cat->arena, "%s_%s", op->rel.name, suffix)
                                        : pb_arena_sprintf(cat->arena, "%s_%s_%s", op->rel.name,
                                                           op->columns[i]->name, suffix);
                add_index(cat, (pb_qname){op->rel.schema, iname}, op->rel, true,
                          (const char *const *)&op->columns[i]->name, 1);
            }
        }
        break;
    case PB_OP_CREATE_TABLE_AS:
        if (op->if_not_exists && pb_catalog_table(cat, op->rel))
            break;
        drop_table(cat, op->rel);
        new_table(cat, op->rel, op->matview ? PB_REL_MATVIEW : PB_REL_TABLE, true);
        break;
    case PB_OP_CREATE_VIEW: {
        pb_cat_table *v = pb_catalog_table(cat, op->rel);
        if (!v)
            new_table(cat, op->rel, PB_REL_VIEW, true);
        break;
    }
    case PB_OP_DROP_TABLE: drop_table(cat, op->rel); break;
    case PB_OP_DROP_OTHER:
        if (op->object_kind == PB_OBJ_VIEW || op->object_kind == PB_OBJ_MATVIEW ||
            op->object_kind == PB_OBJ_FOREIGN_TABLE)
            drop_table(cat, op->rel);
        else if (op->object_kind == PB_OBJ_TYPE && op->obj.name)
            pb_strmap_del(&cat->enums, op->obj.name);
        break;
    case PB_OP_RENAME_TABLE:
    case PB_OP_RENAME_OTHER:
        if ((op->kind == PB_OP_RENAME_TABLE || op->object_kind == PB_OBJ_VIEW ||
             op->object_kind == PB_OBJ_MATVIEW) &&
            (t = pb_catalog_table(cat, op->rel)) && op->new_name) {
            pb_qname old = t->name;
            unlink_table(cat, t);
            t->name = (pb_qname){t->name.schema, cp(cat, op->new_name)};
            link_table(cat, t);
            /* its indexes follow it */
            pb_cat_index *x;
            size_t k = 0;
            while (strcmp(old.name, t->name.name) != 0 &&
                   (x = (pb_cat_index *)pb_catalog_table_index(cat, old, &k))) {
                x->table = (pb_qname){x->table.schema, t->name.name};
                on_table(cat, x);
            }
        }
        break;
    case PB_OP_ADD_COLUMN:
        if (op->col) {
            t = ensure_table(cat, op->rel);
            if (!(op->if_not_exists && pb_catalog_column(t, op->col->name))) {
                add_column(cat, t, op->col);
                if (op->col->name && (op->col->primary_key || op->col->unique)) {
                    const char *iname =
                        op->col->primary_key
                            ? pb_arena_sprintf(cat->arena, "%s_pkey", op->rel.name)
                            : pb_arena_sprintf(cat->arena, "%s_%s_key", op->rel.name, op->col->name);
                    add_index(cat, (pb_qname){op->rel.schema, iname}, op->rel, true,
                              (const char *const *)&op->col->name, 1);
                }
            }
        }
        break;
    case PB_OP_DROP_COLUMN:
        if ((t = pb_catalog_table(cat, op->rel)) && op->column)
            drop_column(t, op->column);
        break;
    case PB_OP_RENAME_COLUMN:
        if ((t = pb_catalog_table(cat, op->rel)) && op->column && op->new_name) {
            pb_cat_column *c = pb_catalog_column(t, op->column);
            if (c) {
                pb_strmap_del(&t->column_map, c->name);
                c->name = cp(cat, op->new_name);
                pb_strmap_put(cat->arena, &t->column_map, c->name, c);
            }
        }
        break;
    case PB_OP_ALTER_COLUMN_TYPE:
        if (op->column) {
            pb_cat_column *c = put_column(cat, ensure_table(cat, op->rel), op->column);
            c->type = cpt(cat, op->type);
        }
        break;
    case PB_OP_SET_NOT_NULL:
    case PB_OP_DROP_NOT_NULL: {
        pb_cat_column *c = pb_catalog_column(pb_catalog_table(cat, op->rel), op->column);
        if (c)
            c->not_null = op->kind == PB_OP_SET_NOT_NULL;
        break;
    }
    case PB_OP_ADD_CONSTRAINT: {
        t = ensure_table(cat, op->rel);
        pb_cat_constraint *c = pb_arena_alloc(cat->arena, sizeof *c);
        c->name = cp(cat, op->con_name);
        c->kind = op->con_kind;
        c->validated = !op->not_valid;
        c->check_not_null_column = cp(cat, op->check_not_null_column);
        c->ref = cpq(cat, op->ref);
        c->tx = tx;
        c->added_at = op->span.start;
        pb_ptrvec_push(cat->arena, &t->constraints, c);
        if (c->name)
            pb_strmap_put(cat->arena, &t->constraint_map, c->name, c);
        if (op->con_kind == PB_CON_PRIMARY_KEY)
            for (size_t i = 0; i < op->ncon_columns; i++) {
                pb_cat_column *col = pb_catalog_column(t, op->con_columns[i]);
                if (col)
                    col->not_null = true;
            }
        if (op->con_kind == PB_CON_PRIMARY_KEY || op->con_kind == PB_CON_UNIQUE) {
            const char *const *cols = op->con_columns;
            size_t ncols = op->ncon_columns;
            /* an unnamed one: USING INDEX keeps the index's name, else PostgreSQL
               names it table_pkey / table_col_key */
            const char *iname = op->con_name;
            if (!iname && op->using_index)
                iname = op->index_name;
            if (!iname && op->rel.name) {
                iname = op->rel.name;
                for (size_t i = 0; i < ncols && op->con_kind == PB_CON_UNIQUE; i++)
                    iname = pb_arena_sprintf(cat->arena, "%s_%s", iname, cols[i]);
                iname = pb_arena_sprintf(cat->arena, "%s_%s", iname,
                                         op->con_kind == PB_CON_PRIMARY_KEY ? "pkey" : "key");
            }
            if (op->using_index && op->index_name) {
                pb_cat_index *x = pb_catalog_index(cat, (pb_qname){op->rel.schema, op->index_name});
                if (x) {
                    unlink_index(cat, x); /* the index is renamed to the constraint */
                    cols = (const char *const *)x->columns, ncols = x->ncolumns;
                }
            }
            add_index(cat, (pb_qname){op->rel.schema, iname}, op->rel, true, cols, ncols);
        }
        break;
    }
    case PB_OP_VALIDATE_CONSTRAINT: {
        pb_cat_constraint *c = pb_catalog_constraint(pb_catalog_table(cat, op->rel), op->con_name);
        if (c)
            c->validated = true;
        break;
    }
    case PB_OP_DROP_CONSTRAINT:
        if ((t = pb_catalog_table(cat, op->rel)) && op->con_name) {
            pb_cat_constraint *c = pb_catalog_constraint(t, op->con_name);
            if (c) {
                pb_strmap_del(&t->constraint_map, op->con_name);
                remove_from(&t->constraints, c);
            }
            pb_cat_index *x = pb_catalog_index(cat, (pb_qname){op->rel.schema, op->con_name});
            if (x)
                unlink_index(cat, x);
        }
        break;
    case PB_OP_CREATE_INDEX: {
        /* CREATE INDEX ON t (a, b) is named t_a_b_idx (PostgreSQL's ChooseIndexName, without
           its truncation and numbering) */
        const char *iname = op->index_name;
        if (!iname && op->rel.name) {
            iname = op->rel.name;
            for (size_t i = 0; i < op->ncon_columns; i++)
                iname = pb_arena_sprintf(cat->arena, "%s_%s", iname, op->con_columns[i]);
            iname = pb_arena_sprintf(cat->arena, "%s_%s", iname, op->ncon_columns ? "idx" : "expr_idx");
        }
        /* a partial index serves no foreign key look-up: record no columns */
        add_index(cat, (pb_qname){op->rel.schema, iname}, op->rel, op->unique, op->con_columns,
                  op->partial ? 0 : op->ncon_columns);
        break;
    }
    case PB_OP_DROP_INDEX: {
        pb_cat_index *x = pb_catalog_index(cat, op->obj);
        if (x)
            unlink_index(cat, x);
        break;
    }
    case PB_OP_RENAME_INDEX: {
        pb_cat_index *x = pb_catalog_index(cat, op->obj);
        if (x && op->new_name) {
            unlink_index(cat, x);
            x->name.name = cp(cat, op->new_name);
            x->next_same_name = pb_strmap_get(&cat->indexes, x->name.name);
            pb_strmap_put(cat->arena, &cat->indexes, x->name.name, x);
        }
        break;
    }
    case PB_OP_CREATE_SCHEMA:
        if (!(op->if_not_exists && pb_catalog_schema(cat, op->obj.name)))
            put_object(cat, &cat->schemas, op->obj.name, tx);
        break;
    case PB_OP_DROP_SCHEMA:
        if (op->obj.name)
            pb_strmap_del(&cat->schemas, op->obj.name);
        break;
    case PB_OP_CREATE_ENUM: put_object(cat, &cat->enums, op->obj.name, tx); break;
    default: break;
    }
}

void pb_catalog_copy_table(pb_arena *a, pb_cat_table *dst, const pb_cat_table *src)
{
    *dst = *src;
    memset(&dst->columns, 0, sizeof dst->columns);
    memset(&dst->column_map, 0, sizeof dst->column_map);
    memset(&dst->constraints, 0, sizeof dst->constraints);
    memset(&dst->constraint_map, 0, sizeof dst->constraint_map);
    dst->next_same_name = NULL;
    for (size_t k = 0; k < src->columns.len; k++) {
        pb_cat_column *col = pb_arena_alloc(a, sizeof *col);
        *col = *(const pb_cat_column *)src->columns.items[k];
        pb_ptrvec_push(a, &dst->columns, col);
        pb_strmap_put(a, &dst->column_map, col->name, col);
    }
    for (size_t k = 0; k < src->constraints.len; k++) {
        pb_cat_constraint *con = pb_arena_alloc(a, sizeof *con);
        *con = *(const pb_cat_constraint *)src->constraints.items[k];
        pb_ptrvec_push(a, &dst->constraints, con);
        if (con->name)
            pb_strmap_put(a, &dst->constraint_map, con->name, con);
    }
}

void pb_catalog__restore_table(pb_catalog *cat, pb_qname name, const pb_cat_table *pre)
{
    pb_cat_table *cur = pb_catalog_table(cat, name);
    if (cur) {
        unlink_table(cat, cur);
        cat->ntables--;
    }
    if (pre) {
        pb_cat_table *t = pb_arena_alloc(cat->arena, sizeof *t);
        pb_catalog_copy_table(cat->arena, t, pre);
        link_table(cat, t);
        cat->ntables++;
    }
}

void pb_catalog__restore_index(pb_catalog *cat, pb_qname name, const pb_cat_index *pre)
{
    pb_cat_index *cur = pb_catalog_index(cat, name);
    if (cur)
        unlink_index(cat, cur);
    if (pre) {
        pb_cat_index *x = pb_arena_alloc(cat->arena, sizeof *x);
        *x = *pre;
        x->next_same_name = pb_strmap_get(&cat->indexes, x->name.name);
        pb_strmap_put(cat->arena, &cat->indexes, x->name.name, x);
        on_table(cat, x);
    }
}

void pb_catalog__restore_object(pb_catalog *cat, pb_strmap *map, const char *name, const pb_cat_object *pre)
{
    if (!name)
        return;
    if (!pre) {
        pb_strmap_del(map, name);
        return;
    }
    pb_cat_object *o = pb_arena_alloc(cat->arena, sizeof *o);
    *o = *pre;
    o->name = pb_arena_strdup(cat->arena, pre->name);
    pb_strmap_put(cat->arena, map, o->name, o);
}

/* ---- clone ------------------------------------------------------------------------ */

/* Strings are shared with the source catalog: a clone lives no longer than
 * the catalog it copies (the run arena outlives every part). */
pb_catalog *pb_catalog_clone(pb_arena *a, const pb_catalog *src)
{
    pb_catalog *c = pb_arena_alloc(a, sizeof *c);
    pb_catalog_init(c, a);
    c->part = src->part;
    c->mig = src->mig;
    for (size_t i = 0; i < src->tables.cap; i++) {
        if (!src->tables.keys[i] || !src->tables.vals[i])
            continue;
        /* copy the chain oldest first so the newest stays at the head */
        pb_cat_table *chain[64];
        size_t n = 0;
        for (pb_cat_table *t = src->tables.vals[i]; t && n < 64; t = t->next_same_name)
            chain[n++] = t;
        while (n-- > 0) {
            const pb_cat_table *t = chain[n];
            pb_cat_table *u = pb_arena_alloc(a, sizeof *u);
            pb_catalog_copy_table(a, u, t);
            link_table(c, u);
            c->ntables++;
        }
    }
    for (size_t i = 0; i < src->indexes.cap; i++) {
        if (!src->indexes.keys[i] || !src->indexes.vals[i])
            continue;
        pb_cat_index *chain[64];
        size_t n = 0;
        for (pb_cat_index *x = src->indexes.vals[i]; x && n < 64; x = x->next_same_name)
            chain[n++] = x;
        while (n-- > 0) {
            pb_cat_index *y = pb_arena_alloc(a, sizeof *y);
            *y = *chain[n];
            y->next_same_name = pb_strmap_get(&c->indexes, y->name.name);
            pb_strmap_put(a, &c->indexes, y->name.name, y);
            on_table(c, y); /* the clone's per-table index lists */
            on_table(c, y);
        }
    }
    const pb_strmap *maps[] = {&src->schemas, &src->enums};
    pb_strmap *dst[] = {&c->schemas, &c->enums};
    for (int m = 0; m < 2; m++)
        for (size_t i = 0; i < maps[m]->cap; i++) {
            if (!maps[m]->keys[i] || !maps[m]->vals[i])
                continue;
            pb_cat_object *o = pb_arena_alloc(a, sizeof *o);
            *o = *(const pb_cat_object *)maps[m]->vals[i];
            pb_strmap_put(a, dst[m], o->name, o);
        }
    return c;
}
