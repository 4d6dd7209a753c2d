/* Framework adapters: up/down markers, transaction modes and template
 * regions of each migration tool, one source at a time
 * (shared/reference/frameworks-and-formats.md Part A; docs/frameworks.md).
 * File naming, ordering and side files are in load.c. */
#include "framework/framework.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const fw_names[PB_FW__COUNT] = {
    [PB_FW_PLAIN] = "plain",
    [PB_FW_GOLANG_MIGRATE] = "golang-migrate",
    [PB_FW_GOOSE] = "goose",
    [PB_FW_DBMATE] = "dbmate",
    [PB_FW_SQL_MIGRATE] = "sql-migrate",
    [PB_FW_FLYWAY] = "flyway",
    [PB_FW_LIQUIBASE] = "liquibase",
    [PB_FW_SQITCH] = "sqitch",
    [PB_FW_DIESEL] = "diesel",
    [PB_FW_SQLX] = "sqlx",
    [PB_FW_REFINERY] = "refinery",
    [PB_FW_PRISMA] = "prisma",
    [PB_FW_ATLAS] = "atlas",
    [PB_FW_TERN] = "tern",
    [PB_FW_NODE_PG_MIGRATE] = "node-pg-migrate",
    [PB_FW_GRAPHILE_MIGRATE] = "graphile-migrate",
};

const char *pb_framework_name(pb_framework fw)
{
    return fw >= 0 && fw < PB_FW__COUNT ? fw_names[fw] : "?";
}

bool pb_framework_parse(const char *name, pb_framework *out)
{
    for (int i = 0; i < PB_FW__COUNT; i++)
        if (!strcmp(name, fw_names[i])) {
            *out = (pb_framework)i;
            return true;
        }
    return false;
}

const char *pb_tx_mode_name(pb_tx_mode m)
{
    switch (m) {
    case PB_TX_NONE: return "none";
    case PB_TX_WRAPPED: return "wrapped";
    case PB_TX_ONE_QUERY: return "one-query";
    }
    return "?";
}

/* ---- set building helpers ------------------------------------------------------ */

pb_migration *pb_framework__add(pb_arena *a, pb_migration_set *set, const char *version, const char *name)
{
    if (set->len == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 32;
        pb_migration **n = pb_arena_alloc(a, cap * sizeof *n);
        if (set->len)
            memcpy(n, set->items, set->len * sizeof *n);
        set->items = n;
        set->cap = cap;
    }
    pb_migration *m = pb_arena_alloc(a, sizeof *m);
    m->version = pb_arena_strdup(a, version ? version : "");
    m->name = pb_arena_strdup(a, name ? name : "");
    m->seq = (uint32_t)set->len;
    set->items[set->len++] = m;
    return m;
}

pb_part *pb_framework__part(pb_arena *a, pb_source *src, uint32_t start, uint32_t end, bool down,
                            pb_tx_mode tx, const char *reason)
{
    pb_part *p = pb_arena_alloc(a, sizeof *p);
    p->src = src;
    p->start = start;
    p->end = end < start ? start : end;
    p->down = down;
    p->tx = tx;
    p->tx_reason = reason;
    return p;
}

void pb_framework__problem(pb_arena *a, pb_migration_set *set, pb_source *src, uint32_t offset,
                           const char *message)
{
    if (set->nproblems == set->problems_cap) {
        size_t cap = set->problems_cap ? set->problems_cap * 2 : 8;
        pb_fw_problem *n = pb_arena_alloc(a, cap * sizeof *n);
        if (set->nproblems)
            memcpy(n, set->problems, set->nproblems * sizeof *n);
        set->problems = n;
        set->problems_cap = cap;
    }
    set->problems[set->nproblems++] = (pb_fw_problem){src, offset, pb_arena_strdup(a, message)};
}

void pb_framework__unreadable(pb_arena *a, pb_migration_set *set, const char *path, const char *error,
                              size_t size)
{
    if (set->nunloaded == set->unloaded_cap) {
        size_t cap = set->unloaded_cap ? set->unloaded_cap * 2 : 8;
        pb_unloaded *n = pb_arena_alloc(a, cap * sizeof *n);
        if (set->nunloaded)
            memcpy(n, set->unloaded, set->nunloaded * sizeof *n);
        set->unloaded = n;
        set->unloaded_cap = cap;
    }
    set->unloaded[set->nunloaded++] =
        (pb_unloaded){pb_arena_strdup(a, path), pb_arena_strdup(a, error), size};
}

/* Room for one more element in an arena array that grows by doubling
 * (capacity: 4, then the next power of two at or above the count). */
static void *grow(pb_arena *a, void *items, size_t n, size_t size)
{
    if (n && (n < 4 || (n & (n - 1)) != 0))
        return items;
    size_t cap = n ? n * 2 : 4;
    void *m = pb_arena_alloc(a, cap * size);
    if (n)
        memcpy(m, items, n * size);
    return m;
}

void pb_framework__erase(pb_arena *a, pb_part *p, uint32_t start, uint32_t end, char fill)
{
    if (start < p->start)
        start = p->start;
    if (end > p->end)
        end = p->end;
    if (start >= end)
        return;
    p->erase = grow(a, p->erase, p->nerase, sizeof *p->erase);
    p->erase[p->nerase++] = (pb_fill){start, end, fill};
}

void pb_framework__opaque(pb_arena *a, pb_part *p, uint32_t start, uint32_t end)
{
    if (start < p->start)
        start = p->start;
    if (end > p->end)
        end = p->end;
    if (start >= end)
        return;
    p->opaque = grow(a, p->opaque, p->nopaque, sizeof *p->opaque);
    p->opaque[p->nopaque++] = (pb_span){start, end};
}

/* Fills every byte of [start, end) but line breaks: what a tool drops is
 * blanked, line structure stays. */
static void erase_keep_lines(pb_arena *a, pb_part *p, const char *t, uint32_t start, uint32_t end)
{
    uint32_t i = start;
    while (i < end) {
        while (i < end && (t[i] == '\n' || t[i] == '\r'))
            i++;
        uint32_t j = i;
        while (j < end && t[j] != '\n' && t[j] != '\r')
            j++;
        pb_framework__erase(a, p, i, j, ' ');
        i = j;
    }
}

/* ---- lines and markers ------------------------------------------------------------ */

typedef struct line {
    uint32_t start, end; /* without the line break */
    uint32_t next;       /* start of the next line */
} line;

static bool next_line(const pb_source *src, uint32_t pos, line *l)
{
    if (pos >= src->len)
        return false;
    const char *nl = memchr(src->text + pos, '\n', src->len - pos);
    uint32_t e = nl ? (uint32_t)(nl - src->text) : (uint32_t)src->len;
    l->start = pos;
    l->next = nl ? e + 1 : e;
    if (e > pos && src->text[e - 1] == '\r')
        e--;
    l->end = e;
    return true;
}

/* Case-insensitive: does the line (after leading blanks if allowed) start
 * with `prefix`? Returns the offset after it, or 0. */
static uint32_t line_starts(const pb_source *src, const line *l, const char *prefix, bool allow_space)
{
    uint32_t i = l->start;
    if (allow_space)
        while (i < l->end && (src->text[i] == ' ' || src->text[i] == '\t'))
            i++;
    size_t n = strlen(prefix);
    if (l->end - i < n || strncasecmp(src->text + i, prefix, n) != 0)
        return 0;
    return i + (uint32_t)n;
}

