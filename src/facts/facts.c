/* The facts table: lock modes, rewrites, scans and transaction-block rules
 * per statement form and PostgreSQL major version. Sources are tags of
 * shared/reference/postgres-locks.md: [D15 page] manual, [S15 file] source,
 * [R11] release notes, [E15] observed on PostgreSQL 15.18. */
#include "facts/facts.h"

#include <string.h>

#define AS PB_LOCK_ACCESS_SHARE
#define RS PB_LOCK_ROW_SHARE
#define RE PB_LOCK_ROW_EXCLUSIVE
#define SUE PB_LOCK_SHARE_UPDATE_EXCLUSIVE
#define SH PB_LOCK_SHARE
#define SRE PB_LOCK_SHARE_ROW_EXCLUSIVE
#define EX PB_LOCK_EXCLUSIVE
#define AE PB_LOCK_ACCESS_EXCLUSIVE

enum { REWRITE = 1, SCAN = 2, BUILD = 4, NOTX = 8, NEEDTX = 16 };

typedef struct row {
    pb_fact_key key;
    int vmin, vmax; /* inclusive major versions; 0 = unbounded */
    pb_lock_mode lock;
    const char *target;
    pb_lock_mode other_lock;
    const char *other_role;
    unsigned flags;
    const char *source;
} row;

/* One row per statement form; where behaviour changed between versions,
 * one row per version range. */
