/* Parse: libpg_query's raw parser over one source part, statement spans,
 * syntax-error recovery, and the hand-off to lowering. PostgreSQL's memory
 * context holds the raw tree and is dropped right after lowering. */
#include "postgres.h"

#include "nodes/parsenodes.h"
#include "nodes/pg_list.h"
#include "pg_query.h"
#include "pg_query/pg_query.pb-c.h"

/* libpg_query's port.h redirects printf-family calls; this file uses none. */
#undef snprintf
#undef vsnprintf
#undef sprintf
#undef printf
#undef fprintf

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sqltext.h"
#include "parse/lower.h"
#include "parse/parse.h"

/* Exported by the static libpg_query.a but declared only in its internal
 * header (pg_query_internal.h, libpg_query 15-4.0.0), which also defines
 * DEBUG; declared here with the same signatures instead. */
typedef struct {
    List *tree;
    char *stderr_buffer;
    PgQueryError *error;
} PgQueryInternalParsetreeAndError;

extern PgQueryInternalParsetreeAndError pg_query_raw_parse(const char *input);
extern void pg_query_free_error(PgQueryError *error);
extern MemoryContext pg_query_enter_memory_context(void);
extern void pg_query_exit_memory_context(MemoryContext ctx);

uint32_t pb_parse__cursor_to_offset(const char *text, size_t len, int cursorpos)
{
    /* PostgreSQL reports errors at a 1-based character position counted
       with pg_mblen (pg_utf_mblen for UTF-8: length from the lead byte). */
    if (cursorpos <= 1)
        return 0;
    size_t off = 0;
    for (int ch = 1; ch < cursorpos && off < len; ch++) {
        unsigned char c = (unsigned char)text[off];
        size_t k = 1;
        if ((c & 0xE0) == 0xC0)
            k = 2;
        else if ((c & 0xF0) == 0xE0)
            k = 3;
        else if ((c & 0xF8) == 0xF0)
            k = 4;
        off += k;
    }
    return (uint32_t)(off > len ? len : off);
}

/* ---- lexical helpers for spans ------------------------------------------ */

/* Offset just past the last token in t[start..end): scans strings, quoted
 * identifiers, dollar quotes and comments so that a trailing comment is not
 * part of the statement. */
static size_t last_token_end(const char *t, size_t start, size_t end)
{
    size_t i = start, last = start;
    while (i < end) {
        size_t j = pb_sql_skip_space(t, i, end);
        if (j >= end)
            break;
        i = j;
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
                    i++;
                    break;
                }
                i++;
            }
        } else if (c == '$') {
            size_t k = i + 1;
            while (k < end && (t[k] == '_' || (t[k] >= 'a' && t[k] <= 'z') || (t[k] >= 'A' && t[k] <= 'Z') ||
                               (t[k] >= '0' && t[k] <= '9' && k > i + 1)))
                k++;
            if (k < end && t[k] == '$') {
                size_t taglen = k - i + 1;
                size_t p = k + 1;
                while (p + taglen <= end && memcmp(t + p, t + i, taglen) != 0)
                    p++;
                i = p + taglen <= end ? p + taglen : end;
            } else {
                i = k;
            }
        } else {
            i++;
        }
        last = i;
    }
    return last;
}

/* ---- the parse loop ------------------------------------------------------- */

typedef struct span_vec {
    pb_span *items;
    size_t len, cap;
} span_vec;

static void span_push(pb_arena *a, span_vec *v, pb_span s)
{
    if (v->len == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 32;
        pb_span *n = pb_arena_alloc(a, cap * sizeof *n);
        if (v->len)
            memcpy(n, v->items, v->len * sizeof *n);
        v->items = n;
        v->cap = cap;
    }
    v->items[v->len++] = s;
}

typedef struct err_vec {
    pb_syntax_error *items;
    size_t len, cap;
} err_vec;

static void err_push(pb_arena *a, err_vec *v, pb_syntax_error e)
{
    if (v->len == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 4;
        pb_syntax_error *n = pb_arena_alloc(a, cap * sizeof *n);
        if (v->len)
            memcpy(n, v->items, v->len * sizeof *n);
        v->items = n;
        v->cap = cap;
    }
    v->items[v->len++] = e;
}

/* Parses and lowers text[from..to) (text[to] is made NUL temporarily by the
 * caller). On success lowers every statement; on error fills *err. */
/* libpg_query keeps its top memory context per thread; freeing it before
 * first use crashes, so remember whether this thread parsed anything. */
static _Thread_local bool parser_used;

void pb_thread_cleanup(void)
{
    if (parser_used) {
        pg_query_exit();
        parser_used = false;
    }
}

