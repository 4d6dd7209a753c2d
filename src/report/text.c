/* text format: one block per finding with a code frame of the statement's
 * lines, a caret underline under the span, the rule, help and a pointer to
 * `pgbelay explain`. Colour only when asked (the CLI decides: a terminal,
 * and never with NO_COLOR). Columns shown are 1-based code points. */
#include <string.h>

#include "core/utf8.h"
#include "report/report.h"
#include "source/source.h"

#define MAX_FRAME_LINES 4

static const char *sev_color(pb_severity s)
{
    switch (s) {
    case PB_SEV_ERROR: return "\033[1;31m";
    case PB_SEV_WARNING: return "\033[1;33m";
    default: return "\033[1;36m";
    }
}

static void style(pb_reporter *rp, pb_buf *b, const char *code)
{
    if (rp->color)
        pb_buf_puts(b, code);
}

static void put_display(pb_buf *b, const char *s, size_t n)
{
    pb_buf_put_display(b, s, n, false);
}

/* Spaces (or tabs, where the source has them) up to byte `upto` of a line,
 * so that the underline lines up with the text above it. */
static void put_pad(pb_buf *b, const char *line, size_t upto)
{
    size_t i = 0;
    while (i < upto) {
        unsigned char c = (unsigned char)line[i];
        uint32_t cp;
        size_t k = c < 0x80 ? 1 : pb_utf8_decode(line + i, upto - i, &cp);
        pb_buf_putc(b, c == '\t' ? '\t' : ' ');
        i += k ? k : 1;
    }
}

static size_t count_chars(const char *s, size_t n)
{
    size_t i = 0, c = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = (unsigned char)s[i] < 0x80 ? 1 : pb_utf8_decode(s + i, n - i, &cp);
        i += k ? k : 1;
        c++;
    }
    return c;
}

static void frame(pb_reporter *rp, pb_buf *b, const pb_source *src, const pb_diag *d)
{
    size_t len;
    const char *text = pb_source_text(src, &len);
    uint32_t l0, c0, l1, c1;
    pb_source_position(src, d->span.start, PB_COL_BYTES, &l0, &c0);
    uint32_t last = d->span.end > d->span.start ? d->span.end - 1 : d->span.start;
    pb_source_position(src, last, PB_COL_BYTES, &l1, &c1);
    uint32_t nshow = l1 - l0 + 1;
    bool elide = nshow > MAX_FRAME_LINES;
    if (elide)
        nshow = MAX_FRAME_LINES - 1;
    char num[16];
    int width = snprintf(num, sizeof num, "%u", l0 + nshow - 1);
    style(rp, b, "\033[1;34m");
    pb_buf_printf(b, "%*s |\n", width, "");
    style(rp, b, "\033[0m");
    for (uint32_t ln = l0; ln < l0 + nshow; ln++) {
        uint32_t ls, le;
        if (!pb_source_line(src, ln, &ls, &le))
            break;
        style(rp, b, "\033[1;34m");
        pb_buf_printf(b, "%*u | ", width, ln);
        style(rp, b, "\033[0m");
        put_display(b, text + ls, le - ls);
        pb_buf_putc(b, '\n');
        if (ln == l0) {
            /* underline from the span start to the end of this line or span */
            uint32_t us = d->span.start, ue = d->span.end < le ? d->span.end : le;
            if (ue <= us)
                ue = us + 1;
            style(rp, b, "\033[1;34m");
            pb_buf_printf(b, "%*s | ", width, "");
            style(rp, b, "\033[0m");
            put_pad(b, text + ls, us - ls);
            style(rp, b, sev_color(d->severity));
            size_t n = us < le ? count_chars(text + us, (ue > le ? le : ue) - us) : 1;
            for (size_t k = 0; k < (n ? n : 1); k++)
                pb_buf_putc(b, '^');
            style(rp, b, "\033[0m");
            pb_buf_putc(b, '\n');
        }
    }
    if (elide) {
        style(rp, b, "\033[1;34m");
        pb_buf_printf(b, "%*s | ...\n", width, "");
        style(rp, b, "\033[0m");
    }
    (void)len;
}

void pb_report__text_file(pb_reporter *rp, pb_buf *b, const pb_result *res)
{
    if (res->status != PB_OK)
        return; /* the CLI reports it on standard error */
    const pb_source *src = res->source;
    for (size_t i = 0; i < res->ndiags; i++) {
        const pb_diag *d = &res->diags[i];
        style(rp, b, sev_color(d->severity));
        pb_buf_printf(b, "%s[%s]", pb_severity_name(d->severity), pb_rule_code(d->rule));
        style(rp, b, "\033[0m\033[1m");
        pb_buf_puts(b, ": ");
        pb_buf_put_display(b, d->message, strlen(d->message), true);
        pb_buf_putc(b, '\n');
        style(rp, b, "\033[0m");
        uint32_t line, col;
        pb_source_position(src, d->span.start, PB_COL_CHARS, &line, &col);
        style(rp, b, "\033[1;34m");
        pb_buf_puts(b, "  --> ");
        style(rp, b, "\033[0m");
        if (d->span.end > d->span.start || src->len > 0) {
            pb_buf_put_display(b, pb_source_path(src), strlen(pb_source_path(src)), true);
            pb_buf_printf(b, ":%u:%u\n", line, col);
        } else {
            pb_buf_put_display(b, pb_source_path(src), strlen(pb_source_path(src)), true);
            pb_buf_putc(b, '\n');
        }
        if (d->span.end > d->span.start)
            frame(rp, b, src, d);
        if (d->help) {
            pb_buf_puts(b, "  = help: ");
            pb_buf_put_display(b, d->help, strlen(d->help), true);
            pb_buf_putc(b, '\n');
        }
        pb_buf_printf(b, "  = rule: %s (pgbelay explain %s)\n\n", pb_rule_id(d->rule), pb_rule_id(d->rule));
    }
}

static void plural(pb_buf *b, size_t n, const char *what)
{
    pb_buf_printf(b, "%zu %s%s", n, what, n == 1 ? "" : "s");
}

void pb_report__text_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum)
{
    size_t total = sum->errors + sum->warnings + sum->infos;
    if (total == 0) {
        pb_buf_puts(b, "no findings in ");
    } else {
        pb_buf_puts(b, "found ");
        plural(b, sum->errors, "error");
        pb_buf_puts(b, ", ");
        plural(b, sum->warnings, "warning");
        pb_buf_puts(b, " and ");
        plural(b, sum->infos, "info");
        pb_buf_puts(b, " in ");
    }
    plural(b, sum->files, "file");
    pb_buf_puts(b, " (");
    plural(b, sum->statements, "statement");
    pb_buf_puts(b, ")");
    if (sum->io_errors) {
        pb_buf_puts(b, "; ");
        plural(b, sum->io_errors, "file");
        pb_buf_puts(b, " could not be read");
    }
    pb_buf_putc(b, '\n');
    (void)rp;
}
