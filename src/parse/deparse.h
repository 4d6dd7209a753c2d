/* SQL text for the planner, made with libpg_query's own deparser (the
 * protobuf parse tree, edited, then deparsed), so that generated statements are what PostgreSQL would print.
 * This header exposes no PostgreSQL types. Every function takes one
 * statement's text (`stmt`, `len` bytes, need not be NUL-terminated) and
 * returns an arena string in `a`, or NULL when the statement does not have
 * the asked-for shape or does not parse. */
#ifndef PB_PARSE_DEPARSE_H
#define PB_PARSE_DEPARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "ir/ir.h"

/* (Identifiers: pb_sql_ident in rules/rule_util.h, from PostgreSQL's
 * keyword list.) A string literal: 'it''s' (E'' never needed: standard_conforming_strings). */
const char *pb_sql_literal(pb_arena *a, const char *s);

/* CREATE INDEX re-rendered with CONCURRENTLY and IF NOT EXISTS; `name`
 * replaces the index name when not NULL (IF NOT EXISTS needs a name). */
const char *pb_deparse_create_index(pb_arena *a, const char *stmt, size_t len, const char *name);

/* The `cmd`-th (0-based) subcommand of an ALTER TABLE, alone:
 * "ALTER TABLE t ADD CONSTRAINT ...". For an ADD CONSTRAINT, `con_name`
 * (when not NULL) names an unnamed constraint and `not_valid` adds NOT
 * VALID. */
const char *pb_deparse_alter_cmd(pb_arena *a, const char *stmt, size_t len, size_t cmd, const char *con_name,
                                 bool not_valid);

/* Expressions and types of the `cmd`-th subcommand of an ALTER TABLE:
 * the DEFAULT of ADD COLUMN or SET DEFAULT; the USING of ALTER COLUMN TYPE;
 * the expression of an ADD CONSTRAINT ... CHECK; the type of ADD COLUMN or
 * ALTER COLUMN TYPE as SQL ("character varying(100)", with COLLATE if given). */
const char *pb_deparse_cmd_default(pb_arena *a, const char *stmt, size_t len, size_t cmd);
const char *pb_deparse_cmd_using(pb_arena *a, const char *stmt, size_t len, size_t cmd);
const char *pb_deparse_cmd_check(pb_arena *a, const char *stmt, size_t len, size_t cmd);
const char *pb_deparse_cmd_type(pb_arena *a, const char *stmt, size_t len, size_t cmd);

/* The pieces of a plain UPDATE: the SET list ("a = 1, b = lower(c)"), the
 * WHERE condition (NULL when there is none), the alias the statement gives
 * the table (NULL when none), and a condition true for rows the SET would
 * still change ("a" IS DISTINCT FROM (1)). False for UPDATE with FROM, RETURNING,
 * WITH, WHERE CURRENT OF or a multi-column SET (a, b) = (...). */
bool pb_deparse_update_parts(pb_arena *a, const char *stmt, size_t len, const char **set, const char **where,
                             const char **alias, const char **todo);

/* As pb_deparse_update_parts, but an UPDATE with FROM is accepted: *from
 * is its FROM list as text ("orders o, customers"), NULL when it has none. */
bool pb_deparse_update_from_parts(pb_arena *a, const char *stmt, size_t len, const char **set,
                                  const char **where, const char **alias, const char **todo, const char **from);

/* INSERT INTO t (c1, ..., cn) SELECT ...: the column names (*cols, *ncols,
 * arena array) and the SELECT alone as text (no trailing ';'). False for
 * an INSERT without a column list, with VALUES, ON CONFLICT, RETURNING,
 * WITH or OVERRIDING. */
bool pb_deparse_insert_select(pb_arena *a, const char *stmt, size_t len, const char ***cols, size_t *ncols,
                              const char **select);

/* Does every statement of `sql` (NUL-terminated) parse? On failure sets
 * *err (arena string) to the parser's message. */
bool pb_sql_parses(pb_arena *a, const char *sql, const char **err);

#endif
