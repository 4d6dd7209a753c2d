/* The facts table against shared/reference/postgres-locks.md: lock modes,
 * rewrites, scans and transaction-block rules per op and version. */
#include "facts/facts.h"
#include "test.h"

static pb_fact row(pb_fact_key k, int v)
{
    pb_fact f;
    pb_facts_row(k, v, &f);
    return f;
}

static pb_type ty(const char *name, int nmods, int m0, int m1)
{
    pb_type t = {.name = name, .nmods = nmods, .mods = {m0, m1}};
    return t;
}

static void rows(void)
{
    /* §2.1 / §2.2 lock levels */
    INT_EQ(row(PB_FACT_CREATE_INDEX, 15).lock, PB_LOCK_SHARE);
    OK(row(PB_FACT_CREATE_INDEX, 15).index_build);
    INT_EQ(row(PB_FACT_CREATE_INDEX_CONCURRENTLY, 15).lock, PB_LOCK_SHARE_UPDATE_EXCLUSIVE);
    OK(row(PB_FACT_CREATE_INDEX_CONCURRENTLY, 15).no_tx_block);
    INT_EQ(row(PB_FACT_DROP_INDEX, 15).lock, PB_LOCK_ACCESS_EXCLUSIVE);
    INT_EQ(row(PB_FACT_ADD_FOREIGN_KEY, 15).lock, PB_LOCK_SHARE_ROW_EXCLUSIVE);
    INT_EQ(row(PB_FACT_ADD_FOREIGN_KEY, 15).other_lock, PB_LOCK_SHARE_ROW_EXCLUSIVE);
    OK(row(PB_FACT_ADD_FOREIGN_KEY, 15).scan);
    OK(!row(PB_FACT_ADD_FOREIGN_KEY_NOT_VALID, 15).scan);
    INT_EQ(row(PB_FACT_VALIDATE_CONSTRAINT, 15).lock, PB_LOCK_SHARE_UPDATE_EXCLUSIVE);
    INT_EQ(row(PB_FACT_VALIDATE_FOREIGN_KEY, 15).other_lock, PB_LOCK_ROW_SHARE);
    INT_EQ(row(PB_FACT_AT_SRE, 15).lock, PB_LOCK_SHARE_ROW_EXCLUSIVE);
    INT_EQ(row(PB_FACT_REFRESH_MATVIEW_CONCURRENTLY, 15).lock, PB_LOCK_EXCLUSIVE);
    OK(row(PB_FACT_VACUUM_FULL, 15).rewrite);
    OK(row(PB_FACT_VACUUM_FULL, 15).no_tx_block);
    OK(!row(PB_FACT_ANALYZE, 15).no_tx_block);
    OK(row(PB_FACT_LOCK_TABLE, 15).needs_tx_block);
    /* §6 version changes */
    OK(row(PB_FACT_ADD_COLUMN_DEFAULT, 10).rewrite);
    OK(!row(PB_FACT_ADD_COLUMN_DEFAULT, 11).rewrite);
    OK(row(PB_FACT_ADD_COLUMN_VOLATILE_DEFAULT, 17).rewrite);
    OK(row(PB_FACT_SET_NOT_NULL_PROVEN, 11).scan);
    OK(!row(PB_FACT_SET_NOT_NULL_PROVEN, 12).scan);
    INT_EQ(row(PB_FACT_ATTACH_PARTITION, 11).lock, PB_LOCK_ACCESS_EXCLUSIVE);
    INT_EQ(row(PB_FACT_ATTACH_PARTITION, 12).lock, PB_LOCK_SHARE_UPDATE_EXCLUSIVE);
    INT_EQ(row(PB_FACT_RENAME_INDEX, 11).lock, PB_LOCK_ACCESS_EXCLUSIVE);
    INT_EQ(row(PB_FACT_RENAME_INDEX, 12).lock, PB_LOCK_SHARE_UPDATE_EXCLUSIVE);
    OK(row(PB_FACT_ALTER_ENUM_ADD_VALUE, 11).no_tx_block);
    OK(!row(PB_FACT_ALTER_ENUM_ADD_VALUE, 12).no_tx_block);
    OK(!pb_facts_row(PB_FACT_REINDEX_CONCURRENTLY, 11, &(pb_fact){0}));
    OK(pb_facts_row(PB_FACT_DETACH_PARTITION_CONCURRENTLY, 14, &(pb_fact){0}));
    OK(!pb_facts_row(PB_FACT_DETACH_PARTITION_CONCURRENTLY, 13, &(pb_fact){0}));
    /* every key has a row on every supported version, except the forms the
       server did not have yet */
    for (int k = 1; k < PB_FACT__COUNT; k++) {
        if (k == PB_FACT_REINDEX_CONCURRENTLY || k == PB_FACT_DETACH_PARTITION_CONCURRENTLY ||
            k == PB_FACT_DETACH_FINALIZE || k == PB_FACT_ADD_COLUMN_GENERATED_STORED)
            continue;
        for (int v = PB_PG_VERSION_MIN; v <= PB_PG_VERSION_MAX; v++)
            CHECK_(pb_facts_row(k, v, &(pb_fact){0}), "no facts for %s on PG %d", pb_fact_key_name(k), v);
        CHECK_(strcmp(pb_fact_key_name(k), "?") != 0, "fact key %d has no name", k);
    }
}

