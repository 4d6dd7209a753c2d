/* narrowing-type-change: ALTER COLUMN ... TYPE whose conversion may fail on
 * some rows or silently change their values, judged with the old type from
 * the catalog (postgres-locks.md §4). Quiet when the old type is unknown
 * (alter-column-type-rewrites warns then), for columns and tables created
 * earlier in the part, and for a USING expression other than a plain cast. */
#include "rules/rule.h"
#include "rules/rule_util.h"

#include <stdio.h>
#include <string.h>

/* One thing the conversion does to existing values. */
typedef struct effect {
    bool fails;        /* some values make the ALTER fail */
    const char *what;  /* for the message */
    const char *where; /* the rows concerned, for a pre-flight count; NULL if none */
    const char *check; /* a CHECK that keeps failing values out until the change; NULL if none */
} effect;

typedef struct narrowing {
    effect e[3];
    int n;
    const char *using_expr; /* an explicit USING that says what the values should become, or NULL */
    const char *using_why;  /* what it is for, before the statement in the help */
} narrowing;

static void add(narrowing *nw, bool fails, const char *what, const char *where, const char *check)
{
    if (nw->n < 3)
        nw->e[nw->n++] = (effect){fails, what, where, check};
}

static bool is(const pb_type *t, const char *name)
{
    return strcmp(t->name, name) == 0;
}

/* Bytes of an integer type (2, 4, 8); 0 if not one. serial types count. */
static int int_size(const pb_type *t)
{
    if (is(t, "int2") || is(t, "smallserial"))
        return 2;
    if (is(t, "int4") || is(t, "serial"))
        return 4;
    if (is(t, "int8") || is(t, "bigserial"))
        return 8;
    return 0;
}

static const char *int_min(int size)
{
    return size == 2 ? "-32768" : size == 4 ? "-2147483648" : "-9223372036854775808";
}

static const char *int_max(int size)
{
    return size == 2 ? "32767" : size == 4 ? "2147483647" : "9223372036854775807";
}

/* PostgreSQL's error for an out-of-range integer conversion. */
static const char *int_error(int size)
{
    return size == 2 ? "smallint out of range" : size == 4 ? "integer out of range" : "bigint out of range";
}

/* Decimal digits every value of an integer type fits in: 5, 10, 19. */
static int int_digits(int size)
{
    return size == 2 ? 5 : size == 4 ? 10 : 19;
}

/* 10^k as a numeric literal (k may be negative). */
static const char *pow10_text(pb_arena *a, int k)
{
    if (k > 1000 || k < -1000)
        return NULL;
    if (k >= 0) {
        char *s = pb_arena_alloc(a, (size_t)k + 2);
        s[0] = '1';
        memset(s + 1, '0', (size_t)k);
        s[k + 1] = '\0';
        return s;
    }
    char *s = pb_arena_alloc(a, (size_t)(-k) + 3);
    s[0] = '0';
    s[1] = '.';
    memset(s + 2, '0', (size_t)(-k - 1));
    s[-k + 1] = '1';
    s[-k + 2] = '\0';
    return s;
}

/* Length limit of a character or bit type; -1 when unlimited. */
static int length_of(const pb_type *t)
{
    return t->nmods == 1 ? t->mods[0] : -1;
}

static bool is_text_like(const pb_type *t)
{
    return is(t, "text") || is(t, "varchar") || is(t, "bpchar");
}

/* Fractional-second digits of a timestamp/time type: 6 when unconstrained. */
static int precision_of(const pb_type *t)
{
    return t->nmods == 1 ? t->mods[0] : 6;
}

static bool is_temporal(const pb_type *t)
{
    return is(t, "timestamp") || is(t, "timestamptz") || is(t, "time") || is(t, "timetz");
}

/* Fills *nw for old -> new on column `c` (SQL spelling); false when the
 * change neither fails nor changes values. `utc`: the session TimeZone is
 * UTC, so timestamp <-> timestamptz keeps every instant. */