/* A comment line "--" + blanks + `word` (case-insensitive, leading blanks
 * allowed when `lead`): the offset after `word`, or 0. */
static uint32_t comment_word(const pb_source *src, const line *l, const char *word, bool lead)
{
    uint32_t i = line_starts(src, l, "--", lead);
    if (!i)
        return 0;
    while (i < l->end && (src->text[i] == ' ' || src->text[i] == '\t'))
        i++;
    size_t n = strlen(word);
    if (l->end - i < n || strncasecmp(src->text + i, word, n) != 0)
        return 0;
    return i + (uint32_t)n;
}

static bool blank_line(const pb_source *src, const line *l)
{
    for (uint32_t i = l->start; i < l->end; i++)
        if (!isspace((unsigned char)src->text[i]))
            return false;
    return true;
}

/* The rest of the line after `from`, trimmed, lower-cased, into buf. */
static const char *rest_lower(const pb_source *src, uint32_t from, uint32_t end, char *buf, size_t cap)
{
    while (from < end && isspace((unsigned char)src->text[from]))
        from++;
    while (end > from && isspace((unsigned char)src->text[end - 1]))
        end--;
    size_t n = end - from < cap - 1 ? end - from : cap - 1;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)tolower((unsigned char)src->text[from + i]);
    buf[n] = '\0';
    return buf;
}

/* dbmate: ^--\s*migrate:(up|down)(\s*$|\s+\S+) (amacneil/dbmate
 * pkg/dbmate/migration.go). Returns 1 up, 2 down, 0 neither; *opts is the
 * offset after the directive. */
static int dbmate_marker(const pb_source *src, const line *l, uint32_t *opts)
{
    uint32_t i = line_starts(src, l, "--", false);
    if (!i)
        return 0;
    while (i < l->end && (src->text[i] == ' ' || src->text[i] == '\t'))
        i++;
    int kind = 0;
    uint32_t n = 0;
    if (l->end - i >= 12 && strncmp(src->text + i, "migrate:down", 12) == 0)
        kind = 2, n = 12;
    else if (l->end - i >= 10 && strncmp(src->text + i, "migrate:up", 10) == 0)
        kind = 1, n = 10;
    if (!kind || (i + n < l->end && !isspace((unsigned char)src->text[i + n])))
        return 0;
    *opts = i + n;
    return kind;
}

/* node-pg-migrate: ^\s*--[\s-]*(up|down)\s+migration, case-insensitive
 * (salsita/node-pg-migrate src/sqlMigration.ts). 1 up, 2 down, 0 neither. */
static int npm_marker(const pb_source *src, const line *l)
{
    uint32_t i = line_starts(src, l, "--", true);
    if (!i)
        return 0;
    while (i < l->end && (src->text[i] == '-' || isspace((unsigned char)src->text[i])))
        i++;
    int kind = 0;
    if (l->end - i >= 2 && strncasecmp(src->text + i, "up", 2) == 0)
        kind = 1, i += 2;
    else if (l->end - i >= 4 && strncasecmp(src->text + i, "down", 4) == 0)
        kind = 2, i += 4;
    else
        return 0;
    uint32_t k = i;
    while (i < l->end && isspace((unsigned char)src->text[i]))
        i++;
    if (i == k || l->end - i < 9 || strncasecmp(src->text + i, "migration", 9) != 0)
        return 0;
    return kind;
}

/* Liquibase: ^\s*--\s*liquibase\s*formatted (FIRST_LINE_REGEX). */
static bool liquibase_header(const pb_source *src)
{
    line l;
    if (!next_line(src, 0, &l))
        return false;
    uint32_t i = line_starts(src, &l, "--", true);
    if (!i)
        return false;
    while (i < l.end && isspace((unsigned char)src->text[i]))
        i++;
    if (l.end - i < 9 || strncasecmp(src->text + i, "liquibase", 9) != 0)
        return false;
    i += 9;
    while (i < l.end && isspace((unsigned char)src->text[i]))
        i++;
    return l.end - i >= 9 && strncasecmp(src->text + i, "formatted", 9) == 0;
}

/* graphile-migrate: ^--!\s*no-transaction\b on the first line of `from`
 * (graphile/migrate src/header.ts). */
static bool graphile_no_tx(const pb_source *src, uint32_t from)
{
    line l;
    if (!next_line(src, from, &l))
        return false;
    uint32_t i = line_starts(src, &l, "--!", false);
    if (!i)
        return false;
    while (i < l.end && isspace((unsigned char)src->text[i]))
        i++;
    if (l.end - i < 14 || strncmp(src->text + i, "no-transaction", 14) != 0)
        return false;
    i += 14;
    return i == l.end || !(isalnum((unsigned char)src->text[i]) || src->text[i] == '_');
}

/* Atlas directives: "-- atlas:<name> <args>" lines in the file header, the
 * comment lines before the first blank line or statement (ariga/atlas
 * sql/migrate/dir.go reDirective, Directive()). Returns the offset of the
 * args of directive `name`, or 0; *aend is the end of its line. */
static uint32_t atlas_directive(const pb_source *src, const char *name, uint32_t *aend)
{
    line l;
    size_t n = strlen(name);
    for (uint32_t pos = 0; next_line(src, pos, &l); pos = l.next) {
        if (blank_line(src, &l) || !line_starts(src, &l, "--", false))
            return 0;
        uint32_t i = comment_word(src, &l, "atlas:", false);
        if (!i || l.end - i < n || strncmp(src->text + i, name, n) != 0)
            continue;
        i += (uint32_t)n;
        if (i < l.end && !isspace((unsigned char)src->text[i]))
            continue;
        while (i < l.end && isspace((unsigned char)src->text[i]))
            i++;
        *aend = l.end;
        return i ? i : 1;
    }
    return 0;
}

static bool has_atlas_header(const pb_source *src)
{
    line l;
    for (uint32_t pos = 0; next_line(src, pos, &l); pos = l.next) {
        if (blank_line(src, &l) || !line_starts(src, &l, "--", false))
            return false;
        if (comment_word(src, &l, "atlas:", false))
            return true;
    }
    return false;
}

pb_framework pb_framework_detect_source(const pb_source *src)
{
    if (src->len >= 17 && !memcmp(src->text, "-- no-transaction", 17))
        return PB_FW_SQLX; /* launchbadge/sqlx source.rs: sql.starts_with("-- no-transaction") */
    if (liquibase_header(src))
        return PB_FW_LIQUIBASE;
    if (src->len >= 4 && (!memcmp(src->text, "--! ", 4) || graphile_no_tx(src, 0)))
        return PB_FW_GRAPHILE_MIGRATE; /* --! Previous: / --! Hash: / --! no-transaction */
    if (has_atlas_header(src))
        return PB_FW_ATLAS;
    line l;
    uint32_t o;
    for (uint32_t pos = 0; next_line(src, pos, &l); pos = l.next) {
        if (line_starts(src, &l, "-- +goose ", false))
            return PB_FW_GOOSE;
        if (line_starts(src, &l, "-- +migrate ", false))
            return PB_FW_SQL_MIGRATE;
        if (dbmate_marker(src, &l, &o) == 1)
            return PB_FW_DBMATE;
        if (line_starts(src, &l, "---- create above / drop below ----", false) ||
            line_starts(src, &l, "---- tern: disable-tx ----", false))
            return PB_FW_TERN;
        if (npm_marker(src, &l))
            return PB_FW_NODE_PG_MIGRATE;
    }
    return PB_FW_PLAIN;
}