static bool parse_range(pb_arena *a, char *text, size_t from, size_t to, pb_ops *ops, span_vec *spans,
                        PgQueryError **err)
{
    char saved = text[to];
    text[to] = '\0';
    parser_used = true;
    MemoryContext ctx = pg_query_enter_memory_context();
    PgQueryInternalParsetreeAndError r = pg_query_raw_parse(text + from);
    bool ok = r.error == NULL;
    if (ok) {
        ListCell *c;
        foreach (c, r.tree) {
            RawStmt *rs = lfirst_node(RawStmt, c);
            size_t s = from + (size_t)rs->stmt_location;
            size_t e = rs->stmt_len > 0 ? s + (size_t)rs->stmt_len : to;
            if (e > to)
                e = to;
            size_t ts = pb_sql_skip_space(text, s, e);
            size_t te = last_token_end(text, ts, e);
            if (te < ts)
                te = ts;
            pb_lower_ctx lc = {
                .arena = a,
                .ops = ops,
                .stmt_index = (uint32_t)spans->len,
                .stmt_span = {(uint32_t)ts, (uint32_t)te},
                .base = (uint32_t)from,
            };
            span_push(a, spans, lc.stmt_span);
            pb_lower_stmt(&lc, rs->stmt);
        }
        *err = NULL;
    } else {
        *err = r.error;
    }
    free(r.stderr_buffer);
    pg_query_exit_memory_context(ctx);
    text[to] = saved;
    return ok;
}

/* Lexes text[from..to) with PostgreSQL's lexer (pg_query_scan) and finds,
 * at parenthesis depth 0, the last ';' before `before` (-> *last_before, or
 * left unchanged) and the first ';' at or after `after` (-> *first_after,
 * or left unchanged). Returns false when the lexer fails (an unterminated
 * string, comment or dollar quote inside the range). */
static bool scan_semicolons(char *text, size_t from, size_t to, size_t before, size_t after,
                            size_t *last_before, size_t *first_after)
{
    char saved = text[to];
    text[to] = '\0';
    parser_used = true;
    PgQueryScanResult sr = pg_query_scan(text + from);
    text[to] = saved;
    bool ok = !sr.error;
    PgQuery__ScanResult *res =
        ok ? pg_query__scan_result__unpack(NULL, sr.pbuf.len, (const uint8_t *)sr.pbuf.data) : NULL;
    if (res) {
        int depth = 0;
        /* inside a SQL-standard function body (BEGIN ATOMIC ... END, PG >= 14),
           whose statements end in ';' too; CASE ... END nests in it */
        bool atomic = false;
        int cases = 0;
        for (size_t i = 0; i < res->n_tokens; i++) {
            const PgQuery__ScanToken *tk = res->tokens[i];
            size_t ts = from + (size_t)tk->start;
            if (tk->token == PG_QUERY__TOKEN__ATOMIC && i > 0 &&
                res->tokens[i - 1]->token == PG_QUERY__TOKEN__BEGIN_P) {
                atomic = true;
                cases = 0;
            } else if (atomic && tk->token == PG_QUERY__TOKEN__CASE) {
                cases++;
            } else if (atomic && tk->token == PG_QUERY__TOKEN__END_P) {
                if (cases > 0)
                    cases--;
                else
                    atomic = false;
            } else if (atomic) {
                continue;
            } else if (tk->token == PG_QUERY__TOKEN__ASCII_40) {
                depth++;
            } else if (tk->token == PG_QUERY__TOKEN__ASCII_41 && depth > 0) {
                depth--;
            } else if (tk->token == PG_QUERY__TOKEN__ASCII_59 && depth == 0) {
                if (ts < before)
                    *last_before = ts;
                else if (ts >= after) {
                    *first_after = ts;
                    break;
                }
            }
        }
        pg_query__scan_result__free_unpacked(res, NULL);
    }
    pg_query_free_scan_result(sr);
    return ok && res;
}

/* Top-level statement boundaries around a syntax error, from PostgreSQL's
 * own lexer: the failing statement starts after the last ';' at depth 0
 * before `err_off` and ends after the first one at or after it. (libpg_query's
 * scanner-based splitter is not used: it drops statements that begin with a
 * non-keyword, e.g. a typo.) Only the text since the previous error is lexed
 * for the start, and a window growing from 4 KiB for the end, so a file with
 * many errors stays linear. When the lexer fails (an unterminated string,
 * comment or dollar quote), the statement runs to the end of the text. */
static void failing_stmt_bounds(char *text, size_t from, size_t to, size_t err_off, size_t *start,
                                size_t *end)
{
    size_t semi = SIZE_MAX, unused = SIZE_MAX;
    scan_semicolons(text, from, err_off, err_off, SIZE_MAX, &semi, &unused);
    *start = semi == SIZE_MAX ? from : semi + 1;
    *end = to;
    for (size_t window = 4096;; window *= 2) {
        size_t lim = err_off + window < to ? err_off + window : to;
        size_t next = SIZE_MAX, ignored = SIZE_MAX;
        bool ok = scan_semicolons(text, *start, lim, *start, err_off, &ignored, &next);
        if (next != SIZE_MAX) {
            *end = next + 1;
            return;
        }
        if (lim == to) /* no ';' before the end, or the lexer failed on it */
            return;
        (void)ok; /* a window cut inside a token fails to lex: widen it */
    }
}