static bool classify(pb_arena *a, const pb_type *old, const pb_type *new, const char *c, bool utc,
                     narrowing *nw)
{
    memset(nw, 0, sizeof *nw);
    if (!old->name || !new->name || old->schema || new->schema || old->array_dims || new->array_dims ||
        old->nmods < 0 || new->nmods < 0)
        return false;
    int oi = int_size(old), ni = int_size(new);
    bool onum = is(old, "numeric"), nnum = is(new, "numeric");
    bool oflt = is(old, "float4") || is(old, "float8");

    /* integer, numeric or float to a smaller integer */
    if (ni && (oi > ni || onum || oflt)) {
        bool rounds = oflt || (onum && (old->nmods == 0 || (old->nmods == 2 && old->mods[1] > 0)));
        int oscale = onum && old->nmods == 2 ? old->mods[1] : 0;
        bool range =
            oi > ni || oflt || (onum && (old->nmods == 0 || old->mods[0] - oscale >= int_digits(ni)));
        if (rounds)
            add(nw, false,
                oflt ? "fractional parts are rounded to the nearest integer (2.7 becomes 3)"
                     : "fractional digits are rounded away (2.5 becomes 3)",
                pb_arena_sprintf(a, "%s <> round(%s)", c, c), NULL);
        if (range) {
            const char *v = oi ? c : pb_arena_sprintf(a, "round(%s)", c);
            add(nw, true,
                pb_arena_sprintf(a, "values outside %s..%s%s make the ALTER fail (%s)", int_min(ni),
                                 int_max(ni), oi ? "" : " after rounding", int_error(ni)),
                pb_arena_sprintf(a, "%s > %s OR %s < %s", v, int_max(ni), v, int_min(ni)),
                pb_arena_sprintf(a, "%s BETWEEN %s AND %s", v, int_min(ni), int_max(ni)));
        }
        return nw->n > 0;
    }

    /* integer or numeric to a constrained numeric */
    if (nnum && new->nmods >= 1 && (oi || onum)) {
        int np = new->mods[0], ns = new->nmods == 2 ? new->mods[1] : 0;
        bool ounbounded = onum && old->nmods == 0;
        int op = oi ? int_digits(oi) : old->nmods >= 1 ? old->mods[0] : 0;
        int os = onum && old->nmods == 2 ? old->mods[1] : 0;
        bool rounds = ounbounded || ns < os;
        const char *rounded = rounds ? pb_arena_sprintf(a, "round(%s, %d)", c, ns) : c;
        if (rounds)
            add(nw, false, pb_arena_sprintf(a, "digits beyond scale %d are rounded away", ns),
                pb_arena_sprintf(a, "%s <> round(%s, %d)", c, c, ns), NULL);
        /* integer digits: fewer, or as many when rounding may carry (99.995 -> 100.00) */
        int oint = op - os, nint = np - ns;
        const char *limit = pow10_text(a, nint);
        if (limit && (ounbounded || nint < oint || (rounds && nint == oint)))
            add(nw, true,
                pb_arena_sprintf(
                    a,
                    "values of %s or more in absolute value%s make the ALTER fail (numeric field "
                    "overflow)",
                    limit, rounds ? pb_arena_sprintf(a, " after rounding to scale %d", ns) : ""),
                pb_arena_sprintf(a, "abs(%s) >= %s", rounded, limit),
                pb_arena_sprintf(a, "abs(%s) < %s", rounded, limit));
        return nw->n > 0;
    }

    /* to a floating-point type: precision */
    if (is(new, "float8") || is(new, "float4")) {
        bool f4 = is(new, "float4");
        if (oi == 8 && !f4) {
            add(nw, false,
                "integers beyond ±9007199254740992 (2^53) are silently rounded to the nearest double "
                "precision "
                "value (9007199254740993 becomes 9.007199254740992e15)",
                pb_arena_sprintf(a, "%s > 9007199254740992 OR %s < -9007199254740992", c, c), NULL);
        } else if (f4 && oi >= 4) {
            add(nw, false,
                "integers beyond ±16777216 (2^24) are silently rounded to the nearest real value (16777217 "
                "becomes 1.6777216e7)",
                pb_arena_sprintf(a, "%s > 16777216 OR %s < -16777216", c, c), NULL);
        } else if (onum && (old->nmods == 0 || old->mods[0] > (f4 ? 6 : 15))) {
            add(nw, false,
                f4 ? "values are silently rounded to real, which keeps about 6 significant digits (16777217 "
                     "becomes 1.6777216e7)"
                   : "values are silently rounded to double precision, which keeps about 15 significant "
                     "digits "
                     "(9007199254740993 becomes 9.007199254740992e15)",
                pb_arena_sprintf(a, "%s::%s::numeric <> %s", c, f4 ? "real" : "double precision", c), NULL);
        } else if (f4 && is(old, "float8")) {
            add(nw, true, "values beyond ±3.4028235e38 make the ALTER fail (value out of range: overflow)",
                pb_arena_sprintf(a,
                                 "abs(%s) > 3.4028234663852886e38 AND %s NOT IN ('Infinity', '-Infinity', "
                                 "'NaN')",
                                 c, c),
                pb_arena_sprintf(a,
                                 "abs(%s) <= 3.4028234663852886e38 OR %s IN ('Infinity', '-Infinity', "
                                 "'NaN')",
                                 c, c));
            add(nw, false,
                "values are silently rounded to real, which keeps about 6 significant digits "
                "(1.23456789012345 becomes 1.2345679)",
                pb_arena_sprintf(a, "%s::real <> %s", c, c), NULL);
        }
        return nw->n > 0;
    }

    /* character types */
    if (is_text_like(old) && (is(new, "varchar") || is(new, "bpchar") || is(new, "text"))) {
        int ol = length_of(old), nl = length_of(new);
        bool obp = is(old, "bpchar");
        if (obp && !is(new, "bpchar"))
            add(nw, false, "trailing spaces are stripped ('ab   ' becomes 'ab')",
                pb_arena_sprintf(a, "octet_length(%s) <> octet_length(%s::text)", c, c), NULL);
        if (!is(new, "text") && nl >= 0 && (ol < 0 || nl < ol)) {
            const char *tn = is(new, "bpchar") ? "character" : "character varying";
            add(nw, true,
                pb_arena_sprintf(
                    a,
                    "values longer than %d characters make the ALTER fail (value too long for type "
                    "%s(%d))%s",
                    nl, tn, nl, obp ? "" : "; excess trailing spaces are silently cut off"),
                pb_arena_sprintf(a, "char_length(%s) > %d", c, nl),
                pb_arena_sprintf(a, "char_length(%s) <= %d", c, nl));
        }
        return nw->n > 0;
    }

    /* timestamps and times */
    if ((is(old, "timestamp") || is(old, "timestamptz")) && is(new, "date")) {
        add(nw, false,
            is(old, "timestamptz")
                ? "the time of day is dropped (and the date is the one in the session TimeZone)"
                : "the time of day is dropped",
            pb_arena_sprintf(a, "%s::time <> '00:00'", c), NULL);
        return true;
    }
    if (is_temporal(old) && is_temporal(new)) {
        bool ots = is(old, "timestamp") || is(old, "timestamptz");
        bool nts = is(new, "timestamp") || is(new, "timestamptz");
        if (ots != nts)
            return false; /* time <-> timestamp: other conversions */
        if (utc) {
            /* values are read and written as UTC: nothing shifts */
        } else if (is(old, "timestamptz") && is(new, "timestamp")) {
            add(nw, false,
                "the offset is dropped: each value becomes its local time in the session TimeZone (12:00+00 "
                "becomes 07:00 in America/New_York)",
                pb_arena_sprintf(a, "%s IS NOT NULL", c), NULL);
            nw->using_expr = pb_arena_sprintf(a, "%s AT TIME ZONE 'UTC'", c);
            nw->using_why = "say which time zone the values are in";
        } else if (is(old, "timestamp") && is(new, "timestamptz")) {
            add(nw, false,
                "each value is reinterpreted as a local time in the session TimeZone (times in a DST gap "
                "shift: 02:30 on 2024-03-10 becomes 07:30Z in America/New_York)",
                pb_arena_sprintf(a, "%s IS NOT NULL", c), NULL);
            nw->using_expr = pb_arena_sprintf(a, "%s AT TIME ZONE 'UTC'", c);
            nw->using_why = "say which time zone the values are in";
        }
        int op = precision_of(old), np = precision_of(new);
        if (np < op) {
            pb_type rounded = *old;
            rounded.nmods = 1;
            rounded.mods[0] = np;
            add(nw, false,
                np == 0 ? "fractional seconds are rounded away (12:34:56.789 becomes 12:34:57)"
                        : pb_arena_sprintf(a, "fractional seconds are rounded to %d digits", np),
                pb_arena_sprintf(a, "%s <> %s::%s", c, c, pb_sql_type(a, &rounded)), NULL);
        }
        return nw->n > 0;
    }

    if (is(old, "json") && is(new, "jsonb")) {
        add(nw, true, "a \\u0000 escape makes the ALTER fail (unsupported Unicode escape sequence)",
            pb_arena_sprintf(a, "strpos(%s::text, '\\u0000') > 0", c),
            pb_arena_sprintf(a, "strpos(%s::text, '\\u0000') = 0", c));
        add(nw, false,
            "values are normalized: of duplicate keys only the last is kept, key order and white "
            "space are lost",
            NULL, NULL);
        return true;
    }
    if (is(old, "inet") && is(new, "cidr")) {
        add(nw, false, "host bits are silently masked (10.1.2.3/8 becomes 10.0.0.0/8)",
            pb_arena_sprintf(a, "%s <> network(%s)", c, c), NULL);
        return true;
    }

    /* bit strings */
    if ((is(old, "bit") || is(old, "varbit")) && (is(new, "bit") || is(new, "varbit"))) {
        int ol = length_of(old), nl = length_of(new);
        if (nl < 0)
            return false;
        if (is(new, "bit")) {
            if (is(old, "bit") && ol == nl)
                return false;
            nw->using_expr = pb_arena_sprintf(a, "%s::bit(%d)", c, nl);
            nw->using_why = "to truncate or zero-pad the values on purpose, cast explicitly";
            if (is(old, "bit"))
                add(nw, true,
                    pb_arena_sprintf(
                        a,
                        "every non-NULL value makes the ALTER fail (bit string length %d does not "
                        "match type bit(%d))",
                        ol, nl),
                    pb_arena_sprintf(a, "%s IS NOT NULL", c), NULL);
            else
                add(nw, true,
                    pb_arena_sprintf(
                        a,
                        "values not exactly %d bits long make the ALTER fail (bit string length %d "
                        "does not match type bit(%d))",
                        nl, nl + 1, nl),
                    pb_arena_sprintf(a, "length(%s) <> %d", c, nl),
                    pb_arena_sprintf(a, "length(%s) = %d", c, nl));
            return true;
        }
        if (ol >= 0 && ol <= nl)
            return false;
        if (is(old, "bit"))
            add(nw, true,
                pb_arena_sprintf(
                    a,
                    "every non-NULL value is %d bits long and makes the ALTER fail (bit string too "
                    "long for type bit varying(%d))",
                    ol, nl),
                pb_arena_sprintf(a, "%s IS NOT NULL", c), NULL);
        else
            add(nw, true,
                pb_arena_sprintf(
                    a,
                    "values longer than %d bits make the ALTER fail (bit string too long for type "
                    "bit varying(%d))",
                    nl, nl),
                pb_arena_sprintf(a, "length(%s) > %d", c, nl),
                pb_arena_sprintf(a, "length(%s) <= %d", c, nl));
        return true;
    }
    return false;
}

