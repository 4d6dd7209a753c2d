/* Helpers shared by the op rules; see rule_util.h. */
#include "rules/rule_util.h"

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
    while (i < end) {
        if (is_space(t[i])) {
            i++;
        } else if (t[i] == '-' && i + 1 < end && t[i + 1] == '-') {
            while (i < end && t[i] != '\n')
                i++;
        } else if (t[i] == '/' && i + 1 < end && t[i + 1] == '*') {
            int depth = 0;
            while (i < end) {
                if (t[i] == '/' && i + 1 < end && t[i + 1] == '*') {
                    depth++;
                    i += 2;
                } else if (t[i] == '*' && i + 1 < end && t[i + 1] == '/') {
                    i += 2;
                    if (--depth == 0)
                        break;
                } else {
                    i++;
                }
            }
        } else {
            break;
        }
    }
    return i;
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