static const row rows[] = {
    {PB_FACT_ADD_COLUMN, 0, 0, AE, "table", 0, NULL, 0,
     "[D15 sql-altertable Notes]: adding a column without a default is catalog-only"},
    {PB_FACT_ADD_COLUMN_DEFAULT, 0, 10, AE, "table", 0, NULL, REWRITE,
     "[D10 sql-altertable]: before PostgreSQL 11 a column with a DEFAULT rewrites the table"},
    {PB_FACT_ADD_COLUMN_DEFAULT, 11, 0, AE, "table", 0, NULL, 0,
     "[R11] commit 16828d5c: a non-volatile default is stored in pg_attribute.attmissingval"},
    {PB_FACT_ADD_COLUMN_VOLATILE_DEFAULT, 0, 0, AE, "table", 0, NULL, REWRITE,
     "[S15 tablecmds.c:ATExecAddColumn] AT_REWRITE_DEFAULT_VAL; [E15] random(), gen_random_uuid(), serial"},
    {PB_FACT_ADD_COLUMN_IDENTITY, 0, 0, AE, "table", 0, NULL, REWRITE,
     "[S15 ATExecAddColumn] identity default is a NextValueExpr; [E15]"},
    {PB_FACT_ADD_COLUMN_GENERATED_STORED, 12, 0, AE, "table", 0, NULL, REWRITE,
     "[D18 sql-altertable Notes]: adding a stored generated column rewrites; [E15]"},
    {PB_FACT_ADD_COLUMN_NOT_NULL_NO_DEFAULT, 0, 0, AE, "table", 0, NULL, SCAN,
     "[E15]: NOT NULL without a default scans, and fails on a non-empty table"},
    {PB_FACT_ADD_COLUMN_CHECK, 0, 0, AE, "table", 0, NULL, SCAN,
     "[E15]: an inline CHECK on a new column verifies every row"},
    {PB_FACT_ADD_COLUMN_INDEX, 0, 0, AE, "table", 0, NULL, BUILD,
     "[S15 AlterTableGetLockLevel]: inline UNIQUE / PRIMARY KEY builds an index under the lock"},
    {PB_FACT_ADD_COLUMN_REFERENCES, 0, 0, AE, "table", SRE, "referenced table", 0,
     "[S15 parse_utilcmd.c:transformAlterTableStmt]: no validation when the new column has no default; "
     "[E15]"},
    {PB_FACT_ADD_COLUMN_REFERENCES_DEFAULT, 0, 0, AE, "table", SRE, "referenced table", SCAN,
     "[S15 parse_utilcmd.c:transformFKConstraints]: a new column with a default is validated; [E15]"},
    {PB_FACT_DROP_COLUMN, 0, 0, AE, "table", 0, NULL, 0,
     "[D15 sql-altertable Notes]: DROP COLUMN does not physically remove the column"},
    {PB_FACT_ALTER_TYPE_CATALOG, 0, 0, AE, "table", 0, NULL, 0,
     "[S15 tablecmds.c:ATColumnChangeRequiresRewrite]; [E15] §3.3"},
    {PB_FACT_ALTER_TYPE_REWRITE, 0, 0, AE, "table", 0, NULL, REWRITE,
     "[S15 tablecmds.c:ATColumnChangeRequiresRewrite]: rewrites the table and rebuilds its indexes; [E15] "
     "§3.3"},
    {PB_FACT_SET_DEFAULT, 0, 0, AE, "table", 0, NULL, 0,
     "[D15 sql-altertable]: a default applies only to future rows"},
    {PB_FACT_SET_NOT_NULL_SCAN, 0, 0, AE, "table", 0, NULL, SCAN,
     "[S15 tablecmds.c:ATExecSetNotNull]: verifies every row; [E15]"},
    {PB_FACT_SET_NOT_NULL_PROVEN, 0, 11, AE, "table", 0, NULL, SCAN,
     "[R12] commit bbb96c370: before PostgreSQL 12 a CHECK constraint does not spare the scan"},
    {PB_FACT_SET_NOT_NULL_PROVEN, 12, 0, AE, "table", 0, NULL, 0,
     "[R12] commit bbb96c370: a valid CHECK (c IS NOT NULL) proves the column and skips the scan; [E15]"},
    {PB_FACT_DROP_NOT_NULL, 0, 0, AE, "table", 0, NULL, 0, "[E15]"},
    {PB_FACT_RENAME_COLUMN, 0, 0, AE, "table", 0, NULL, 0, "[S15 tablecmds.c:renameatt]; [E15]"},
    {PB_FACT_ADD_CHECK, 0, 0, AE, "table", 0, NULL, SCAN,
     "[D15 sql-altertable Notes]: ADD CHECK verifies every row under the lock; [E15]"},
    {PB_FACT_ADD_CHECK_NOT_VALID, 0, 0, AE, "table", 0, NULL, 0,
     "[D15 sql-altertable]: NOT VALID skips the initial check of existing rows; [E15]"},
    {PB_FACT_ADD_FOREIGN_KEY, 0, 0, SRE, "table", SRE, "referenced table", SCAN,
     "[D15 sql-altertable]: ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on both tables and validates every "
     "row; [E15]"},
    {PB_FACT_ADD_FOREIGN_KEY_NOT_VALID, 0, 0, SRE, "table", SRE, "referenced table", 0,
     "[D15 sql-altertable]: NOT VALID skips validation; [E15]"},
    {PB_FACT_ADD_UNIQUE_PK, 0, 0, AE, "table", 0, NULL, BUILD,
     "[S15 AlterTableGetLockLevel]: 'essentially the same as CREATE INDEX', under ACCESS EXCLUSIVE; [E15]"},
    {PB_FACT_ADD_UNIQUE_PK_USING_INDEX, 0, 0, AE, "table", SUE, "index", 0,
     "[D15 sql-altertable] ADD table_constraint_using_index: catalog-only (PRIMARY KEY on nullable columns "
     "still scans); [E15]"},
    {PB_FACT_ADD_EXCLUSION, 0, 0, AE, "table", 0, NULL, BUILD, "[S15 AlterTableGetLockLevel]"},
    {PB_FACT_VALIDATE_CONSTRAINT, 0, 0, SUE, "table", 0, NULL, SCAN,
     "[D15 sql-altertable Notes]: validation takes only SHARE UPDATE EXCLUSIVE; [E15]"},
    {PB_FACT_VALIDATE_FOREIGN_KEY, 0, 0, SUE, "table", RS, "referenced table", SCAN,
     "[D15 sql-altertable Notes]: a ROW SHARE lock is also taken on the referenced table; [E15]"},
    {PB_FACT_DROP_CONSTRAINT, 0, 0, AE, "table", 0, NULL, 0, "[E15]"},
    {PB_FACT_DROP_FOREIGN_KEY, 0, 0, AE, "table", AE, "referenced table", 0,
     "[S15 trigger.c:RemoveTriggerById]: RI triggers are dropped on the referenced table; [E15]"},
    {PB_FACT_AT_SUE, 0, 0, SUE, "table", 0, NULL, 0,
     "[D15 sql-altertable]: SET STATISTICS, attribute options, storage parameters, CLUSTER ON take SHARE "
     "UPDATE EXCLUSIVE; [E15]"},
    {PB_FACT_AT_AE, 0, 0, AE, "table", 0, NULL, 0, "[S15 tablecmds.c:AlterTableGetLockLevel]; [E15]"},
    {PB_FACT_AT_SRE, 0, 0, SRE, "table", 0, NULL, 0,
     "[D15 sql-altertable]: ENABLE/DISABLE TRIGGER acquires a SHARE ROW EXCLUSIVE lock; [E15]"},
    {PB_FACT_AT_REWRITE, 0, 0, AE, "table", 0, NULL, REWRITE,
     "[D15 sql-altertable]: SET LOGGED/UNLOGGED and SET ACCESS METHOD rewrite the table; [E15]"},
    {PB_FACT_AT_SET_TABLESPACE, 0, 0, AE, "table", 0, NULL, REWRITE,
     "[D15 sql-altertable]: SET TABLESPACE copies the data files; [E15]"},
    {PB_FACT_ATTACH_PARTITION, 0, 11, AE, "parent table", AE, "attached table", SCAN,
     "[S11dev tablecmds.c]: ATTACH PARTITION takes ACCESS EXCLUSIVE on the parent before 12"},
    {PB_FACT_ATTACH_PARTITION, 12, 0, SUE, "parent table", AE, "attached table", SCAN,
     "[R12] commit 898e5e329; [D15 ddl-partitioning]: scans the table unless a valid CHECK implies the "
     "bound; [E15]"},
    {PB_FACT_DETACH_PARTITION, 0, 0, AE, "parent table", AE, "partition", 0,
     "[D15 sql-altertable]: DETACH PARTITION takes ACCESS EXCLUSIVE on the parent; [E15]"},
    {PB_FACT_DETACH_PARTITION_CONCURRENTLY, 14, 0, SUE, "parent table", AE, "partition", NOTX,
     "[R14] commit 71f4c8c6; [S15 utility.c]: cannot run inside a transaction block; [E15]"},
    {PB_FACT_DETACH_FINALIZE, 14, 0, SUE, "parent table", 0, NULL, 0, "[D15 sql-altertable]"},
    {PB_FACT_INHERIT, 0, 0, AE, "table", SUE, "parent table", 0, "[S15 tablecmds.c:ATExecAddInherit]; [E15]"},
    {PB_FACT_CREATE_TABLE, 0, 0, AE, "new table", 0, NULL, 0, "[E15]"},
    {PB_FACT_CREATE_TABLE_FK, 0, 0, AE, "new table", SRE, "referenced table", 0,
     "[E15]: CREATE TABLE with REFERENCES takes SHARE ROW EXCLUSIVE on the referenced table until commit"},
    {PB_FACT_CREATE_TABLE_PARTITION_OF, 0, 0, AE, "new table", AE, "parent table", 0,
     "[S15 tablecmds.c:DefineRelation]: PARTITION OF takes ACCESS EXCLUSIVE on the parent; [E15]"},
    {PB_FACT_CREATE_TABLE_AS, 0, 0, AE, "new table", AS, "source tables", 0,
     "[E15]: runs the whole query while creating the table"},
    {PB_FACT_DROP_TABLE, 0, 0, AE, "table", AE, "tables it references by foreign key", 0,
     "[S15 catalog/heap.c:heap_drop_with_catalog]; [E15]"},
    {PB_FACT_RENAME_TABLE, 0, 0, AE, "table", 0, NULL, 0, "[S15 tablecmds.c:RenameRelation]; [E15]"},
    {PB_FACT_TRUNCATE, 0, 0, AE, "table", 0, NULL, 0,
     "[D15 sql-truncate]: acquires an ACCESS EXCLUSIVE lock on each table; not MVCC-safe"},
    {PB_FACT_LOCK_TABLE, 0, 0, AE, "table", 0, NULL, NEEDTX,
     "[D15 sql-lock]: the default mode is ACCESS EXCLUSIVE; only inside a transaction block"},
    {PB_FACT_CREATE_INDEX, 0, 0, SH, "table", 0, NULL, BUILD,
     "[S15 indexcmds.c:DefineIndex]: ShareLock unless CONCURRENTLY; [D15 explicit-locking]; [E15]"},
    {PB_FACT_CREATE_INDEX_CONCURRENTLY, 0, 0, SUE, "table", 0, NULL, BUILD | NOTX,
     "[D15 sql-createindex] Building Indexes Concurrently; [S15 utility.c]: cannot run inside a transaction "
     "block; [E15]"},
    {PB_FACT_DROP_INDEX, 0, 0, AE, "table", AE, "index", 0,
     "[S15 tablecmds.c:RemoveRelations]: ACCESS EXCLUSIVE on the table unless CONCURRENTLY; [E15]"},
    {PB_FACT_DROP_INDEX_CONCURRENTLY, 0, 0, SUE, "table", SUE, "index", NOTX,
     "[D15 sql-dropindex]; [S15 utility.c:ExecDropStmt]: cannot run inside a transaction block; [E15]"},
    {PB_FACT_REINDEX, 0, 0, SH, "table", AE, "index", BUILD,
     "[S15 catalog/index.c:reindex_index]; [D15 sql-reindex]: the planner's ACCESS SHARE on every index "
     "makes REINDEX block reads too; [E15]"},
    {PB_FACT_REINDEX_CONCURRENTLY, 12, 0, SUE, "table", SUE, "index", BUILD | NOTX,
     "[R12] commit 5dc92b844; [D15 sql-reindex] Rebuilding Indexes Concurrently; [E15]"},
    {PB_FACT_REINDEX_MANY, 0, 0, SH, "each table", AE, "each index", BUILD | NOTX,
     "[S15 indexcmds.c:ExecReindex]: REINDEX SCHEMA/SYSTEM/DATABASE cannot run inside a transaction block"},
    {PB_FACT_RENAME_INDEX, 0, 11, AE, "index", 0, NULL, 0, "[S11dev tablecmds.c:RenameRelation]"},
    {PB_FACT_RENAME_INDEX, 12, 0, SUE, "index", 0, NULL, 0, "[R12] commit 1b5d797cd; [E15]"},
    {PB_FACT_VACUUM, 0, 0, SUE, "table", 0, NULL, SCAN | NOTX, "[S15 vacuum.c]: PreventInTransactionBlock"},
    {PB_FACT_VACUUM_FULL, 0, 0, AE, "table", 0, NULL, REWRITE | NOTX, "[D15 sql-vacuum]; [E15]"},
    {PB_FACT_ANALYZE, 0, 0, SUE, "table", 0, NULL, 0,
     "[S15 vacuum.c]: ANALYZE without VACUUM can run in a transaction block"},
    {PB_FACT_CLUSTER, 0, 0, AE, "table", 0, NULL, REWRITE, "[S15 cluster.c:cluster_rel]; [E15]"},
    {PB_FACT_CLUSTER_ALL, 0, 0, AE, "each clustered table", 0, NULL, REWRITE | NOTX,
     "[S15 cluster.c:cluster]: CLUSTER without a table cannot run inside a transaction block"},
    {PB_FACT_REFRESH_MATVIEW, 0, 0, AE, "materialized view", AS, "source tables", REWRITE,
     "[S15 matview.c:ExecRefreshMatView]; [E15]"},
    {PB_FACT_REFRESH_MATVIEW_CONCURRENTLY, 0, 0, EX, "materialized view", AS, "source tables", SCAN,
     "[D15 sql-refreshmaterializedview]: needs a UNIQUE index; reads continue"},
    {PB_FACT_CREATE_TRIGGER, 0, 0, SRE, "table", 0, NULL, 0, "[S15 trigger.c:CreateTriggerFiringOn]; [E15]"},
    {PB_FACT_CREATE_VIEW, 0, 0, AE, "new view", AS, "base tables", 0, "[E15]"},
    {PB_FACT_CREATE_OR_REPLACE_VIEW, 0, 0, AE, "view", AS, "base tables", 0,
     "[S15 view.c]; [E15]: blocks every query that uses the view"},
    {PB_FACT_DROP_VIEW, 0, 0, AE, "view", 0, NULL, 0, "[E15]"},
    {PB_FACT_DROP_TRIGGER, 0, 0, AE, "table", 0, NULL, 0,
     "[S15 trigger.c:RemoveTriggerById]: DROP TRIGGER opens its table with AccessExclusiveLock; [E15]"},
    {PB_FACT_POLICY, 0, 0, AE, "table", 0, NULL, 0,
     "[S15 policy.c:CreatePolicy/AlterPolicy/RemovePolicyById]: ACCESS EXCLUSIVE on the table; [E15]"},
    {PB_FACT_DROP_SCHEMA_CASCADE, 0, 0, AE, "each relation in the schema", 0, NULL, 0,
     "[D15 sql-dropschema]: CASCADE drops every object in the schema, each relation under ACCESS "
     "EXCLUSIVE; [E15] tests/pg/facts.py"},
    {PB_FACT_ALTER_SEQUENCE, 10, 0, SRE, "sequence", 0, NULL, 0,
     "[D15 sql-altersequence]: blocks concurrent nextval(), currval(), lastval() and setval()"},
    {PB_FACT_COMMENT, 0, 0, SUE, "object", 0, NULL, 0, "[D15 sql-comment]; [E15]"},
    {PB_FACT_ALTER_ENUM_ADD_VALUE, 0, 11, PB_LOCK_NONE, "type", 0, NULL, NOTX,
     "[R12] commit 212fab992: before 12, ALTER TYPE ... ADD VALUE cannot run inside a transaction block"},
    {PB_FACT_ALTER_ENUM_ADD_VALUE, 12, 0, PB_LOCK_NONE, "type", 0, NULL, 0,
     "[D15 sql-altertype Notes]: allowed in a transaction block, but the value is unusable until commit"},
    {PB_FACT_ALTER_ENUM_RENAME_VALUE, 0, 0, PB_LOCK_NONE, "type", 0, NULL, 0,
     "[S15 pg_enum.c:RenameEnumLabel]; [E15]"},
    {PB_FACT_INSERT, 0, 0, RE, "table", 0, NULL, 0, "[D15 explicit-locking]"},
    {PB_FACT_UPDATE_DELETE, 0, 0, RE, "table", 0, NULL, 0,
     "[D15 explicit-locking]: ROW EXCLUSIVE, plus row locks on every changed row until commit"},
    {PB_FACT_NON_TRANSACTIONAL, 0, 0, PB_LOCK_NONE, "object", 0, NULL, NOTX,
     "[S15 utility.c]: PreventInTransactionBlock (postgres-locks.md §5)"},
};