/* USING c::T (or CAST(c AS T)) with T the new type's base name is the same
 * conversion as none, except for the length types, where an explicit cast
 * truncates instead of failing. */
static bool using_is_plain_cast(const pb_rule_ctx *ctx, const pb_op *op)
{
    if (!op->has_using || op->using_is_column)
        return true;
    if (is(&op->type, "varchar") || is(&op->type, "bpchar") || is(&op->type, "bit") ||
        is(&op->type, "varbit"))
        return false;
    uint32_t u = pb_sql_find_word(ctx->src, op->focus.start, op->span.end, "using");
    if (u == UINT32_MAX)
        return false;
    uint32_t end = pb_sql_item_end(ctx->src, u + 5, op->span.end);
    const char *text = pb_sql_text(ctx->arena, ctx->src, u + 5, end);
    if (!text)
        return false;
    /* lower-case, outside double quotes */
    char *s = pb_arena_strdup(ctx->arena, text);
    bool q = false;
    for (char *p = s; *p; p++) {
        if (*p == '"')
            q = !q;
        else if (!q && *p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    }
    const char *col = pb_sql_ident(ctx->arena, op->column);
    size_t cl = strlen(col);
    const char *type = NULL;
    if (strncmp(s, col, cl) == 0 && strncmp(s + cl, "::", 2) == 0) {
        type = s + cl + 2;
    } else if (strncmp(s, "cast(", 5) == 0 && strncmp(s + 5, col, cl) == 0 &&
               strncmp(s + 5 + cl, " as ", 4) == 0) {
        type = s + 5 + cl + 4;
        size_t tl = strlen(type);
        if (tl == 0 || type[tl - 1] != ')')
            return false;
        s[(type - s) + tl - 1] = '\0';
    }
    if (!type)
        return false;
    char *t = pb_arena_strdup(ctx->arena, type);
    char *paren = strchr(t, '(');
    if (paren)
        *paren = '\0';
    size_t tl = strlen(t);
    while (tl > 0 && t[tl - 1] == ' ')
        t[--tl] = '\0';
    if (strncmp(t, "pg_catalog.", 11) == 0)
        t += 11;
    return strcmp(pb_type_normalize_name(t), op->type.name) == 0;
}

/* The old type, when the rule applies to `op` at all. */
static const pb_type *old_type(const pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_ALTER_COLUMN_TYPE || !op->column || !op->type.name ||
        pb_rule_table_is_new(ctx, op->rel) || pb_rule_column_is_new(ctx, op->rel, op->column))
        return NULL;
    const pb_cat_table *t = pb_catalog_table(ctx->cat, op->rel);
    if (t && t->kind != PB_REL_TABLE)
        return NULL;
    const pb_cat_column *c = pb_catalog_column(t, op->column);
    if (!c || !c->type.name || !using_is_plain_cast(ctx, op))
        return NULL;
    return &c->type;
}

