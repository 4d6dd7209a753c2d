/* IR helpers: op names, type normalisation, qualified names, lock modes. */
#include "ir/ir.h"

#include <stdio.h>
#include <string.h>

pb_op *pb_ops_add(pb_arena *a, pb_ops *ops, pb_op_kind kind)
{
    if (ops->len == ops->cap) {
        size_t cap = ops->cap ? ops->cap * 2 : 16;
        pb_op **n = pb_arena_alloc(a, cap * sizeof *n);
        if (ops->len)
            memcpy(n, ops->items, ops->len * sizeof *n);
        ops->items = n;
        ops->cap = cap;
    }
    pb_op *op = pb_arena_alloc(a, sizeof *op);
    op->kind = kind;
    ops->items[ops->len++] = op;
    return op;
}

static const char *const op_names[PB_OP__COUNT] = {
    [PB_OP_OTHER] = "other",
    [PB_OP_BEGIN] = "begin",
    [PB_OP_COMMIT] = "commit",
    [PB_OP_ROLLBACK] = "rollback",
    [PB_OP_SAVEPOINT] = "savepoint",
    [PB_OP_SET] = "set",
    [PB_OP_CREATE_TABLE] = "create_table",
    [PB_OP_CREATE_TABLE_AS] = "create_table_as",
    [PB_OP_DROP_TABLE] = "drop_table",
    [PB_OP_RENAME_TABLE] = "rename_table",
    [PB_OP_TRUNCATE] = "truncate",
    [PB_OP_LOCK_TABLE] = "lock_table",
    [PB_OP_ADD_COLUMN] = "add_column",
    [PB_OP_DROP_COLUMN] = "drop_column",
    [PB_OP_ALTER_COLUMN_TYPE] = "alter_column_type",
    [PB_OP_SET_NOT_NULL] = "set_not_null",
    [PB_OP_DROP_NOT_NULL] = "drop_not_null",
    [PB_OP_SET_DEFAULT] = "set_default",
    [PB_OP_DROP_DEFAULT] = "drop_default",
    [PB_OP_RENAME_COLUMN] = "rename_column",
    [PB_OP_ADD_CONSTRAINT] = "add_constraint",
    [PB_OP_VALIDATE_CONSTRAINT] = "validate_constraint",
    [PB_OP_DROP_CONSTRAINT] = "drop_constraint",
    [PB_OP_ALTER_TABLE_OTHER] = "alter_table",
    [PB_OP_CREATE_INDEX] = "create_index",
    [PB_OP_DROP_INDEX] = "drop_index",
    [PB_OP_REINDEX] = "reindex",
    [PB_OP_RENAME_INDEX] = "rename_index",
    [PB_OP_CREATE_SCHEMA] = "create_schema",
    [PB_OP_DROP_SCHEMA] = "drop_schema",
    [PB_OP_DROP_OTHER] = "drop_other",
    [PB_OP_RENAME_OTHER] = "rename_other",
    [PB_OP_VACUUM] = "vacuum",
    [PB_OP_CLUSTER] = "cluster",
    [PB_OP_REFRESH_MATVIEW] = "refresh_matview",
    [PB_OP_INSERT] = "insert",
    [PB_OP_UPDATE] = "update",
    [PB_OP_DELETE] = "delete",
    [PB_OP_CREATE_TRIGGER] = "create_trigger",
    [PB_OP_CREATE_VIEW] = "create_view",
    [PB_OP_ALTER_ENUM] = "alter_enum",
    [PB_OP_CREATE_ENUM] = "create_enum",
    [PB_OP_ALTER_SEQUENCE] = "alter_sequence",
    [PB_OP_COMMENT] = "comment",
    [PB_OP_CREATE_SEQUENCE] = "create_sequence",
    [PB_OP_NON_TRANSACTIONAL] = "non_transactional",
};