/* The parser is given a long part a piece at a time, each piece about
 * PB_PARSE_CHUNK bytes of whole statements: libpg_query builds the raw
 * tree of everything it is given at once, about 58 times the text for
 * short statements (measured: 10 MB of "SELECT 1;" took 577 MB in one
 * pg_query_raw_parse), so one piece at a time keeps that to a bounded
 * amount whatever the file's size. */
#define PB_PARSE_CHUNK ((size_t)1 << 20)

/* Does text[0..n) hold `word` (lower case) in any case? */
static bool has_word_ci(const char *t, size_t n, const char *word)
{
    size_t k = strlen(word);
    for (size_t i = 0; i + k <= n; i++)
        if (strncasecmp(t + i, word, k) == 0)
            return true;
    return false;
}

/* Where the piece of text[pos..len) that starts at pos ends: after the
 * first top-level ';' at or past pos + PB_PARSE_CHUNK, or len when the rest
 * is short or has no such ';'. The ';' is found by libpg_query's
 * scanner-based splitter in a window that grows until it holds one (it
 * runs PostgreSQL's lexer, about 40 MB/s, without building tokens); it
 * also splits a SQL-standard function body (BEGIN ATOMIC ... END) at its
 * inner ';', so a piece that mentions ATOMIC is cut by scan_semicolons,
 * which knows those bodies. */
static size_t piece_end(char *text, size_t pos, size_t len)
{
    if (len - pos <= 2 * PB_PARSE_CHUNK)
        return len;
    size_t want = pos + PB_PARSE_CHUNK;
    for (size_t window = 65536;; window *= 2) {
        size_t lim = want + window < len ? want + window : len;
        size_t cut = SIZE_MAX;
        char saved = text[lim];
        text[lim] = '\0';
        parser_used = true;
        PgQuerySplitResult r = pg_query_split_with_scanner(text + pos);
        text[lim] = saved;
        for (int i = 0; !r.error && i < r.n_stmts; i++) {
            size_t e = pos + (size_t)r.stmts[i]->stmt_location + (size_t)r.stmts[i]->stmt_len;
            if (e >= want && e < lim && text[e] == ';') {
                cut = e;
                break;
            }
        }
        pg_query_free_split_result(r);
        if (cut != SIZE_MAX && has_word_ci(text + pos, cut - pos, "atomic")) {
            size_t next = SIZE_MAX, unused = SIZE_MAX;
            scan_semicolons(text, pos, lim, pos, want, &unused, &next);
            cut = next;
        }
        if (cut != SIZE_MAX)
            return cut + 1;
        if (lim == len)
            return len;
    }
}

pb_status pb_parse_part(pb_arena *a, char *text, size_t len, pb_parse_result *out)
{
    return pb_parse_range(a, text, 0, len, out);
}

pb_status pb_parse_range(pb_arena *a, char *text, size_t start, size_t len, pb_parse_result *out)
{
    memset(out, 0, sizeof *out);
    /* text[len] becomes NUL while parsing, like every range below */
    char saved_end = text[len];
    text[len] = '\0';
    span_vec spans = {0};
    err_vec errs = {0};
    size_t pos = start;
    size_t whole = len; /* the range; `len` is the end of the piece being parsed */
    len = piece_end(text, pos, whole);
    while (pos < whole) {
        if (pos >= len)
            len = piece_end(text, pos, whole);
        if (pb_sql_skip_space(text, pos, len) >= len) {
            pos = len;
            continue;
        }
        PgQueryError *err = NULL;
        if (parse_range(a, text, pos, len, &out->ops, &spans, &err)) {
            pos = len;
            continue;
        }
        uint32_t err_off = (uint32_t)pos + pb_parse__cursor_to_offset(text + pos, len - pos, err->cursorpos);
        if (err->cursorpos <= 0)
            err_off = (uint32_t)len;
        const char *msg = pb_arena_strdup(a, err->message ? err->message : "syntax error");
        pg_query_free_error(err);

        size_t fs, fe;
        failing_stmt_bounds(text, pos, len, err_off, &fs, &fe);
        if (fs > pos) {
            PgQueryError *err2 = NULL;
            if (!parse_range(a, text, pos, fs, &out->ops, &spans, &err2))
                pg_query_free_error(err2); /* the prefix should parse; keep what we have */
        }
        if (fe <= err_off && err_off < len)
            fe = len;
        size_t ss = pb_sql_skip_space(text, fs, fe);
        pb_syntax_error se = {
            .offset = err_off,
            .stmt_start = (uint32_t)(ss <= err_off ? ss : err_off),
            .stmt_end = (uint32_t)last_token_end(text, ss, fe),
            .message = msg,
        };
        if (se.stmt_end < se.offset)
            se.stmt_end = se.offset;
        err_push(a, &errs, se);
        if (fe <= pos)
            fe = len; /* no progress: on to the next piece */
        pos = fe;
    }
    len = whole;
    text[len] = saved_end;
    out->stmts = spans.items;
    out->nstmts = spans.len;
    out->ops.nstatements = spans.len;
    out->errors = errs.items;
    out->nerrors = errs.len;
    return PB_OK;
}