/* ---- the top level of SQL text ----------------------------------------------------- */

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* Called at each byte of the top level (outside strings, quoted
 * identifiers, dollar quotes and comments; also at the first byte of each
 * of those). Returns 0 to let the scanner read the byte, or the offset to
 * go on from. `stmt` is where the current statement began. */
typedef uint32_t (*top_fn)(void *ud, const char *t, uint32_t i, uint32_t end, uint32_t stmt);

/* Walks [start, end) of `t` as PostgreSQL's lexer does at the top level:
 * '...' (E'...' with backslash escapes), "...", $tag$...$tag$, nested
 * block comments, -- comments (which end before their line break). */
static void scan_top(const char *t, uint32_t start, uint32_t end, top_fn fn, void *ud)
{
    uint32_t i = start, stmt = start;
    while (i < end) {
        uint32_t next = fn ? fn(ud, t, i, end, stmt) : 0;
        if (next > i) {
            i = next;
            continue;
        }
        char c = t[i];
        if (c == '\'') {
            bool esc = i > start && (t[i - 1] == 'E' || t[i - 1] == 'e') &&
                       (i - 1 == start || !ident_char(t[i - 2]));
            uint32_t j = i + 1;
            while (j < end) {
                if (esc && t[j] == '\\') {
                    j += 2;
                } else if (t[j] == '\'') {
                    if (j + 1 < end && t[j + 1] == '\'') {
                        j += 2;
                    } else {
                        j++;
                        break;
                    }
                } else {
                    j++;
                }
            }
            i = j < end ? j : end;
        } else if (c == '"') {
            uint32_t j = i + 1;
            while (j < end && !(t[j] == '"' && !(j + 1 < end && t[j + 1] == '"')))
                j += t[j] == '"' ? 2 : 1;
            i = j < end ? j + 1 : end;
        } else if (c == '-' && i + 1 < end && t[i + 1] == '-') {
            while (i < end && t[i] != '\n')
                i++;
        } else if (c == '/' && i + 1 < end && t[i + 1] == '*') {
            int depth = 1;
            i += 2;
            while (i < end && depth) {
                if (t[i] == '/' && i + 1 < end && t[i + 1] == '*')
                    depth++, i += 2;
                else if (t[i] == '*' && i + 1 < end && t[i + 1] == '/')
                    depth--, i += 2;
                else
                    i++;
            }
        } else if (c == '$' && (i == start || !ident_char(t[i - 1]))) {
            uint32_t j = i + 1;
            if (j < end && (isalpha((unsigned char)t[j]) || t[j] == '_' || (unsigned char)t[j] >= 0x80))
                while (j < end && ident_char(t[j]) && t[j] != '$')
                    j++;
            if (j < end && t[j] == '$') {
                uint32_t tl = j + 1 - i; /* the tag with both $ */
                uint32_t k = j + 1;
                while (k + tl <= end && memcmp(t + k, t + i, tl) != 0)
                    k++;
                i = k + tl <= end ? k + tl : end;
            } else {
                i++;
            }
        } else if (c == ';') {
            i++;
            stmt = i;
        } else {
            i++;
        }
    }
}

/* ---- psql: meta-commands and COPY data (plain SQL, sqitch) ---------------------- */

typedef struct psql_ctx {
    pb_arena *a;
    pb_part *p;
    bool meta;      /* blank backslash meta-commands (psql runs the file) */
    bool copy_data; /* the line after this one holds COPY ... FROM stdin data */
} psql_ctx;

static bool word_at(const char *t, uint32_t i, uint32_t end, const char *w)
{
    size_t n = strlen(w);
    return i + n <= end && strncasecmp(t + i, w, n) == 0 && (i + n == end || !ident_char(t[i + n])) &&
           (i == 0 || !ident_char(t[i - 1]));
}

/* Is [s, e) a COPY ... FROM STDIN statement? */
static bool copy_from_stdin(const char *t, uint32_t s, uint32_t e)
{
    for (;;) { /* leading blanks and comments */
        while (s < e && isspace((unsigned char)t[s]))
            s++;
        if (s + 1 < e && t[s] == '-' && t[s + 1] == '-') {
            while (s < e && t[s] != '\n')
                s++;
        } else if (s + 1 < e && t[s] == '/' && t[s + 1] == '*') {
            const char *c = strstr(t + s + 2, "*/");
            s = c && (uint32_t)(c - t) + 2 <= e ? (uint32_t)(c - t) + 2 : e;
        } else {
            break;
        }
    }
    if (!word_at(t, s, e, "copy"))
        return false;
    for (uint32_t i = s + 4; i < e; i++)
        if (word_at(t, i, e, "from")) {
            uint32_t j = i + 4;
            while (j < e && isspace((unsigned char)t[j]))
                j++;
            if (word_at(t, j, e, "stdin"))
                return true;
        }
    return false;
}

static uint32_t psql_at(void *ud, const char *t, uint32_t i, uint32_t end, uint32_t stmt)
{
    psql_ctx *c = ud;
    if (t[i] == '\\' && c->meta) {
        /* a meta-command runs to the end of the line (psql's lexer); \g and
           its variants also end the statement */
        uint32_t e = i;
        while (e < end && t[e] != '\n')
            e++;
        uint32_t le = e > i && t[e - 1] == '\r' ? e - 1 : e;
        if (i + 1 < end && t[i + 1] == 'g') {
            pb_framework__erase(c->a, c->p, i, i + 1, ';');
            pb_framework__erase(c->a, c->p, i + 1, le, ' ');
        } else {
            pb_framework__erase(c->a, c->p, i, le, ' ');
        }
        return e > i ? e : i + 1;
    }
    if (t[i] == ';' && copy_from_stdin(t, stmt, i)) {
        c->copy_data = true;
        return 0;
    }
    if (t[i] == '\n' && c->copy_data) {
        /* the data rows, through the line "\." */
        c->copy_data = false;
        uint32_t s = i + 1, l = s;
        while (l < end) {
            uint32_t e = l;
            while (e < end && t[e] != '\n')
                e++;
            uint32_t le = e > l && t[e - 1] == '\r' ? e - 1 : e;
            bool last = le - l == 2 && t[l] == '\\' && t[l + 1] == '.';
            l = e < end ? e + 1 : end;
            if (last)
                break;
        }
        erase_keep_lines(c->a, c->p, t, s, l);
        return l > i ? l : i + 1;
    }
    return 0;
}

/* psql reads the file: its meta-command lines (\restrict, \set, \i,
 * \connect; frameworks-and-formats.md A.17) and COPY FROM stdin data vanish
 * before PostgreSQL sees the statements. */
static void psql_regions(pb_arena *a, pb_part *p, bool meta)
{
    psql_ctx c = {a, p, meta, false};
    scan_top(p->src->text, p->start, p->end, psql_at, &c);
}

/* ---- custom statement delimiters (Atlas, Liquibase) ---------------------------------- */

typedef struct delim_ctx {
    pb_arena *a;
    pb_part *p;
    const char *d;
    size_t n;
} delim_ctx;

/* A delimiter counts at the top level and at the end of a line (or when it
 * holds a line break itself): it becomes ';' followed by blanks. */