static const char *const key_names[PB_FACT__COUNT] = {
#define K(x) [PB_FACT_##x] = #x
    K(NONE),
    K(ADD_COLUMN),
    K(ADD_COLUMN_DEFAULT),
    K(ADD_COLUMN_VOLATILE_DEFAULT),
    K(ADD_COLUMN_IDENTITY),
    K(ADD_COLUMN_GENERATED_STORED),
    K(ADD_COLUMN_NOT_NULL_NO_DEFAULT),
    K(ADD_COLUMN_CHECK),
    K(ADD_COLUMN_INDEX),
    K(ADD_COLUMN_REFERENCES),
    K(ADD_COLUMN_REFERENCES_DEFAULT),
    K(DROP_COLUMN),
    K(ALTER_TYPE_CATALOG),
    K(ALTER_TYPE_REWRITE),
    K(SET_DEFAULT),
    K(SET_NOT_NULL_SCAN),
    K(SET_NOT_NULL_PROVEN),
    K(DROP_NOT_NULL),
    K(RENAME_COLUMN),
    K(ADD_CHECK),
    K(ADD_CHECK_NOT_VALID),
    K(ADD_FOREIGN_KEY),
    K(ADD_FOREIGN_KEY_NOT_VALID),
    K(ADD_UNIQUE_PK),
    K(ADD_UNIQUE_PK_USING_INDEX),
    K(ADD_EXCLUSION),
    K(VALIDATE_CONSTRAINT),
    K(VALIDATE_FOREIGN_KEY),
    K(DROP_CONSTRAINT),
    K(DROP_FOREIGN_KEY),
    K(AT_SUE),
    K(AT_AE),
    K(AT_SRE),
    K(AT_REWRITE),
    K(AT_SET_TABLESPACE),
    K(ATTACH_PARTITION),
    K(DETACH_PARTITION),
    K(DETACH_PARTITION_CONCURRENTLY),
    K(DETACH_FINALIZE),
    K(INHERIT),
    K(CREATE_TABLE),
    K(CREATE_TABLE_FK),
    K(CREATE_TABLE_PARTITION_OF),
    K(CREATE_TABLE_AS),
    K(DROP_TABLE),
    K(RENAME_TABLE),
    K(TRUNCATE),
    K(LOCK_TABLE),
    K(CREATE_INDEX),
    K(CREATE_INDEX_CONCURRENTLY),
    K(DROP_INDEX),
    K(DROP_INDEX_CONCURRENTLY),
    K(REINDEX),
    K(REINDEX_CONCURRENTLY),
    K(REINDEX_MANY),
    K(RENAME_INDEX),
    K(VACUUM),
    K(VACUUM_FULL),
    K(ANALYZE),
    K(CLUSTER),
    K(CLUSTER_ALL),
    K(REFRESH_MATVIEW),
    K(REFRESH_MATVIEW_CONCURRENTLY),
    K(CREATE_TRIGGER),
    K(CREATE_VIEW),
    K(CREATE_OR_REPLACE_VIEW),
    K(DROP_VIEW),
    K(ALTER_SEQUENCE),
    K(COMMENT),
    K(ALTER_ENUM_ADD_VALUE),
    K(ALTER_ENUM_RENAME_VALUE),
    K(INSERT),
    K(UPDATE_DELETE),
    K(NON_TRANSACTIONAL),
    K(DROP_TRIGGER),
    K(POLICY),
    K(DROP_SCHEMA_CASCADE),
#undef K
};

