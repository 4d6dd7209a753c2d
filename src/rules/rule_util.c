/* Helpers shared by the op rules; see rule_util.h. */
#include "rules/rule_util.h"

#include "core/sqltext.h"

#include <stdio.h>
#include <string.h>

const char *pb_lock_article(pb_lock_mode m)
{
    const char *n = pb_lock_mode_name(m);
    return n[0] == 'A' || n[0] == 'E' ? "an" : "a";
}

/* ---- identifiers ----------------------------------------------------------- */

/* PostgreSQL's keyword list (parser/kwlist.h of the PostgreSQL 15 headers
 * the parser is built with). Only the category is used: reserved and
 * type/function-name keywords cannot be bare column or table names. */
#define UNRESERVED_KEYWORD 0
#define COL_NAME_KEYWORD 1
#define TYPE_FUNC_NAME_KEYWORD 2
#define RESERVED_KEYWORD 3
#define PG_KEYWORD(kwname, value, category, collabel) {kwname, category},
static const struct {
    const char *name;
    int category;
} keywords[] = {
#include "parser/kwlist.h"
};
#undef PG_KEYWORD

static bool needs_quotes(const char *s)
{
    if (!s[0])
        return true;
    if (!((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
        return true;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '$'))
            return true;
    /* kwlist.h is sorted by name */
    size_t lo = 0, hi = sizeof keywords / sizeof keywords[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s, keywords[mid].name);
        if (c == 0)
            return keywords[mid].category == RESERVED_KEYWORD ||
                   keywords[mid].category == TYPE_FUNC_NAME_KEYWORD;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return false;
}

const char *pb_sql_ident(pb_arena *a, const char *name)
{
    if (!name)
        return "?";
    if (!needs_quotes(name))
        return name;
    size_t n = strlen(name), q = 0;
    for (size_t i = 0; i < n; i++)
        q += name[i] == '"';
    char *out = pb_arena_alloc(a, n + q + 3);
    char *o = out;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        if (name[i] == '"')
            *o++ = '"';
        *o++ = name[i];
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

const char *pb_sql_qname(pb_arena *a, pb_qname q)
{
    if (!q.name)
        return "?";
    if (q.schema)
        return pb_arena_sprintf(a, "%s.%s", pb_sql_ident(a, q.schema), pb_sql_ident(a, q.name));
    return pb_sql_ident(a, q.name);
}

const char *pb_sql_ident_list(pb_arena *a, const char *const *names, size_t n)
{
    const char *out = "";
    for (size_t i = 0; i < n; i++)
        out = pb_arena_sprintf(a, "%s%s%s", out, i ? ", " : "", pb_sql_ident(a, names[i]));
    return out;
}

const char *pb_sql_default_name(pb_arena *a, const char *table, const char *const *cols, size_t n,
                                const char *suffix)
{
    const char *s = table ? table : "t";
    for (size_t i = 0; i < n; i++)
        s = pb_arena_sprintf(a, "%s_%s", s, cols[i]);
    s = pb_arena_sprintf(a, "%s_%s", s, suffix);
    if (strlen(s) > 63) {
        /* keep the suffix, as PostgreSQL's makeObjectName does */
        size_t sl = strlen(suffix) + 1;
        size_t keep = 63 - sl;
        /* do not cut a UTF-8 sequence */
        while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
            keep--;
        s = pb_arena_sprintf(a, "%.*s_%s", (int)keep, s, suffix);
    }
    return s;
}

const char *pb_sql_type(pb_arena *a, const pb_type *t)
{
    if (!t->name)
        return "?";
    const char *sql = pb_type_sql_name(t->name);
    /* built-in spellings ("double precision") are written as they are */
    const char *name = sql != t->name ? sql : pb_sql_ident(a, t->name);
    if (t->schema)
        name = pb_arena_sprintf(a, "%s.%s", pb_sql_ident(a, t->schema), pb_sql_ident(a, t->name));
    char mods[64] = "";
    if (t->nmods == 1)
        snprintf(mods, sizeof mods, "(%d)", (int)t->mods[0]);
    else if (t->nmods == 2)
        snprintf(mods, sizeof mods, "(%d,%d)", (int)t->mods[0], (int)t->mods[1]);
    else if (t->nmods < 0)
        snprintf(mods, sizeof mods, "(...)");
    const char *out = pb_arena_sprintf(a, "%s%s", name, mods);
    for (int i = 0; i < t->array_dims && i < 8; i++)
        out = pb_arena_sprintf(a, "%s[]", out);
    return out;
}

/* ---- a small tokenizer over the source text ---------------------------------- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '\0';
}

static bool is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (unsigned char)c >= 0x80;
}

static bool is_ident_char(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

/* Skips white space and comments from i; returns the next token start. */
static uint32_t skip_space(const char *t, uint32_t i, uint32_t end)
{
    return (uint32_t)pb_sql_skip_space(t, i, end);
}

/* End of the token starting at i (i < end, not space or comment). */
static uint32_t token_end(const char *t, uint32_t i, uint32_t start, uint32_t end)
{
    char c = t[i];
    if (c == '\'' || c == '"') {
        bool esc = c == '\'' && i > start && (t[i - 1] == 'E' || t[i - 1] == 'e');
        i++;
        while (i < end) {
            if (esc && t[i] == '\\' && i + 1 < end) {
                i += 2;
                continue;
            }
            if (t[i] == c) {
                if (i + 1 < end && t[i + 1] == c) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return end;
    }
    if (c == '$') {
        uint32_t k = i + 1;
        while (k < end && (is_ident_start(t[k]) || (t[k] >= '0' && t[k] <= '9' && k > i + 1)))
            k++;
        if (k < end && t[k] == '$') {
            uint32_t taglen = k - i + 1;
            uint32_t p = k + 1;
            while (p + taglen <= end && memcmp(t + p, t + i, taglen) != 0)
                p++;
            return p + taglen <= end ? p + taglen : end;
        }
        return k;
    }
    if (is_ident_start(c)) {
        /* E'...' strings are one token with their prefix */
        if ((c == 'E' || c == 'e' || c == 'B' || c == 'b' || c == 'X' || c == 'x' || c == 'N' || c == 'n') &&
            i + 1 < end && t[i + 1] == '\'')
            return token_end(t, i + 1, start, end);
        while (i < end && is_ident_char(t[i]))
            i++;
        return i;
    }
    if (c >= '0' && c <= '9') {
        while (i < end && (is_ident_char(t[i]) || t[i] == '.'))
            i++;
        return i;
    }
    return i + 1;
}

static bool word_eq(const char *t, uint32_t s, uint32_t e, const char *word)
{
    size_t n = strlen(word);
    if (e - s != n)
        return false;
    for (size_t k = 0; k < n; k++) {
        char c = t[s + k];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[k])
            return false;
    }
    return true;
}

uint32_t pb_sql_item_end(const pb_source *src, uint32_t start, uint32_t end)
{
    const char *t = src->text;
    if (end > src->len)
        end = (uint32_t)src->len;
    int depth = 0;
    uint32_t i = start, last = start;
    while (i < end) {
        i = skip_space(t, i, end);
        if (i >= end)
            break;
        char c = t[i];
        if (c == '(' || c == '[')
            depth++;
        else if (c == ')' || c == ']')
            depth--;
        else if (c == ',' && depth == 0)
            return last;
        i = token_end(t, i, start, end);
        last = i;
    }
    return last;
}

uint32_t pb_sql_find_word(const pb_source *src, uint32_t start, uint32_t end, const char *word)
{
    const char *t = src->text;
    if (end > src->len)
        end = (uint32_t)src->len;
    int depth = 0;
    uint32_t i = start;
    while (i < end) {
        i = skip_space(t, i, end);
        if (i >= end)
            break;
        char c = t[i];
        uint32_t e = token_end(t, i, start, end);
        if (c == '(' || c == '[')
            depth++;
        else if (c == ')' || c == ']')
            depth--;
        else if (depth == 0 && is_ident_start(c) && word_eq(t, i, e, word))
            return i;
        i = e;
    }
    return UINT32_MAX;
}

const char *pb_sql_text(pb_arena *a, const pb_source *src, uint32_t start, uint32_t end)
{
    const char *t = src->text;
    if (end > src->len)
        end = (uint32_t)src->len;
    if (start >= end)
        return NULL;
    char *out = pb_arena_alloc(a, (size_t)(end - start) + 1);
    size_t n = 0;
    uint32_t i = start;
    while (i < end) {
        uint32_t j = skip_space(t, i, end);
        if (j > i && n > 0) {
            /* no space after '(' or before ')' ',' */
            char prev = out[n - 1];
            char next = j < end ? t[j] : ')';
            if (prev != '(' && next != ')' && next != ',')
                out[n++] = ' ';
        }
        i = j;
        if (i >= end)
            break;
        uint32_t e = token_end(t, i, start, end);
        for (uint32_t k = i; k < e; k++)
            out[n++] = t[k] ? t[k] : ' ';
        i = e;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return n ? out : NULL;
}

/* Offset just past the ')' matching the '(' at `open`, or UINT32_MAX. */
static uint32_t paren_end(const pb_source *src, uint32_t open, uint32_t end)
{
    const char *t = src->text;
    int depth = 0;
    uint32_t i = open;
    while (i < end) {
        i = skip_space(t, i, end);
        if (i >= end)
            break;
        char c = t[i];
        uint32_t e = token_end(t, i, open, end);
        if (c == '(')
            depth++;
        else if (c == ')' && --depth == 0)
            return e;
        i = e;
    }
    return UINT32_MAX;
}

const char *pb_sql_paren_after(pb_arena *a, const pb_source *src, uint32_t start, uint32_t end,
                               const char *word)
{
    if (end > src->len)
        end = (uint32_t)src->len;
    uint32_t w = pb_sql_find_word(src, start, end, word);
    if (w == UINT32_MAX)
        return NULL;
    uint32_t open = skip_space(src->text, w + (uint32_t)strlen(word), end);
    if (open >= end || src->text[open] != '(')
        return NULL;
    uint32_t close = paren_end(src, open, end);
    if (close == UINT32_MAX)
        return NULL;
    return pb_sql_text(a, src, open, close);
}

const char *pb_sql_default_expr(pb_arena *a, const pb_source *src, uint32_t start, uint32_t end)
{
    static const char *const stops[] = {"not",       "null",       "check",      "unique",
                                        "primary",   "references", "constraint", "collate",
                                        "generated", "default",    "deferrable", "initially"};
    const char *t = src->text;
    if (end > src->len)
        end = (uint32_t)src->len;
    uint32_t d = pb_sql_find_word(src, start, end, "default");
    if (d == UINT32_MAX)
        return NULL;
    uint32_t from = d + 7, i = from, last = from;
    int depth = 0;
    while (i < end) {
        i = skip_space(t, i, end);
        if (i >= end)
            break;
        char c = t[i];
        uint32_t e = token_end(t, i, start, end);
        if (c == '(' || c == '[') {
            depth++;
        } else if (c == ')' || c == ']') {
            depth--;
        } else if (depth == 0 && is_ident_start(c)) {
            for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++)
                if (word_eq(t, i, e, stops[k]))
                    return pb_sql_text(a, src, from, last);
        }
        i = e;
        last = e;
    }
    return pb_sql_text(a, src, from, last);
}

/* ---- what earlier statements did --------------------------------------------- */

const pb_cat_index *pb_rule_index(const pb_rule_ctx *ctx, pb_qname index)
{
    return pb_catalog_index(ctx->cat, index);
}

bool pb_rule_index_on_new_table(const pb_rule_ctx *ctx, pb_qname index)
{
    const pb_cat_index *x = pb_catalog_index(ctx->cat, index);
    return x && (pb_catalog_in_part(ctx->cat, x->part) || pb_rule_table_is_new(ctx, x->table));
}

bool pb_rule_relation_is_new(const pb_rule_ctx *ctx, pb_qname rel)
{
    return rel.name && pb_catalog_is_new(ctx->cat, rel);
}

bool pb_rule_column_is_new(const pb_rule_ctx *ctx, pb_qname rel, const char *column)
{
    const pb_cat_column *c = pb_catalog_column(pb_catalog_table(ctx->cat, rel), column);
    return c && pb_catalog_in_part(ctx->cat, c->part);
}

bool pb_rule_schema_is_new(const pb_rule_ctx *ctx, const char *name)
{
    const pb_cat_object *o = pb_catalog_schema(ctx->cat, name);
    return o && (pb_catalog_in_part(ctx->cat, o->part) ||
                 (ctx->st->down && pb_catalog_in_migration(ctx->cat, o->mig)));
}

bool pb_rule_undoes_own_up(const pb_rule_ctx *ctx, pb_qname rel, const char *column)
{
    if (!ctx->st->down)
        return false;
    const pb_cat_table *t = pb_catalog_table(ctx->cat, rel);
    if (!t)
        return false;
    if (pb_catalog_in_migration(ctx->cat, t->mig))
        return true;
    const pb_cat_column *c = column ? pb_catalog_column(t, column) : NULL;
    return c && pb_catalog_in_migration(ctx->cat, c->mig);
}

bool pb_rule_first_op_of_stmt(const pb_rule_ctx *ctx)
{
    size_t i = ctx->op_index;
    return i == 0 || ctx->ops->items[i - 1]->stmt != ctx->ops->items[i]->stmt;
}

uint32_t pb_rule_offset_line(const pb_rule_ctx *ctx, uint32_t offset)
{
    uint32_t line, col;
    pb_source_position(ctx->src, offset, PB_COL_BYTES, &line, &col);
    return line;
}

const char *pb_rule_tx_text(const pb_rule_ctx *ctx)
{
    const pb_lint_state *st = ctx->st;
    if (!st->in_tx)
        return NULL;
    if (st->explicit_tx) {
        return pb_arena_sprintf(ctx->arena, "the transaction opened by BEGIN at line %u",
                                pb_rule_offset_line(ctx, st->tx_begin_at));
    }
    if (st->tx_reason)
        return pb_arena_sprintf(ctx->arena, "the migration's transaction (%s)", st->tx_reason);
    return "the migration runner's transaction (--assume-in-transaction)";
}

/* ---- keys and indexes ------------------------------------------------------------ */

size_t pb_index_lead_count(const char *const *icols, size_t nicols, const char *const *cols, size_t n)
{
    size_t k = 0;
    for (; k < nicols && k < n; k++) {
        bool found = false;
        for (size_t c = 0; c < n && !found; c++)
            found = icols[k] && cols[c] && strcmp(icols[k], cols[c]) == 0;
        for (size_t j = 0; j < k && found; j++) /* (a, a) does not lead with (a, b) */
            found = strcmp(icols[j], icols[k]) != 0;
        if (!found)
            break;
    }
    return k;
}

bool pb_index_leads_with(const char *const *icols, size_t nicols, const char *const *cols, size_t n)
{
    return n > 0 && pb_index_lead_count(icols, nicols, cols, n) == n;
}

/* Next token in [*i, end): its bounds in *s, *e; false at the end. */
static bool next_token(const char *t, uint32_t *i, uint32_t start, uint32_t end, uint32_t *s, uint32_t *e)
{
    uint32_t k = skip_space(t, *i, end);
    if (k >= end)
        return false;
    *s = k;
    *e = token_end(t, k, start, end);
    *i = *e;
    return true;
}

/* An identifier token as PostgreSQL folds it: "Quoted" kept, bare ones
 * lower-cased (ASCII). NULL if the token is not an identifier. */
static const char *ident_token(pb_arena *a, const char *t, uint32_t s, uint32_t e)
{
    if (e <= s)
        return NULL;
    if (t[s] == '"') {
        if (e - s < 2 || t[e - 1] != '"')
            return NULL;
        char *out = pb_arena_alloc(a, e - s);
        size_t n = 0;
        for (uint32_t k = s + 1; k + 1 < e; k++) {
            out[n++] = t[k];
            if (t[k] == '"')
                k++; /* "" is one " */
        }
        out[n] = '\0';
        return out;
    }
    if (!is_ident_start(t[s]))
        return NULL;
    char *out = pb_arena_alloc(a, e - s + 1);
    for (uint32_t k = s; k < e; k++)
        out[k - s] = t[k] >= 'A' && t[k] <= 'Z' ? (char)(t[k] - 'A' + 'a') : t[k];
    out[e - s] = '\0';
    return out;
}

/* "(a, b)" at *i: its identifiers; false if it is not a list of plain names. */
static bool ident_list(pb_arena *a, const char *t, uint32_t *i, uint32_t start, uint32_t end,
                       const char ***cols, size_t *n)
{
    uint32_t s, e, save = *i;
    if (!next_token(t, i, start, end, &s, &e) || t[s] != '(') {
        *i = save;
        return false;
    }
    size_t cap = 4;
    *cols = pb_arena_alloc(a, cap * sizeof **cols);
    *n = 0;
    for (;;) {
        if (!next_token(t, i, start, end, &s, &e))
            return false;
        const char *id = ident_token(a, t, s, e);
        if (!id)
            return false;
        if (*n == cap) {
            const char **bigger = pb_arena_alloc(a, cap * 2 * sizeof *bigger);
            memcpy(bigger, *cols, cap * sizeof *bigger);
            *cols = bigger;
            cap *= 2;
        }
        (*cols)[(*n)++] = id;
        if (!next_token(t, i, start, end, &s, &e))
            return false;
        if (t[s] == ')')
            return true;
        if (t[s] != ',')
            return false;
    }
}

static void read_table_item(pb_arena *a, const char *t, uint32_t s0, uint32_t end, pb_sql_table_item *it)
{
    uint32_t i = s0, s, e;
    memset(it, 0, sizeof *it);
    it->span = (pb_span){s0, end};
    if (!next_token(t, &i, s0, end, &s, &e))
        return;
    if (word_eq(t, s, e, "constraint")) {
        if (!next_token(t, &i, s0, end, &s, &e))
            return;
        it->name = ident_token(a, t, s, e);
        if (!next_token(t, &i, s0, end, &s, &e))
            return;
    } else if (word_eq(t, s, e, "check") || word_eq(t, s, e, "exclude") || word_eq(t, s, e, "like") ||
               word_eq(t, s, e, "primary") || word_eq(t, s, e, "unique") || word_eq(t, s, e, "foreign")) {
        /* a table constraint without a name: handled below */
    } else {
        it->name = ident_token(a, t, s, e); /* a column definition */
        return;
    }
    pb_constraint_kind kind = PB_CON_NONE;
    uint32_t ks = s, ke = e;
    if (word_eq(t, ks, ke, "primary") && next_token(t, &i, s0, end, &s, &e) && word_eq(t, s, e, "key")) {
        kind = PB_CON_PRIMARY_KEY;
    } else if (word_eq(t, ks, ke, "foreign") && next_token(t, &i, s0, end, &s, &e) &&
               word_eq(t, s, e, "key")) {
        kind = PB_CON_FOREIGN_KEY;
    } else if (word_eq(t, ks, ke, "unique")) {
        kind = PB_CON_UNIQUE;
        /* UNIQUE NULLS [NOT] DISTINCT (PG 15) */
        uint32_t save = i;
        if (next_token(t, &i, s0, end, &s, &e) && word_eq(t, s, e, "nulls")) {
            while (next_token(t, &i, s0, end, &s, &e) && !word_eq(t, s, e, "distinct"))
                ;
        } else {
            i = save;
        }
    }
    if (kind == PB_CON_NONE) {
        it->name = NULL; /* CHECK, EXCLUDE, LIKE: nothing kept */
        return;
    }
    const char **cols;
    size_t n;
    if (!ident_list(a, t, &i, s0, end, &cols, &n))
        return;
    if (kind == PB_CON_FOREIGN_KEY) {
        if (!next_token(t, &i, s0, end, &s, &e) || !word_eq(t, s, e, "references") ||
            !next_token(t, &i, s0, end, &s, &e))
            return;
        it->ref.name = ident_token(a, t, s, e);
        uint32_t save = i;
        if (next_token(t, &i, s0, end, &s, &e) && t[s] == '.' && next_token(t, &i, s0, end, &s, &e)) {
            it->ref.schema = it->ref.name;
            it->ref.name = ident_token(a, t, s, e);
        } else {
            i = save;
        }
        if (!it->ref.name)
            return;
    }
    it->kind = kind;
    it->columns = cols;
    it->ncolumns = n;
}

size_t pb_sql_table_items(pb_arena *a, const pb_source *src, uint32_t start, uint32_t end,
                          pb_sql_table_item **out)
{
    const char *t = src->text;
    if (end > src->len)
        end = (uint32_t)src->len;
    *out = NULL;
    uint32_t i = start, s, e;
    for (;;) { /* the list opens at the first '(' */
        if (!next_token(t, &i, start, end, &s, &e))
            return 0;
        if (t[s] == '(')
            break;
    }
    size_t n = 0, cap = 8;
    pb_sql_table_item *items = pb_arena_alloc(a, cap * sizeof *items);
    uint32_t item_start = i;
    int depth = 0;
    for (;;) {
        bool more = next_token(t, &i, start, end, &s, &e);
        char c = more ? t[s] : ')';
        if (c == '(' || c == '[') {
            depth++;
            continue;
        }
        if ((c == ')' || c == ']') && depth > 0) {
            depth--;
            continue;
        }
        if (depth > 0 || (c != ',' && c != ')'))
            continue;
        /* the end of an element (',' or the list's ')') */
        uint32_t item_end = more ? s : end;
        if (skip_space(t, item_start, item_end) < item_end) {
            if (n == cap) {
                pb_sql_table_item *bigger = pb_arena_alloc(a, cap * 2 * sizeof *bigger);
                memcpy(bigger, items, cap * sizeof *bigger);
                items = bigger;
                cap *= 2;
            }
            read_table_item(a, t, skip_space(t, item_start, item_end), item_end, &items[n]);
            /* trim trailing space from the span */
            uint32_t k = items[n].span.end;
            while (k > items[n].span.start && is_space(t[k - 1]))
                k--;
            items[n].span.end = k;
            n++;
        }
        if (c == ')' || !more)
            break;
        item_start = i;
    }
    *out = items;
    return n;
}

/* ---- transactions ---------------------------------------------------------------- */

void pb_rule_tx_range(const pb_rule_ctx *ctx, size_t limit, size_t *lo, size_t *hi)
{
    const pb_ops *ops = ctx->ops;
    size_t i = ctx->op_index, k = i;
    while (k > 0 && i - k < limit) {
        pb_op_kind kd = ops->items[k - 1]->kind;
        if (kd == PB_OP_BEGIN || kd == PB_OP_COMMIT || kd == PB_OP_ROLLBACK)
            break;
        k--;
    }
    *lo = k;
    k = i + 1;
    while (k < ops->len && k - i <= limit) {
        pb_op_kind kd = ops->items[k]->kind;
        if (kd == PB_OP_COMMIT || kd == PB_OP_ROLLBACK)
            break;
        k++;
    }
    *hi = k;
}

const char *pb_sql_regclass_literal(pb_arena *a, const char *ident)
{
    size_t n = strlen(ident), k = 0;
    char *out = pb_arena_alloc(a, 2 * n + 3);
    out[k++] = '\'';
    for (size_t i = 0; i < n; i++) {
        if (ident[i] == '\'')
            out[k++] = '\'';
        out[k++] = ident[i];
    }
    out[k++] = '\'';
    out[k] = '\0';
    return out;
}