bool pb_rule__type_change_narrows(const pb_rule_ctx *ctx, const pb_op *op)
{
    const pb_type *old = old_type(ctx, op);
    narrowing nw;
    return old && classify(ctx->arena, old, &op->type, pb_sql_ident(ctx->arena, op->column),
                           ctx->st->timezone_utc, &nw);
}

/* An UPDATE without WHERE earlier in the same transaction of this part
 * has already cut every value of the column to at most the new length
 * (SET c = substr(c, 1, n), n <= the new length): a text-to-varchar(n)
 * narrowing then cannot fail or cut anything (the loss is the UPDATE's). */
static bool already_capped(const pb_rule_ctx *ctx, const pb_op *op, const pb_type *old)
{
    if (!ctx->st->in_tx || !is_text_like(old) || !is_text_like(&op->type) || op->type.nmods != 1 ||
        !op->column)
        return false;
    for (size_t i = ctx->op_index; i-- > 0;) {
        const pb_op *o = ctx->ops->items[i];
        if (o->kind == PB_OP_BEGIN || o->kind == PB_OP_COMMIT || o->kind == PB_OP_ROLLBACK)
            return false; /* another transaction */
        if (o->kind == PB_OP_UPDATE && !o->has_where && o->capped_column &&
            pb_qname_match(o->rel, op->rel) && strcmp(o->capped_column, op->column) == 0 &&
            o->capped_len <= op->type.mods[0])
            return true;
    }
    return false;
}