const char *pb_op_kind_name(pb_op_kind k)
{
    return (k >= 0 && k < PB_OP__COUNT && op_names[k]) ? op_names[k] : "?";
}

static const char *const at_names[PB_AT__COUNT] = {
    [PB_AT_NONE] = "none",
    [PB_AT_SET_STATISTICS] = "SET STATISTICS",
    [PB_AT_SET_OPTIONS] = "ALTER COLUMN SET (options)",
    [PB_AT_SET_STORAGE] = "SET STORAGE",
    [PB_AT_SET_COMPRESSION] = "SET COMPRESSION",
    [PB_AT_DROP_EXPRESSION] = "DROP EXPRESSION",
    [PB_AT_ADD_IDENTITY] = "ADD GENERATED AS IDENTITY",
    [PB_AT_SET_IDENTITY] = "SET GENERATED",
    [PB_AT_DROP_IDENTITY] = "DROP IDENTITY",
    [PB_AT_ALTER_CONSTRAINT] = "ALTER CONSTRAINT",
    [PB_AT_CHANGE_OWNER] = "OWNER TO",
    [PB_AT_CLUSTER_ON] = "CLUSTER ON",
    [PB_AT_DROP_CLUSTER] = "SET WITHOUT CLUSTER",
    [PB_AT_SET_LOGGED] = "SET LOGGED",
    [PB_AT_SET_UNLOGGED] = "SET UNLOGGED",
    [PB_AT_SET_ACCESS_METHOD] = "SET ACCESS METHOD",
    [PB_AT_SET_TABLESPACE] = "SET TABLESPACE",
    [PB_AT_SET_RELOPTIONS] = "SET (storage parameters)",
    [PB_AT_SET_RELOPTIONS_AE] = "SET (storage parameters)",
    [PB_AT_ENABLE_DISABLE_TRIGGER] = "ENABLE/DISABLE TRIGGER",
    [PB_AT_ENABLE_DISABLE_RULE] = "ENABLE/DISABLE RULE",
    [PB_AT_ROW_SECURITY] = "ROW LEVEL SECURITY",
    [PB_AT_INHERIT] = "INHERIT",
    [PB_AT_NO_INHERIT] = "NO INHERIT",
    [PB_AT_OF] = "OF / NOT OF",
    [PB_AT_REPLICA_IDENTITY] = "REPLICA IDENTITY",
    [PB_AT_ATTACH_PARTITION] = "ATTACH PARTITION",
    [PB_AT_DETACH_PARTITION] = "DETACH PARTITION",
    [PB_AT_DETACH_FINALIZE] = "DETACH PARTITION FINALIZE",
    [PB_AT_SET_SCHEMA] = "SET SCHEMA",
    [PB_AT_OTHER] = "ALTER TABLE",
};

const char *pb_at_kind_name(pb_at_kind k)
{
    return (k >= 0 && k < PB_AT__COUNT && at_names[k]) ? at_names[k] : "?";
}

const char *pb_object_kind_name(pb_object_kind k)
{
    switch (k) {
    case PB_OBJ_TABLE: return "table";
    case PB_OBJ_INDEX: return "index";
    case PB_OBJ_VIEW: return "view";
    case PB_OBJ_MATVIEW: return "materialized view";
    case PB_OBJ_SEQUENCE: return "sequence";
    case PB_OBJ_TYPE: return "type";
    case PB_OBJ_DOMAIN: return "domain";
    case PB_OBJ_FUNCTION: return "function";
    case PB_OBJ_TRIGGER: return "trigger";
    case PB_OBJ_SCHEMA: return "schema";
    case PB_OBJ_EXTENSION: return "extension";
    case PB_OBJ_POLICY: return "policy";
    case PB_OBJ_CONSTRAINT: return "constraint";
    case PB_OBJ_DATABASE: return "database";
    case PB_OBJ_FOREIGN_TABLE: return "foreign table";
    case PB_OBJ_OTHER: break;
    }
    return "object";
}