static uint32_t delim_at(void *ud, const char *t, uint32_t i, uint32_t end, uint32_t stmt)
{
    delim_ctx *c = ud;
    (void)stmt;
    if (i + c->n > end || memcmp(t + i, c->d, c->n) != 0)
        return 0;
    if (!memchr(c->d, '\n', c->n)) {
        uint32_t j = i + (uint32_t)c->n;
        while (j < end && (t[j] == ' ' || t[j] == '\t' || t[j] == '\r'))
            j++;
        if (j < end && t[j] != '\n')
            return 0;
    }
    pb_framework__erase(c->a, c->p, i, i + 1, ';');
    pb_framework__erase(c->a, c->p, i + 1, i + (uint32_t)c->n, ' ');
    return i + (uint32_t)c->n;
}

/* `d` as written in a directive: \n, \t and \\ escapes. */
static const char *unescape(pb_arena *a, const char *s, size_t n, size_t *out_n)
{
    char *o = pb_arena_alloc(a, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && (s[i + 1] == 'n' || s[i + 1] == 't' || s[i + 1] == '\\')) {
            o[k++] = s[i + 1] == 'n' ? '\n' : s[i + 1] == 't' ? '\t' : '\\';
            i++;
        } else {
            o[k++] = s[i];
        }
    }
    o[k] = '\0';
    *out_n = k;
    return o;
}

static void custom_delimiter(pb_arena *a, pb_part *p, const char *d, size_t n)
{
    if (!n || (n == 1 && d[0] == ';'))
        return;
    delim_ctx c = {a, p, d, n};
    scan_top(p->src->text, p->start, p->end, delim_at, &c);
}

/* ---- template regions ---------------------------------------------------------------- */

/* ${...} on one line in [from, to): Flyway placeholders, Liquibase
 * properties, goose ENVSUB variables. */
static void dollar_brace(pb_arena *a, pb_part *p, uint32_t from, uint32_t to)
{
    const char *t = p->src->text;
    if (from < p->start)
        from = p->start;
    if (to > p->end)
        to = p->end;
    for (uint32_t i = from; i + 1 < to; i++) {
        if (t[i] != '$' || t[i + 1] != '{')
            continue;
        uint32_t j = i + 2;
        while (j < to && t[j] != '}' && t[j] != '\n')
            j++;
        if (j >= to || t[j] != '}')
            continue;
        pb_framework__opaque(a, p, i, j + 1);
        i = j;
    }
}

/* tern's Go text/template actions {{ ... }} (jackc/tern README): an action
 * that yields a value ({{.prefix}}, {{ env "X" }}) reads as an identifier;
 * control actions and template calls ({{ template "x.sql" . }}, {{ if }},
 * {{ end }}, comments) vanish. */
static void mustache(pb_arena *a, pb_part *p)
{
    static const char *const control[] = {"template", "if",    "else",  "end",      "range", "with",
                                          "define",   "block", "break", "continue", "/*"};
    const char *t = p->src->text;
    for (uint32_t i = p->start; i + 1 < p->end; i++) {
        if (t[i] != '{' || t[i + 1] != '{')
            continue;
        uint32_t j = i + 2;
        while (j + 1 < p->end && !(t[j] == '}' && t[j + 1] == '}') && t[j] != '\n')
            j++;
        if (j + 1 >= p->end || t[j] != '}')
            continue;
        uint32_t k = i + 2;
        if (k < j && t[k] == '-')
            k++;
        while (k < j && isspace((unsigned char)t[k]))
            k++;
        bool ctl = false;
        for (size_t c = 0; c < sizeof control / sizeof control[0]; c++) {
            size_t n = strlen(control[c]);
            if (k + n <= j && !memcmp(t + k, control[c], n) &&
                (control[c][0] == '/' || k + n == j || !isalnum((unsigned char)t[k + n])))
                ctl = true;
        }
        if (ctl)
            pb_framework__erase(a, p, i, j + 2, ' ');
        else
            pb_framework__opaque(a, p, i, j + 2);
        i = j + 1;
    }
}

/* graphile-migrate placeholders :NAME (upper case, e.g. :DATABASE_OWNER),
 * replaced in the text before it is run (graphile/migrate src/migration.ts
 * generatePlaceholderReplacement). */
static void colon_placeholders(pb_arena *a, pb_part *p)
{
    const char *t = p->src->text;
    for (uint32_t i = p->start; i + 1 < p->end; i++) {
        if (t[i] != ':' || !isupper((unsigned char)t[i + 1]) ||
            (i > p->start && (t[i - 1] == ':' || ident_char(t[i - 1]))))
            continue;
        uint32_t j = i + 1;
        while (j < p->end && (isupper((unsigned char)t[j]) || isdigit((unsigned char)t[j]) || t[j] == '_'))
            j++;
        if (j < p->end && ident_char(t[j]))
            continue; /* :Name, :NAMEx: not a placeholder */
        pb_framework__opaque(a, p, i, j);
        i = j - 1;
    }
}

/* ---- marker-based splitting ------------------------------------------------------------- */

static void goose(pb_arena *a, pb_source *src, pb_migration_set *set, pb_migration *m)
{
    /* -- +goose Up / Down / NO TRANSACTION / ENVSUB ON|OFF (pressly/goose
       internal/sqlparser): exactly one Up; Down optional, after Up */
    bool notx = false;
    int64_t up = -1, down = -1, down_marker = -1;
    uint32_t env_on[16], env_off[16];
    size_t nenv = 0;
    bool env = false;
    line l;
    for (uint32_t pos = 0; next_line(src, pos, &l); pos = l.next) {
        uint32_t k = line_starts(src, &l, "-- +goose ", false);
        if (!k)
            continue;
        char buf[64];
        const char *what = rest_lower(src, k, l.end, buf, sizeof buf);
        if (!strcmp(what, "up")) {
            if (up >= 0)
                pb_framework__problem(a, set, src, l.start,
                                      "a second '-- +goose Up' marker; goose allows one");
            else
                up = l.next;
        } else if (!strcmp(what, "down")) {
            if (up < 0)
                pb_framework__problem(a, set, src, l.start, "'-- +goose Down' before '-- +goose Up'");
            else if (down < 0)
                down = l.next, down_marker = l.start;
        } else if (!strcmp(what, "no transaction")) {
            notx = true;
        } else if (!strcmp(what, "envsub on") && !env && nenv < 16) {
            env = true;
            env_on[nenv] = l.next;
        } else if (!strcmp(what, "envsub off") && env) {
            env = false;
            env_off[nenv++] = l.start;
        }
    }
    if (env)
        env_off[nenv++] = (uint32_t)src->len;
    if (up < 0) {
        pb_framework__problem(a, set, src, 0, "no '-- +goose Up' marker: goose refuses this file");
        up = 0;
    }
    pb_tx_mode tx = notx ? PB_TX_NONE : PB_TX_WRAPPED;
    const char *why =
        notx ? "-- +goose NO TRANSACTION: goose runs each statement on its own"
             : "goose runs each migration in a transaction unless it says -- +goose NO TRANSACTION";
    m->up = pb_framework__part(a, src, (uint32_t)up, down >= 0 ? (uint32_t)down_marker : (uint32_t)src->len,
                               false, tx, why);
    if (down >= 0)
        m->down = pb_framework__part(a, src, (uint32_t)down, (uint32_t)src->len, true, tx, why);
    m->expects_down = true;
    for (size_t i = 0; i < nenv; i++) {
        dollar_brace(a, m->up, env_on[i], env_off[i]);
        if (m->down)
            dollar_brace(a, m->down, env_on[i], env_off[i]);
    }
}

