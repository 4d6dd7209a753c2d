/* Catalog replay: applies ops to the in-memory schema model; deep copies
 * and object-by-object comparison of two models. */
#include "catalog/catalog.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

void pb_catalog_init(pb_catalog *cat, pb_arena *a)
{
    memset(cat, 0, sizeof *cat);
    cat->arena = a;
    cat->part = 1;
    cat->mig = 1;
}

static void drop_relation(pb_catalog *cat, pb_qname name, bool cascade, int depth);

void pb_catalog_end_session(pb_catalog *cat)
{
    /* temporary tables end with the session that made them (manual: sql-createtable) */
    for (size_t i = 0; i < cat->temps.len; i++) {
        pb_qname *q = cat->temps.items[i];
        pb_cat_table *t = pb_catalog_table(cat, *q);
        if (t && t->temp)
            drop_relation(cat, *q, true, 0);
    }
    cat->temps.len = 0;
}

void pb_catalog_begin_part(pb_catalog *cat, size_t mig_index)
{
    pb_catalog_end_session(cat);
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

/* ---- copies ------------------------------------------------------------------ */

static const char *dup_in(pb_arena *a, const char *s)
{
    return s ? pb_arena_strdup(a, s) : NULL;
}

static pb_qname dupq_in(pb_arena *a, pb_qname q)
{
    return (pb_qname){dup_in(a, q.schema), dup_in(a, q.name)};
}

static pb_type dupt_in(pb_arena *a, pb_type t)
{
    t.name = dup_in(a, t.name);
    t.schema = dup_in(a, t.schema);
    return t;
}

/* A new array of copies of `n` strings (never NULL, so that an empty key
 * list still reads as "known"). */
static const char **dup_strs(pb_arena *a, const char *const *src, size_t n)
{
    const char **out = pb_arena_alloc(a, (n ? n : 1) * sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = dup_in(a, src[i]);
    return out;
}

static pb_qname *dup_qnames(pb_arena *a, const pb_qname *src, size_t n)
{
    pb_qname *out = pb_arena_alloc(a, (n ? n : 1) * sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = dupq_in(a, src[i]);
    return out;
}

static const char *cp(pb_catalog *cat, const char *s)
{
    return dup_in(cat->arena, s);
}

static pb_qname cpq(pb_catalog *cat, pb_qname q)
{
    return dupq_in(cat->arena, q);
}

static bool str_eq(const char *x, const char *y)
{
    if (!x || !y)
        return x == y;
    return strcmp(x, y) == 0;
}

/* Exactly the same name, schema included. */
static bool qname_eq(pb_qname x, pb_qname y)
{
    return str_eq(x.schema, y.schema) && str_eq(x.name, y.name);
}

static bool has_str(const char *const *arr, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (arr[i] && strcmp(arr[i], s) == 0)
            return true;
    return false;
}

/* ---- names PostgreSQL chooses ------------------------------------------------ */

/* Bytes of `s` to keep so that at most `n` are kept and no UTF-8 sequence
 * is cut (pg_mbcliplen). */
static size_t clip_utf8(const char *s, size_t n)
{
    size_t len = strlen(s);
    if (n >= len)
        return len;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

const char *pb_catalog_object_name(pb_arena *a, const char *name1, const char *name2, const char *label)
{
    /* NAMEDATALEN - 1 = 63 bytes; makeObjectName shortens the longer part */
    size_t overhead = (name2 ? 1 : 0) + (label ? strlen(label) + 1 : 0);
    size_t avail = overhead < 63 ? 63 - overhead : 0;
    if (!name1)
        name1 = "";
    size_t n1 = strlen(name1), n2 = name2 ? strlen(name2) : 0;
    while (n1 + n2 > avail) {
        if (n1 > n2)
            n1--;
        else
            n2--;
    }
    n1 = clip_utf8(name1, n1);
    if (name2)
        n2 = clip_utf8(name2, n2);
    return pb_arena_sprintf(a, "%.*s%s%.*s%s%s", (int)n1, name1, name2 ? "_" : "", (int)n2,
                            name2 ? name2 : "", label ? "_" : "", label ? label : "");
}

/* ChooseIndexNameAddition / ChooseForeignKeyConstraintNameAddition: the
 * column names joined by "_", cut at 63 bytes. NULL for no columns. */
static const char *name_addition(pb_arena *a, const char *const *cols, size_t n)
{
    if (!n)
        return NULL;
    const char *s = "";
    for (size_t i = 0; i < n; i++) {
        s = pb_arena_sprintf(a, "%s%s%s", s, i ? "_" : "", cols[i] ? cols[i] : "expr");
        if (strlen(s) >= 63)
            break;
    }
    size_t keep = clip_utf8(s, 63);
    return pb_arena_strndup(a, s, keep);
}

/* A constraint's name parts: the second name and the label. */
static const char *constraint_label(pb_constraint_kind kind, const char *const *cols, size_t n,
                                    const char **name2, pb_arena *a)
{
    *name2 = NULL;
    switch (kind) {
    case PB_CON_PRIMARY_KEY: return "pkey";
    case PB_CON_UNIQUE: *name2 = name_addition(a, cols, n); return "key";
    case PB_CON_FOREIGN_KEY: *name2 = name_addition(a, cols, n); return "fkey";
    case PB_CON_EXCLUSION: *name2 = name_addition(a, cols, n); return "excl";
    case PB_CON_CHECK:
        /* AddRelationNewConstraints: t_col_check when the expression reads
           exactly one column, else t_check */
        *name2 = n == 1 ? cols[0] : NULL;
        return "check";
    default: return "not_null";
    }
}

const char *pb_catalog_default_constraint_name(pb_arena *a, const char *table, pb_constraint_kind kind,
                                               const char *const *cols, size_t n)
{
    const char *name2;
    const char *label = constraint_label(kind, cols, n, &name2, a);
    return pb_catalog_object_name(a, table, name2, label);
}

const char *pb_catalog_default_index_name(pb_arena *a, const char *table, const char *const *cols, size_t n)
{
    return pb_catalog_object_name(a, table, n ? name_addition(a, cols, n) : "expr", "idx");
}

const char *pb_catalog_serial_sequence_name(pb_arena *a, const char *table, const char *column)
{
    return pb_catalog_object_name(a, table, column, "seq");
}

/* ---- chains of objects with the same unqualified name ------------------------------ */

/* Each named kind (tables, indexes, sequences, enum types) is a hash map
 * from the unqualified name to a chain of the objects of that name in
 * different schemas, newest first. */
#define CHAIN_FUNCS(T, fn)                                                                                   \
    static T *fn##_find(const pb_strmap *m, pb_qname name)                                                   \
    {                                                                                                        \
        if (!name.name)                                                                                      \
            return NULL;                                                                                     \
        /* unqualified: the default search_path finds "public" before other schemas */                       \
        if (!name.schema)                                                                                    \
            for (T *x = pb_strmap_get(m, name.name); x; x = x->next_same_name)                               \
                if (!x->name.schema || !strcmp(x->name.schema, "public"))                                    \
                    return x;                                                                                \
        /* qualified: that schema; a name recorded unqualified was made in "public" */                       \
        for (T *x = pb_strmap_get(m, name.name); x; x = x->next_same_name)                                   \
            if (!name.schema ||                                                                              \
                (x->name.schema ? !strcmp(x->name.schema, name.schema) : !strcmp(name.schema, "public")))    \
                return x;                                                                                    \
        return NULL;                                                                                         \
    }                                                                                                        \
    static void fn##_link(pb_arena *a, pb_strmap *m, T *x)                                                   \
    {                                                                                                        \
        x->next_same_name = pb_strmap_get(m, x->name.name);                                                  \
        pb_strmap_put(a, m, x->name.name, x);                                                                \
    }                                                                                                        \
    static void fn##_unlink(pb_arena *a, pb_strmap *m, T *x)                                                 \
    {                                                                                                        \
        T *head = pb_strmap_get(m, x->name.name);                                                            \
        if (head == x) {                                                                                     \
            if (x->next_same_name)                                                                           \
                pb_strmap_put(a, m, x->name.name, x->next_same_name);                                        \
            else                                                                                             \
                pb_strmap_del(m, x->name.name);                                                              \
        } else {                                                                                             \
            for (T *p = head; p; p = p->next_same_name)                                                      \
                if (p->next_same_name == x) {                                                                \
                    p->next_same_name = x->next_same_name;                                                   \
                    break;                                                                                   \
                }                                                                                            \
        }                                                                                                    \
        x->next_same_name = NULL;                                                                            \
    }

CHAIN_FUNCS(pb_cat_table, tab)
CHAIN_FUNCS(pb_cat_index, idx)
CHAIN_FUNCS(pb_cat_sequence, seq)
CHAIN_FUNCS(pb_cat_enum, enm)

/* ---- reverse look-ups (partitions, view readers, owned sequences) ------------------ */

/* Files `who` under the unqualified name `key` in `m` (once). Entries are
 * never removed: a look-up checks that the relation still holds. */
static void note_name(pb_catalog *cat, pb_strmap *m, const char *key, pb_qname who)
{
    if (!key || !who.name)
        return;
    /* once per (map, key, name): a hash look-up, not a scan of the list */
    const char *link = pb_arena_sprintf(cat->arena, "%c%s\x1f%s\x1f%s",
                                        m == &cat->partitions ? 'p'
                                        : m == &cat->readers  ? 'r'
                                                              : 'o',
                                        key, who.schema ? who.schema : "", who.name);
    if (pb_strmap_get(&cat->links, link))
        return;
    pb_strmap_put(cat->arena, &cat->links, link, (void *)1);
    pb_ptrvec *v = pb_strmap_get(m, key);
    if (!v) {
        v = pb_arena_alloc(cat->arena, sizeof *v);
        pb_strmap_put(cat->arena, m, cp(cat, key), v);
    }
    pb_qname *q = pb_arena_alloc(cat->arena, sizeof *q);
    *q = cpq(cat, who);
    pb_ptrvec_push(cat->arena, v, q);
}

static void register_table(pb_catalog *cat, const pb_cat_table *t)
{
    if (t->parent.name)
        note_name(cat, &cat->partitions, t->parent.name, t->name);
    for (size_t i = 0; i < t->nreads; i++)
        note_name(cat, &cat->readers, t->reads[i].name, t->name);
}

static void register_sequence(pb_catalog *cat, const pb_cat_sequence *s)
{
    if (s->owner.name)
        note_name(cat, &cat->owned, s->owner.name, s->name);
}

/* ---- relations ------------------------------------------------------------- */

pb_cat_table *pb_catalog_table(const pb_catalog *cat, pb_qname name)
{
    return tab_find(&cat->tables, name);
}

static void link_table(pb_catalog *cat, pb_cat_table *t)
{
    tab_link(cat->arena, &cat->tables, t);
    register_table(cat, t);
    cat->ntables++;
}

static void unlink_table(pb_catalog *cat, pb_cat_table *t)
{
    tab_unlink(cat->arena, &cat->tables, t);
    cat->ntables--;
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
    return t;
}

/* The table an ALTER acts on; unknown tables are added as existing ones. */
static pb_cat_table *ensure_table(pb_catalog *cat, pb_qname name)
{
    pb_cat_table *t = pb_catalog_table(cat, name);
    return t ? t : new_table(cat, name, PB_REL_TABLE, false);
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

bool pb_catalog_is_partitioned(const pb_catalog *cat, pb_qname rel)
{
    const pb_cat_table *t = pb_catalog_table(cat, rel);
    return t && t->partitioned;
}

const pb_cat_table *pb_catalog_partition(const pb_catalog *cat, pb_qname parent, size_t *i)
{
    const pb_ptrvec *v = parent.name ? pb_strmap_get(&cat->partitions, parent.name) : NULL;
    while (v && *i < v->len) {
        size_t k = (*i)++;
        const pb_cat_table *t = pb_catalog_table(cat, *(const pb_qname *)v->items[k]);
        if (!t || !t->parent.name || !pb_qname_match(t->parent, parent))
            continue;
        /* only the entry that names the table as the catalog does: another
           one ("p1" for "public.p1") would yield it twice */
        if (qname_eq(t->name, *(const pb_qname *)v->items[k]))
            return t;
    }
    return NULL;
}

const pb_cat_table *pb_catalog_dependent_view(const pb_catalog *cat, pb_qname rel, size_t *i)
{
    const pb_ptrvec *v = rel.name ? pb_strmap_get(&cat->readers, rel.name) : NULL;
    while (v && *i < v->len) {
        size_t k = (*i)++;
        const pb_cat_table *t = pb_catalog_table(cat, *(const pb_qname *)v->items[k]);
        if (!t)
            continue;
        bool reads = false;
        for (size_t r = 0; r < t->nreads && !reads; r++)
            reads = pb_qname_match(t->reads[r], rel);
        if (reads && qname_eq(t->name, *(const pb_qname *)v->items[k]))
            return t;
    }
    return NULL;
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
    c->type = dupt_in(cat->arena, col->type);
    c->not_null = col->not_null || col->primary_key;
    c->has_default = col->has_default && !col->generated_stored;
    c->default_vol = c->has_default ? col->default_vol : PB_VOL_NONE;
    c->generated = col->generated_stored;
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

static void remove_constraint(pb_cat_table *t, pb_cat_constraint *c)
{
    if (pb_catalog_constraint(t, c->name) == c)
        pb_strmap_del(&t->constraint_map, c->name);
    remove_from(&t->constraints, c);
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

/* ---- indexes ----------------------------------------------------------------------- */

pb_cat_index *pb_catalog_index(const pb_catalog *cat, pb_qname name)
{
    return idx_find(&cat->indexes, name);
}

static void unlink_index(pb_catalog *cat, pb_cat_index *x)
{
    idx_unlink(cat->arena, &cat->indexes, x);
}

/* Files `x` under its table's name in cat->table_indexes. */
static void on_table(pb_catalog *cat, pb_cat_index *x)
{
    if (!x->table.name)
        return;
    pb_ptrvec *v = pb_strmap_get(&cat->table_indexes, x->table.name);
    if (!v) {
        v = pb_arena_alloc(cat->arena, sizeof *v);
        pb_strmap_put(cat->arena, &cat->table_indexes, cp(cat, x->table.name), v);
    }
    for (size_t i = 0; i < v->len; i++)
        if (v->items[i] == x)
            return;
    pb_ptrvec_push(cat->arena, v, x);
}

static void link_index(pb_catalog *cat, pb_cat_index *x)
{
    idx_link(cat->arena, &cat->indexes, x);
    on_table(cat, x);
}

static pb_cat_index *add_index(pb_catalog *cat, pb_qname name, pb_qname table, bool unique,
                               const char *const *cols, size_t ncols)
{
    if (!name.name)
        return NULL;
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
    x->uses = x->columns;
    x->nuses = x->ncolumns;
    x->part = cat->part;
    x->mig = cat->mig;
    link_index(cat, x);
    return x;
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

/* Drops the indexes of `table` (those with `column` among their key
 * columns, when not NULL): DROP TABLE and DROP COLUMN drop them. */
static void drop_indexes_of(pb_catalog *cat, pb_qname table, const char *column)
{
    size_t i = 0;
    const pb_cat_index *x;
    while ((x = pb_catalog_table_index(cat, table, &i)))
        if (!column || has_str(x->uses, x->nuses, column))
            unlink_index(cat, (pb_cat_index *)x);
}

/* ---- sequences -------------------------------------------------------------------- */

pb_cat_sequence *pb_catalog_sequence(const pb_catalog *cat, pb_qname name)
{
    return seq_find(&cat->sequences, name);
}

static void link_sequence(pb_catalog *cat, pb_cat_sequence *s)
{
    seq_link(cat->arena, &cat->sequences, s);
    register_sequence(cat, s);
}

static pb_cat_sequence *create_sequence(pb_catalog *cat, pb_qname name, pb_type type, uint32_t tx,
                                        bool created)
{
    pb_cat_sequence *old = pb_catalog_sequence(cat, name);
    if (old)
        seq_unlink(cat->arena, &cat->sequences, old);
    pb_cat_sequence *s = pb_arena_alloc(cat->arena, sizeof *s);
    s->name = cpq(cat, name);
    s->type = dupt_in(cat->arena, type);
    if (created) {
        s->part = cat->part;
        s->mig = cat->mig;
        s->tx = tx;
    }
    link_sequence(cat, s);
    return s;
}

static void set_owner(pb_catalog *cat, pb_cat_sequence *s, pb_qname table, const char *column)
{
    s->owner = cpq(cat, table);
    s->owner_column = cp(cat, column);
    register_sequence(cat, s);
}

/* Appends to `out` (in the catalog's arena) the sequences owned by
 * `table` (by its `column`, when not NULL). */
static void owned_sequences(pb_catalog *cat, pb_qname table, const char *column, pb_ptrvec *out)
{
    size_t it = 0;
    const pb_cat_sequence *s;
    while ((s = pb_catalog_owned_sequence(cat, table, &it)))
        if (!column || str_eq(s->owner_column, column))
            pb_ptrvec_push(cat->arena, out, (void *)s);
}

const pb_cat_sequence *pb_catalog_owned_sequence(const pb_catalog *cat, pb_qname table, size_t *i)
{
    const pb_ptrvec *v = table.name ? pb_strmap_get(&cat->owned, table.name) : NULL;
    while (v && *i < v->len) {
        size_t k = (*i)++;
        const pb_cat_sequence *s = pb_catalog_sequence(cat, *(const pb_qname *)v->items[k]);
        if (!s || !s->owner.name || !pb_qname_match(s->owner, table))
            continue;
        if (qname_eq(s->name, *(const pb_qname *)v->items[k]))
            return s;
    }
    return NULL;
}

static void drop_owned_sequences(pb_catalog *cat, pb_qname table, const char *column)
{
    pb_ptrvec seqs = {0};
    owned_sequences(cat, table, column, &seqs);
    for (size_t i = 0; i < seqs.len; i++)
        seq_unlink(cat->arena, &cat->sequences, seqs.items[i]);
}

/* The type of the sequence behind a serial or identity column. */
static pb_type serial_type(const pb_type *col)
{
    pb_type t = {0};
    if (col->serial && col->name)
        t.name = !strcmp(col->name, "bigserial")     ? "int8"
                 : !strcmp(col->name, "smallserial") ? "int2"
                                                     : "int4";
    else
        t = *col;
    return t;
}

/* serial and identity columns get a sequence "<table>_<column>_seq",
 * owned by the column (manual: datatype-serial, sql-createtable). */
static void implicit_sequence(pb_catalog *cat, pb_qname table, const pb_column *col, uint32_t tx)
{
    if (!col->name || !(col->type.serial || col->identity) || !table.name)
        return;
    const char *name = pb_catalog_serial_sequence_name(cat->arena, table.name, col->name);
    pb_cat_sequence *s =
        create_sequence(cat, (pb_qname){table.schema, name}, serial_type(&col->type), tx, true);
    s->implicit = true;
    set_owner(cat, s, table, col->name);
}

/* ---- schemas and enum types ------------------------------------------------------- */

pb_cat_object *pb_catalog_schema(const pb_catalog *cat, const char *name)
{
    return name ? pb_strmap_get(&cat->schemas, name) : NULL;
}

pb_cat_enum *pb_catalog_enum(const pb_catalog *cat, pb_qname name)
{
    return enm_find(&cat->enums, name);
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

static void create_enum(pb_catalog *cat, const pb_op *op, uint32_t tx)
{
    if (!op->obj.name)
        return;
    pb_cat_enum *old = pb_catalog_enum(cat, op->obj);
    if (old)
        enm_unlink(cat->arena, &cat->enums, old);
    pb_cat_enum *e = pb_arena_alloc(cat->arena, sizeof *e);
    e->name = cpq(cat, op->obj);
    e->values = dup_strs(cat->arena, op->values, op->nvalues);
    e->nvalues = op->nvalues;
    e->part = cat->part;
    e->mig = cat->mig;
    e->tx = tx;
    enm_link(cat->arena, &cat->enums, e);
}

/* ALTER TYPE ... ADD VALUE [BEFORE | AFTER neighbor] / RENAME VALUE. An
 * enum type pgbelay has not seen created keeps no values: they are unknown. */
static void alter_enum(pb_catalog *cat, const pb_op *op)
{
    pb_cat_enum *e = pb_catalog_enum(cat, op->obj);
    if (!e || !op->new_name)
        return;
    const char **v = e->values;
    size_t n = e->nvalues;
    if (op->enum_rename) {
        if (!op->enum_old_value || !has_str(v, n, op->enum_old_value) || has_str(v, n, op->new_name))
            return; /* PostgreSQL fails */
        const char **nv = dup_strs(cat->arena, v, n);
        for (size_t i = 0; i < n; i++)
            if (!strcmp(nv[i], op->enum_old_value))
                nv[i] = cp(cat, op->new_name);
        e->values = nv;
        return;
    }
    if (has_str(v, n, op->new_name))
        return; /* IF NOT EXISTS does nothing; without it PostgreSQL fails */
    size_t at = n;
    if (op->enum_neighbor) {
        for (at = 0; at < n && strcmp(v[at], op->enum_neighbor) != 0; at++)
            ;
        if (at == n)
            return; /* unknown neighbor: PostgreSQL fails */
        if (op->enum_after)
            at++;
    }
    const char **nv = pb_arena_alloc(cat->arena, (n + 1) * sizeof *nv);
    memcpy(nv, v, at * sizeof *nv);
    nv[at] = cp(cat, op->new_name);
    memcpy(nv + at + 1, v + at, (n - at) * sizeof *nv);
    e->values = nv;
    e->nvalues = n + 1;
}

/* ---- constraints -------------------------------------------------------------------- */

/* The name PostgreSQL gives an unnamed constraint of `t`: the default name,
 * or with a number appended to the label when that is taken on the table
 * (or, for one backed by an index, by an index). */
static const char *choose_constraint_name(pb_catalog *cat, const pb_cat_table *t, pb_constraint_kind kind,
                                          const char *const *cols, size_t n)
{
    const char *name2;
    const char *label = constraint_label(kind, cols, n, &name2, cat->arena);
    bool indexed = kind == PB_CON_PRIMARY_KEY || kind == PB_CON_UNIQUE || kind == PB_CON_EXCLUSION;
    for (int pass = 0; pass < 1000; pass++) {
        const char *l = pass ? pb_arena_sprintf(cat->arena, "%s%d", label, pass) : label;
        const char *name = pb_catalog_object_name(cat->arena, t->name.name, name2, l);
        if (!pb_catalog_constraint(t, name) &&
            !(indexed && pb_catalog_index(cat, (pb_qname){t->name.schema, name})))
            return name;
    }
    return pb_catalog_object_name(cat->arena, t->name.name, name2, label);
}

static pb_cat_constraint *add_constraint(pb_catalog *cat, pb_cat_table *t, pb_constraint_kind kind,
                                         const char *name, const char *const *cols, size_t ncols,
                                         pb_qname ref, const char *check_not_null_column, bool validated,
                                         uint32_t tx, uint32_t at)
{
    if (!name)
        name = choose_constraint_name(cat, t, kind, cols, ncols);
    pb_cat_constraint *old = pb_catalog_constraint(t, name);
    if (old)
        remove_constraint(t, old); /* PostgreSQL fails; the newest one is kept */
    pb_cat_constraint *c = pb_arena_alloc(cat->arena, sizeof *c);
    c->name = cp(cat, name);
    c->kind = kind;
    c->validated = validated;
    c->columns = dup_strs(cat->arena, cols, ncols);
    c->ncolumns = ncols;
    c->check_not_null_column = cp(cat, check_not_null_column);
    c->ref = cpq(cat, ref);
    c->tx = tx;
    c->part = cat->part;
    c->added_at = at;
    pb_ptrvec_push(cat->arena, &t->constraints, c);
    pb_strmap_put(cat->arena, &t->constraint_map, c->name, c);
    if (kind == PB_CON_PRIMARY_KEY)
        for (size_t i = 0; i < ncols; i++) {
            pb_cat_column *col = pb_catalog_column(t, cols[i]);
            if (col)
                col->not_null = true;
        }
    return c;
}

/* A constraint of CREATE TABLE or ADD COLUMN, with the index behind a
 * PRIMARY KEY or UNIQUE (named after the constraint). A new table is empty,
 * so its constraints are valid from the start. */
static void add_written_constraint(pb_catalog *cat, pb_cat_table *t, const pb_constraint *pc, uint32_t tx)
{
    const pb_cat_constraint *c =
        add_constraint(cat, t, pc->kind, pc->name, (const char *const *)pc->columns, pc->ncolumns, pc->ref,
                       pc->check_not_null_column, true, tx, pc->at);
    if (pc->kind == PB_CON_PRIMARY_KEY || pc->kind == PB_CON_UNIQUE || pc->kind == PB_CON_EXCLUSION)
        add_index(cat, (pb_qname){t->name.schema, c->name}, t->name, pc->kind != PB_CON_EXCLUSION, c->columns,
                  c->ncolumns);
}

static void add_table_constraint(pb_catalog *cat, const pb_op *op, uint32_t tx)
{
    pb_cat_table *t = ensure_table(cat, op->rel);
    const char *const *cols = (const char *const *)op->con_columns;
    size_t ncols = op->ncon_columns;
    pb_cat_index *used = NULL;
    if (op->using_index && op->index_name) {
        /* ADD ... USING INDEX: the index becomes the constraint's, renamed
           to the constraint's name (manual: sql-altertable) */
        used = pb_catalog_index(cat, (pb_qname){op->rel.schema, op->index_name});
        if (used)
            cols = (const char *const *)used->columns, ncols = used->ncolumns;
    }
    const char *name = op->con_name;
    if (!name && op->using_index)
        name = used ? used->name.name : op->index_name;
    if (used)
        unlink_index(cat, used);
    const pb_cat_constraint *c =
        add_constraint(cat, t, op->con_kind, name, cols, ncols, op->ref, op->check_not_null_column,
                       !op->not_valid, tx, op->span.start);
    if (op->con_kind == PB_CON_PRIMARY_KEY || op->con_kind == PB_CON_UNIQUE ||
        op->con_kind == PB_CON_EXCLUSION)
        add_index(cat, (pb_qname){op->rel.schema, c->name}, op->rel, op->con_kind != PB_CON_EXCLUSION,
                  c->columns, c->ncolumns);
}

/* ---- drops and renames ------------------------------------------------------------- */

static void drop_relation(pb_catalog *cat, pb_qname name, bool cascade, int depth);

/* The partitions (or with `views`, the views that read) `name`, gathered
 * before anything changes what the look-ups see. */
static void related(pb_catalog *cat, pb_qname name, bool views, pb_ptrvec *out)
{
    size_t i = 0;
    const pb_cat_table *t;
    while ((t = views ? pb_catalog_dependent_view(cat, name, &i) : pb_catalog_partition(cat, name, &i)))
        pb_ptrvec_push(cat->arena, out, (void *)t);
}

static void drop_related(pb_catalog *cat, pb_qname name, bool views, int depth)
{
    pb_ptrvec found = {0};
    related(cat, name, views, &found);
    for (size_t k = 0; k < found.len; k++)
        drop_relation(cat, ((pb_cat_table *)found.items[k])->name, true, depth + 1);
}

/* DROP TABLE / VIEW: the relation, its indexes, the sequences its columns
 * own, its partitions, and with CASCADE the views that read it. */
static void drop_relation(pb_catalog *cat, pb_qname name, bool cascade, int depth)
{
    pb_cat_table *t = pb_catalog_table(cat, name);
    if (t) {
        unlink_table(cat, t);
        name = t->name;
    }
    if (!name.name)
        return;
    drop_indexes_of(cat, name, NULL);
    drop_owned_sequences(cat, name, NULL);
    if (depth < 8) {
        drop_related(cat, name, false, depth);
        if (cascade)
            drop_related(cat, name, true, depth);
    }
}

/* DROP COLUMN: the column, the constraints and indexes that involve it,
 * the sequence it owns (manual: sql-altertable, DROP COLUMN). */
static void drop_column(pb_catalog *cat, pb_cat_table *t, const char *name)
{
    pb_cat_column *c = pb_catalog_column(t, name);
    if (c) {
        pb_strmap_del(&t->column_map, name);
        remove_from(&t->columns, c);
    }
    for (size_t i = t->constraints.len; i-- > 0;) {
        pb_cat_constraint *k = t->constraints.items[i];
        if (has_str(k->columns, k->ncolumns, name))
            remove_constraint(t, k);
    }
    drop_indexes_of(cat, t->name, name);
    drop_owned_sequences(cat, t->name, name);
}

/* `arr` with `from` renamed to `to`: a new array when it changes. */
static const char **renamed(pb_catalog *cat, const char **arr, size_t n, const char *from, const char *to)
{
    if (!has_str(arr, n, from))
        return arr;
    const char **out = dup_strs(cat->arena, arr, n);
    for (size_t i = 0; i < n; i++)
        if (out[i] && !strcmp(out[i], from))
            out[i] = cp(cat, to);
    return out;
}

static void rename_column(pb_catalog *cat, pb_cat_table *t, const char *from, const char *to)
{
    pb_cat_column *c = pb_catalog_column(t, from);
    if (!c)
        return;
    pb_strmap_del(&t->column_map, c->name);
    c->name = cp(cat, to);
    pb_strmap_put(cat->arena, &t->column_map, c->name, c);
    /* what refers to the column by name follows it */
    for (size_t i = 0; i < t->constraints.len; i++) {
        pb_cat_constraint *k = t->constraints.items[i];
        k->columns = renamed(cat, k->columns, k->ncolumns, from, to);
        if (str_eq(k->check_not_null_column, from))
            k->check_not_null_column = cp(cat, to);
    }
    t->partition_columns = renamed(cat, t->partition_columns, t->npartition_columns, from, to);
    size_t i = 0;
    const pb_cat_index *x;
    while ((x = pb_catalog_table_index(cat, t->name, &i))) {
        ((pb_cat_index *)x)->columns = renamed(cat, x->columns, x->ncolumns, from, to);
        ((pb_cat_index *)x)->uses = renamed(cat, x->uses, x->nuses, from, to);
    }
    pb_ptrvec seqs = {0};
    owned_sequences(cat, t->name, from, &seqs);
    for (size_t k = 0; k < seqs.len; k++)
        ((pb_cat_sequence *)seqs.items[k])->owner_column = cp(cat, to);
}

/* RENAME of a table or view (`t`, or NULL when pgbelay has not seen it
 * created): its indexes, partitions, the views that read it and the
 * sequences it owns follow (PostgreSQL refers to it by OID). */
static void rename_relation(pb_catalog *cat, pb_cat_table *t, pb_qname old, const char *new_name)
{
    if (!old.name || !strcmp(old.name, new_name))
        return;
    pb_qname now = {cp(cat, old.schema), cp(cat, new_name)};
    if (t) {
        old = t->name;
        tab_unlink(cat->arena, &cat->tables, t);
        cat->ntables--;
        t->name = (pb_qname){t->name.schema, now.name};
        link_table(cat, t);
        now = t->name;
    }
    pb_cat_index *x;
    size_t k = 0;
    while ((x = (pb_cat_index *)pb_catalog_table_index(cat, old, &k))) {
        x->table = (pb_qname){x->table.schema, now.name};
        on_table(cat, x);
    }
    pb_ptrvec parts = {0}, views = {0}, seqs = {0};
    related(cat, old, false, &parts);
    related(cat, old, true, &views);
    owned_sequences(cat, old, NULL, &seqs);
    for (size_t i = 0; i < parts.len; i++) {
        pb_cat_table *p = parts.items[i];
        p->parent = now;
        register_table(cat, p);
    }
    for (size_t i = 0; i < views.len; i++) {
        pb_cat_table *v = views.items[i];
        pb_qname *r = dup_qnames(cat->arena, v->reads, v->nreads);
        for (size_t j = 0; j < v->nreads; j++)
            if (pb_qname_match(r[j], old))
                r[j] = (pb_qname){r[j].schema, now.name};
        v->reads = r;
        register_table(cat, v);
    }
    for (size_t i = 0; i < seqs.len; i++) {
        pb_cat_sequence *q = seqs.items[i];
        set_owner(cat, q, now, q->owner_column);
    }
}

static void rename_sequence(pb_catalog *cat, pb_cat_sequence *s, const char *new_name)
{
    seq_unlink(cat->arena, &cat->sequences, s);
    s->name = (pb_qname){s->name.schema, cp(cat, new_name)};
    link_sequence(cat, s);
}

/* ---- partitions ------------------------------------------------------------------------ */

/* CREATE TABLE ... PARTITION OF parent: the partition has the parent's
 * columns (manual: sql-createtable, PARTITION OF). */
static void inherit_columns(pb_catalog *cat, pb_cat_table *t, pb_qname parent)
{
    const pb_cat_table *p = pb_catalog_table(cat, parent);
    for (size_t i = 0; p && i < p->columns.len; i++) {
        const pb_cat_column *pc = p->columns.items[i];
        pb_cat_column *c = put_column(cat, t, pc->name);
        c->type = pc->type;
        c->not_null = pc->not_null;
        c->has_default = pc->has_default; /* a partition takes its parent's defaults */
        c->default_vol = pc->default_vol;
        c->generated = pc->generated;
        c->part = cat->part;
        c->mig = cat->mig;
    }
}

static void set_parent(pb_catalog *cat, pb_cat_table *t, pb_qname parent)
{
    t->parent = cpq(cat, parent);
    register_table(cat, t);
}

/* ---- columns of a user type ----------------------------------------------------- */

static bool column_has_type(const pb_cat_column *c, pb_qname type)
{
    return c->type.name && type.name && !strcmp(c->type.name, type.name) &&
           (!c->type.schema || !type.schema || !strcmp(c->type.schema, type.schema));
}

void pb_catalog__tables_using_type(const pb_catalog *cat, pb_arena *a, pb_qname type, pb_ptrvec *out)
{
    for (size_t i = 0; type.name && i < cat->tables.cap; i++) {
        if (!cat->tables.keys[i])
            continue;
        for (pb_cat_table *t = cat->tables.vals[i]; t; t = t->next_same_name)
            for (size_t k = 0; k < t->columns.len; k++)
                if (column_has_type(t->columns.items[k], type)) {
                    pb_ptrvec_push(a, out, t);
                    break;
                }
    }
}

/* ---- replay -------------------------------------------------------------------- */

static void create_table(pb_catalog *cat, const pb_op *op, uint32_t tx)
{
    if (op->if_not_exists && pb_catalog_table(cat, op->rel))
        return;
    if (pb_catalog_table(cat, op->rel))
        drop_relation(cat, op->rel, false, 0);
    pb_cat_table *t = new_table(cat, op->rel, PB_REL_TABLE, true);
    if (op->temp) {
        t->temp = true;
        pb_ptrvec_push(cat->arena, &cat->temps, (void *)&t->name);
    }
    if (op->partition_of && op->obj.name) {
        inherit_columns(cat, t, op->obj);
        set_parent(cat, t, op->obj);
        t->default_partition = op->partition_default;
    }
    if (op->partition_strategy) {
        t->partitioned = true;
        t->partition_strategy = cp(cat, op->partition_strategy);
        t->partition_columns = dup_strs(cat->arena, op->partition_columns, op->npartition_columns);
        t->npartition_columns = op->npartition_columns;
    }
    for (size_t i = 0; i < op->ncolumns; i++) {
        add_column(cat, t, op->columns[i]);
        implicit_sequence(cat, t->name, op->columns[i], tx);
    }
    for (size_t i = 0; i < op->nconstraints; i++)
        add_written_constraint(cat, t, op->constraints[i], tx);
}

static void create_view(pb_catalog *cat, const pb_op *op, pb_rel_kind kind)
{
    pb_cat_table *v = pb_catalog_table(cat, op->rel);
    if (v && op->kind == PB_OP_CREATE_VIEW && (!op->replace || v->kind != PB_REL_VIEW))
        return; /* PostgreSQL fails: the relation exists */
    if (v && op->kind == PB_OP_CREATE_VIEW) {
        /* OR REPLACE keeps the view (and its columns), with a new query */
        v->reads = dup_qnames(cat->arena, op->reads, op->nreads);
        v->nreads = op->nreads;
        register_table(cat, v);
        return;
    }
    if (v)
        drop_relation(cat, op->rel, false, 0);
    /* link after the dependencies are set, so they are registered */
    pb_cat_table *t = pb_arena_alloc(cat->arena, sizeof *t);
    t->name = cpq(cat, op->rel);
    t->kind = kind;
    t->matview = kind == PB_REL_MATVIEW;
    t->part = cat->part;
    t->mig = cat->mig;
    if (kind != PB_REL_TABLE) {
        t->reads = dup_qnames(cat->arena, op->reads, op->nreads);
        t->nreads = op->nreads;
    }
    if (op->temp) {
        t->temp = true;
        pb_ptrvec_push(cat->arena, &cat->temps, (void *)&t->name);
    }
    link_table(cat, t);
}

static void add_column_op(pb_catalog *cat, const pb_op *op, uint32_t tx)
{
    if (!op->col)
        return;
    pb_cat_table *t = ensure_table(cat, op->rel);
    if (op->if_not_exists && pb_catalog_column(t, op->col->name))
        return;
    add_column(cat, t, op->col);
    implicit_sequence(cat, t->name, op->col, tx);
    for (size_t i = 0; i < op->nconstraints; i++)
        add_written_constraint(cat, t, op->constraints[i], tx);
}

static void alter_table_other(pb_catalog *cat, const pb_op *op, uint32_t tx)
{
    pb_cat_table *t;
    switch (op->at) {
    case PB_AT_ATTACH_PARTITION:
        if (op->obj.name && op->rel.name) {
            pb_cat_table *parent = ensure_table(cat, op->rel);
            parent->partitioned = true; /* only a partitioned table takes partitions */
            t = ensure_table(cat, op->obj);
            set_parent(cat, t, parent->name);
            t->default_partition = op->partition_default;
        }
        break;
    case PB_AT_DETACH_PARTITION:
        if ((t = pb_catalog_table(cat, op->obj))) {
            t->parent = (pb_qname){0};
            t->default_partition = false;
        }
        break;
    case PB_AT_ADD_IDENTITY:
        if (op->column && (t = pb_catalog_table(cat, op->rel))) {
            pb_cat_column *c = pb_catalog_column(t, op->column);
            pb_column col = {.name = op->column, .identity = true};
            if (c)
                col.type = c->type;
            implicit_sequence(cat, t->name, &col, tx);
            if (c)
                c->not_null = true;
        }
        break;
    case PB_AT_DROP_IDENTITY:
        if (op->column && op->rel.name)
            drop_owned_sequences(cat, op->rel, op->column);
        break;
    default: break;
    }
}

static void create_sequence_op(pb_catalog *cat, const pb_op *op, uint32_t tx)
{
    if (!op->rel.name || (op->if_not_exists && pb_catalog_sequence(cat, op->rel)))
        return;
    pb_type type = op->type;
    if (!type.name)
        type = (pb_type){.name = "int8"}; /* CREATE SEQUENCE defaults to AS bigint */
    pb_cat_sequence *s = create_sequence(cat, op->rel, type, tx, true);
    if (op->has_owned_by && op->owned_by.name)
        set_owner(cat, s, op->owned_by, op->owned_by_column);
}

static void alter_sequence_op(pb_catalog *cat, const pb_op *op, uint32_t tx)
{
    if (!op->rel.name)
        return;
    pb_cat_sequence *s = pb_catalog_sequence(cat, op->rel);
    if (!s) {
        if (op->if_exists)
            return;
        s = create_sequence(cat, op->rel, (pb_type){0}, tx, false); /* created before what pgbelay read */
    }
    if (op->type.name)
        s->type = dupt_in(cat->arena, op->type);
    if (op->has_owned_by) {
        if (op->owned_by.name)
            set_owner(cat, s, op->owned_by, op->owned_by_column);
        else
            s->owner = (pb_qname){0}, s->owner_column = NULL;
    }
}

/* Renames constraint `from` of `t`; with `index`, also the index of the same
 * name that backs it. */
static void rename_constraint(pb_catalog *cat, pb_cat_table *t, const char *from, const char *to, bool index)
{
    pb_cat_constraint *c = pb_catalog_constraint(t, from);
    if (!c)
        return;
    pb_strmap_del(&t->constraint_map, c->name);
    c->name = cp(cat, to);
    pb_strmap_put(cat->arena, &t->constraint_map, c->name, c);
    if (!index || (c->kind != PB_CON_PRIMARY_KEY && c->kind != PB_CON_UNIQUE && c->kind != PB_CON_EXCLUSION))
        return;
    pb_cat_index *x = pb_catalog_index(cat, (pb_qname){t->name.schema, from});
    if (x) {
        unlink_index(cat, x);
        x->name.name = cp(cat, to);
        link_index(cat, x);
    }
}

static void rename_op(pb_catalog *cat, const pb_op *op)
{
    if (!op->new_name)
        return;
    pb_cat_table *t;
    pb_cat_sequence *s;
    bool rel_kind = op->kind == PB_OP_RENAME_TABLE || op->object_kind == PB_OBJ_VIEW ||
                    op->object_kind == PB_OBJ_MATVIEW || op->object_kind == PB_OBJ_FOREIGN_TABLE;
    if (rel_kind && (t = pb_catalog_table(cat, op->rel))) {
        rename_relation(cat, t, op->rel, op->new_name);
    } else if (op->kind == PB_OP_RENAME_TABLE && !pb_catalog_sequence(cat, op->rel)) {
        rename_relation(cat, NULL, op->rel, op->new_name); /* what refers to it still follows */
    } else if ((op->object_kind == PB_OBJ_SEQUENCE || op->kind == PB_OP_RENAME_TABLE) &&
               (s = pb_catalog_sequence(cat, op->rel))) {
        /* ALTER SEQUENCE (or ALTER TABLE) s RENAME TO */
        rename_sequence(cat, s, op->new_name);
    } else if (op->object_kind == PB_OBJ_CONSTRAINT && op->rel.name && op->column) {
        /* RENAME CONSTRAINT: the index behind a PRIMARY KEY, UNIQUE or EXCLUDE
           constraint is renamed with it (manual: sql-altertable) */
        if ((t = pb_catalog_table(cat, op->rel)))
            rename_constraint(cat, t, op->column, op->new_name, true);
    } else if (op->object_kind == PB_OBJ_TYPE) {
        pb_cat_enum *e = pb_catalog_enum(cat, op->obj);
        if (e) {
            enm_unlink(cat->arena, &cat->enums, e);
            e->name = (pb_qname){e->name.schema, cp(cat, op->new_name)};
            enm_link(cat->arena, &cat->enums, e);
        }
        /* columns refer to the type by OID: they follow it */
        pb_ptrvec users = {0};
        pb_catalog__tables_using_type(cat, cat->arena, op->obj, &users);
        for (size_t i = 0; i < users.len; i++)
            for (size_t k = 0; k < ((pb_cat_table *)users.items[i])->columns.len; k++) {
                pb_cat_column *c = ((pb_cat_table *)users.items[i])->columns.items[k];
                if (column_has_type(c, op->obj))
                    c->type.name = cp(cat, op->new_name);
            }
    }
}

static void drop_other(pb_catalog *cat, const pb_op *op)
{
    switch (op->object_kind) {
    case PB_OBJ_VIEW:
    case PB_OBJ_MATVIEW:
    case PB_OBJ_FOREIGN_TABLE:
        if (pb_catalog_table(cat, op->rel))
            drop_relation(cat, op->rel, op->cascade, 0);
        break;
    case PB_OBJ_SEQUENCE: {
        pb_cat_sequence *s = pb_catalog_sequence(cat, op->rel);
        if (s)
            seq_unlink(cat->arena, &cat->sequences, s);
        break;
    }
    case PB_OBJ_TYPE: {
        pb_cat_enum *e = pb_catalog_enum(cat, op->obj);
        if (e)
            enm_unlink(cat->arena, &cat->enums, e);
        if (op->cascade && op->obj.name) {
            /* DROP TYPE ... CASCADE drops the columns of that type
               (manual: sql-droptype) */
            pb_ptrvec users = {0};
            pb_catalog__tables_using_type(cat, cat->arena, op->obj, &users);
            for (size_t i = 0; i < users.len; i++) {
                pb_cat_table *t = users.items[i];
                for (size_t k = t->columns.len; k-- > 0;) {
                    pb_cat_column *c = t->columns.items[k];
                    if (column_has_type(c, op->obj))
                        drop_column(cat, t, c->name);
                }
            }
        }
        break;
    }
    default: break;
    }
}

void pb_catalog_apply(pb_catalog *cat, const pb_op *op, uint32_t tx)
{
    pb_cat_table *t;
    switch (op->kind) {
    case PB_OP_CREATE_TABLE: create_table(cat, op, tx); break;
    case PB_OP_CREATE_TABLE_AS:
        if (op->if_not_exists && pb_catalog_table(cat, op->rel))
            break;
        create_view(cat, op, op->matview ? PB_REL_MATVIEW : PB_REL_TABLE);
        break;
    case PB_OP_CREATE_VIEW: create_view(cat, op, PB_REL_VIEW); break;
    case PB_OP_DROP_TABLE:
        if (op->rel.name)
            drop_relation(cat, op->rel, op->cascade, 0);
        break;
    case PB_OP_DROP_OTHER: drop_other(cat, op); break;
    case PB_OP_RENAME_TABLE:
    case PB_OP_RENAME_OTHER: rename_op(cat, op); break;
    case PB_OP_ADD_COLUMN: add_column_op(cat, op, tx); break;
    case PB_OP_DROP_COLUMN:
        if ((t = pb_catalog_table(cat, op->rel)) && op->column)
            drop_column(cat, t, op->column);
        break;
    case PB_OP_RENAME_COLUMN:
        if ((t = pb_catalog_table(cat, op->rel)) && op->column && op->new_name)
            rename_column(cat, t, op->column, op->new_name);
        break;
    case PB_OP_ALTER_COLUMN_TYPE:
        if (op->column) {
            pb_cat_column *c = put_column(cat, ensure_table(cat, op->rel), op->column);
            c->type = dupt_in(cat->arena, op->type);
        }
        break;
    case PB_OP_SET_DEFAULT:
    case PB_OP_DROP_DEFAULT: {
        pb_cat_column *c = pb_catalog_column(pb_catalog_table(cat, op->rel), op->column);
        if (c) {
            c->has_default = op->kind == PB_OP_SET_DEFAULT && op->has_default;
            c->default_vol = c->has_default ? op->default_vol : PB_VOL_NONE;
        }
        break;
    }
    case PB_OP_SET_NOT_NULL:
    case PB_OP_DROP_NOT_NULL: {
        pb_cat_column *c = pb_catalog_column(pb_catalog_table(cat, op->rel), op->column);
        if (c)
            c->not_null = op->kind == PB_OP_SET_NOT_NULL;
        break;
    }
    case PB_OP_ADD_CONSTRAINT: add_table_constraint(cat, op, tx); break;
    case PB_OP_VALIDATE_CONSTRAINT: {
        pb_cat_constraint *c = pb_catalog_constraint(pb_catalog_table(cat, op->rel), op->con_name);
        if (c)
            c->validated = true;
        break;
    }
    case PB_OP_DROP_CONSTRAINT:
        if ((t = pb_catalog_table(cat, op->rel)) && op->con_name) {
            pb_cat_constraint *c = pb_catalog_constraint(t, op->con_name);
            if (c)
                remove_constraint(t, c);
            pb_cat_index *x = pb_catalog_index(cat, (pb_qname){op->rel.schema, op->con_name});
            if (x)
                unlink_index(cat, x);
        }
        break;
    case PB_OP_ALTER_TABLE_OTHER: alter_table_other(cat, op, tx); break;
    case PB_OP_CREATE_INDEX: {
        /* CREATE INDEX ON t (a, b) is named t_a_b_idx (PostgreSQL's ChooseIndexName, without
           its numbering) */
        const char *iname = op->index_name;
        if (!iname && op->rel.name && op->nindex_parts)
            iname = pb_catalog_default_index_name(cat->arena, op->rel.name,
                                                  (const char *const *)op->index_parts, op->nindex_parts);
        else if (!iname && op->rel.name)
            iname = pb_catalog_default_index_name(cat->arena, op->rel.name,
                                                  (const char *const *)op->con_columns, op->ncon_columns);
        if (op->if_not_exists && pb_catalog_index(cat, (pb_qname){op->rel.schema, iname}))
            break;
        /* a partial index serves no foreign key look-up: record no key columns (but
           dropping one of them still drops it) */
        pb_cat_index *x = add_index(cat, (pb_qname){op->rel.schema, iname}, op->rel, op->unique,
                                    (const char *const *)op->con_columns, op->partial ? 0 : op->ncon_columns);
        if (x && op->partial) {
            x->uses = dup_strs(cat->arena, (const char *const *)op->con_columns, op->ncon_columns);
            x->nuses = op->ncon_columns;
        }
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
            /* the constraint an index backs is renamed with it (index.c:index_rename) */
            pb_cat_table *owner = pb_catalog_table(cat, x->table);
            const char *from = x->name.name;
            unlink_index(cat, x);
            x->name.name = cp(cat, op->new_name);
            link_index(cat, x);
            if (owner)
                rename_constraint(cat, owner, from, op->new_name, false);
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
    case PB_OP_CREATE_ENUM: create_enum(cat, op, tx); break;
    case PB_OP_ALTER_ENUM: alter_enum(cat, op); break;
    case PB_OP_CREATE_SEQUENCE: create_sequence_op(cat, op, tx); break;
    case PB_OP_ALTER_SEQUENCE: alter_sequence_op(cat, op, tx); break;
    default: break;
    }
}

/* ---- copies and undo ------------------------------------------------------------------ */

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
    if (cur)
        unlink_table(cat, cur);
    if (pre) {
        pb_cat_table *t = pb_arena_alloc(cat->arena, sizeof *t);
        pb_catalog_copy_table(cat->arena, t, pre);
        link_table(cat, t);
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
        link_index(cat, x);
    }
}

void pb_catalog__restore_sequence(pb_catalog *cat, pb_qname name, const pb_cat_sequence *pre)
{
    pb_cat_sequence *cur = pb_catalog_sequence(cat, name);
    if (cur)
        seq_unlink(cat->arena, &cat->sequences, cur);
    if (pre) {
        pb_cat_sequence *s = pb_arena_alloc(cat->arena, sizeof *s);
        *s = *pre;
        link_sequence(cat, s);
    }
}

void pb_catalog__restore_enum(pb_catalog *cat, pb_qname name, const pb_cat_enum *pre)
{
    pb_cat_enum *cur = pb_catalog_enum(cat, name);
    if (cur)
        enm_unlink(cat->arena, &cat->enums, cur);
    if (pre) {
        pb_cat_enum *e = pb_arena_alloc(cat->arena, sizeof *e);
        *e = *pre;
        enm_link(cat->arena, &cat->enums, e);
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

/* The live objects of a chained map, oldest of each chain first (so that
 * linking them in this order keeps the newest at the head). */
static size_t chain_items(pb_arena *a, const pb_strmap *m, size_t next_off, void ***out)
{
    size_t n = 0, cap = 16;
    void **items = pb_arena_alloc(a, cap * sizeof *items);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i] || !m->vals[i])
            continue;
        size_t start = n;
        for (void *x = m->vals[i]; x; x = *(void **)((char *)x + next_off)) {
            if (n == cap) {
                void **g = pb_arena_alloc(a, 2 * cap * sizeof *g);
                memcpy(g, items, n * sizeof *g);
                items = g;
                cap *= 2;
            }
            items[n++] = x;
        }
        for (size_t l = start, r = n; l + 1 < r; l++, r--) {
            void *tmp = items[l];
            items[l] = items[r - 1];
            items[r - 1] = tmp;
        }
    }
    *out = items;
    return n;
}

static void deep_copy_table(pb_arena *a, pb_cat_table *dst, const pb_cat_table *src)
{
    pb_catalog_copy_table(a, dst, src);
    dst->name = dupq_in(a, src->name);
    memset(&dst->column_map, 0, sizeof dst->column_map);
    memset(&dst->constraint_map, 0, sizeof dst->constraint_map);
    for (size_t k = 0; k < dst->columns.len; k++) {
        pb_cat_column *col = dst->columns.items[k];
        col->name = dup_in(a, col->name);
        col->type = dupt_in(a, col->type);
        pb_strmap_put(a, &dst->column_map, col->name, col);
    }
    for (size_t k = 0; k < dst->constraints.len; k++) {
        pb_cat_constraint *con = dst->constraints.items[k];
        con->name = dup_in(a, con->name);
        con->columns = dup_strs(a, con->columns, con->ncolumns);
        con->check_not_null_column = dup_in(a, con->check_not_null_column);
        con->ref = dupq_in(a, con->ref);
        if (con->name)
            pb_strmap_put(a, &dst->constraint_map, con->name, con);
    }
    dst->partition_strategy = dup_in(a, src->partition_strategy);
    dst->partition_columns =
        src->partition_columns ? dup_strs(a, src->partition_columns, src->npartition_columns) : NULL;
    dst->parent = dupq_in(a, src->parent);
    dst->reads = src->reads ? dup_qnames(a, src->reads, src->nreads) : NULL;
}

pb_catalog *pb_catalog_clone(pb_arena *a, const pb_catalog *src)
{
    pb_catalog *c = pb_arena_alloc(a, sizeof *c);
    pb_catalog_init(c, a);
    c->part = src->part;
    c->mig = src->mig;
    c->tx_seq = src->tx_seq;
    void **items;
    size_t n = chain_items(a, &src->tables, offsetof(pb_cat_table, next_same_name), &items);
    for (size_t i = 0; i < n; i++) {
        pb_cat_table *t = pb_arena_alloc(a, sizeof *t);
        deep_copy_table(a, t, items[i]);
        link_table(c, t);
    }
    n = chain_items(a, &src->indexes, offsetof(pb_cat_index, next_same_name), &items);
    for (size_t i = 0; i < n; i++) {
        const pb_cat_index *x = items[i];
        pb_cat_index *y = pb_arena_alloc(a, sizeof *y);
        *y = *x;
        y->name = dupq_in(a, x->name);
        y->table = dupq_in(a, x->table);
        y->columns = dup_strs(a, x->columns, x->ncolumns);
        y->uses = dup_strs(a, x->uses, x->nuses);
        link_index(c, y);
    }
    n = chain_items(a, &src->sequences, offsetof(pb_cat_sequence, next_same_name), &items);
    for (size_t i = 0; i < n; i++) {
        const pb_cat_sequence *s = items[i];
        pb_cat_sequence *y = pb_arena_alloc(a, sizeof *y);
        *y = *s;
        y->name = dupq_in(a, s->name);
        y->type = dupt_in(a, s->type);
        y->owner = dupq_in(a, s->owner);
        y->owner_column = dup_in(a, s->owner_column);
        link_sequence(c, y);
    }
    n = chain_items(a, &src->enums, offsetof(pb_cat_enum, next_same_name), &items);
    for (size_t i = 0; i < n; i++) {
        const pb_cat_enum *e = items[i];
        pb_cat_enum *y = pb_arena_alloc(a, sizeof *y);
        *y = *e;
        y->name = dupq_in(a, e->name);
        y->values = dup_strs(a, e->values, e->nvalues);
        enm_link(a, &c->enums, y);
    }
    for (size_t i = 0; i < src->schemas.cap; i++) {
        if (!src->schemas.keys[i] || !src->schemas.vals[i])
            continue;
        pb_cat_object *o = pb_arena_alloc(a, sizeof *o);
        *o = *(const pb_cat_object *)src->schemas.vals[i];
        o->name = dup_in(a, o->name);
        pb_strmap_put(a, &c->schemas, o->name, o);
    }
    return c;
}

/* ---- snapshot comparison ------------------------------------------------------------ */

typedef struct differ {
    pb_arena *a;
    pb_catalog_diff_fn fn;
    void *ud;
    size_t n;
} differ;

static void differ_add(differ *d, const char *msg)
{
    d->n++;
    if (d->fn)
        d->fn(d->ud, msg);
}

static const char *qn(pb_arena *a, pb_qname q)
{
    return pb_arena_sprintf(a, "\"%s\"", pb_qname_str(a, q));
}

static const char *list_str(pb_arena *a, const char *const *v, size_t n)
{
    const char *s = "";
    for (size_t i = 0; i < n; i++)
        s = pb_arena_sprintf(a, "%s%s%s", s, i ? ", " : "", v[i] ? v[i] : "?");
    return pb_arena_sprintf(a, "(%s)", s);
}

static bool strs_eq(const char *const *x, size_t nx, const char *const *y, size_t ny)
{
    if (nx != ny)
        return false;
    for (size_t i = 0; i < nx; i++)
        if (!str_eq(x[i], y[i]))
            return false;
    return true;
}

static const char *rel_kind_name(pb_rel_kind k)
{
    return k == PB_REL_VIEW ? "view" : k == PB_REL_MATVIEW ? "materialized view" : "table";
}

static bool reads_eq(const pb_cat_table *x, const pb_cat_table *y)
{
    if (x->nreads != y->nreads)
        return false;
    for (size_t i = 0; i < x->nreads; i++) {
        bool found = false;
        for (size_t k = 0; k < y->nreads && !found; k++)
            found = qname_eq(x->reads[i], y->reads[k]);
        if (!found)
            return false;
    }
    return true;
}

static const char *reads_str(pb_arena *a, const pb_cat_table *t)
{
    const char *s = "";
    for (size_t i = 0; i < t->nreads; i++)
        s = pb_arena_sprintf(a, "%s%s%s", s, i ? ", " : "", qn(a, t->reads[i]));
    return t->nreads ? s : "nothing";
}

static void diff_tables(differ *d, const pb_cat_table *x, const pb_cat_table *y)
{
    pb_arena *a = d->a;
    const char *tn = qn(a, x->name);
    if (x->kind != y->kind)
        differ_add(d, pb_arena_sprintf(a, "%s is a %s in the first catalog, a %s in the second", tn,
                                       rel_kind_name(x->kind), rel_kind_name(y->kind)));
    for (size_t i = 0; i < x->columns.len; i++) {
        const pb_cat_column *c = x->columns.items[i];
        const pb_cat_column *o = pb_catalog_column(y, c->name);
        if (!o) {
            differ_add(d, pb_arena_sprintf(a, "column %s.\"%s\" is only in the first catalog", tn, c->name));
            continue;
        }
        if ((c->type.name || o->type.name) &&
            !(c->type.name && o->type.name && pb_type_equal(&c->type, &o->type)))
            differ_add(d, pb_arena_sprintf(a, "column %s.\"%s\" is %s in the first catalog, %s in the second",
                                           tn, c->name, pb_type_str(a, &c->type), pb_type_str(a, &o->type)));
        if (c->not_null != o->not_null)
            differ_add(d, pb_arena_sprintf(a, "column %s.\"%s\" is %s in the first catalog, %s in the second",
                                           tn, c->name, c->not_null ? "NOT NULL" : "nullable",
                                           o->not_null ? "NOT NULL" : "nullable"));
    }
    for (size_t i = 0; i < y->columns.len; i++) {
        const pb_cat_column *o = y->columns.items[i];
        if (!pb_catalog_column(x, o->name))
            differ_add(d, pb_arena_sprintf(a, "column %s.\"%s\" is only in the second catalog", tn, o->name));
    }
    for (size_t i = 0; i < x->constraints.len; i++) {
        const pb_cat_constraint *c = x->constraints.items[i];
        const pb_cat_constraint *o = pb_catalog_constraint(y, c->name);
        if (!o) {
            differ_add(
                d, pb_arena_sprintf(a, "constraint \"%s\" on %s is only in the first catalog", c->name, tn));
            continue;
        }
        if (c->kind != o->kind || !strs_eq(c->columns, c->ncolumns, o->columns, o->ncolumns) ||
            !qname_eq(c->ref, o->ref))
            differ_add(
                d, pb_arena_sprintf(a,
                                    "constraint \"%s\" on %s is %s %s%s%s in the first catalog, %s %s%s%s "
                                    "in the second",
                                    c->name, tn, pb_constraint_kind_name(c->kind),
                                    list_str(a, c->columns, c->ncolumns), c->ref.name ? " REFERENCES " : "",
                                    c->ref.name ? qn(a, c->ref) : "", pb_constraint_kind_name(o->kind),
                                    list_str(a, o->columns, o->ncolumns), o->ref.name ? " REFERENCES " : "",
                                    o->ref.name ? qn(a, o->ref) : ""));
        if (c->validated != o->validated)
            differ_add(
                d, pb_arena_sprintf(a, "constraint \"%s\" on %s is %s in the first catalog, %s in the second",
                                    c->name, tn, c->validated ? "validated" : "NOT VALID",
                                    o->validated ? "validated" : "NOT VALID"));
    }
    for (size_t i = 0; i < y->constraints.len; i++) {
        const pb_cat_constraint *o = y->constraints.items[i];
        if (!pb_catalog_constraint(x, o->name))
            differ_add(
                d, pb_arena_sprintf(a, "constraint \"%s\" on %s is only in the second catalog", o->name, tn));
    }
    if (x->partitioned != y->partitioned ||
        (x->partitioned && (!str_eq(x->partition_strategy, y->partition_strategy) ||
                            !strs_eq(x->partition_columns, x->npartition_columns, y->partition_columns,
                                     y->npartition_columns))))
        differ_add(
            d, pb_arena_sprintf(
                   a, "%s is %s in the first catalog, %s in the second", tn,
                   x->partitioned ? pb_arena_sprintf(a, "partitioned by %s %s",
                                                     x->partition_strategy ? x->partition_strategy : "?",
                                                     list_str(a, x->partition_columns, x->npartition_columns))
                                  : "not partitioned",
                   y->partitioned ? pb_arena_sprintf(a, "partitioned by %s %s",
                                                     y->partition_strategy ? y->partition_strategy : "?",
                                                     list_str(a, y->partition_columns, y->npartition_columns))
                                  : "not partitioned"));
    if (!qname_eq(x->parent, y->parent))
        differ_add(
            d, pb_arena_sprintf(a, "%s is %s in the first catalog, %s in the second", tn,
                                x->parent.name ? pb_arena_sprintf(a, "a partition of %s", qn(a, x->parent))
                                               : "not a partition",
                                y->parent.name ? pb_arena_sprintf(a, "a partition of %s", qn(a, y->parent))
                                               : "not a partition"));
    if (!reads_eq(x, y))
        differ_add(d, pb_arena_sprintf(a, "%s reads %s in the first catalog, %s in the second", tn,
                                       reads_str(a, x), reads_str(a, y)));
}

#define FIND_EXACT(T, fn)                                                                                    \
    static const T *fn##_exact(const pb_strmap *m, pb_qname name)                                            \
    {                                                                                                        \
        for (const T *x = pb_strmap_get(m, name.name); x; x = x->next_same_name)                             \
            if (qname_eq(x->name, name))                                                                     \
                return x;                                                                                    \
        return NULL;                                                                                         \
    }
FIND_EXACT(pb_cat_table, tab)
FIND_EXACT(pb_cat_index, idx)
FIND_EXACT(pb_cat_sequence, seq)
FIND_EXACT(pb_cat_enum, enm)

size_t pb_catalog_diff(pb_arena *a, const pb_catalog *x, const pb_catalog *y, pb_catalog_diff_fn fn, void *ud)
{
    differ d = {a, fn, ud, 0};
    const pb_catalog *cats[2] = {x, y};
    static const char *const which[2] = {"first", "second"};
    void **items;
    for (int side = 0; side < 2; side++) {
        const pb_catalog *me = cats[side], *other = cats[1 - side];
        size_t n = chain_items(a, &me->tables, offsetof(pb_cat_table, next_same_name), &items);
        for (size_t i = 0; i < n; i++) {
            const pb_cat_table *t = items[i], *o = tab_exact(&other->tables, t->name);
            if (!o)
                differ_add(&d, pb_arena_sprintf(a, "%s %s is only in the %s catalog", rel_kind_name(t->kind),
                                                qn(a, t->name), which[side]));
            else if (side == 0)
                diff_tables(&d, t, o);
        }
        n = chain_items(a, &me->indexes, offsetof(pb_cat_index, next_same_name), &items);
        for (size_t i = 0; i < n; i++) {
            const pb_cat_index *t = items[i], *o = idx_exact(&other->indexes, t->name);
            if (!o)
                differ_add(&d, pb_arena_sprintf(a, "index %s is only in the %s catalog", qn(a, t->name),
                                                which[side]));
            else if (side == 0 && (!qname_eq(t->table, o->table) || t->unique != o->unique ||
                                   !strs_eq(t->columns, t->ncolumns, o->columns, o->ncolumns)))
                differ_add(&d,
                           pb_arena_sprintf(a,
                                            "index %s is %son %s %s in the first catalog, %son %s %s in the "
                                            "second",
                                            qn(a, t->name), t->unique ? "UNIQUE " : "", qn(a, t->table),
                                            list_str(a, t->columns, t->ncolumns), o->unique ? "UNIQUE " : "",
                                            qn(a, o->table), list_str(a, o->columns, o->ncolumns)));
        }
        n = chain_items(a, &me->sequences, offsetof(pb_cat_sequence, next_same_name), &items);
        for (size_t i = 0; i < n; i++) {
            const pb_cat_sequence *t = items[i], *o = seq_exact(&other->sequences, t->name);
            if (!o) {
                differ_add(&d, pb_arena_sprintf(a, "sequence %s is only in the %s catalog", qn(a, t->name),
                                                which[side]));
                continue;
            }
            if (side == 1)
                continue;
            if (!str_eq(t->type.name, o->type.name))
                differ_add(
                    &d, pb_arena_sprintf(a, "sequence %s is AS %s in the first catalog, AS %s in the second",
                                         qn(a, t->name), pb_type_str(a, &t->type), pb_type_str(a, &o->type)));
            if (!qname_eq(t->owner, o->owner) || !str_eq(t->owner_column, o->owner_column))
                differ_add(&d, pb_arena_sprintf(
                                   a,
                                   "sequence %s is owned by %s in the first catalog, by %s in the "
                                   "second",
                                   qn(a, t->name),
                                   t->owner.name ? pb_arena_sprintf(a, "%s.\"%s\"", qn(a, t->owner),
                                                                    t->owner_column ? t->owner_column : "?")
                                                 : "nothing",
                                   o->owner.name ? pb_arena_sprintf(a, "%s.\"%s\"", qn(a, o->owner),
                                                                    o->owner_column ? o->owner_column : "?")
                                                 : "nothing"));
        }
        n = chain_items(a, &me->enums, offsetof(pb_cat_enum, next_same_name), &items);
        for (size_t i = 0; i < n; i++) {
            const pb_cat_enum *t = items[i], *o = enm_exact(&other->enums, t->name);
            if (!o)
                differ_add(&d, pb_arena_sprintf(a, "type %s is only in the %s catalog", qn(a, t->name),
                                                which[side]));
            else if (side == 0 && !strs_eq(t->values, t->nvalues, o->values, o->nvalues))
                differ_add(&d, pb_arena_sprintf(
                                   a, "type %s has the values %s in the first catalog, %s in the second",
                                   qn(a, t->name), list_str(a, t->values, t->nvalues),
                                   list_str(a, o->values, o->nvalues)));
        }
        for (size_t i = 0; i < me->schemas.cap; i++) {
            const pb_cat_object *o = me->schemas.keys[i] ? me->schemas.vals[i] : NULL;
            if (o && !pb_catalog_schema(other, o->name))
                differ_add(
                    &d, pb_arena_sprintf(a, "schema \"%s\" is only in the %s catalog", o->name, which[side]));
        }
    }
    return d.n;
}

size_t pb_catalog_list(pb_arena *a, const pb_catalog *cat, pb_cat_list_kind kind, const void ***out)
{
    void **items = NULL;
    size_t n = 0;
    switch (kind) {
    case PB_CAT_LIST_TABLES:
        n = chain_items(a, &cat->tables, offsetof(pb_cat_table, next_same_name), &items);
        break;
    case PB_CAT_LIST_INDEXES:
        n = chain_items(a, &cat->indexes, offsetof(pb_cat_index, next_same_name), &items);
        break;
    case PB_CAT_LIST_SEQUENCES:
        n = chain_items(a, &cat->sequences, offsetof(pb_cat_sequence, next_same_name), &items);
        break;
    case PB_CAT_LIST_ENUMS:
        n = chain_items(a, &cat->enums, offsetof(pb_cat_enum, next_same_name), &items);
        break;
    case PB_CAT_LIST_SCHEMAS:
        items = pb_arena_alloc(a, (cat->schemas.len + 1) * sizeof *items);
        for (size_t i = 0; i < cat->schemas.cap; i++)
            if (cat->schemas.keys[i] && cat->schemas.vals[i] && n < cat->schemas.len)
                items[n++] = cat->schemas.vals[i];
        break;
    }
    *out = (const void **)items;
    return n;
}

const pb_cat_table *pb_catalog_default_partition(const pb_catalog *cat, pb_qname parent)
{
    size_t i = 0;
    for (const pb_cat_table *p; (p = pb_catalog_partition(cat, parent, &i)) != NULL;)
        if (p->default_partition)
            return p;
    return NULL;
}