const char *pb_volatility_name(pb_volatility v)
{
    switch (v) {
    case PB_VOL_NONE: return "none";
    case PB_VOL_IMMUTABLE: return "immutable";
    case PB_VOL_STABLE: return "stable";
    case PB_VOL_VOLATILE: return "volatile";
    case PB_VOL_UNKNOWN: return "unknown";
    }
    return "?";
}

const char *pb_constraint_kind_name(pb_constraint_kind k)
{
    switch (k) {
    case PB_CON_CHECK: return "CHECK";
    case PB_CON_FOREIGN_KEY: return "FOREIGN KEY";
    case PB_CON_UNIQUE: return "UNIQUE";
    case PB_CON_PRIMARY_KEY: return "PRIMARY KEY";
    case PB_CON_EXCLUSION: return "EXCLUDE";
    case PB_CON_NOT_NULL: return "NOT NULL";
    case PB_CON_NONE: break;
    }
    return "constraint";
}

/* Aliases the parser leaves unresolved when a type is typed literally
 * (postgres-locks.md §7.4: names typed literally stay unqualified). */
static const struct {
    const char *alias, *name;
} type_aliases[] = {
    {"int", "int4"},
    {"integer", "int4"},
    {"int4", "int4"},
    {"smallint", "int2"},
    {"int2", "int2"},
    {"bigint", "int8"},
    {"int8", "int8"},
    {"real", "float4"},
    {"float4", "float4"},
    {"float8", "float8"},
    {"double precision", "float8"},
    {"decimal", "numeric"},
    {"dec", "numeric"},
    {"numeric", "numeric"},
    {"boolean", "bool"},
    {"bool", "bool"},
    {"character varying", "varchar"},
    {"varchar", "varchar"},
    {"character", "bpchar"},
    {"char", "bpchar"},
    {"bpchar", "bpchar"},
    {"timestamp without time zone", "timestamp"},
    {"timestamp with time zone", "timestamptz"},
    {"timestamptz", "timestamptz"},
    {"time without time zone", "time"},
    {"time with time zone", "timetz"},
    {"timetz", "timetz"},
    {"bit varying", "varbit"},
    {"varbit", "varbit"},
    {"serial4", "serial"},
    {"serial8", "bigserial"},
    {"serial2", "smallserial"},
};

const char *pb_type_normalize_name(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof type_aliases / sizeof type_aliases[0]; i++)
        if (strcmp(name, type_aliases[i].alias) == 0)
            return type_aliases[i].name;
    return name;
}

const char *pb_type_sql_name(const char *internal)
{
    static const struct {
        const char *internal, *sql;
    } names[] = {
        {"int2", "smallint"},           {"int4", "integer"}, {"int8", "bigint"}, {"float4", "real"},
        {"float8", "double precision"}, {"bool", "boolean"}, {"bpchar", "char"}, {"varbit", "bit varying"},
    };
    if (!internal)
        return "?";
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(internal, names[i].internal) == 0)
            return names[i].sql;
    return internal;
}

const char *pb_type_str(pb_arena *a, const pb_type *t)
{
    if (!t->name)
        return "?";
    char mods[64] = "";
    if (t->nmods == 1)
        snprintf(mods, sizeof mods, "(%d)", (int)t->mods[0]);
    else if (t->nmods == 2)
        snprintf(mods, sizeof mods, "(%d,%d)", (int)t->mods[0], (int)t->mods[1]);
    else if (t->nmods < 0)
        snprintf(mods, sizeof mods, "(...)");
    char dims[32] = "";
    for (int i = 0; i < t->array_dims && i < 8; i++)
        strcat(dims, "[]");
    const char *name = pb_type_sql_name(t->name);
    if (t->schema)
        return pb_arena_sprintf(a, "%s.%s%s%s", t->schema, name, mods, dims);
    return pb_arena_sprintf(a, "%s%s%s", name, mods, dims);
}