static void dbmate(pb_arena *a, pb_source *src, pb_migration_set *set, pb_migration *m)
{
    /* -- migrate:up [transaction:false] / -- migrate:down, repeatable pairs;
       each block is sent as one Exec (amacneil/dbmate pkg/dbmate). Each
       further up block starts another migration entry of the same version,
       paired with the down block that follows it. */
    pb_migration *cur = m;
    size_t first = set->len - 1;
    int64_t open_start = -1;
    bool open_down = false, open_notx = false, seen_up = false;
    line l;
    for (uint32_t pos = 0;; pos = l.next) {
        bool have = next_line(src, pos, &l);
        uint32_t o = 0;
        int kind = have ? dbmate_marker(src, &l, &o) : 0;
        bool notx = false;
        if (kind) {
            char buf[128];
            /* options are key:value pairs; only transaction is read */
            notx = strstr(rest_lower(src, o, l.end, buf, sizeof buf), "transaction:false") != NULL;
        }
        if (have && !kind)
            continue;
        if (open_start >= 0) {
            uint32_t end = have ? l.start : (uint32_t)src->len;
            pb_tx_mode tx = open_notx ? PB_TX_ONE_QUERY : PB_TX_WRAPPED;
            const char *why =
                open_notx ? "dbmate sends a transaction:false block as one query string, which "
                            "PostgreSQL runs as one implicit transaction when it has several statements"
                          : "dbmate runs each block in a transaction unless it says transaction:false";
            pb_part *p = pb_framework__part(a, src, (uint32_t)open_start, end, open_down, tx, why);
            if (!open_down) {
                if (cur->up || cur->down)
                    cur = pb_framework__add(a, set, m->version, m->name);
                cur->up = p;
            } else {
                if (cur->down || !cur->up)
                    cur = pb_framework__add(a, set, m->version, m->name);
                cur->down = p;
            }
            cur->expects_down = true;
        } else if (have) {
            /* dbmate rejects statements before the first marker */
            for (uint32_t i = 0; i < l.start;) {
                line x;
                next_line(src, i, &x);
                if (!blank_line(src, &x) && !line_starts(src, &x, "--", true)) {
                    pb_framework__problem(
                        a, set, src, x.start,
                        "a statement before the first '-- migrate:up' marker: dbmate refuses "
                        "this file");
                    break;
                }
                i = x.next;
            }
        }
        if (!have)
            break;
        if (kind == 2 && !seen_up)
            pb_framework__problem(a, set, src, l.start, "'-- migrate:down' before '-- migrate:up'");
        seen_up |= kind == 1;
        open_start = l.next;
        open_down = kind == 2;
        open_notx = notx;
    }
    if (!seen_up)
        pb_framework__problem(a, set, src, 0, "no '-- migrate:up' marker: dbmate refuses this file");
    for (size_t k = first; k < set->len; k++) { /* a down block without its up */
        pb_migration *x = set->items[k];
        if (!x->up)
            x->up = pb_framework__part(a, src, x->down ? x->down->start : 0, x->down ? x->down->start : 0,
                                       false, PB_TX_WRAPPED, NULL);
    }
    m->expects_down = true;
}

static void sql_migrate(pb_arena *a, pb_source *src, pb_migration_set *set, pb_migration *m)
{
    /* -- +migrate Up [notransaction] / -- +migrate Down [notransaction]
       (rubenv/sql-migrate sqlparse): statements run one by one */
    int64_t up = -1, upm = -1, down = -1, downm = -1;
    bool up_notx = false, down_notx = false;
    line l;
    for (uint32_t pos = 0; next_line(src, pos, &l); pos = l.next) {
        uint32_t k = line_starts(src, &l, "-- +migrate ", false);
        if (!k)
            continue;
        char buf[64];
        const char *what = rest_lower(src, k, l.end, buf, sizeof buf);
        if (!strncmp(what, "up", 2) && up < 0)
            up = l.next, upm = l.start, up_notx = strstr(what, "notransaction") != NULL;
        else if (!strncmp(what, "down", 4) && down < 0)
            down = l.next, downm = l.start, down_notx = strstr(what, "notransaction") != NULL;
    }
    if (up < 0) {
        pb_framework__problem(a, set, src, 0, "no '-- +migrate Up' marker");
        up = 0;
    }
    uint32_t up_end = (uint32_t)src->len;
    if (down > up)
        up_end = (uint32_t)downm;
    m->up = pb_framework__part(
        a, src, (uint32_t)up, up_end, false, up_notx ? PB_TX_NONE : PB_TX_WRAPPED,
        up_notx ? "-- +migrate Up notransaction: sql-migrate runs each statement on its own"
                : "sql-migrate runs each direction in a transaction unless its marker "
                  "says notransaction");
    if (down >= 0)
        m->down = pb_framework__part(
            a, src, (uint32_t)down, down > up ? (uint32_t)src->len : (uint32_t)upm, true,
            down_notx ? PB_TX_NONE : PB_TX_WRAPPED,
            down_notx
                ? "-- +migrate Down notransaction: sql-migrate runs each statement on its own"
                : "sql-migrate runs each direction in a transaction unless its marker says notransaction");
    m->expects_down = true;
}

static void tern(pb_arena *a, pb_source *src, pb_migration *m)
{
    /* ---- create above / drop below ----; ---- tern: disable-tx ----
       (jackc/tern migrate.go): in a transaction the whole text is one Exec;
       without, a lexer splits it and runs statement by statement */
    bool notx = false;
    int64_t sep = -1, sep_next = -1;
    line l;
    for (uint32_t pos = 0; next_line(src, pos, &l); pos = l.next) {
        if (line_starts(src, &l, "---- tern: disable-tx ----", false))
            notx = true;
        else if (sep < 0 && line_starts(src, &l, "---- create above / drop below ----", false))
            sep = l.start, sep_next = l.next;
    }
    pb_tx_mode tx = notx ? PB_TX_NONE : PB_TX_WRAPPED;
    const char *why =
        notx ? "---- tern: disable-tx ----: tern runs each statement on its own"
             : "tern runs each migration in a transaction unless it says ---- tern: disable-tx ----";
    m->up = pb_framework__part(a, src, 0, sep >= 0 ? (uint32_t)sep : (uint32_t)src->len, false, tx, why);
    if (sep >= 0)
        m->down = pb_framework__part(a, src, (uint32_t)sep_next, (uint32_t)src->len, true, tx, why);
    m->expects_down = false;
    mustache(a, m->up);
    if (m->down)
        mustache(a, m->down);
}

