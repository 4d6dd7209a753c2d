/* Claims: which relations an op's lock facts are about, named from the op
 * and the catalog as it was before the op (a DROP INDEX locks the index's
 * table; VALIDATE of a foreign key locks the referenced table). */
#include "facts/claims.h"

#include <string.h>

typedef struct lockvec {
    pb_arena *a;
    pb_claim_lock *v;
    size_t n, cap;
} lockvec;

static void add(lockvec *lv, pb_qname rel, pb_lock_mode mode, const char *role)
{
    if (mode == PB_LOCK_NONE)
        return;
    for (size_t i = 0; i < lv->n; i++)
        if (rel.name && lv->v[i].rel.name && pb_qname_match(lv->v[i].rel, rel) &&
            !strcmp(lv->v[i].rel.name, rel.name)) {
            if (mode > lv->v[i].mode) {
                lv->v[i].mode = mode;
                lv->v[i].role = role;
            }
            return;
        }
    if (lv->n == lv->cap) {
        size_t cap = lv->cap ? lv->cap * 2 : 4;
        pb_claim_lock *n = pb_arena_alloc(lv->a, cap * sizeof *n);
        if (lv->n)
            memcpy(n, lv->v, lv->n * sizeof *n);
        lv->v = n;
        lv->cap = cap;
    }
    lv->v[lv->n++] = (pb_claim_lock){rel, mode, role};
}

/* A growable list of relation names in an arena. */
typedef struct qvec {
    pb_arena *a;
    pb_qname *v;
    size_t n, cap;
} qvec;

static void qpush(qvec *q, pb_qname x)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 4;
        pb_qname *n = pb_arena_alloc(q->a, cap * sizeof *n);
        if (q->n)
            memcpy(n, q->v, q->n * sizeof *n);
        q->v = n;
        q->cap = cap;
    }
    q->v[q->n++] = x;
}

/* An index name resolves in the schema of its table when unqualified. */
static pb_qname index_in_schema(pb_qname table, const char *index)
{
    return (pb_qname){table.schema, index};
}

static bool has_column(const pb_cat_constraint *c, const char *col)
{
    for (size_t i = 0; col && i < c->ncolumns; i++)
        if (c->columns[i] && !strcmp(c->columns[i], col))
            return true;
    return false;
}

/* Foreign keys PostgreSQL drops or rebuilds with a column (DROP COLUMN,
 * ALTER COLUMN TYPE): its own on that column lock the referenced table;
 * with ALTER TYPE, those of other tables that reference a key containing
 * the column lock (and revalidate) the referencing table. ACCESS EXCLUSIVE:
 * the RI triggers on the other table are dropped (postgres-locks.md §2.1,
 * [E15]). */
static void fk_partners(pb_arena *a, lockvec *lv, const pb_catalog *cat, const pb_cat_table *t,
                        const char *col, bool referencing, qvec *scans)
{
    if (!t)
        return;
    bool key = false;
    for (size_t i = 0; i < t->constraints.len; i++) {
        const pb_cat_constraint *c = t->constraints.items[i];
        if (c->kind == PB_CON_FOREIGN_KEY && has_column(c, col))
            add(lv, c->ref, PB_LOCK_ACCESS_EXCLUSIVE, "referenced table (foreign key dropped or rebuilt)");
        if ((c->kind == PB_CON_PRIMARY_KEY || c->kind == PB_CON_UNIQUE) && has_column(c, col))
            key = true;
    }
    if (!referencing || !key)
        return;
    const void **items;
    size_t n = pb_catalog_list(a, cat, PB_CAT_LIST_TABLES, &items);
    for (size_t i = 0; i < n; i++) {
        const pb_cat_table *o = items[i];
        for (size_t k = 0; k < o->constraints.len; k++) {
            const pb_cat_constraint *c = o->constraints.items[k];
            if (c->kind == PB_CON_FOREIGN_KEY && c->ref.name && pb_catalog_table(cat, c->ref) == t) {
                add(lv, o->name, PB_LOCK_ACCESS_EXCLUSIVE, "referencing table (foreign key rebuilt)");
                qpush(scans, o->name);
            }
        }
    }
}

/* Does a catalog-only ALTER COLUMN TYPE rebuild an index on the column? An
 * index is kept only when its operator class fits the new type
 * ([S15 indexcmds.c:CheckIndexCompatible]): a typmod change, varchar <->
 * text (text_ops), cidr -> inet (inet_ops). timestamp <-> timestamptz (a
 * catalog-only change under TimeZone UTC) rebuilds it: [E15],
 * tests/pg/facts.py. */
