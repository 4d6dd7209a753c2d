/* gcc format: `file:line:col: warning|error: message [rule]`, 1-based line
 * and column, the column in display units (code points, tabs to stops of
 * 8) as the GNU coding standards describe. `info` findings are written as
 * `warning` because editors' gcc matchers only know warning and error. */
#include <string.h>

#include "report/report.h"

void pb_report__gcc_file(pb_reporter *rp, pb_buf *b, const pb_result *res)
{
    if (res->status != PB_OK)
        return; /* the CLI reports it on standard error */
    const char *path = pb_source_path(res->source);
    for (size_t i = 0; i < res->ndiags; i++) {
        const pb_diag *d = &res->diags[i];
        uint32_t line, col;
        pb_source_position(res->source, d->span.start, PB_COL_DISPLAY, &line, &col);
        pb_buf_put_display(b, path, strlen(path), true);
        pb_buf_printf(b, ":%u:%u: %s: ", line, col, d->severity == PB_SEV_ERROR ? "error" : "warning");
        /* one line, and no control characters from the input */
        pb_buf_put_display(b, d->message, strlen(d->message), true);
        pb_buf_printf(b, " [%s]\n", pb_rule_id(d->rule));
    }
}
