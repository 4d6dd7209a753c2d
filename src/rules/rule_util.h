/* Helpers shared by the op rules: SQL text for help messages (identifier
 * quoting, pieces of the statement's own source), what earlier statements
 * of the part created, and the transaction a statement runs in. Nothing
 * here knows lock levels: those come from facts (pb_rule_facts). */
#ifndef PB_RULES_RULE_UTIL_H
#define PB_RULES_RULE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/rule.h"

/* "a" or "an" before a lock mode name ("an ACCESS EXCLUSIVE lock"). */
const char *pb_lock_article(pb_lock_mode m);

/* ---- SQL spelling for help texts ---------------------------------------- */

/* An identifier as it must be written in SQL: bare when it is a plain
 * lower-case name that is not a reserved word, else double-quoted. */
const char *pb_sql_ident(pb_arena *a, const char *name);
/* "schema.name" with each part quoted as needed; "?" when unknown. */
const char *pb_sql_qname(pb_arena *a, pb_qname q);
/* "a, b, c" (each quoted as needed). */
const char *pb_sql_ident_list(pb_arena *a, const char *const *names, size_t n);
/* The name PostgreSQL would choose for an unnamed constraint or index:
 * table_col1_col2_suffix (cols may be empty), truncated to 63 bytes. */
const char *pb_sql_default_name(pb_arena *a, const char *table, const char *const *cols, size_t n,
                                const char *suffix);
/* A string literal for a regclass argument: the SQL identifier (already
 * quoted as needed, "EventKey_id_seq") inside single quotes, quotes doubled:
 * '"EventKey_id_seq"'. */
const char *pb_sql_regclass_literal(pb_arena *a, const char *ident);
/* A type as SQL ("integer", "varchar(20)", "numeric(10,2)", "text[]"). */
const char *pb_sql_type(pb_arena *a, const pb_type *t);

/* ---- pieces of the statement's own text ---------------------------------- */

/* End of the item that starts at `start`: the first ',' at parenthesis
 * depth 0 (outside strings and comments), or `end`. Used to cut one ALTER
 * TABLE subcommand or one column definition out of the statement. */
uint32_t pb_sql_item_end(const pb_source *src, uint32_t start, uint32_t end);
/* Offset of the first token equal (case-insensitively) to `word` at
 * parenthesis depth 0 in [start, end), or UINT32_MAX. */
uint32_t pb_sql_find_word(const pb_source *src, uint32_t start, uint32_t end, const char *word);
/* The text of [start, end) on one line: comments dropped, runs of white
 * space outside strings made one space, trimmed. NULL when empty. */
const char *pb_sql_text(pb_arena *a, const pb_source *src, uint32_t start, uint32_t end);
/* After keyword `word` found at depth 0 in [start, end): the parenthesised
 * group that follows it, "(...)", or NULL. */
const char *pb_sql_paren_after(pb_arena *a, const pb_source *src, uint32_t start, uint32_t end,
                               const char *word);
/* The expression after DEFAULT in a column definition [start, end): up to
 * the next column constraint keyword at depth 0. NULL if none. */
const char *pb_sql_default_expr(pb_arena *a, const pb_source *src, uint32_t start, uint32_t end);

/* ---- what earlier statements of the part did ------------------------------ */

/* The index with this name as the catalog knows it (its table, whether it
 * was created in this part), or NULL. */
const pb_cat_index *pb_rule_index(const pb_rule_ctx *ctx, pb_qname index);
/* Is the index known to be on a table created earlier in this part? */
bool pb_rule_index_on_new_table(const pb_rule_ctx *ctx, pb_qname index);
/* A table, materialized view or view created earlier in this part. */
bool pb_rule_relation_is_new(const pb_rule_ctx *ctx, pb_qname rel);
/* Was `column` added to `rel` earlier in this part (and not dropped since)? */
bool pb_rule_column_is_new(const pb_rule_ctx *ctx, pb_qname rel, const char *column);
/* Was schema `name` created earlier in this part? */
bool pb_rule_schema_is_new(const pb_rule_ctx *ctx, const char *name);
/* In a down part: was `rel` (or its `column`, when not NULL) created by
 * the up part of the same migration? Dropping it is then the expected
 * rollback, not a destructive change. */
bool pb_rule_undoes_own_up(const pb_rule_ctx *ctx, pb_qname rel, const char *column);
/* Is `op` the first op of its statement? */
bool pb_rule_first_op_of_stmt(const pb_rule_ctx *ctx);
/* 1-based line of a byte offset of the source. */
uint32_t pb_rule_offset_line(const pb_rule_ctx *ctx, uint32_t offset);

/* ---- keys and indexes (foreign-key-without-index) ---------------------------- */

/* How many of the first index columns `icols` are among `cols` (each
 * once): an equality look-up by `cols` uses that many index columns. */
size_t pb_index_lead_count(const char *const *icols, size_t nicols, const char *const *cols, size_t n);
/* Are the first `n` of the index columns `icols` exactly the columns `cols`
 * (in any order)? Then a look-up by `cols` can use the whole index key. */
bool pb_index_leads_with(const char *const *icols, size_t nicols, const char *const *cols, size_t n);
/* One element of a CREATE TABLE's list, read from the statement text (the
 * IR keeps no table-level constraints): a column definition (kind
 * PB_CON_NONE, `name` the column) or a table-level PRIMARY KEY, UNIQUE or
 * FOREIGN KEY with its columns (`ref` the referenced table of a FOREIGN
 * KEY). Names are folded as PostgreSQL folds identifiers. */
typedef struct pb_sql_table_item {
    pb_constraint_kind kind;
    const char *name; /* the column, or the CONSTRAINT name (NULL if none) */
    const char **columns;
    size_t ncolumns;
    pb_qname ref;
    pb_span span; /* the element's text */
} pb_sql_table_item;
/* The elements of the first parenthesised list of the CREATE TABLE
 * statement [start, end); returns how many (arena array in *out). */
size_t pb_sql_table_items(pb_arena *a, const pb_source *src, uint32_t start, uint32_t end,
                          pb_sql_table_item **out);

/* ---- transactions (backfill-in-schema-migration) ------------------------------ */

/* The ops [*lo, *hi) of the part that run in the same transaction block as
 * the op being checked, as BEGIN / COMMIT / ROLLBACK bound it, looking at
 * most `limit` ops each way. Meaningful only when ctx->st->in_tx. */
void pb_rule_tx_range(const pb_rule_ctx *ctx, size_t limit, size_t *lo, size_t *hi);

/* ---- narrowing type changes (defined in narrowing_type_change.c) --------------- */

/* Is `op` an ALTER COLUMN ... TYPE of an existing column that may fail or
 * silently change data, judged with the old type from the catalog? */
bool pb_rule__type_change_narrows(const pb_rule_ctx *ctx, const pb_op *op);

/* Which transaction block the op runs in, for messages:
 * "the transaction opened by BEGIN at line 3" or "the migration runner's
 * transaction (--assume-in-transaction)". NULL outside a transaction. */
const char *pb_rule_tx_text(const pb_rule_ctx *ctx);

#endif
