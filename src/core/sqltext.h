/* Lexical helpers over SQL text shared by parsing, rules and reports: what
 * counts as white space and comments to PostgreSQL's scanner (-- to end of
 * line, nested / * ... * / blocks). The grammar itself is libpg_query's. */
#ifndef PB_CORE_SQLTEXT_H
#define PB_CORE_SQLTEXT_H

#include <stddef.h>

/* From byte offset `i`, skips white space and comments in t[i..end);
 * returns the offset of the next token, or `end`. */
size_t pb_sql_skip_space(const char *t, size_t i, size_t end);

#endif