static bool index_rebuilt(const pb_catalog *cat, const pb_op *op, const pb_type *old)
{
    if (!old || !old->name || !op->type.name || !op->column)
        return false;
    const char *o = old->name, *n = op->type.name;
    bool same_class = !strcmp(o, n) || ((!strcmp(o, "varchar") || !strcmp(o, "text")) &&
                                        (!strcmp(n, "varchar") || !strcmp(n, "text"))) ||
                      (!strcmp(o, "cidr") && !strcmp(n, "inet"));
    if (same_class && old->array_dims == op->type.array_dims)
        return false;
    size_t i = 0;
    for (const pb_cat_index *ix; (ix = pb_catalog_table_index(cat, op->rel, &i)) != NULL;)
        for (size_t k = 0; k < ix->ncolumns; k++)
            if (ix->columns[k] && !strcmp(ix->columns[k], op->column))
                return true;
    return false;
}

/* A new partition's rows may not be in the DEFAULT partition: ATTACH and
 * CREATE ... PARTITION OF lock it ACCESS EXCLUSIVE and scan it (unless its
 * constraints exclude the range, which pgbelay does not check); DETACH
 * locks it too (postgres-locks.md §2.1, [E15]). */
static void default_partition(lockvec *lv, const pb_catalog *cat, pb_qname parent, pb_qname partition, bool scan,
                              qvec *scans)
{
    const pb_cat_table *d = pb_catalog_default_partition(cat, parent);
    if (!d || (partition.name && pb_qname_match(d->name, partition)))
        return;
    add(lv, d->name, PB_LOCK_ACCESS_EXCLUSIVE, "DEFAULT partition");
    if (scan)
        qpush(scans, d->name);
}

/* CREATE INDEX on a partitioned table recurses to every partition with the
 * same lock, building an index on each ([E15]). */
static void partitions(lockvec *lv, const pb_catalog *cat, pb_qname parent, pb_lock_mode mode, qvec *scans,
                       int depth)
{
    size_t i = 0;
    for (const pb_cat_table *p; depth < 8 && (p = pb_catalog_partition(cat, parent, &i)) != NULL;) {
        add(lv, p->name, mode, "partition");
        qpush(scans, p->name);
        partitions(lv, cat, p->name, mode, scans, depth + 1);
    }
}

void pb_claims_fact_env(const pb_op *op, const pb_catalog *cat, bool timezone_utc, pb_fact_env *env)
{
    memset(env, 0, sizeof *env);
    env->timezone_utc = timezone_utc;
    const pb_cat_table *t = pb_catalog_table(cat, op->rel);
    if (op->kind == PB_OP_ALTER_COLUMN_TYPE) {
        const pb_cat_column *c = pb_catalog_column(t, op->column);
        if (c && c->type.name)
            env->old_type = &c->type;
    } else if (op->kind == PB_OP_SET_NOT_NULL) {
        env->not_null_proven = pb_catalog_not_null_proven(cat, op->rel, op->column);
    } else if (op->kind == PB_OP_VALIDATE_CONSTRAINT || op->kind == PB_OP_DROP_CONSTRAINT) {
        const pb_cat_constraint *c = pb_catalog_constraint(t, op->con_name);
        env->constraint_is_fk = c && c->kind == PB_CON_FOREIGN_KEY;
    }
}

