/* gcc format: `file:line:col: warning|error: message [rule]`, 1-based line
 * and column, the column in display units (code points, tabs to stops of
 * 8) as the GNU coding standards describe. `info` findings are written as
 * `warning` because editors' gcc matchers only know warning and error. */
#include "report/report.h"

void pb_report__gcc_file(pb_reporter *rp, pb_buf *b, const pb_result *res)
{
    if (res->status != PB_OK) {
        pb_buf_printf(b, "pgbelay: error: %s\n", res->error ? res->error : "cannot read file");
        return;
    }
    const char *path = pb_source_path(res->source);
    for (size_t i = 0; i < res->ndiags; i++) {
        const pb_diag *d = &res->diags[i];
        uint32_t line, col;
        pb_source_position(res->source, d->span.start, PB_COL_DISPLAY, &line, &col);
        pb_buf_printf(b, "%s:%u:%u: %s: ", path, line, col, d->severity == PB_SEV_ERROR ? "error" : "warning");
        /* a message is one line: replace any line break */
        for (const char *p = d->message; *p; p++)
            pb_buf_putc(b, (*p == '\n' || *p == '\r') ? ' ' : *p);
        pb_buf_printf(b, " [%s]\n", pb_rule_id(d->rule));
    }
}
