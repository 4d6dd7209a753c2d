/* Journal of pre-images, and the rollback comparison built on it. */
#include "catalog/journal.h"

#include <stdio.h>
#include <string.h>

enum { K_TABLE = 0, K_INDEX = 1, K_SCHEMA = 2, K_ENUM = 3 };

void pb_journal_init(pb_journal *j, pb_arena *a)
{
    memset(j, 0, sizeof *j);
    j->arena = a;
}

static void note(pb_journal *j, const pb_catalog *cat, int kind, pb_qname name)
{
    if (!name.name)
        return;
    char *key = pb_arena_sprintf(j->arena, "%d:%s", kind, name.name);
    if (pb_strmap_get(&j->seen, key))
        return;
    pb_journal_entry *e = pb_arena_alloc(j->arena, sizeof *e);
    e->kind = kind;
    e->name = (pb_qname){pb_arena_strdup(j->arena, name.schema), pb_arena_strdup(j->arena, name.name)};
    if (kind == K_TABLE) {
        const pb_cat_table *t = pb_catalog_table(cat, name);
        e->existed = t != NULL;
        if (t)
            pb_catalog_copy_table(j->arena, &e->table, t);
    } else if (kind == K_INDEX) {
        const pb_cat_index *x = pb_catalog_index(cat, name);
        e->existed = x != NULL;
        if (x)
            e->index = *x;
    } else {
        const pb_cat_object *o =
            kind == K_SCHEMA ? pb_catalog_schema(cat, name.name) : pb_catalog_enum(cat, name);
        e->existed = o != NULL;
        if (o)
            e->object = *o;
    }
    e->present = e->existed;
    pb_ptrvec_push(j->arena, &j->entries, e);
    pb_strmap_put(j->arena, &j->seen, key, e);
    j->last = e;
}

static void lost(pb_journal *j, const char *what)
{
    pb_ptrvec_push(j->arena, &j->lost, (void *)pb_arena_strdup(j->arena, what));
}

static void note_drop(pb_journal *j, const pb_catalog *cat, int kind, pb_qname name, bool if_exists)
{
    if (!name.name)
        return;
    char *key = pb_arena_sprintf(j->arena, "%d:%s", kind, name.name);
    bool seen = pb_strmap_get(&j->seen, key) != NULL;
    j->last = NULL;
    note(j, cat, kind, name);
    if (seen || !j->last || j->last->existed)
        return;
    if (if_exists) {
        j->last->unknown = true;
    } else {
        j->last->existed = true;
        j->last->unknown_shape = true; /* no pre-image to compare columns with */
    }
}

void pb_journal_note(pb_journal *j, const pb_catalog *cat, const pb_op *op)
{
    if (j->in_down) {
        if ((op->kind == PB_OP_UPDATE || op->kind == PB_OP_INSERT) && op->rel.name)
            pb_strmap_put(j->arena, &j->refilled, pb_arena_strdup(j->arena, op->rel.name), (void *)1);
        return;
    }
    const pb_cat_table *t = pb_catalog_table(cat, op->rel);
    switch (op->kind) {
    case PB_OP_DROP_TABLE:
        if (t)
            lost(j, pb_arena_sprintf(j->arena, "t:%s", op->rel.name));
        note_drop(j, cat, K_TABLE, op->rel, op->if_exists);
        break;
    case PB_OP_DROP_COLUMN:
        if (t && op->column && pb_catalog_column(t, op->column))
            lost(j, pb_arena_sprintf(j->arena, "c:%s.%s", op->rel.name, op->column));
        note(j, cat, K_TABLE, op->rel);
        break;
    case PB_OP_RENAME_TABLE: {
        note(j, cat, K_TABLE, op->rel);
        note(j, cat, K_TABLE, (pb_qname){op->rel.schema, op->new_name});
        /* the rename moves the table's indexes to the new name */
        size_t it = 0;
        const pb_cat_index *x;
        while ((x = pb_catalog_table_index(cat, op->rel, &it)))
            note(j, cat, K_INDEX, x->name);
        break;
    }
    case PB_OP_CREATE_TABLE:
    case PB_OP_CREATE_TABLE_AS:
        j->last = NULL;
        note(j, cat, K_TABLE, op->rel);
        if (j->last && op->if_not_exists)
            j->last->if_not_exists = true;
        break;
    case PB_OP_CREATE_VIEW:
    case PB_OP_ADD_COLUMN:
    case PB_OP_RENAME_COLUMN:
    case PB_OP_ALTER_COLUMN_TYPE:
    case PB_OP_SET_NOT_NULL:
    case PB_OP_DROP_NOT_NULL:
    case PB_OP_ADD_CONSTRAINT:
    case PB_OP_DROP_CONSTRAINT:
    case PB_OP_VALIDATE_CONSTRAINT:
        note(j, cat, K_TABLE, op->rel);
        /* constraints backed by an index add or drop it with them */
        if ((op->kind == PB_OP_ADD_CONSTRAINT &&
             (op->con_kind == PB_CON_UNIQUE || op->con_kind == PB_CON_PRIMARY_KEY)) ||
            op->kind == PB_OP_DROP_CONSTRAINT)
            note(j, cat, K_INDEX, (pb_qname){op->rel.schema, op->con_name});
        if (op->kind == PB_OP_ADD_CONSTRAINT && op->using_index)
            note(j, cat, K_INDEX, (pb_qname){op->rel.schema, op->index_name});
        break;
    case PB_OP_DROP_OTHER:
        if (op->object_kind == PB_OBJ_VIEW || op->object_kind == PB_OBJ_MATVIEW)
            note(j, cat, K_TABLE, op->rel);
        else if (op->object_kind == PB_OBJ_TYPE)
            note(j, cat, K_ENUM, op->obj);
        break;
    case PB_OP_CREATE_INDEX:
        j->last = NULL;
        note(j, cat, K_INDEX, (pb_qname){op->rel.schema, op->index_name});
        if (j->last && op->if_not_exists)
            j->last->if_not_exists = true;
        break;
    case PB_OP_DROP_INDEX: note_drop(j, cat, K_INDEX, op->obj, op->if_exists); break;
    case PB_OP_RENAME_INDEX:
        note(j, cat, K_INDEX, op->obj);
        note(j, cat, K_INDEX, (pb_qname){op->obj.schema, op->new_name});
        break;
    case PB_OP_CREATE_SCHEMA: note(j, cat, K_SCHEMA, op->obj); break;
    case PB_OP_DROP_SCHEMA: note_drop(j, cat, K_SCHEMA, op->obj, op->if_exists); break;
    case PB_OP_CREATE_ENUM: note(j, cat, K_ENUM, op->obj); break;
    default: break;
    }
}