static void ops(void)
{
    pb_fact f;
    /* ADD COLUMN c serial PRIMARY KEY = rewrite + index build under AE */
    pb_column col = {.name = "id",
                     .type = {.name = "serial", .serial = true},
                     .has_default = true,
                     .default_vol = PB_VOL_VOLATILE,
                     .primary_key = true,
                     .not_null = true};
    pb_op op = {.kind = PB_OP_ADD_COLUMN, .col = &col};
    pb_facts_for(&op, 15, NULL, &f);
    INT_EQ(f.lock, PB_LOCK_ACCESS_EXCLUSIVE);
    OK(f.rewrite);
    OK(f.index_build);
    OK(!f.scan); /* NOT NULL from serial has a default: no separate scan */
    /* NOT NULL DEFAULT constant on 11+: neither rewrite nor scan */
    pb_column c2 = {.name = "n",
                    .type = {.name = "int4"},
                    .has_default = true,
                    .default_vol = PB_VOL_IMMUTABLE,
                    .not_null = true};
    op.col = &c2;
    pb_facts_for(&op, 15, NULL, &f);
    OK(!f.rewrite && !f.scan);
    pb_facts_for(&op, 10, NULL, &f);
    OK(f.rewrite);
    /* inline REFERENCES: SRE on the referenced table, no validation without a default */
    pb_column c3 = {.name = "a", .type = {.name = "int8"}, .references = true};
    op.col = &c3;
    pb_facts_for(&op, 15, NULL, &f);
    INT_EQ(f.other_lock, PB_LOCK_SHARE_ROW_EXCLUSIVE);
    OK(!f.scan);
    /* SET NOT NULL with and without a proving CHECK */
    pb_op snn = {.kind = PB_OP_SET_NOT_NULL};
    pb_facts_for(&snn, 15, NULL, &f);
    OK(f.scan);
    pb_fact_env env = {.not_null_proven = true};
    pb_facts_for(&snn, 15, &env, &f);
    OK(!f.scan);
    pb_facts_for(&snn, 11, &env, &f);
    OK(f.scan);
    /* LOCK TABLE takes the requested mode */
    pb_op lk = {.kind = PB_OP_LOCK_TABLE, .lock_mode = PB_LOCK_SHARE};
    pb_facts_for(&lk, 15, NULL, &f);
    INT_EQ(f.lock, PB_LOCK_SHARE);
    /* DETACH CONCURRENTLY cannot run in a transaction block */
    pb_op dt = {.kind = PB_OP_ALTER_TABLE_OTHER, .at = PB_AT_DETACH_PARTITION, .concurrently = true};
    pb_facts_for(&dt, 15, NULL, &f);
    OK(f.no_tx_block);
    INT_EQ(f.lock, PB_LOCK_SHARE_UPDATE_EXCLUSIVE);
    /* reloptions: SUE, except the ones that need AE */
    pb_op ro = {.kind = PB_OP_ALTER_TABLE_OTHER, .at = PB_AT_SET_RELOPTIONS};
    pb_facts_for(&ro, 15, NULL, &f);
    INT_EQ(f.lock, PB_LOCK_SHARE_UPDATE_EXCLUSIVE);
    ro.at = PB_AT_SET_RELOPTIONS_AE;
    pb_facts_for(&ro, 15, NULL, &f);
    INT_EQ(f.lock, PB_LOCK_ACCESS_EXCLUSIVE);
}

