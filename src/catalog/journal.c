/* Journal of pre-images, and the rollback comparison built on it. */
#include "catalog/journal.h"

#include <stdio.h>
#include <string.h>

enum { K_TABLE = 0, K_INDEX = 1, K_SCHEMA = 2, K_ENUM = 3, K_SEQUENCE = 4 };

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
    e->by_down = j->in_down;
    e->name = (pb_qname){pb_arena_strdup(j->arena, name.schema), pb_arena_strdup(j->arena, name.name)};
    if (kind == K_TABLE) {
        const pb_cat_table *t = pb_catalog_table(cat, name);
        e->existed = t != NULL;
        if (t)
            pb_catalog_copy_table(j->arena, &e->table, t);
        size_t it = 0, n = 0;
        while (pb_catalog_table_index(cat, name, &it))
            n++;
        e->indexes = pb_arena_alloc(j->arena, (n ? n : 1) * sizeof *e->indexes);
        it = 0;
        const pb_cat_index *x;
        while (e->nindexes < n && (x = pb_catalog_table_index(cat, name, &it)))
            e->indexes[e->nindexes++] = x;
    } else if (kind == K_INDEX) {
        const pb_cat_index *x = pb_catalog_index(cat, name);
        e->existed = x != NULL;
        if (x)
            e->index = *x;
    } else if (kind == K_ENUM) {
        const pb_cat_enum *x = pb_catalog_enum(cat, name);
        e->existed = x != NULL;
        if (x)
            e->enumeration = *x;
    } else if (kind == K_SEQUENCE) {
        const pb_cat_sequence *x = pb_catalog_sequence(cat, name);
        e->existed = x != NULL;
        if (x)
            e->sequence = *x;
    } else {
        const pb_cat_object *o = pb_catalog_schema(cat, name.name);
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
    if (j->in_down)
        return; /* data loss is judged for the up part */
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

/* A table and what goes or moves with it: its indexes, the sequences its
 * columns own, its partitions and (`views`) the views that read it. */
static void note_family(pb_journal *j, const pb_catalog *cat, pb_qname rel, bool views, int depth)
{
    if (!rel.name)
        return;
    note(j, cat, K_TABLE, rel);
    size_t it = 0;
    const pb_cat_index *x;
    while ((x = pb_catalog_table_index(cat, rel, &it)))
        note(j, cat, K_INDEX, x->name);
    it = 0;
    const pb_cat_sequence *s;
    while ((s = pb_catalog_owned_sequence(cat, rel, &it)))
        note(j, cat, K_SEQUENCE, s->name);
    if (depth > 4)
        return;
    it = 0;
    const pb_cat_table *t;
    while ((t = pb_catalog_partition(cat, rel, &it)))
        note_family(j, cat, t->name, views, depth + 1);
    it = 0;
    while (views && (t = pb_catalog_dependent_view(cat, rel, &it)))
        note_family(j, cat, t->name, views, depth + 1);
}

/* The tables with a column of a type being renamed or dropped. */
static void note_type_users(pb_journal *j, const pb_catalog *cat, pb_qname type)
{
    pb_ptrvec users = {0};
    pb_catalog__tables_using_type(cat, j->arena, type, &users);
    for (size_t i = 0; i < users.len; i++)
        note_family(j, cat, ((const pb_cat_table *)users.items[i])->name, false, 5);
}

/* The implicit sequence a serial or identity column creates. */
static void note_serial(pb_journal *j, const pb_catalog *cat, pb_qname rel, const pb_column *col)
{
    if (col && col->name && rel.name && (col->type.serial || col->identity))
        note(j, cat, K_SEQUENCE,
             (pb_qname){rel.schema, pb_catalog_serial_sequence_name(j->arena, rel.name, col->name)});
}

/* The indexes behind the PRIMARY KEY and UNIQUE constraints an op writes. */
static void note_constraint_indexes(pb_journal *j, const pb_catalog *cat, const pb_op *op)
{
    for (size_t i = 0; i < op->nconstraints; i++) {
        const pb_constraint *c = op->constraints[i];
        if (c->kind != PB_CON_PRIMARY_KEY && c->kind != PB_CON_UNIQUE && c->kind != PB_CON_EXCLUSION)
            continue;
        const char *name =
            c->name ? c->name
                    : pb_catalog_default_constraint_name(j->arena, op->rel.name, c->kind,
                                                         (const char *const *)c->columns, c->ncolumns);
        note(j, cat, K_INDEX, (pb_qname){op->rel.schema, name});
    }
}

void pb_journal_note(pb_journal *j, const pb_catalog *cat, const pb_op *op)
{
    if (j->in_down) {
        if ((op->kind == PB_OP_UPDATE || op->kind == PB_OP_INSERT) && op->rel.name)
            pb_strmap_put(j->arena, &j->refilled, pb_arena_strdup(j->arena, op->rel.name), (void *)1);
        /* and the objects the down part is the first to touch: their state
           now is their state before the up part, so a down part that drops
           or changes what the up part did not create shows in the diff */
    }
    const pb_cat_table *t = pb_catalog_table(cat, op->rel);
    switch (op->kind) {
    case PB_OP_DROP_TABLE:
        if (t)
            lost(j, pb_arena_sprintf(j->arena, "t:%s", op->rel.name));
        note_drop(j, cat, K_TABLE, op->rel, op->if_exists);
        note_family(j, cat, op->rel, op->cascade, 0);
        break;
    case PB_OP_DROP_COLUMN:
        if (t && op->column && pb_catalog_column(t, op->column))
            lost(j, pb_arena_sprintf(j->arena, "c:%s.%s", op->rel.name, op->column));
        else if (t && op->column && op->if_exists && !j->in_down)
            pb_strmap_put(j->arena, &j->maybe_there,
                          pb_arena_sprintf(j->arena, "%s.%s", op->rel.name, op->column), (void *)1);
        note_family(j, cat, op->rel, false, 5);
        break;
    case PB_OP_RENAME_TABLE:
    case PB_OP_RENAME_OTHER:
        if (op->kind == PB_OP_RENAME_TABLE || op->object_kind == PB_OBJ_VIEW ||
            op->object_kind == PB_OBJ_MATVIEW || op->object_kind == PB_OBJ_FOREIGN_TABLE) {
            /* the rename moves the table's indexes, partitions, readers and
               sequences to the new name */
            note_family(j, cat, op->rel, true, 0);
            note(j, cat, K_TABLE, (pb_qname){op->rel.schema, op->new_name});
        }
        if (op->object_kind == PB_OBJ_SEQUENCE || op->kind == PB_OP_RENAME_TABLE) {
            note(j, cat, K_SEQUENCE, op->rel);
            note(j, cat, K_SEQUENCE, (pb_qname){op->rel.schema, op->new_name});
        }
        if (op->object_kind == PB_OBJ_TYPE) {
            note(j, cat, K_ENUM, op->obj);
            note(j, cat, K_ENUM, (pb_qname){op->obj.schema, op->new_name});
            note_type_users(j, cat, op->obj);
        }
        break;
    case PB_OP_CREATE_TABLE:
    case PB_OP_CREATE_TABLE_AS:
        j->last = NULL;
        note(j, cat, K_TABLE, op->rel);
        if (j->last && op->if_not_exists)
            j->last->if_not_exists = true;
        if (t && !op->if_not_exists)
            note_family(j, cat, op->rel, false, 0); /* replaced: what went with the old one */
        for (size_t i = 0; i < op->ncolumns; i++)
            note_serial(j, cat, op->rel, op->columns[i]);
        break;
    case PB_OP_ADD_COLUMN:
        note(j, cat, K_TABLE, op->rel);
        note_serial(j, cat, op->rel, op->col);
        note_constraint_indexes(j, cat, op);
        break;
    case PB_OP_RENAME_COLUMN: note_family(j, cat, op->rel, false, 5); break;
    case PB_OP_ALTER_TABLE_OTHER:
        if (op->at == PB_AT_ATTACH_PARTITION || op->at == PB_AT_DETACH_PARTITION) {
            note(j, cat, K_TABLE, op->rel);
            note(j, cat, K_TABLE, op->obj);
        } else if (op->at == PB_AT_ADD_IDENTITY || op->at == PB_AT_DROP_IDENTITY) {
            note_family(j, cat, op->rel, false, 5);
            if (op->column && op->rel.name)
                note(j, cat, K_SEQUENCE,
                     (pb_qname){op->rel.schema,
                                pb_catalog_serial_sequence_name(j->arena, op->rel.name, op->column)});
        }
        break;
    case PB_OP_CREATE_VIEW:
    case PB_OP_ALTER_COLUMN_TYPE:
    case PB_OP_SET_NOT_NULL:
    case PB_OP_DROP_NOT_NULL:
    case PB_OP_ADD_CONSTRAINT:
    case PB_OP_DROP_CONSTRAINT:
    case PB_OP_VALIDATE_CONSTRAINT:
        note(j, cat, K_TABLE, op->rel);
        /* constraints backed by an index add or drop it with them */
        if (op->kind == PB_OP_ADD_CONSTRAINT &&
            (op->con_kind == PB_CON_UNIQUE || op->con_kind == PB_CON_PRIMARY_KEY ||
             op->con_kind == PB_CON_EXCLUSION)) {
            const char *name = op->con_name;
            if (!name && op->using_index)
                name = op->index_name;
            if (!name && op->rel.name)
                name = pb_catalog_default_constraint_name(j->arena, op->rel.name, op->con_kind,
                                                          (const char *const *)op->con_columns,
                                                          op->ncon_columns);
            note(j, cat, K_INDEX, (pb_qname){op->rel.schema, name});
        }
        if (op->kind == PB_OP_DROP_CONSTRAINT)
            note(j, cat, K_INDEX, (pb_qname){op->rel.schema, op->con_name});
        if (op->kind == PB_OP_ADD_CONSTRAINT && op->using_index)
            note(j, cat, K_INDEX, (pb_qname){op->rel.schema, op->index_name});
        break;
    case PB_OP_DROP_OTHER:
        if (op->object_kind == PB_OBJ_VIEW || op->object_kind == PB_OBJ_MATVIEW) {
            note(j, cat, K_TABLE, op->rel);
            note_family(j, cat, op->rel, op->cascade, 0);
        } else if (op->object_kind == PB_OBJ_TYPE) {
            note(j, cat, K_ENUM, op->obj);
            if (op->cascade)
                note_type_users(j, cat, op->obj);
        } else if (op->object_kind == PB_OBJ_SEQUENCE) {
            note_drop(j, cat, K_SEQUENCE, op->rel, op->if_exists);
        }
        break;
    case PB_OP_CREATE_INDEX:
        j->last = NULL;
        note(j, cat, K_INDEX,
             (pb_qname){op->rel.schema, op->index_name || !op->rel.name
                                            ? op->index_name
                                            : pb_catalog_default_index_name(
                                                  j->arena, op->rel.name,
                                                  (const char *const *)op->con_columns, op->ncon_columns)});
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
    case PB_OP_CREATE_ENUM:
    case PB_OP_ALTER_ENUM: note(j, cat, K_ENUM, op->obj); break;
    case PB_OP_CREATE_SEQUENCE:
        j->last = NULL;
        note(j, cat, K_SEQUENCE, op->rel);
        if (j->last && op->if_not_exists)
            j->last->if_not_exists = true;
        break;
    case PB_OP_ALTER_SEQUENCE: note(j, cat, K_SEQUENCE, op->rel); break;
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

/* The same relations read, in any order. */
static bool same_reads(const pb_cat_table *x, const pb_cat_table *y)
{
    if (x->nreads != y->nreads)
        return false;
    for (size_t i = 0; i < x->nreads; i++) {
        bool found = false;
        for (size_t k = 0; k < y->nreads && !found; k++)
            found = pb_qname_match(x->reads[i], y->reads[k]);
        if (!found)
            return false;
    }
    return true;
}

static const char *reads_text(pb_arena *a, const pb_cat_table *t)
{
    const char *s = "";
    for (size_t i = 0; i < t->nreads; i++)
        s = pb_arena_sprintf(a, "%s%s%s", s, i ? ", " : "", q(a, t->reads[i]));
    return t->nreads ? s : "no table";
}

static const char *owner_text(pb_arena *a, const pb_cat_sequence *s)
{
    if (!s->owner.name)
        return "no column";
    return pb_arena_sprintf(a, "%s.\"%s\"", q(a, s->owner), s->owner_column ? s->owner_column : "?");
}

static const char *values_text(pb_arena *a, const pb_cat_enum *e)
{
    const char *s = "";
    for (size_t i = 0; i < e->nvalues; i++)
        s = pb_arena_sprintf(a, "%s%s'%s'", s, i ? ", " : "", e->values[i]);
    return pb_arena_sprintf(a, "(%s)", s);
}

/* Does `post` keep every value of `pre` in the same order? Values the up
 * part added and the down part leaves are not a difference worth a
 * finding: PostgreSQL cannot drop an enum value, so a down part can only
 * re-create the type, which teams rightly avoid for a value that old code
 * simply does not use. */
static bool keeps_values(const pb_cat_enum *pre, const pb_cat_enum *post)
{
    size_t k = 0;
    for (size_t i = 0; i < pre->nvalues; i++) {
        while (k < post->nvalues && strcmp(post->values[k], pre->values[i]) != 0)
            k++;
        if (k == post->nvalues)
            return false;
        k++;
    }
    return true;
}

/* `down_part`: the serial of the down part (what it added is its own). */
static void compare_table(pb_journal *j, diffs *d, const pb_journal_entry *e, const pb_cat_table *post,
                          uint32_t down_part)
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
        if (!pb_catalog_column(pre, p->name) &&
            !(p->part == down_part &&
              pb_strmap_get(&j->maybe_there, pb_arena_sprintf(a, "%s.%s", e->name.name, p->name))))
            add(d, false,
                p->part == down_part
                    ? pb_arena_sprintf(
                          a, "column %s.\"%s\", added by the down part, was not there before the up part", tn,
                          p->name)
                    : pb_arena_sprintf(a,
                                       "column %s.\"%s\" added by the up part is left behind by the rollback",
                                       tn, p->name));
    }
    for (size_t i = 0; i < pre->constraints.len; i++) {
        const pb_cat_constraint *c = pre->constraints.items[i];
        bool column_gone = false; /* then the constraint went with it, reported above */
        for (size_t k = 0; k < c->ncolumns && !column_gone; k++)
            column_gone = c->columns[k] && pb_catalog_column(pre, c->columns[k]) &&
                          !pb_catalog_column(post, c->columns[k]);
        if (c->name && !column_gone && !pb_catalog_constraint(post, c->name))
            add(d, false,
                pb_arena_sprintf(a, "constraint \"%s\" on %s is missing after the rollback", c->name, tn));
    }
    for (size_t i = 0; i < post->constraints.len; i++) {
        const pb_cat_constraint *c = post->constraints.items[i];
        if (c->name && !pb_catalog_constraint(pre, c->name))
            add(d, false,
                c->part == down_part
                    ? pb_arena_sprintf(
                          a,
                          "constraint \"%s\" on %s, added by the down part, was not there before the "
                          "up part",
                          c->name, tn)
                    : pb_arena_sprintf(a,
                                       "constraint \"%s\" on %s added by the up part is left behind by the "
                                       "rollback",
                                       c->name, tn));
    }
    if (pre->parent.name && !post->parent.name)
        add(d, false,
            pb_arena_sprintf(a, "%s is no longer a partition of %s after the rollback", tn,
                             q(a, pre->parent)));
    else if (post->parent.name && !(pre->parent.name && pb_qname_match(pre->parent, post->parent)))
        add(d, false,
            pb_arena_sprintf(a, "%s is a partition of %s after the rollback, but was %s before the up part",
                             tn, q(a, post->parent),
                             pre->parent.name ? pb_arena_sprintf(a, "one of %s", q(a, pre->parent))
                                              : "not a partition"));
    if (pre->kind != PB_REL_TABLE && post->kind == pre->kind && !same_reads(pre, post))
        add(d, false,
            pb_arena_sprintf(
                a,
                "%s %s reads %s after the rollback, but read %s before the up part: the down part "
                "does not restore its query",
                pre->kind == PB_REL_VIEW ? "view" : "materialized view", tn, reads_text(a, post),
                reads_text(a, pre)));
}

/* An index is gone with its table, or with a key column the table no
 * longer has (DROP TABLE / DROP COLUMN drop their indexes). */
static bool index_alive(const pb_catalog *after, const pb_cat_index *x)
{
    if (!x)
        return false;
    const pb_cat_table *t = pb_catalog_table(after, x->table);
    if (!t)
        return true; /* a table pgbelay has not seen created (a dropped one takes its indexes along) */
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
                    pb_arena_sprintf(a,
                                     e->by_down
                                         ? "%s %s, created by the down part, was not there before the "
                                           "up part"
                                         : "%s %s created by the up part is left behind: the down part "
                                           "does not drop it",
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
                    compare_table(j, &d, e, post, after->part);
            }
        } else if (e->kind == K_SEQUENCE) {
            /* the sequence of a serial or identity column comes and goes
               with its column, which is compared already */
            const pb_cat_sequence *post = pb_catalog_sequence(after, e->name);
            if ((post && (post->implicit || post->part == 0)) || (e->existed && e->sequence.implicit))
                continue;
            if (!e->existed && post && !e->if_not_exists)
                add(&d, false,
                    pb_arena_sprintf(
                        a,
                        "sequence %s created by the up part is left behind: the down part does not drop it",
                        n));
            else if (e->existed && !post)
                add(&d, false,
                    pb_arena_sprintf(
                        a,
                        "sequence %s is missing after the rollback, although it existed before the up part",
                        n));
            else if (e->existed && post && !e->unknown_shape && e->sequence.type.name && post->type.name &&
                     !pb_type_equal(&e->sequence.type, &post->type))
                add(&d, false,
                    pb_arena_sprintf(
                        a, "sequence %s is AS %s after the rollback, but was AS %s before the up part", n,
                        pb_type_str(a, &post->type), pb_type_str(a, &e->sequence.type)));
            if (e->existed && post && !e->unknown_shape && e->sequence.part != 0 &&
                !(pb_qname_match(e->sequence.owner, post->owner) ||
                  (!e->sequence.owner.name && !post->owner.name)))
                add(&d, false,
                    pb_arena_sprintf(
                        a,
                        "sequence %s is owned by %s after the rollback, but was owned by %s before "
                        "the up part",
                        n, owner_text(a, post), owner_text(a, &e->sequence)));
        } else {
            bool now = e->kind == K_INDEX    ? index_alive(after, pb_catalog_index(after, e->name))
                       : e->kind == K_SCHEMA ? pb_catalog_schema(after, e->name.name) != NULL
                                             : pb_catalog_enum(after, e->name) != NULL;
            const char *what = e->kind == K_INDEX ? "index" : e->kind == K_SCHEMA ? "schema" : "type";
            const pb_cat_enum *post_enum = e->kind == K_ENUM ? pb_catalog_enum(after, e->name) : NULL;
            if (e->existed && post_enum && !e->unknown_shape && !keeps_values(&e->enumeration, post_enum))
                add(&d, false,
                    pb_arena_sprintf(
                        a, "type %s has the values %s after the rollback, but had %s before the up part", n,
                        values_text(a, post_enum), values_text(a, &e->enumeration)));
            if (!e->existed && now && !e->if_not_exists)
                add(&d, false,
                    pb_arena_sprintf(a,
                                     e->by_down
                                         ? "%s %s, created by the down part, was not there before the "
                                           "up part"
                                         : "%s %s created by the up part is left behind: the down part "
                                           "does not drop it",
                                     what, n));
            else if (e->existed && !now &&
                     !(e->kind == K_INDEX && e->present && !pb_catalog_table(after, e->index.table)))
                /* (an index whose table is missing is reported with the table) */
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
    /* indexes created since a table was noted (on a table the noted ops
       created, all of them), whatever their names: they go too */
    for (size_t i = 0; i < j->entries.len; i++) {
        const pb_journal_entry *e = j->entries.items[i];
        if (e->kind != K_TABLE)
            continue;
        size_t it = 0;
        const pb_cat_index *x;
        while ((x = pb_catalog_table_index(cat, e->name, &it))) {
            bool old = false;
            for (size_t k = 0; k < e->nindexes && e->present && !old; k++)
                old = e->indexes[k] == x;
            if (!old)
                pb_catalog__restore_index(cat, x->name, NULL);
        }
    }
    for (size_t i = j->entries.len; i-- > 0;) {
        const pb_journal_entry *e = j->entries.items[i];
        switch (e->kind) {
        case K_TABLE: pb_catalog__restore_table(cat, e->name, e->present ? &e->table : NULL); break;
        case K_INDEX: pb_catalog__restore_index(cat, e->name, e->present ? &e->index : NULL); break;
        case K_SCHEMA:
            pb_catalog__restore_object(cat, &cat->schemas, e->name.name, e->present ? &e->object : NULL);
            break;
        case K_SEQUENCE: pb_catalog__restore_sequence(cat, e->name, e->present ? &e->sequence : NULL); break;
        default: pb_catalog__restore_enum(cat, e->name, e->present ? &e->enumeration : NULL); break;
        }
    }
}