const char *pb_fact_key_name(pb_fact_key key)
{
    return (key >= 0 && key < PB_FACT__COUNT && key_names[key]) ? key_names[key] : "?";
}

static const row *find_row(pb_fact_key key, int v)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row *r = &rows[i];
        if (r->key == key && (!r->vmin || v >= r->vmin) && (!r->vmax || v <= r->vmax))
            return r;
    }
    return NULL;
}

/* Merges a row into the fact: the strongest lock wins, flags add up. */
static void merge(pb_fact *f, pb_fact_key key, int v)
{
    const row *r = find_row(key, v);
    if (!r)
        return;
    if (f->nkeys < (int)(sizeof f->keys / sizeof f->keys[0]))
        f->keys[f->nkeys++] = key;
    if (!f->known || r->lock > f->lock) {
        f->lock = r->lock;
        f->target = r->target;
        f->source = r->source;
    }
    if (r->other_lock > f->other_lock) {
        f->other_lock = r->other_lock;
        f->other_role = r->other_role;
    }
    if (r->flags & REWRITE) {
        f->rewrite = true;
        f->source = r->source;
    }
    if ((r->flags & SCAN) && !f->rewrite)
        f->source = f->source ? f->source : r->source;
    f->scan |= (r->flags & SCAN) != 0;
    f->index_build |= (r->flags & BUILD) != 0;
    f->no_tx_block |= (r->flags & NOTX) != 0;
    f->needs_tx_block |= (r->flags & NEEDTX) != 0;
    f->known = true;
}