void pb_rule__narrowing_type_change(pb_rule_ctx *ctx, const pb_op *op)
{
    const pb_type *old = old_type(ctx, op);
    if (!old || pb_rule_undoes_own_up(ctx, op->rel, op->column) || already_capped(ctx, op, old))
        return;
    pb_arena *a = ctx->arena;
    const char *c = pb_sql_ident(a, op->column);
    narrowing nw;
    if (!classify(a, old, &op->type, c, ctx->st->timezone_utc, &nw))
        return;
    const char *tbl = pb_sql_qname(a, op->rel);
    const char *what = "";
    const char *fail_q = NULL, *change_q = NULL, *check = NULL;
    for (int i = 0; i < nw.n; i++) {
        const effect *e = &nw.e[i];
        what = pb_arena_sprintf(a, "%s%s%s", what, i ? "; " : "", e->what);
        const char **q = e->fails ? &fail_q : &change_q;
        if (e->where)
            *q = *q ? pb_arena_sprintf(a, "%s OR %s", *q, e->where) : e->where;
        if (e->check)
            check = check ? pb_arena_sprintf(a, "(%s) AND (%s)", check, e->check) : e->check;
    }
    const char *help = "";
    if (fail_q)
        help = pb_arena_sprintf(
            a, "count the rows that would make it fail first: SELECT count(*) FROM %s WHERE %s;", tbl,
            fail_q);
    if (change_q)
        help = pb_arena_sprintf(a, "%s%scount the rows it would change: SELECT count(*) FROM %s WHERE %s;",
                                help, fail_q ? " " : "", tbl, change_q);
    if (check) {
        const char *name = pb_sql_ident(a, pb_sql_default_name(a, op->rel.name, &op->column, 1, "check"));
        help = pb_arena_sprintf(
            a,
            "%s fix those rows, and keep new ones out until the change: ALTER TABLE %s ADD "
            "CONSTRAINT %s CHECK (%s) NOT VALID; then, in a separate transaction: ALTER TABLE "
            "%s VALIDATE CONSTRAINT %s;",
            help, tbl, name, check, tbl, name);
    }
    if (nw.using_expr)
        help = pb_arena_sprintf(a, "%s%s%s: ALTER TABLE %s ALTER COLUMN %s TYPE %s USING %s;", help,
                                help[0] ? " " : "", nw.using_why, tbl, c, pb_sql_type(a, &op->type),
                                nw.using_expr);
    pb_rule_report(ctx, op, op->focus, help[0] ? help : NULL, "ALTER COLUMN %s TYPE %s (from %s): %s",
                   pb_rule_name(ctx, (pb_qname){.name = op->column}), pb_sql_type(a, &op->type),
                   pb_sql_type(a, old), what);
}