static void node_pg_migrate(pb_arena *a, pb_source *src, pb_migration *m)
{
    /* -- Up Migration / -- Down Migration; each section one pgm.sql() call,
       all pending migrations in one transaction by default */
    int64_t up = -1, upm = -1, down = -1, downm = -1;
    line l;
    for (uint32_t pos = 0; next_line(src, pos, &l); pos = l.next) {
        int k = npm_marker(src, &l);
        if (k == 1 && up < 0)
            up = l.next, upm = l.start;
        else if (k == 2 && down < 0)
            down = l.next, downm = l.start;
    }
    const char *why =
        "node-pg-migrate runs pending migrations in one transaction (single-transaction is on by "
        "default; SQL migrations cannot opt out)";
    uint32_t us = up >= 0 ? (uint32_t)up : 0;
    uint32_t ue = down >= 0 && (uint32_t)down > us ? (uint32_t)downm : (uint32_t)src->len;
    m->up = pb_framework__part(a, src, us, ue, false, PB_TX_WRAPPED, why);
    if (down >= 0)
        m->down = pb_framework__part(a, src, (uint32_t)down, down > up ? (uint32_t)src->len : (uint32_t)upm,
                                     true, PB_TX_WRAPPED, why);
}

/* ---- Liquibase formatted SQL ------------------------------------------------------------- */

/* The value of `attr:` on a changeset line (a word preceded by a blank so
 * that endDelimiter: does not match inside rollbackEndDelimiter:), into
 * buf; NULL when absent. Quoted values keep their text without quotes. */
static const char *lb_attr(const pb_source *src, const line *l, const char *attr, char *buf, size_t cap)
{
    size_t n = strlen(attr);
    for (uint32_t i = l->start + 1; i + n <= l->end; i++) {
        if (!isspace((unsigned char)src->text[i - 1]) || strncasecmp(src->text + i, attr, n) != 0)
            continue;
        uint32_t s = i + (uint32_t)n, e = s;
        if (s < l->end && src->text[s] == '"') {
            s++, e = s;
            while (e < l->end && src->text[e] != '"')
                e++;
        } else {
            while (e < l->end && !isspace((unsigned char)src->text[e]))
                e++;
        }
        size_t k = e - s < cap - 1 ? e - s : cap - 1;
        memcpy(buf, src->text + s, k);
        buf[k] = '\0';
        return buf;
    }
    return NULL;
}

static bool lb_false(const pb_source *src, const line *l, const char *attr)
{
    char buf[16];
    const char *v = lb_attr(src, l, attr, buf, sizeof buf);
    return v && !strcasecmp(v, "false");
}

/* --changeset author:id (CHANGE_SET_REGEX) */
static bool lb_changeset(const pb_source *src, const line *l)
{
    uint32_t i = comment_word(src, l, "changeset", true);
    return i && i < l->end && isspace((unsigned char)src->text[i]) && memchr(src->text + i, ':', l->end - i);
}

/* --rollback <sql> (ROLLBACK_REGEX "\s*--[\s]*rollback (.*)"): the offset
 * of the SQL, or 0. */
static uint32_t lb_rollback_line(const pb_source *src, const line *l)
{
    uint32_t i = comment_word(src, l, "rollback", true);
    return i && i < l->end && src->text[i] == ' ' ? i + 1 : 0;
}

/* "/ * liquibase rollback" alone on its line (ROLLBACK_MULTI_LINE_START_REGEX) */
static bool lb_rollback_block(const pb_source *src, const line *l)
{
    uint32_t i = line_starts(src, l, "/*", true);
    if (!i)
        return false;
    char buf[64];
    const char *r = rest_lower(src, i, l->end, buf, sizeof buf);
    if (strncmp(r, "liquibase", 9) != 0)
        return false;
    r += 9;
    while (*r == ' ' || *r == '\t')
        r++;
    return !strcmp(r, "rollback");
}

typedef struct lb_changeset_state {
    pb_migration *m;
    line head;     /* the --changeset line */
    uint32_t body; /* after it */
    pb_span *seg;  /* rollback SQL ranges */
    size_t nseg;
    pb_span *ignore; /* --ignoreLines ranges */
    size_t nignore;
} lb_changeset_state;

static void lb_finish(pb_arena *a, pb_source *src, lb_changeset_state *c, uint32_t end)
{
    bool notx = lb_false(src, &c->head, "runInTransaction:");
    bool one = lb_false(src, &c->head, "splitStatements:");
    bool rb_one = lb_false(src, &c->head, "rollbackSplitStatements:");
    pb_tx_mode tx = !notx ? PB_TX_WRAPPED : one ? PB_TX_ONE_QUERY : PB_TX_NONE;
    pb_tx_mode rtx = !notx ? PB_TX_WRAPPED : rb_one ? PB_TX_ONE_QUERY : PB_TX_NONE;
    static const char *const why[] = {
        [PB_TX_WRAPPED] =
            "Liquibase runs each changeset in a transaction unless it says runInTransaction:false",
        [PB_TX_NONE] =
            "runInTransaction:false: Liquibase splits the changeset and runs its statements one by one",
        [PB_TX_ONE_QUERY] =
            "runInTransaction:false with splitStatements:false: Liquibase sends the changeset as "
            "one statement string, which PostgreSQL runs as one implicit transaction when it has "
            "several statements",
    };
    pb_migration *m = c->m;
    m->up = pb_framework__part(a, src, c->body, end, false, tx, why[tx]);
    for (size_t i = 0; i < c->nignore; i++)
        erase_keep_lines(a, m->up, src->text, c->ignore[i].start, c->ignore[i].end);
    dollar_brace(a, m->up, m->up->start, m->up->end);
    char buf[64];
    const char *d = lb_attr(src, &c->head, "endDelimiter:", buf, sizeof buf);
    size_t dn = 0;
    if (d) {
        d = unescape(a, d, strlen(d), &dn);
        custom_delimiter(a, m->up, d, dn);
    }
    m->expects_down = true;
    if (!c->nseg)
        return;
    /* the rollback: its SQL ranges, the text between them blanked (the
       "--rollback " prefixes, and any changeset lines between rollback lines) */
    char rb[256];
    size_t k = 0;
    for (size_t i = 0; i < c->nseg && k < sizeof rb - 1; i++)
        for (uint32_t j = c->seg[i].start; j < c->seg[i].end && k < sizeof rb - 1; j++)
            if (k || !isspace((unsigned char)src->text[j]))
                rb[k++] = (char)tolower((unsigned char)src->text[j]);
    rb[k] = '\0';
    if (!strncmp(rb, "not required", 12) || !strncmp(rb, "empty", 5) || strstr(rb, "changesetid")) {
        /* a declared rollback without SQL of its own: nothing to do, or the
           changes of another changeset (linted there) */
        m->down = pb_framework__part(a, src, c->seg[0].start, c->seg[0].start, true, rtx, why[rtx]);
        return;
    }
    pb_part *p = pb_framework__part(a, src, c->seg[0].start, c->seg[c->nseg - 1].end, true, rtx, why[rtx]);
    for (size_t i = 0; i + 1 < c->nseg; i++)
        erase_keep_lines(a, p, src->text, c->seg[i].end, c->seg[i + 1].start);
    dollar_brace(a, p, p->start, p->end);
    const char *rd = lb_attr(src, &c->head, "rollbackEndDelimiter:", buf, sizeof buf);
    if (rd) {
        rd = unescape(a, rd, strlen(rd), &dn);
        custom_delimiter(a, p, rd, dn);
    }
    m->down = p;
}