bool pb_facts_row(pb_fact_key key, int pg_version, pb_fact *out)
{
    memset(out, 0, sizeof *out);
    merge(out, key, pg_version);
    return out->known;
}

static bool type_is(const pb_type *t, const char *name)
{
    return t && t->name && !t->schema && strcmp(t->name, name) == 0;
}

/* postgres-locks.md §3.2 (support functions) and the binary-coercible casts
 * of pg_cast on PG15. `old` and `new` are normalised, with no arrays. */
static bool typmod_change_is_noop(const pb_type *old, const pb_type *new)
{
    if (new->nmods < 0 || old->nmods < 0)
        return false;
    if (type_is(new, "varchar") || type_is(new, "varbit")) {
        /* varchar_support / varbit_support: unconstrained, or a longer limit */
        if (new->nmods == 0)
            return true;
        return old->nmods == 1 && new->mods[0] >= old->mods[0];
    }
    if (type_is(new, "numeric")) {
        /* numeric_support: unconstrained, or same scale and precision >= old */
        if (new->nmods == 0)
            return true;
        if (old->nmods == 0)
            return false;
        int32_t os = old->nmods == 2 ? old->mods[1] : 0, ns = new->nmods == 2 ? new->mods[1] : 0;
        return os == ns && new->mods[0] >= old->mods[0];
    }
    if (type_is(new, "timestamp") || type_is(new, "timestamptz") || type_is(new, "time") ||
        type_is(new, "timetz")) {
        /* TemporalSimplify: unconstrained or max precision, or not lower */
        if (new->nmods == 0 || (new->nmods == 1 && new->mods[0] >= 6))
            return true;
        return old->nmods == 1 && new->mods[0] >= old->mods[0];
    }
    /* bpchar and everything else: no typmod support function */
    return old->nmods == new->nmods &&
           (old->nmods == 0 ||
            (old->mods[0] == new->mods[0] && (old->nmods < 2 || old->mods[1] == new->mods[1])));
}

