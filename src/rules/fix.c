/* Single-edit fixes of findings (fix.h). */
#include "rules/fix.h"

#include <string.h>

#include "rules/rule_util.h"
#include "source/source.h"

static bool ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (unsigned char)c >= 0x80;
}

/* Replaces the word at `w` (as written) by itself followed by `add`. */
static bool after_word(pb_arena *a, const pb_source *src, uint32_t w, const char *add, const char *title,
                       pb_fix *out)
{
    if (w == UINT32_MAX)
        return false;
    uint32_t e = w;
    while (e < src->len && ident(src->text[e]))
        e++;
    if (e == w)
        return false;
    out->replace = (pb_span){w, e};
    out->text = pb_arena_sprintf(a, "%.*s%s", (int)(e - w), src->text + w, add);
    out->title = title;
    return true;
}

bool pb_rule_fix(pb_arena *a, const pb_source *src, const pb_diag *d, int pg_version, pb_fix *out)
{
    const char *id = pb_rule_id(d->rule);
    uint32_t s = d->stmt_start, e = d->stmt_end;
    if (e > src->len || s >= e)
        return false;
    if (!strcmp(id, "create-index-non-concurrent"))
        return after_word(a, src, pb_sql_find_word(src, s, e, "index"), " CONCURRENTLY",
                          "build the index CONCURRENTLY", out);
    if (!strcmp(id, "drop-index-non-concurrent"))
        return after_word(a, src, pb_sql_find_word(src, s, e, "index"), " CONCURRENTLY",
                          "drop the index CONCURRENTLY", out);
    if (!strcmp(id, "reindex-non-concurrent") && pg_version >= 12) { /* REINDEX CONCURRENTLY: PG 12 */
        uint32_t i = pb_sql_find_word(src, s, e, "index"), t = pb_sql_find_word(src, s, e, "table");
        return after_word(a, src, i < t ? i : t, " CONCURRENTLY", "rebuild CONCURRENTLY", out);
    }
    if (!strcmp(id, "refresh-matview-non-concurrent")) /* needs a unique index on the view */
        return after_word(a, src, pb_sql_find_word(src, s, e, "view"), " CONCURRENTLY",
                          "refresh CONCURRENTLY (needs a unique index on the materialized view)", out);
    if ((!strcmp(id, "detach-partition-non-concurrent") &&
         pg_version >= 14) || /* DETACH CONCURRENTLY: PG 14 */
        ((!strcmp(id, "add-foreign-key-validates") || !strcmp(id, "add-check-validates")) &&
         d->span.end > d->span.start && d->span.end <= e)) {
        uint32_t at = !strcmp(id, "detach-partition-non-concurrent") ? e : d->span.end;
        out->replace = (pb_span){at - 1, at};
        out->text =
            pb_arena_sprintf(a, "%c%s", src->text[at - 1], id[0] == 'd' ? " CONCURRENTLY" : " NOT VALID");
        out->title = id[0] == 'd'
                         ? "detach the partition CONCURRENTLY"
                         : "add the constraint NOT VALID (VALIDATE CONSTRAINT it in a later migration)";
        return true;
    }
    if (!strcmp(id, "missing-lock-timeout")) {
        uint32_t ls = s;
        while (ls > 0 && src->text[ls - 1] != '\n')
            ls--;
        uint32_t we = s;
        while (we < e && ident(src->text[we]))
            we++;
        if (we == s)
            return false;
        /* the statement's own indentation when it starts its line */
        uint32_t ie = ls;
        while (ie < s && (src->text[ie] == ' ' || src->text[ie] == '\t'))
            ie++;
        int indent = ie == s ? (int)(s - ls) : 0;
        out->replace = (pb_span){s, we};
        out->text = pb_arena_sprintf(a, "SET lock_timeout = '5s';\n%.*s%.*s", indent, src->text + ls,
                                     (int)(we - s), src->text + s);
        out->title = "set lock_timeout before this statement";
        return true;
    }
    return false;
}
