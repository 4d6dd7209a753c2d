/* Growable output buffer with a size cap, and JSON string escaping. */
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

#define BUF_DEFAULT_MAX ((size_t)1 << 30)

static bool grow(pb_buf *b, size_t extra)
{
    size_t max = b->max ? b->max : BUF_DEFAULT_MAX;
    if (b->overflow || extra > max || b->len > max - extra) {
        b->overflow = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) {
        fprintf(stderr, "pgbelay: out of memory\n");
        abort();
    }
    b->data = d;
    b->cap = cap;
    return true;
}

void pb_buf_append(pb_buf *b, const char *s, size_t n)
{
    if (!grow(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void pb_buf_puts(pb_buf *b, const char *s)
{
    pb_buf_append(b, s, strlen(s));
}

void pb_buf_putc(pb_buf *b, char c)
{
    pb_buf_append(b, &c, 1);
}

void pb_buf_printf(pb_buf *b, const char *fmt, ...)
{
    va_list ap, cp;
    va_start(ap, fmt);
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n > 0 && grow(b, (size_t)n)) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        b->len += (size_t)n;
    }
    va_end(ap);
}

const char *pb_buf_cstr(pb_buf *b)
{
    if (!b->data)
        return "";
    return b->data;
}

void pb_buf_release(pb_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void pb_buf_json_escape(pb_buf *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* a run of printable ASCII that needs no escape: one append */
        size_t run = i;
        while (run < n && (unsigned char)s[run] >= 0x20 && (unsigned char)s[run] < 0x7f && s[run] != '"' &&
               s[run] != '\\')
            run++;
        if (run > i) {
            pb_buf_append(b, s + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            uint32_t cp;
            size_t k = pb_utf8_decode(s + i, n - i, &cp);
            if (k == 0) {
                pb_buf_puts(b, "\xEF\xBF\xBD");
                i++;
            } else {
                pb_buf_append(b, s + i, k);
                i += k;
            }
            continue;
        }
        switch (c) {
        case '"': pb_buf_puts(b, "\\\""); break;
        case '\\': pb_buf_puts(b, "\\\\"); break;
        case '\n': pb_buf_puts(b, "\\n"); break;
        case '\r': pb_buf_puts(b, "\\r"); break;
        case '\t': pb_buf_puts(b, "\\t"); break;
        default:
            if (c < 0x20 || c == 0x7f)
                pb_buf_printf(b, "\\u%04x", c);
            else
                pb_buf_putc(b, (char)c);
        }
        i++;
    }
}

void pb_buf_put_display(pb_buf *b, const char *s, size_t n, bool one_line)
{
    size_t i = 0;
    while (i < n) {
        /* a run of printable ASCII goes in with one copy */
        size_t run = i;
        while (run < n && (unsigned char)s[run] >= 0x20 && (unsigned char)s[run] < 0x7f)
            run++;
        if (run > i) {
            pb_buf_append(b, s + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (one_line && (c == '\n' || c == '\r' || c == '\t'))
                pb_buf_putc(b, ' ');
            else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
                pb_buf_puts(b, "\xEF\xBF\xBD");
            else
                pb_buf_putc(b, (char)c);
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = pb_utf8_decode(s + i, n - i, &cp);
        if (k == 0 || (cp >= 0x80 && cp < 0xA0)) {
            pb_buf_puts(b, "\xEF\xBF\xBD");
            i += k ? k : 1;
        } else {
            pb_buf_append(b, s + i, k);
            i += k;
        }
    }
}