typedef struct diffs {
    pb_arena *a;
    pb_rollback_diff *items;
    size_t len, cap;
} diffs;

static void add(diffs *d, bool data_loss, const char *msg)
{
    if (d->len == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        pb_rollback_diff *n = pb_arena_alloc(d->a, cap * sizeof *n);
        if (d->len)
            memcpy(n, d->items, d->len * sizeof *n);
        d->items = n;
        d->cap = cap;
    }
    d->items[d->len++] = (pb_rollback_diff){msg, data_loss};
}

static bool was_lost(const pb_journal *j, const char *key)
{
    for (size_t i = 0; i < j->lost.len; i++)
        if (!strcmp(j->lost.items[i], key))
            return true;
    return false;
}

static const char *q(pb_arena *a, pb_qname n)
{
    return pb_arena_sprintf(a, "\"%s\"", pb_qname_str(a, n));
}

static void compare_table(pb_journal *j, diffs *d, const pb_journal_entry *e, const pb_cat_table *post)
{
    pb_arena *a = j->arena;
    const pb_cat_table *pre = &e->table;
    const char *tn = q(a, e->name);
    for (size_t i = 0; i < pre->columns.len; i++) {
        const pb_cat_column *c = pre->columns.items[i];
        const pb_cat_column *p = pb_catalog_column(post, c->name);
        if (!p) {
            add(d, false, pb_arena_sprintf(a, "column %s.\"%s\" is missing after the rollback", tn, c->name));
            continue;
        }
        char key[600];
        snprintf(key, sizeof key, "c:%s.%s", e->name.name, c->name);
        if (was_lost(j, key) && !pb_strmap_get(&j->refilled, e->name.name))
            add(d, true,
                pb_arena_sprintf(
                    a,
                    "the down part re-creates column %s.\"%s\", but the values the up part dropped "
                    "with it cannot be brought back",
                    tn, c->name));
        if (c->type.name && p->type.name && !pb_type_equal(&c->type, &p->type))
            add(d, false,
                pb_arena_sprintf(a,
                                 "column %s.\"%s\" is %s after the rollback, but was %s before the up part",
                                 tn, c->name, pb_type_str(a, &p->type), pb_type_str(a, &c->type)));
        if (c->not_null != p->not_null)
            add(d, false,
                pb_arena_sprintf(
                    a, "column %s.\"%s\" is %s after the rollback, but was %s before the up part", tn,
                    c->name, p->not_null ? "NOT NULL" : "nullable", c->not_null ? "NOT NULL" : "nullable"));
    }
    for (size_t i = 0; i < post->columns.len; i++) {
        const pb_cat_column *p = post->columns.items[i];
        if (!pb_catalog_column(pre, p->name))
            add(d, false,
                pb_arena_sprintf(a, "column %s.\"%s\" added by the up part is left behind by the rollback",
                                 tn, p->name));
    }
    for (size_t i = 0; i < pre->constraints.len; i++) {
        const pb_cat_constraint *c = pre->constraints.items[i];
        if (c->name && !pb_catalog_constraint(post, c->name))
            add(d, false,
                pb_arena_sprintf(a, "constraint \"%s\" on %s is missing after the rollback", c->name, tn));
    }
    for (size_t i = 0; i < post->constraints.len; i++) {
        const pb_cat_constraint *c = post->constraints.items[i];
        if (c->name && !pb_catalog_constraint(pre, c->name))
            add(d, false,
                pb_arena_sprintf(
                    a, "constraint \"%s\" on %s added by the up part is left behind by the rollback", c->name,
                    tn));
    }
}