void pb_claims_for(pb_arena *a, const pb_op *op, const pb_catalog *cat, int v, const pb_claims_env *cenv,
                   pb_claims *out)
{
    memset(out, 0, sizeof *out);
    pb_fact_env env;
    pb_claims_fact_env(op, cat, cenv && cenv->timezone_utc, &env);
    pb_facts_for(op, v, &env, &out->fact);
    const pb_fact *f = &out->fact;
    lockvec lv = {.a = a};
    pb_qname none = {0};
    qvec scans = {.a = a};
    /* a function pgbelay does not know is VOLATILE unless declared otherwise
       ([D15 sql-createfunction]): its default rewrites the table */
    if (op->kind == PB_OP_ADD_COLUMN && op->col && op->col->has_default &&
        op->col->default_vol == PB_VOL_UNKNOWN && !out->fact.rewrite) {
        pb_fact vf;
        if (pb_facts_row(PB_FACT_ADD_COLUMN_VOLATILE_DEFAULT, v, &vf) && vf.rewrite) {
            out->fact.rewrite = true;
            if (out->fact.nkeys < (int)(sizeof out->fact.keys / sizeof out->fact.keys[0]))
                out->fact.keys[out->fact.nkeys++] = PB_FACT_ADD_COLUMN_VOLATILE_DEFAULT;
        }
    }
    if (!f->known) {
        out->locks = lv.v;
        return;
    }
    pb_qname target = op->rel;
    const pb_cat_table *t = pb_catalog_table(cat, op->rel);
    switch (op->kind) {
    case PB_OP_ADD_COLUMN:
        add(&lv, target, f->lock, f->target);
        if (op->col && op->col->references)
            add(&lv, op->col->ref, f->other_lock, f->other_role);
        for (size_t i = 0; i < op->nconstraints; i++)
            if (op->constraints[i]->kind == PB_CON_FOREIGN_KEY)
                add(&lv, op->constraints[i]->ref, f->other_lock, f->other_role);
        break;
    case PB_OP_ADD_CONSTRAINT:
        add(&lv, target, f->lock, f->target);
        if (op->con_kind == PB_CON_FOREIGN_KEY)
            add(&lv, op->ref, f->other_lock, f->other_role);
        else if (op->using_index && op->index_name)
            add(&lv, index_in_schema(op->rel, op->index_name), f->other_lock, f->other_role);
        break;
    case PB_OP_VALIDATE_CONSTRAINT:
    case PB_OP_DROP_CONSTRAINT: {
        add(&lv, target, f->lock, f->target);
        const pb_cat_constraint *c = pb_catalog_constraint(t, op->con_name);
        if (c && c->kind == PB_CON_FOREIGN_KEY)
            add(&lv, c->ref, f->other_lock, f->other_role);
        break;
    }
    case PB_OP_DROP_COLUMN:
    case PB_OP_ALTER_COLUMN_TYPE:
        add(&lv, target, f->lock, f->target);
        if (op->kind == PB_OP_ALTER_COLUMN_TYPE && !f->rewrite && index_rebuilt(cat, op, env.old_type))
            out->fact.index_build = true;
        fk_partners(a, &lv, cat, t, op->column, op->kind == PB_OP_ALTER_COLUMN_TYPE, &scans);
        break;
    case PB_OP_ALTER_TABLE_OTHER:
        add(&lv, target, f->lock, f->target);
        if (op->obj.name && f->other_lock)
            add(&lv, op->obj, f->other_lock, f->other_role);
        /* ATTACH PARTITION scans the table being attached, not the parent */
        if (op->at == PB_AT_ATTACH_PARTITION && op->obj.name)
            target = op->obj;
        if ((op->at == PB_AT_ATTACH_PARTITION || (op->at == PB_AT_DETACH_PARTITION && !op->concurrently)) &&
            !op->partition_default)
            default_partition(&lv, cat, op->rel, op->obj, op->at == PB_AT_ATTACH_PARTITION, &scans);
        break;
    case PB_OP_CREATE_INDEX:
        add(&lv, target, f->lock, f->target);
        if (!op->only && pb_catalog_is_partitioned(cat, op->rel))
            partitions(&lv, cat, op->rel, f->lock, &scans, 0);
        break;
    case PB_OP_CREATE_TABLE:
        add(&lv, target, f->lock, f->target);
        if (op->partition_of) {
            pb_fact p;
            pb_facts_row(PB_FACT_CREATE_TABLE_PARTITION_OF, v, &p);
            add(&lv, op->obj, p.other_lock, p.other_role);
            if (!op->partition_default)
                default_partition(&lv, cat, op->obj, op->rel, true, &scans);
        }
        for (size_t i = 0; i < op->nconstraints; i++)
            if (op->constraints[i]->kind == PB_CON_FOREIGN_KEY) {
                pb_fact p;
                pb_facts_row(PB_FACT_CREATE_TABLE_FK, v, &p);
                add(&lv, op->constraints[i]->ref, p.other_lock, p.other_role);
            }
        break;
    case PB_OP_CREATE_TABLE_AS:
    case PB_OP_CREATE_VIEW:
        add(&lv, target, f->lock, f->target);
        for (size_t i = 0; i < op->nreads; i++)
            add(&lv, op->reads[i], f->other_lock, f->other_role);
        break;
    case PB_OP_REFRESH_MATVIEW:
        add(&lv, target, f->lock, f->target);
        if (t)
            for (size_t i = 0; i < t->nreads; i++)
                add(&lv, t->reads[i], f->other_lock, f->other_role);
        break;
    case PB_OP_DROP_TABLE:
        add(&lv, target, f->lock, f->target);
        if (t)
            for (size_t i = 0; i < t->constraints.len; i++) {
                const pb_cat_constraint *c = t->constraints.items[i];
                if (c->kind == PB_CON_FOREIGN_KEY)
                    add(&lv, c->ref, f->other_lock, f->other_role);
            }
        break;
    case PB_OP_DROP_INDEX:
    case PB_OP_RENAME_INDEX:
    case PB_OP_REINDEX: {
        if (op->kind == PB_OP_REINDEX && op->reindex_target == PB_REINDEX_SCHEMA && op->obj.name) {
            /* every table of the schema the catalog knows, one after the other */
            target = none;
            const void **items;
            size_t n = pb_catalog_list(a, cat, PB_CAT_LIST_TABLES, &items);
            for (size_t i = 0; i < n; i++) {
                const pb_cat_table *r = items[i];
                if (r->kind == PB_REL_VIEW || !r->name.schema || strcmp(r->name.schema, op->obj.name))
                    continue;
                add(&lv, r->name, f->lock, "table in the schema");
                size_t k = 0;
                bool indexed = false;
                for (const pb_cat_index *ix; (ix = pb_catalog_table_index(cat, r->name, &k)) != NULL; indexed = true)
                    add(&lv, ix->name, f->other_lock, "index in the schema");
                if (indexed) /* a table without an index has nothing to rebuild */
                    qpush(&scans, r->name);
            }
            if (!lv.n)
                add(&lv, none, f->lock, f->target);
            break;
        }
        if (op->kind == PB_OP_REINDEX && op->reindex_target != PB_REINDEX_INDEX &&
            op->reindex_target != PB_REINDEX_TABLE) {
            add(&lv, none, f->lock, f->target);
            break;
        }
        if (op->kind == PB_OP_REINDEX && op->reindex_target == PB_REINDEX_TABLE) {
            add(&lv, target, f->lock, f->target);
            size_t i = 0;
            for (const pb_cat_index *ix; (ix = pb_catalog_table_index(cat, target, &i)) != NULL;)
                add(&lv, ix->name, f->other_lock, f->other_role);
            break;
        }
        const pb_cat_index *ix = pb_catalog_index(cat, op->obj);
        if (op->kind == PB_OP_RENAME_INDEX) {
            /* the lock is on the index itself */
            add(&lv, op->obj, f->lock, f->target);
            target = none;
            break;
        }
        target = ix ? ix->table : none;
        add(&lv, target, f->lock, f->target);
        add(&lv, op->obj, f->other_lock, f->other_role);
        break;
    }
    case PB_OP_INSERT:
        /* each row's foreign-key check locks the referenced row (SELECT ... FOR KEY SHARE):
           ROW SHARE on the referenced table (postgres-locks.md §1.2, [E15]) */
        add(&lv, target, f->lock, f->target);
        if (t)
            for (size_t i = 0; i < t->constraints.len; i++) {
                const pb_cat_constraint *c = t->constraints.items[i];
                if (c->kind == PB_CON_FOREIGN_KEY && c->ref.name)
                    add(&lv, c->ref, PB_LOCK_ROW_SHARE, "referenced table (foreign-key check)");
            }
        break;
    case PB_OP_VACUUM:
    case PB_OP_CLUSTER:
        add(&lv, op->rel.name ? target : none, f->lock, f->target);
        break;
    case PB_OP_ALTER_ENUM:
    case PB_OP_NON_TRANSACTIONAL: target = none; break;
    case PB_OP_DROP_SCHEMA: {
        /* the relations the catalog knows in that schema; others it cannot name */
        target = none;
        const void **items;
        size_t n = pb_catalog_list(a, cat, PB_CAT_LIST_TABLES, &items);
        for (size_t i = 0; i < n; i++) {
            const pb_cat_table *r = items[i];
            if (op->obj.name && r->name.schema && !strcmp(r->name.schema, op->obj.name))
                add(&lv, r->name, f->lock, "relation in the schema");
        }
        if (!lv.n)
            add(&lv, none, f->lock, f->target);
        break;
    }
    case PB_OP_COMMENT:
        if (!op->rel.name)
            target = none;
        add(&lv, target, f->lock, f->target);
        break;
    default: add(&lv, target, f->lock, f->target); break;
    }
    out->locks = lv.v;
    out->nlocks = lv.n;
    out->target = (f->rewrite || f->scan || f->index_build) ? target : none;
    out->also_scanned = scans.v;
    out->nalso_scanned = scans.n;
}
