/* A rule's fix where it is one edit of the statement (CONCURRENTLY, NOT
 * VALID, a SET lock_timeout before it): the facts are the rules', so
 * every consumer (the rdjson reporter's suggestions; the language
 * server's quick fixes can use the same) applies the same edit. */
#ifndef PB_RULES_FIX_H
#define PB_RULES_FIX_H

#include <stdbool.h>

#include "core/arena.h"
#include "pgbelay/pgbelay.h"

typedef struct pb_fix {
    pb_span replace;   /* bytes of the source to replace (never empty) */
    const char *text;  /* what replaces them (arena string) */
    const char *title; /* what the edit does, for people (static) */
} pb_fix;

/* The single-edit fix of finding `d` in `src` for PostgreSQL `pg_version`,
 * or false when its rule has none (or the statement does not have the
 * expected shape). The replaced range is never empty, for consumers that
 * cannot insert (reviewdog suggestions): an insertion is written as the
 * token before (or after) it plus the new text. */
bool pb_rule_fix(pb_arena *a, const pb_source *src, const pb_diag *d, int pg_version, pb_fix *out);

#endif