pb_type_change pb_facts_type_change(const pb_type *old_type, const pb_type *new_type, bool has_using,
                                    bool using_is_column, int pg_version)
{
    return pb_facts_type_change_tz(old_type, new_type, has_using, using_is_column, pg_version, false);
}

pb_type_change pb_facts_type_change_tz(const pb_type *old_type, const pb_type *new_type, bool has_using,
                                       bool using_is_column, int pg_version, bool timezone_utc)
{
    if (has_using && !using_is_column)
        return PB_TYPECHANGE_REWRITE; /* any real USING expression rewrites */
    if (!old_type || !old_type->name)
        return PB_TYPECHANGE_UNKNOWN;
    const pb_type *o = old_type, *n = new_type;
    if (o->array_dims != n->array_dims) {
        /* declared array dimensions are not enforced (manual: arrays), so
           int[] -> int[][] is the same type; scalar <-> array is a rewrite */
        if (!o->array_dims || !n->array_dims)
            return PB_TYPECHANGE_REWRITE;
        pb_type oe = *o, ne = *n;
        oe.array_dims = ne.array_dims = 0;
        return pb_type_equal(&oe, &ne) ? PB_TYPECHANGE_CATALOG : PB_TYPECHANGE_REWRITE;
    }
    if (o->schema || n->schema) {
        /* user types (domains, enums): only the same type is known to be free */
        return pb_type_equal(o, n) ? PB_TYPECHANGE_CATALOG : PB_TYPECHANGE_UNKNOWN;
    }
    if (strcmp(o->name, n->name) == 0)
        return typmod_change_is_noop(o, n) ? PB_TYPECHANGE_CATALOG : PB_TYPECHANGE_REWRITE;
    /* binary-coercible casts (pg_cast.castmethod = 'b') into a target whose
       length coercion, if any, is provably a no-op */
    if ((type_is(o, "varchar") && type_is(n, "text")) ||
        (type_is(o, "text") && type_is(n, "varchar") && n->nmods == 0) ||
        (type_is(o, "cidr") && type_is(n, "inet")) || (type_is(o, "xml") && type_is(n, "text")) ||
        (type_is(o, "bit") && type_is(n, "varbit") && n->nmods == 0))
        return PB_TYPECHANGE_CATALOG;
    /* timestamp <-> timestamptz is catalog-only when the session TimeZone
       has a zero offset, from PG 12 (TimestampTimestampTzRequiresRewrite) */
    if (timezone_utc && pg_version >= 12 && n->nmods == 0 &&
        ((type_is(o, "timestamp") && type_is(n, "timestamptz")) ||
         (type_is(o, "timestamptz") && type_is(n, "timestamp"))) &&
        o->nmods == 0)
        return PB_TYPECHANGE_CATALOG;
    return PB_TYPECHANGE_REWRITE;
}

static pb_fact_key at_key(pb_at_kind at)
{
    switch (at) {
    case PB_AT_SET_STATISTICS:
    case PB_AT_SET_OPTIONS:
    case PB_AT_SET_RELOPTIONS:
    case PB_AT_CLUSTER_ON:
    case PB_AT_DROP_CLUSTER: return PB_FACT_AT_SUE;
    case PB_AT_ENABLE_DISABLE_TRIGGER: return PB_FACT_AT_SRE;
    case PB_AT_SET_LOGGED:
    case PB_AT_SET_UNLOGGED:
    case PB_AT_SET_ACCESS_METHOD: return PB_FACT_AT_REWRITE;
    case PB_AT_SET_TABLESPACE: return PB_FACT_AT_SET_TABLESPACE;
    case PB_AT_ATTACH_PARTITION: return PB_FACT_ATTACH_PARTITION;
    case PB_AT_DETACH_PARTITION: return PB_FACT_DETACH_PARTITION;
    case PB_AT_DETACH_FINALIZE: return PB_FACT_DETACH_FINALIZE;
    case PB_AT_INHERIT: return PB_FACT_INHERIT;
    default: return PB_FACT_AT_AE;
    }
}