static void liquibase(pb_arena *a, pb_source *src, pb_migration_set *set, pb_migration *m)
{
    /* --liquibase formatted sql; --changeset author:id [attributes]; each
       changeset runs to the next; --rollback lines and "/ * liquibase
       rollback ... * /" blocks hold its rollback (liquibase-standard
       AbstractFormattedChangeLogParser.java) */
    if (!liquibase_header(src)) {
        m->up = pb_framework__part(a, src, 0, (uint32_t)src->len, false, PB_TX_WRAPPED,
                                   "Liquibase runs a plain .sql changelog as one changeset in a transaction");
        dollar_brace(a, m->up, 0, (uint32_t)src->len);
        return;
    }
    lb_changeset_state *c = pb_arena_alloc(a, sizeof *c);
    const char *base_version = m->version;
    bool open = false, reported = false;
    size_t count = 0;
    line l;
    next_line(src, 0, &l);
    for (uint32_t pos = l.next; next_line(src, pos, &l); pos = l.next) {
        if (lb_changeset(src, &l)) {
            if (open)
                lb_finish(a, src, c, l.start);
            memset(c, 0, sizeof *c);
            c->m = count++ ? pb_framework__add(a, set, NULL, NULL) : m;
            c->m->version = pb_arena_sprintf(a, "%s#%06zu", base_version, count);
            uint32_t i = comment_word(src, &l, "changeset", true), j;
            while (i < l.end && isspace((unsigned char)src->text[i]))
                i++;
            for (j = i; j < l.end && !isspace((unsigned char)src->text[j]);)
                j++;
            c->m->name = pb_arena_strndup(a, src->text + i, j - i); /* author:id */
            c->head = l;
            c->body = l.next;
            open = true;
            continue;
        }
        if (!open) {
            if (!reported && !blank_line(src, &l) && !line_starts(src, &l, "--", true)) {
                pb_framework__problem(
                    a, set, src, l.start,
                    "SQL before the first --changeset belongs to no changeset: Liquibase does "
                    "not run it");
                reported = true;
            }
            continue;
        }
        uint32_t r = lb_rollback_line(src, &l);
        if (r) {
            c->seg = grow(a, c->seg, c->nseg, sizeof *c->seg);
            c->seg[c->nseg++] = (pb_span){r, l.end};
            continue;
        }
        if (lb_rollback_block(src, &l)) {
            uint32_t s = l.next, e = (uint32_t)src->len;
            line x;
            uint32_t p2 = l.next;
            bool closed = false;
            for (; next_line(src, p2, &x); p2 = x.next) {
                uint32_t k = x.end;
                while (k > x.start && isspace((unsigned char)src->text[k - 1]))
                    k--;
                if (k - x.start >= 2 && src->text[k - 2] == '*' && src->text[k - 1] == '/') {
                    e = k - 2;
                    closed = true;
                    break;
                }
            }
            if (!closed)
                pb_framework__problem(a, set, src, l.start,
                                      "this /* liquibase rollback block is not closed: Liquibase refuses the "
                                      "changelog");
            if (e > s) {
                c->seg = grow(a, c->seg, c->nseg, sizeof *c->seg);
                c->seg[c->nseg++] = (pb_span){s, e};
            }
            if (!next_line(src, p2, &x))
                break;
            l = x;
            continue;
        }
        uint32_t ig = comment_word(src, &l, "ignoreLines:", true);
        if (ig) {
            char buf[32];
            const char *v = rest_lower(src, ig, l.end, buf, sizeof buf);
            uint32_t s = l.next, e = s;
            line x;
            if (!strcmp(v, "start")) {
                for (uint32_t p2 = s; next_line(src, p2, &x); p2 = x.next) {
                    uint32_t k2 = comment_word(src, &x, "ignoreLines:", true);
                    if (k2 && !strcmp(rest_lower(src, k2, x.end, buf, sizeof buf), "end"))
                        break;
                    e = x.next;
                }
            } else {
                long cnt = strtol(v, NULL, 10);
                for (uint32_t p2 = s; cnt > 0 && next_line(src, p2, &x); p2 = x.next, cnt--)
                    e = x.next;
            }
            c->ignore = grow(a, c->ignore, c->nignore, sizeof *c->ignore);
            c->ignore[c->nignore++] = (pb_span){s, e};
            l.next = e > l.next ? e : l.next; /* ignored lines are not read as directives either */
        }
    }
    if (open)
        lb_finish(a, src, c, (uint32_t)src->len);
    else {
        pb_framework__problem(a, set, src, 0,
                              "no --changeset line: Liquibase runs nothing from this changelog");
        m->up =
            pb_framework__part(a, src, (uint32_t)src->len, (uint32_t)src->len, false, PB_TX_WRAPPED, NULL);
    }
}

/* ---- whole-file tools ------------------------------------------------------------------------ */

static void atlas(pb_arena *a, pb_source *src, pb_migration *m)
{
    /* -- atlas:txmode none|file, -- atlas:delimiter <d> in the file header
       (ariga/atlas cmd/atlas/internal/cmdapi/migrate.go txmodeFor; sql/migrate
       dir.go); default --tx-mode file: each file in its own transaction */
    uint32_t aend = 0, v = atlas_directive(src, "txmode", &aend);
    bool notx = v && aend - v >= 4 && !strncmp(src->text + v, "none", 4);
    m->up = pb_framework__part(
        a, src, 0, (uint32_t)src->len, false, notx ? PB_TX_NONE : PB_TX_WRAPPED,
        notx ? "-- atlas:txmode none: Atlas runs each statement of the file on its own"
             : "Atlas runs each file in a transaction unless it says -- atlas:txmode none");
    uint32_t d = atlas_directive(src, "delimiter", &aend);
    if (d) {
        size_t n;
        const char *dl = unescape(a, src->text + d, aend - d, &n);
        custom_delimiter(a, m->up, dl, n);
    }
}

static void graphile(pb_arena *a, pb_source *src, pb_migration *m)
{
    /* committed files: "--! Previous:", "--! Hash:", "--! Message:" header
       lines, a blank line, the body; the body's first line may be
       --! no-transaction (graphile/migrate src/migration.ts, src/header.ts) */
    uint32_t body = 0;
    line l;
    for (uint32_t pos = 0; next_line(src, pos, &l); pos = l.next) {
        uint32_t i = line_starts(src, &l, "--! ", false);
        if (i && i < l.end && isupper((unsigned char)src->text[i])) /* header comments are capitalised */
            continue;
        if (pos > 0 && blank_line(src, &l))
            body = l.next;
        break;
    }
    bool notx = graphile_no_tx(src, body);
    m->up = pb_framework__part(
        a, src, 0, (uint32_t)src->len, false, notx ? PB_TX_ONE_QUERY : PB_TX_WRAPPED,
        notx ? "--! no-transaction: graphile-migrate sends the migration as one query string, which "
               "PostgreSQL "
               "runs as one implicit transaction when it has several statements (the README: such migrations "
               "must hold exactly one statement)"
             : "graphile-migrate runs each migration in a transaction unless it starts with --! "
               "no-transaction");
    colon_placeholders(a, m->up);
}

/* ---- Flyway's non-transactional statements ---------------------------------------------- */

/* The first words of [s, e), upper-cased and single-spaced, past comments:
 * Flyway's "simplified statement". */