static void type_changes(void)
{
    /* postgres-locks.md §3.3, observed on PG 15.18 */
    struct {
        pb_type from, to;
        pb_type_change want;
    } cases[] = {
        {ty("varchar", 1, 10, 0), ty("varchar", 1, 20, 0), PB_TYPECHANGE_CATALOG},
        {ty("varchar", 1, 10, 0), ty("varchar", 0, 0, 0), PB_TYPECHANGE_CATALOG},
        {ty("varchar", 1, 10, 0), ty("text", 0, 0, 0), PB_TYPECHANGE_CATALOG},
        {ty("text", 0, 0, 0), ty("varchar", 0, 0, 0), PB_TYPECHANGE_CATALOG},
        {ty("text", 0, 0, 0), ty("varchar", 1, 100, 0), PB_TYPECHANGE_REWRITE},
        {ty("varchar", 1, 10, 0), ty("varchar", 1, 5, 0), PB_TYPECHANGE_REWRITE},
        {ty("numeric", 2, 10, 2), ty("numeric", 2, 12, 2), PB_TYPECHANGE_CATALOG},
        {ty("numeric", 2, 10, 2), ty("numeric", 0, 0, 0), PB_TYPECHANGE_CATALOG},
        {ty("numeric", 2, 10, 2), ty("numeric", 2, 12, 4), PB_TYPECHANGE_REWRITE},
        {ty("numeric", 2, 10, 2), ty("numeric", 2, 8, 2), PB_TYPECHANGE_REWRITE},
        {ty("numeric", 0, 0, 0), ty("numeric", 2, 20, 2), PB_TYPECHANGE_REWRITE},
        {ty("timestamp", 0, 0, 0), ty("timestamp", 1, 3, 0), PB_TYPECHANGE_REWRITE},
        {ty("timestamp", 1, 3, 0), ty("timestamp", 0, 0, 0), PB_TYPECHANGE_CATALOG},
        {ty("timestamp", 0, 0, 0), ty("timestamptz", 0, 0, 0), PB_TYPECHANGE_REWRITE},
        {ty("varbit", 1, 10, 0), ty("varbit", 1, 20, 0), PB_TYPECHANGE_CATALOG},
        {ty("cidr", 0, 0, 0), ty("inet", 0, 0, 0), PB_TYPECHANGE_CATALOG},
        {ty("inet", 0, 0, 0), ty("cidr", 0, 0, 0), PB_TYPECHANGE_REWRITE},
        {ty("xml", 0, 0, 0), ty("text", 0, 0, 0), PB_TYPECHANGE_CATALOG},
        {ty("int4", 0, 0, 0), ty("int8", 0, 0, 0), PB_TYPECHANGE_REWRITE},
        {ty("int8", 0, 0, 0), ty("int4", 0, 0, 0), PB_TYPECHANGE_REWRITE},
        {ty("bpchar", 1, 5, 0), ty("bpchar", 1, 10, 0), PB_TYPECHANGE_REWRITE},
        {ty("bpchar", 1, 5, 0), ty("text", 0, 0, 0), PB_TYPECHANGE_REWRITE},
        {ty("jsonb", 0, 0, 0), ty("json", 0, 0, 0), PB_TYPECHANGE_REWRITE},
        {ty("int4", 0, 0, 0), ty("int4", 0, 0, 0), PB_TYPECHANGE_CATALOG},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb_type_change got = pb_facts_type_change(&cases[i].from, &cases[i].to, false, false, 15);
        CHECK_(got == cases[i].want, "type change case %zu (%s -> %s): got %d, want %d", i,
               cases[i].from.name, cases[i].to.name, got, cases[i].want);
    }
    pb_type a = ty("int4", 0, 0, 0);
    pb_type b = ty("int4", 0, 0, 0);
    b.array_dims = 1;
    pb_type c = ty("int8", 0, 0, 0);
    c.array_dims = 1;
    pb_type d = a;
    d.array_dims = 2;
    INT_EQ(pb_facts_type_change(&b, &d, false, false, 15), PB_TYPECHANGE_CATALOG); /* dims not enforced */
    INT_EQ(pb_facts_type_change(&b, &c, false, false, 15), PB_TYPECHANGE_REWRITE);
    INT_EQ(pb_facts_type_change(&a, &a, true, false, 15), PB_TYPECHANGE_REWRITE); /* USING expr */
    INT_EQ(pb_facts_type_change(&a, &a, true, true, 15), PB_TYPECHANGE_CATALOG);  /* USING col */
    INT_EQ(pb_facts_type_change(NULL, &a, false, false, 15), PB_TYPECHANGE_UNKNOWN);
}

static void blocks(void)
{
    OK(pb_lock_blocks_reads(PB_LOCK_ACCESS_EXCLUSIVE));
    OK(!pb_lock_blocks_reads(PB_LOCK_EXCLUSIVE));
    OK(pb_lock_blocks_writes(PB_LOCK_SHARE));
    OK(!pb_lock_blocks_writes(PB_LOCK_SHARE_UPDATE_EXCLUSIVE));
    STR_EQ(pb_lock_blocks_text(PB_LOCK_ACCESS_EXCLUSIVE), "blocks reads and writes");
}

void test_facts(void)
{
    rows();
    ops();
    type_changes();
    blocks();
}
