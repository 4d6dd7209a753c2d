/* Catalog replay: applies ops to the in-memory schema model. */
#include "catalog/catalog.h"

#include <string.h>

void pb_catalog_init(pb_catalog *cat, pb_arena *a)
{
    memset(cat, 0, sizeof *cat);
    cat->arena = a;
}

static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Rebuilds the name index (after removals or growth). Several tables may
 * share an unqualified name in different schemas: the index points at the
 * newest and lookups fall back to a scan when schemas differ. */
static void reindex(pb_catalog *cat)
{
    size_t want = 64;
    while (want < cat->tables.len * 2 + 16)
        want *= 2;
    cat->slots = pb_arena_alloc(cat->arena, want * sizeof *cat->slots);
    cat->nslots = want;
    cat->nused = 0;
    for (size_t i = 0; i < cat->tables.len; i++) {
        pb_cat_table *t = cat->tables.items[i];
        size_t k = hash_name(t->name.name) & (want - 1);
        while (cat->slots[k]) {
            pb_cat_table *o = cat->tables.items[cat->slots[k] - 1];
            if (strcmp(o->name.name, t->name.name) == 0)
                break;
            k = (k + 1) & (want - 1);
        }
        if (!cat->slots[k])
            cat->nused++;
        cat->slots[k] = (uint32_t)(i + 1);
    }
}

pb_cat_table *pb_catalog_table(const pb_catalog *cat, pb_qname name)
{
    if (!name.name || !cat->nslots)
        return NULL;
    size_t k = hash_name(name.name) & (cat->nslots - 1);
    while (cat->slots[k]) {
        pb_cat_table *t = cat->tables.items[cat->slots[k] - 1];
        if (strcmp(t->name.name, name.name) == 0) {
            if (pb_qname_match(t->name, name))
                return t;
            /* same name in another schema: scan, newest first */
            for (size_t i = cat->tables.len; i-- > 0;) {
                pb_cat_table *u = cat->tables.items[i];
                if (pb_qname_match(u->name, name))
                    return u;
            }
            return NULL;
        }
        k = (k + 1) & (cat->nslots - 1);
    }
    return NULL;
}

