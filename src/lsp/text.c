/* The language server's documents: text with a line index, edits, and the
 * conversion between byte offsets and LSP positions in the negotiated
 * unit (UTF-16 code units, UTF-8 bytes or code points). */
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "lsp/lsp.h"

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("pgbelay lsp: out of memory\n", stderr);
        abort();
    }
    return q;
}

static void index_lines(pb_lsp_text *t)
{
    t->nlines = 0;
    for (size_t i = 0;; i++) {
        if (t->nlines == t->lines_cap) {
            t->lines_cap = t->lines_cap ? t->lines_cap * 2 : 64;
            t->lines = xrealloc(t->lines, t->lines_cap * sizeof *t->lines);
        }
        if (i == 0) {
            t->lines[t->nlines++] = 0;
            if (!t->len)
                break;
        }
        if (i >= t->len)
            break;
        char c = t->data[i];
        if (c == '\n' || (c == '\r' && (i + 1 >= t->len || t->data[i + 1] != '\n'))) {
            if (t->nlines == t->lines_cap) {
                t->lines_cap *= 2;
                t->lines = xrealloc(t->lines, t->lines_cap * sizeof *t->lines);
            }
            t->lines[t->nlines++] = (uint32_t)(i + 1);
        }
    }
}

static void reserve(pb_lsp_text *t, size_t n)
{
    if (n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < n + 1)
            cap *= 2;
        t->data = xrealloc(t->data, cap);
        t->cap = cap;
    }
}

void pb_lsp__text_set(pb_lsp_text *t, const char *s, size_t n)
{
    reserve(t, n);
    if (n)
        memcpy(t->data, s, n);
    t->data[n] = '\0';
    t->len = n;
    /* a document that shrank a lot gives its memory back */
    if (t->cap > 4096 && t->cap > 4 * (n + 1)) {
        t->data = xrealloc(t->data, n + 1);
        t->cap = n + 1;
    }
    index_lines(t);
}

void pb_lsp__text_splice(pb_lsp_text *t, size_t start, size_t end, const char *s, size_t n)
{
    if (end > t->len)
        end = t->len;
    if (start > end)
        start = end;
    size_t len = t->len - (end - start) + n;
    reserve(t, len);
    memmove(t->data + start + n, t->data + end, t->len - end);
    if (n)
        memcpy(t->data + start, s, n);
    t->len = len;
    t->data[len] = '\0';
    index_lines(t);
}

void pb_lsp__text_free(pb_lsp_text *t)
{
    free(t->data);
    free(t->lines);
    memset(t, 0, sizeof *t);
}

/* End of line `l` without its line break. */
static size_t line_end(const pb_lsp_text *t, uint32_t l)
{
    size_t e = l + 1 < t->nlines ? t->lines[l + 1] : t->len;
    if (e > t->lines[l] && l + 1 < t->nlines && t->data[e - 1] == '\n')
        e--;
    if (e > t->lines[l] && l + 1 < t->nlines && t->data[e - 1] == '\r')
        e--;
    return e;
}

/* Units of `enc` taken by the character at s[0..n); *len its bytes (an
 * invalid byte counts as one U+FFFD). */
static uint32_t units(const char *s, size_t n, pb_lsp_encoding enc, size_t *len)
{
    uint32_t cp;
    size_t k = pb_utf8_decode(s, n, &cp);
    if (!k) {
        *len = 1;
        return 1;
    }
    *len = k;
    switch (enc) {
    case PB_LSP_UTF8: return (uint32_t)k;
    case PB_LSP_UTF32: return 1;
    case PB_LSP_UTF16: break;
    }
    return cp >= 0x10000 ? 2 : 1;
}

bool pb_lsp__offset(const pb_lsp_text *t, pb_lsp_encoding enc, int64_t line, int64_t character, size_t *off)
{
    if (line < 0 || character < 0 || line >= t->nlines)
        return false;
    size_t i = t->lines[line], e = line_end(t, (uint32_t)line);
    int64_t u = 0;
    while (i < e) {
        size_t k;
        uint32_t w = units(t->data + i, e - i, enc, &k);
        if (u + w > character)
            break;
        u += w;
        i += k;
    }
    *off = i;
    return true;
}

void pb_lsp__position(const pb_lsp_text *t, pb_lsp_encoding enc, size_t off, uint32_t *line,
                      uint32_t *character)
{
    if (off > t->len)
        off = t->len;
    uint32_t lo = 0, hi = t->nlines;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    size_t e = line_end(t, lo);
    if (off > e)
        off = e; /* inside a "\r\n": the end of the line */
    uint32_t u = 0;
    for (size_t i = t->lines[lo]; i < off;) {
        size_t k;
        u += units(t->data + i, off - i, enc, &k);
        i += k;
    }
    *line = lo;
    *character = u;
}