static bool str_eq(const char *x, const char *y)
{
    if (!x || !y)
        return x == y;
    return strcmp(x, y) == 0;
}

bool pb_type_equal(const pb_type *x, const pb_type *y)
{
    if (!str_eq(x->name, y->name) || x->nmods != y->nmods || x->array_dims != y->array_dims)
        return false;
    for (int i = 0; i < x->nmods && i < 2; i++)
        if (x->mods[i] != y->mods[i])
            return false;
    /* an unqualified user type matches the same name in any schema */
    return !x->schema || !y->schema || strcmp(x->schema, y->schema) == 0;
}

const char *pb_qname_str(pb_arena *a, pb_qname q)
{
    if (!q.name)
        return "?";
    if (q.schema)
        return pb_arena_sprintf(a, "%s.%s", q.schema, q.name);
    return q.name;
}

bool pb_qname_match(pb_qname x, pb_qname y)
{
    if (!x.name || !y.name || strcmp(x.name, y.name) != 0)
        return false;
    if (!x.schema || !y.schema)
        return true;
    return strcmp(x.schema, y.schema) == 0;
}

const char *pb_lock_mode_name(pb_lock_mode m)
{
    switch (m) {
    case PB_LOCK_NONE: return "no lock";
    case PB_LOCK_ACCESS_SHARE: return "ACCESS SHARE";
    case PB_LOCK_ROW_SHARE: return "ROW SHARE";
    case PB_LOCK_ROW_EXCLUSIVE: return "ROW EXCLUSIVE";
    case PB_LOCK_SHARE_UPDATE_EXCLUSIVE: return "SHARE UPDATE EXCLUSIVE";
    case PB_LOCK_SHARE: return "SHARE";
    case PB_LOCK_SHARE_ROW_EXCLUSIVE: return "SHARE ROW EXCLUSIVE";
    case PB_LOCK_EXCLUSIVE: return "EXCLUSIVE";
    case PB_LOCK_ACCESS_EXCLUSIVE: return "ACCESS EXCLUSIVE";
    }
    return "?";
}

/* Conflict table from storage/lmgr/lock.c LockConflicts[], identical in
 * PostgreSQL 9.6-18 (manual: explicit-locking, "Conflicting Lock Modes").
 * Bit m set in conflicts[r] means a request in mode r conflicts with m. */
#define B(m) (1u << (m))
static const unsigned conflicts[9] = {
    [PB_LOCK_NONE] = 0,
    [PB_LOCK_ACCESS_SHARE] = B(8),
    [PB_LOCK_ROW_SHARE] = B(7) | B(8),
    [PB_LOCK_ROW_EXCLUSIVE] = B(5) | B(6) | B(7) | B(8),
    [PB_LOCK_SHARE_UPDATE_EXCLUSIVE] = B(4) | B(5) | B(6) | B(7) | B(8),
    [PB_LOCK_SHARE] = B(3) | B(4) | B(6) | B(7) | B(8),
    [PB_LOCK_SHARE_ROW_EXCLUSIVE] = B(3) | B(4) | B(5) | B(6) | B(7) | B(8),
    [PB_LOCK_EXCLUSIVE] = B(2) | B(3) | B(4) | B(5) | B(6) | B(7) | B(8),
    [PB_LOCK_ACCESS_EXCLUSIVE] = B(1) | B(2) | B(3) | B(4) | B(5) | B(6) | B(7) | B(8),
};
#undef B

bool pb_lock_conflicts(pb_lock_mode held, pb_lock_mode req)
{
    if (held <= PB_LOCK_NONE || held > PB_LOCK_ACCESS_EXCLUSIVE || req <= PB_LOCK_NONE ||
        req > PB_LOCK_ACCESS_EXCLUSIVE)
        return false;
    return (conflicts[req] >> held) & 1u;
}