static size_t first_words(const char *t, uint32_t s, uint32_t e, char *buf, size_t cap)
{
    size_t k = 0;
    int words = 0;
    uint32_t i = s;
    while (i < e && words < 12) {
        if (isspace((unsigned char)t[i])) {
            i++;
        } else if (t[i] == '-' && i + 1 < e && t[i + 1] == '-') {
            while (i < e && t[i] != '\n')
                i++;
        } else if (t[i] == '/' && i + 1 < e && t[i + 1] == '*') {
            const char *c = strstr(t + i + 2, "*/");
            i = c && (uint32_t)(c - t) + 2 <= e ? (uint32_t)(c - t) + 2 : e;
        } else {
            uint32_t j = i;
            while (j < e && !isspace((unsigned char)t[j]) && t[j] != ';' && t[j] != '(')
                j++;
            if (j == i)
                j++;
            if (k && k + 1 < cap)
                buf[k++] = ' ';
            for (uint32_t x = i; x < j && k + 1 < cap; x++)
                buf[k++] = (char)toupper((unsigned char)t[x]);
            words++;
            i = j;
        }
    }
    buf[k] = '\0';
    return k;
}

static bool starts_with(const char *s, const char *p)
{
    return !strncmp(s, p, strlen(p)) && (s[strlen(p)] == '\0' || s[strlen(p)] == ' ');
}

/* PostgreSQLParser.detectCanExecuteInTransaction: the statement name when
 * Flyway runs it outside a transaction, else NULL. */
static const char *flyway_non_tx(const char *w, int pg_version)
{
    static const char *const fixed[] = {
        "CREATE DATABASE",
        "DROP DATABASE",
        "CREATE TABLESPACE",
        "DROP TABLESPACE",
        "CREATE SUBSCRIPTION",
        "DROP SUBSCRIPTION",
        "ALTER SYSTEM",
        "CREATE INDEX CONCURRENTLY",
        "CREATE UNIQUE INDEX CONCURRENTLY",
        "DROP INDEX CONCURRENTLY",
        "REINDEX SCHEMA",
        "REINDEX DATABASE",
        "REINDEX SYSTEM",
        "REINDEX VERBOSE SCHEMA",
        "REINDEX VERBOSE DATABASE",
        "REINDEX VERBOSE SYSTEM",
        "VACUUM",
        "DISCARD ALL",
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (starts_with(w, fixed[i]))
            return fixed[i];
    if (pg_version < 12 && starts_with(w, "ALTER TYPE") && strstr(w, " ADD VALUE"))
        return "ALTER TYPE ... ADD VALUE";
    return NULL;
}

typedef struct flyway_ctx {
    int pg_version;
    const char *non_tx; /* the first non-transactional statement */
    uint32_t non_tx_at;
    bool other;    /* a transactional statement */
    uint32_t next; /* where the statement after the last ';' begins */
} flyway_ctx;

static void flyway_stmt(flyway_ctx *c, const char *t, uint32_t s, uint32_t e)
{
    char w[160];
    if (!first_words(t, s, e, w, sizeof w))
        return;
    const char *n = flyway_non_tx(w, c->pg_version);
    if (n && !c->non_tx) {
        c->non_tx = n;
        while (s < e && isspace((unsigned char)t[s]))
            s++;
        c->non_tx_at = s;
    } else if (!n) {
        c->other = true;
    }
}

static uint32_t flyway_at(void *ud, const char *t, uint32_t i, uint32_t end, uint32_t stmt)
{
    flyway_ctx *c = ud;
    (void)end;
    if (t[i] == ';') {
        flyway_stmt(c, t, stmt, i);
        c->next = i + 1;
    }
    return 0;
}

void pb_framework__flyway_auto(pb_arena *a, pb_migration_set *set, pb_part *p, int pg_version, bool mixed)
{
    flyway_ctx c = {.pg_version = pg_version, .next = p->start};
    scan_top(p->src->text, p->start, p->end, flyway_at, &c);
    flyway_stmt(&c, p->src->text, c.next, p->end); /* the last statement may lack its ';' */
    if (!c.non_tx)
        return;
    p->tx = PB_TX_NONE;
    p->tx_reason = pb_arena_sprintf(a,
                                    "Flyway detects %s and runs the migration without a transaction, each "
                                    "statement on its own",
                                    c.non_tx);
    if (c.other && !mixed)
        pb_framework__problem(
            a, set, p->src, c.non_tx_at,
            pb_arena_sprintf(a,
                             "%s cannot run in a transaction, and other statements of this "
                             "migration can: Flyway refuses to mix them unless the migration's "
                             ".sql.conf (or flyway.mixed) says mixed=true",
                             c.non_tx));
}

void pb_framework_split_source(pb_arena *a, pb_framework fw, pb_source *src, pb_migration_set *set,
                               const char *version, const char *name)
{
    pb_migration *m = pb_framework__add(a, set, version, name);
    switch (fw) {
    case PB_FW_GOOSE: goose(a, src, set, m); return;
    case PB_FW_DBMATE: dbmate(a, src, set, m); return;
    case PB_FW_SQL_MIGRATE: sql_migrate(a, src, set, m); return;
    case PB_FW_TERN: tern(a, src, m); return;
    case PB_FW_NODE_PG_MIGRATE: node_pg_migrate(a, src, m); return;
    case PB_FW_LIQUIBASE: liquibase(a, src, set, m); return;
    case PB_FW_ATLAS: atlas(a, src, m); return;
    case PB_FW_GRAPHILE_MIGRATE: graphile(a, src, m); return;
    default: break;
    }
    /* one part: the whole file */
    pb_tx_mode tx = PB_TX_NONE;
    const char *why = NULL;
    switch (fw) {
    case PB_FW_GOLANG_MIGRATE:
        tx = PB_TX_ONE_QUERY;
        why =
            "golang-migrate sends the whole file as one query string, which PostgreSQL runs as one implicit "
            "transaction when it has several statements";
        break;
    case PB_FW_SQLX:
        tx = PB_TX_WRAPPED;
        why = "sqlx runs each migration in a transaction unless the file starts with -- no-transaction";
        if (src->len >= 17 && !memcmp(src->text, "-- no-transaction", 17)) {
            tx = PB_TX_ONE_QUERY;
            why = "sqlx sends a -- no-transaction file as one query string, which PostgreSQL runs as one "
                  "implicit transaction when it has several statements";
        }
        break;
    case PB_FW_DIESEL:
        tx = PB_TX_WRAPPED;
        why = "diesel runs each migration in a transaction unless metadata.toml says run_in_transaction = "
              "false";
        break;
    case PB_FW_REFINERY:
        tx = PB_TX_WRAPPED;
        why = "refinery runs each migration in a transaction";
        break;
    case PB_FW_FLYWAY:
        tx = PB_TX_WRAPPED;
        why = "Flyway runs each migration in a transaction unless its .sql.conf says "
              "executeInTransaction=false";
        break;
    case PB_FW_PRISMA:
        tx = PB_TX_ONE_QUERY;
        why = "Prisma sends migration.sql as one query string, which PostgreSQL runs as one implicit "
              "transaction "
              "when it has several statements";
        break;
    case PB_FW_SQITCH:
        tx = PB_TX_NONE;
        why = "sqitch runs the script with psql and adds no transaction: only the script's own BEGIN/COMMIT "
              "count";
        break;
    default: break;
    }
    m->up = pb_framework__part(a, src, 0, (uint32_t)src->len, false, tx, why);
    if (fw == PB_FW_FLYWAY) {
        dollar_brace(a, m->up, 0, (uint32_t)src->len);
        psql_regions(a, m->up, false); /* COPY ... FROM STDIN data */
    } else if (fw == PB_FW_PLAIN || fw == PB_FW_SQITCH) {
        psql_regions(a, m->up, true);
    }
}