/* An index is gone with its table, or with a key column the table no
 * longer has (DROP TABLE / DROP COLUMN drop their indexes). */
static bool index_alive(const pb_catalog *after, const pb_cat_index *x)
{
    if (!x)
        return false;
    const pb_cat_table *t = pb_catalog_table(after, x->table);
    if (!t)
        return false;
    for (size_t i = 0; i < x->ncolumns; i++)
        if (x->columns[i] && !pb_catalog_column(t, x->columns[i]) && t->part != 0)
            return false;
    return true;
}

size_t pb_journal_diff(pb_journal *j, const pb_catalog *after, pb_rollback_diff **out)
{
    diffs d = {.a = j->arena};
    pb_arena *a = j->arena;
    for (size_t i = 0; i < j->entries.len; i++) {
        const pb_journal_entry *e = j->entries.items[i];
        const char *n = q(a, e->name);
        if (e->unknown)
            continue;
        if (e->kind == K_TABLE) {
            const pb_cat_table *post = pb_catalog_table(after, e->name);
            const char *what = post && post->kind == PB_REL_VIEW      ? "view"
                               : post && post->kind == PB_REL_MATVIEW ? "materialized view"
                                                                      : "table";
            if (!e->existed && post && post->part == 0) {
                /* known only from ALTERs of a table created before what
                   pgbelay read: nothing to compare */
            } else if (!e->existed && post && e->if_not_exists) {
                /* IF NOT EXISTS on an object pgbelay did not see: it may well
                   have existed, and the up part changed nothing */
            } else if (!e->existed && post) {
                add(&d, false,
                    pb_arena_sprintf(
                        a, "%s %s created by the up part is left behind: the down part does not drop it",
                        what, n));
            } else if (e->existed && !post) {
                add(&d, false,
                    pb_arena_sprintf(
                        a,
                        "table %s is missing after the rollback: the down part drops it (or does "
                        "not re-create it) although it existed before the up part",
                        n));
            } else if (e->existed && post) {
                char key[600];
                snprintf(key, sizeof key, "t:%s", e->name.name);
                if (was_lost(j, key) && !pb_strmap_get(&j->refilled, e->name.name))
                    add(&d, true,
                        pb_arena_sprintf(
                            a,
                            "the down part re-creates table %s, but the rows the up part dropped with "
                            "it cannot be brought back",
                            n));
                if (!e->unknown_shape)
                    compare_table(j, &d, e, post);
            }
        } else {
            bool now = e->kind == K_INDEX    ? index_alive(after, pb_catalog_index(after, e->name))
                       : e->kind == K_SCHEMA ? pb_catalog_schema(after, e->name.name) != NULL
                                             : pb_catalog_enum(after, e->name) != NULL;
            const char *what = e->kind == K_INDEX ? "index" : e->kind == K_SCHEMA ? "schema" : "type";
            if (!e->existed && now && !e->if_not_exists)
                add(&d, false,
                    pb_arena_sprintf(
                        a, "%s %s created by the up part is left behind: the down part does not drop it",
                        what, n));
            else if (e->existed && !now)
                add(&d, false,
                    pb_arena_sprintf(
                        a, "%s %s is missing after the rollback, although it existed before the up part",
                        what, n));
        }
    }
    *out = d.items;
    return d.len;
}

void pb_journal_undo(pb_journal *j, pb_catalog *cat)
{
    /* tables the noted ops created (absent before): their indexes go too */
    for (size_t i = 0; i < j->entries.len; i++) {
        const pb_journal_entry *e = j->entries.items[i];
        if (e->kind != K_TABLE || e->present || !pb_catalog_table(cat, e->name))
            continue;
        size_t it = 0;
        const pb_cat_index *x;
        while ((x = pb_catalog_table_index(cat, e->name, &it)))
            pb_catalog__restore_index(cat, x->name, NULL);
    }
    for (size_t i = j->entries.len; i-- > 0;) {
        const pb_journal_entry *e = j->entries.items[i];
        switch (e->kind) {
        case K_TABLE: pb_catalog__restore_table(cat, e->name, e->present ? &e->table : NULL); break;
        case K_INDEX: pb_catalog__restore_index(cat, e->name, e->present ? &e->index : NULL); break;
        case K_SCHEMA:
            pb_catalog__restore_object(cat, &cat->schemas, e->name.name, e->present ? &e->object : NULL);
            break;
        default:
            pb_catalog__restore_object(cat, &cat->enums, e->name.name, e->present ? &e->object : NULL);
            break;
        }
    }
}
