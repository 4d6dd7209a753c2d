/* Fuzz target: one file read the way each migration tool reads it. The
 * first byte picks the framework (below 0x80: every value of pb_framework
 * in turn; from 0x80: the one whose markers the bytes carry, as for a
 * single file or stdin), the second
 * the options and whether the framework's own up-marker header is put in
 * front of the bytes (so the fuzzer starts inside goose / dbmate /
 * sql-migrate / Liquibase / Atlas / node-pg-migrate / graphile-migrate /
 * sqlx sections); the rest is the file. Marker detection
 * (pb_framework_detect_source), splitting into parts with their
 * transaction modes, template and erased regions
 * (pb_framework_split_source), then lint of the set and every reporter.
 * seeds: sql ff04
 */
#include "fuzz.h"

/* A header that opens an up part in each tool's own syntax
 * (docs/frameworks.md); "" where the tool has no in-file markers. */
static const char *const heads[PB_FW__COUNT] = {
    [PB_FW_GOOSE] = "-- +goose Up\n-- +goose StatementBegin\n",
    [PB_FW_DBMATE] = "-- migrate:up transaction:false\n",
    [PB_FW_SQL_MIGRATE] = "-- +migrate Up notransaction\n",
    [PB_FW_LIQUIBASE] = "--liquibase formatted sql\n--changeset fuzz:1 runInTransaction:false\n",
    [PB_FW_ATLAS] = "-- atlas:txmode none\n\n",
    [PB_FW_NODE_PG_MIGRATE] = "-- Up Migration\n",
    [PB_FW_GRAPHILE_MIGRATE] = "--! no-transaction\n",
    [PB_FW_SQLX] = "-- no-transaction\n",
    [PB_FW_TERN] = "---- tern: disable-tx ----\n",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    uint8_t fsel = fz_byte(&in), sel = fz_byte(&in);
    pb_options opt = fz_options(sel & 0x7f);
    pb_framework hfw = fsel >= 0x80 ? PB_FW_PLAIN : (pb_framework)(fsel % PB_FW__COUNT);
    const char *head = (sel & 0x80) && heads[hfw] ? heads[hfw] : "";
    size_t hl = strlen(head);

    pb_arena *a = pb_arena_new();
    char *text = pb_arena_alloc(a, hl + in.n + 1);
    memcpy(text, head, hl);
    if (in.n)
        memcpy(text + hl, in.p, in.n);
    pb_source *src = pb_source_new(a, "20240101000000_fuzz.sql", text, hl + in.n);
    pb_framework detected = pb_framework_detect_source(src);
    pb_framework fw = fsel >= 0x80 ? detected : (pb_framework)(fsel % PB_FW__COUNT);
    pb_migration_set set = {0};
    set.framework = fw;
    pb_framework_split_source(a, fw, src, &set, "20240101000000", "fuzz");
    fz_lint_set(&opt, &set);
    pb_arena_free(a);
    return 0;
}