pb_cat_column *pb_catalog_column(const pb_cat_table *t, const char *name)
{
    if (!t || !name)
        return NULL;
    for (size_t i = 0; i < t->columns.len; i++) {
        pb_cat_column *c = t->columns.items[i];
        if (strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

pb_cat_constraint *pb_catalog_constraint(const pb_cat_table *t, const char *name)
{
    if (!t || !name)
        return NULL;
    for (size_t i = 0; i < t->constraints.len; i++) {
        pb_cat_constraint *c = t->constraints.items[i];
        if (c->name && strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
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

bool pb_catalog_is_new(const pb_catalog *cat, pb_qname rel)
{
    pb_cat_table *t = pb_catalog_table(cat, rel);
    return t && t->new_in_part;
}

static pb_cat_table *ensure_table(pb_catalog *cat, pb_qname name)
{
    pb_cat_table *t = pb_catalog_table(cat, name);
    if (t)
        return t;
    t = pb_arena_alloc(cat->arena, sizeof *t);
    t->name = name;
    pb_ptrvec_push(cat->arena, &cat->tables, t);
    if (cat->tables.len * 2 >= cat->nslots)
        reindex(cat);
    else {
        size_t k = hash_name(name.name) & (cat->nslots - 1);
        while (cat->slots[k] && strcmp(((pb_cat_table *)cat->tables.items[cat->slots[k] - 1])->name.name, name.name))
            k = (k + 1) & (cat->nslots - 1);
        cat->slots[k] = (uint32_t)cat->tables.len;
    }
    return t;
}

static void remove_table(pb_catalog *cat, pb_qname name)
{
    for (size_t i = cat->tables.len; i-- > 0;) {
        pb_cat_table *t = cat->tables.items[i];
        if (pb_qname_match(t->name, name)) {
            memmove(&cat->tables.items[i], &cat->tables.items[i + 1],
                    (cat->tables.len - i - 1) * sizeof(void *));
            cat->tables.len--;
            reindex(cat);
            return;
        }
    }
}

static void add_column(pb_catalog *cat, pb_cat_table *t, const pb_column *col)
{
    pb_cat_column *c = pb_catalog_column(t, col->name);
    if (!c) {
        c = pb_arena_alloc(cat->arena, sizeof *c);
        pb_ptrvec_push(cat->arena, &t->columns, c);
    }
    c->name = col->name;
    c->type = col->type;
    c->not_null = col->not_null || col->primary_key;
}

static void remove_column(pb_cat_table *t, const char *name)
{
    for (size_t i = 0; i < t->columns.len; i++) {
        pb_cat_column *c = t->columns.items[i];
        if (strcmp(c->name, name) == 0) {
            memmove(&t->columns.items[i], &t->columns.items[i + 1],
                    (t->columns.len - i - 1) * sizeof(void *));
            t->columns.len--;
            return;
        }
    }
}

void pb_catalog_apply(pb_catalog *cat, const pb_op *op, uint32_t tx)
{
    pb_cat_table *t;
    switch (op->kind) {
    case PB_OP_CREATE_TABLE:
        if (op->if_not_exists && pb_catalog_table(cat, op->rel))
            break;
        remove_table(cat, op->rel);
        t = ensure_table(cat, op->rel);
        t->new_in_part = true;
        for (size_t i = 0; i < op->ncolumns; i++)
            add_column(cat, t, op->columns[i]);
        break;
    case PB_OP_CREATE_TABLE_AS:
        remove_table(cat, op->rel);
        t = ensure_table(cat, op->rel);
        t->new_in_part = true;
        t->matview = op->matview;
        break;
    case PB_OP_DROP_TABLE:
        remove_table(cat, op->rel);
        break;
    case PB_OP_RENAME_TABLE:
        if ((t = pb_catalog_table(cat, op->rel)) && op->new_name) {
            t->name = (pb_qname){.schema = t->name.schema, .name = op->new_name};
            reindex(cat);
        }
        break;
    case PB_OP_ADD_COLUMN:
        if (op->col) {
            t = ensure_table(cat, op->rel);
            if (!(op->if_not_exists && pb_catalog_column(t, op->col->name)))
                add_column(cat, t, op->col);
        }
        break;
    case PB_OP_DROP_COLUMN:
        if ((t = pb_catalog_table(cat, op->rel)) && op->column)
            remove_column(t, op->column);
        break;
    case PB_OP_RENAME_COLUMN: {
        pb_cat_column *c = pb_catalog_column(pb_catalog_table(cat, op->rel), op->column);
        if (c && op->new_name)
            c->name = op->new_name;
        break;
    }
    case PB_OP_ALTER_COLUMN_TYPE: {
        t = ensure_table(cat, op->rel);
        pb_cat_column *c = pb_catalog_column(t, op->column);
        if (!c && op->column) {
            c = pb_arena_alloc(cat->arena, sizeof *c);
            c->name = op->column;
            pb_ptrvec_push(cat->arena, &t->columns, c);
        }
        if (c)
            c->type = op->type;
        break;
    }
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
        c->name = op->con_name;
        c->kind = op->con_kind;
        c->validated = !op->not_valid;
        c->check_not_null_column = op->check_not_null_column;
        c->tx = tx;
        c->stmt = op->stmt;
        pb_ptrvec_push(cat->arena, &t->constraints, c);
        if (op->con_kind == PB_CON_PRIMARY_KEY)
            for (size_t i = 0; i < op->ncon_columns; i++) {
                pb_cat_column *col = pb_catalog_column(t, op->con_columns[i]);
                if (col)
                    col->not_null = true;
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
            for (size_t i = 0; i < t->constraints.len; i++) {
                pb_cat_constraint *c = t->constraints.items[i];
                if (c->name && strcmp(c->name, op->con_name) == 0) {
                    memmove(&t->constraints.items[i], &t->constraints.items[i + 1],
                            (t->constraints.len - i - 1) * sizeof(void *));
                    t->constraints.len--;
                    break;
                }
            }
        }
        break;
    default:
        break;
    }
}