void pb_facts_for(const pb_op *op, int v, const pb_fact_env *env, pb_fact *f)
{
    static const pb_fact_env no_env;
    if (!env)
        env = &no_env;
    memset(f, 0, sizeof *f);
    switch (op->kind) {
    case PB_OP_ADD_COLUMN: {
        const pb_column *c = op->col;
        merge(f, PB_FACT_ADD_COLUMN, v);
        if (!c)
            break;
        if (c->type.serial || (c->has_default && c->default_vol == PB_VOL_VOLATILE))
            merge(f, PB_FACT_ADD_COLUMN_VOLATILE_DEFAULT, v);
        else if (c->has_default)
            merge(f, PB_FACT_ADD_COLUMN_DEFAULT, v);
        if (c->identity)
            merge(f, PB_FACT_ADD_COLUMN_IDENTITY, v);
        if (c->generated_stored)
            merge(f, PB_FACT_ADD_COLUMN_GENERATED_STORED, v);
        if (c->not_null && !c->has_default && !c->type.serial && !c->identity && !c->generated_stored)
            merge(f, PB_FACT_ADD_COLUMN_NOT_NULL_NO_DEFAULT, v);
        if (c->has_check)
            merge(f, PB_FACT_ADD_COLUMN_CHECK, v);
        if (c->unique || c->primary_key)
            merge(f, PB_FACT_ADD_COLUMN_INDEX, v);
        if (c->references)
            merge(f, c->has_default ? PB_FACT_ADD_COLUMN_REFERENCES_DEFAULT : PB_FACT_ADD_COLUMN_REFERENCES,
                  v);
        break;
    }
    case PB_OP_DROP_COLUMN: merge(f, PB_FACT_DROP_COLUMN, v); break;
    case PB_OP_ALTER_COLUMN_TYPE: {
        pb_type_change tc = pb_facts_type_change_tz(env->old_type, &op->type, op->has_using,
                                                    op->using_is_column, v, env->timezone_utc);
        merge(f, tc == PB_TYPECHANGE_CATALOG ? PB_FACT_ALTER_TYPE_CATALOG : PB_FACT_ALTER_TYPE_REWRITE, v);
        break;
    }
    case PB_OP_SET_DEFAULT:
    case PB_OP_DROP_DEFAULT: merge(f, PB_FACT_SET_DEFAULT, v); break;
    case PB_OP_SET_NOT_NULL:
        merge(f, env->not_null_proven ? PB_FACT_SET_NOT_NULL_PROVEN : PB_FACT_SET_NOT_NULL_SCAN, v);
        break;
    case PB_OP_DROP_NOT_NULL: merge(f, PB_FACT_DROP_NOT_NULL, v); break;
    case PB_OP_RENAME_COLUMN: merge(f, PB_FACT_RENAME_COLUMN, v); break;
    case PB_OP_ADD_CONSTRAINT:
        switch (op->con_kind) {
        case PB_CON_CHECK:
            merge(f, op->not_valid ? PB_FACT_ADD_CHECK_NOT_VALID : PB_FACT_ADD_CHECK, v);
            break;
        case PB_CON_FOREIGN_KEY:
            merge(f, op->not_valid ? PB_FACT_ADD_FOREIGN_KEY_NOT_VALID : PB_FACT_ADD_FOREIGN_KEY, v);
            break;
        case PB_CON_UNIQUE:
        case PB_CON_PRIMARY_KEY:
            merge(f, op->using_index ? PB_FACT_ADD_UNIQUE_PK_USING_INDEX : PB_FACT_ADD_UNIQUE_PK, v);
            /* the index is only read, unless it is renamed to the constraint's name
               (SHARE UPDATE EXCLUSIVE, as ALTER INDEX ... RENAME): [E15] */
            if (op->using_index && op->con_name && op->index_name && !strcmp(op->con_name, op->index_name))
                f->other_lock = PB_LOCK_ACCESS_SHARE;
            break;
        case PB_CON_EXCLUSION: merge(f, PB_FACT_ADD_EXCLUSION, v); break;
        default: merge(f, PB_FACT_AT_AE, v);
        }
        break;
    case PB_OP_VALIDATE_CONSTRAINT:
        merge(f, env->constraint_is_fk ? PB_FACT_VALIDATE_FOREIGN_KEY : PB_FACT_VALIDATE_CONSTRAINT, v);
        break;
    case PB_OP_DROP_CONSTRAINT:
        merge(f, env->constraint_is_fk ? PB_FACT_DROP_FOREIGN_KEY : PB_FACT_DROP_CONSTRAINT, v);
        break;
    case PB_OP_ALTER_TABLE_OTHER:
        if (op->at == PB_AT_DETACH_PARTITION && op->concurrently)
            merge(f, PB_FACT_DETACH_PARTITION_CONCURRENTLY, v);
        else if (op->at == PB_AT_SET_RELOPTIONS_AE)
            merge(f, PB_FACT_AT_AE, v);
        else
            merge(f, at_key(op->at), v);
        break;
    case PB_OP_CREATE_TABLE:
        if (op->partition_of)
            merge(f, PB_FACT_CREATE_TABLE_PARTITION_OF, v);
        merge(f, op->ref.name ? PB_FACT_CREATE_TABLE_FK : PB_FACT_CREATE_TABLE, v);
        break;
    case PB_OP_CREATE_TABLE_AS: merge(f, PB_FACT_CREATE_TABLE_AS, v); break;
    case PB_OP_DROP_TABLE: merge(f, PB_FACT_DROP_TABLE, v); break;
    case PB_OP_RENAME_TABLE: merge(f, PB_FACT_RENAME_TABLE, v); break;
    case PB_OP_TRUNCATE: merge(f, PB_FACT_TRUNCATE, v); break;
    case PB_OP_LOCK_TABLE:
        merge(f, PB_FACT_LOCK_TABLE, v);
        if (op->lock_mode)
            f->lock = op->lock_mode;
        break;
    case PB_OP_CREATE_INDEX:
        merge(f, op->concurrently ? PB_FACT_CREATE_INDEX_CONCURRENTLY : PB_FACT_CREATE_INDEX, v);
        break;
    case PB_OP_DROP_INDEX:
        merge(f, op->concurrently ? PB_FACT_DROP_INDEX_CONCURRENTLY : PB_FACT_DROP_INDEX, v);
        break;
    case PB_OP_REINDEX:
        if (op->reindex_target == PB_REINDEX_SCHEMA || op->reindex_target == PB_REINDEX_SYSTEM ||
            op->reindex_target == PB_REINDEX_DATABASE) {
            merge(f, PB_FACT_REINDEX_MANY, v);
            if (op->concurrently) {
                pb_fact c;
                if (pb_facts_row(PB_FACT_REINDEX_CONCURRENTLY, v, &c)) {
                    f->lock = c.lock;
                    f->other_lock = c.other_lock;
                    f->index_build = c.index_build; /* a concurrent rebuild still builds */
                }
            }
        } else {
            merge(f, op->concurrently ? PB_FACT_REINDEX_CONCURRENTLY : PB_FACT_REINDEX, v);
            if (op->concurrently && !f->known)
                merge(f, PB_FACT_REINDEX, v); /* before 12 CONCURRENTLY is a syntax error */
        }
        break;
    case PB_OP_RENAME_INDEX: merge(f, PB_FACT_RENAME_INDEX, v); break;
    case PB_OP_VACUUM:
        merge(f, op->full ? PB_FACT_VACUUM_FULL : op->analyze_only ? PB_FACT_ANALYZE : PB_FACT_VACUUM, v);
        break;
    case PB_OP_CLUSTER: merge(f, op->rel.name ? PB_FACT_CLUSTER : PB_FACT_CLUSTER_ALL, v); break;
    case PB_OP_REFRESH_MATVIEW:
        merge(f, op->concurrently ? PB_FACT_REFRESH_MATVIEW_CONCURRENTLY : PB_FACT_REFRESH_MATVIEW, v);
        break;
    case PB_OP_CREATE_TRIGGER: merge(f, PB_FACT_CREATE_TRIGGER, v); break;
    case PB_OP_CREATE_VIEW:
        merge(f, op->replace ? PB_FACT_CREATE_OR_REPLACE_VIEW : PB_FACT_CREATE_VIEW, v);
        break;
    case PB_OP_DROP_OTHER:
        if (op->object_kind == PB_OBJ_VIEW || op->object_kind == PB_OBJ_MATVIEW)
            merge(f, PB_FACT_DROP_VIEW, v);
        else if (op->object_kind == PB_OBJ_TRIGGER && op->rel.name)
            merge(f, PB_FACT_DROP_TRIGGER, v);
        else if (op->object_kind == PB_OBJ_POLICY && op->rel.name)
            merge(f, PB_FACT_POLICY, v);
        break;
    case PB_OP_ALTER_SEQUENCE: merge(f, PB_FACT_ALTER_SEQUENCE, v); break;
    case PB_OP_COMMENT: merge(f, PB_FACT_COMMENT, v); break;
    case PB_OP_ALTER_ENUM:
        merge(f, op->enum_rename ? PB_FACT_ALTER_ENUM_RENAME_VALUE : PB_FACT_ALTER_ENUM_ADD_VALUE, v);
        break;
    case PB_OP_INSERT: merge(f, PB_FACT_INSERT, v); break;
    case PB_OP_UPDATE:
    case PB_OP_DELETE: merge(f, PB_FACT_UPDATE_DELETE, v); break;
    case PB_OP_NON_TRANSACTIONAL: merge(f, PB_FACT_NON_TRANSACTIONAL, v); break;
    case PB_OP_OTHER: /* CREATE POLICY, ALTER POLICY */
        if (op->object_kind == PB_OBJ_POLICY && op->rel.name)
            merge(f, PB_FACT_POLICY, v);
        break;
    case PB_OP_DROP_SCHEMA:
        if (op->cascade)
            merge(f, PB_FACT_DROP_SCHEMA_CASCADE, v);
        break;
    default: break;
    }
}

bool pb_lock_blocks_reads(pb_lock_mode m)
{
    return pb_lock_conflicts(m, PB_LOCK_ACCESS_SHARE);
}

bool pb_lock_blocks_writes(pb_lock_mode m)
{
    return pb_lock_conflicts(m, PB_LOCK_ROW_EXCLUSIVE);
}

const char *pb_lock_blocks_text(pb_lock_mode m)
{
    if (pb_lock_blocks_reads(m))
        return "blocks reads and writes";
    if (m == PB_LOCK_EXCLUSIVE)
        return "blocks writes and SELECT ... FOR UPDATE (plain reads continue)";
    if (pb_lock_blocks_writes(m))
        return "blocks writes (reads continue)";
    if (m == PB_LOCK_SHARE_UPDATE_EXCLUSIVE)
        return "blocks other schema changes and VACUUM (reads and writes continue)";
    if (m == PB_LOCK_NONE)
        return "takes no table lock";
    return "blocks only ACCESS EXCLUSIVE requests";
}
