/* checkstyle format: Checkstyle XML (version 4.3 layout, as reviewdog's
 * -f=checkstyle, Jenkins and SonarQube read it): one <file> per input, one
 * <error> per finding with its 1-based line and 1-based column in code
 * points (Checkstyle columns count characters), severity error|warning|info
 * and source "pgbelay.<rule-id>". Start positions only: the format has no
 * ranges. An unreadable file gets one error without a position. */
#include <string.h>

#include "report/report.h"

static void attr(pb_buf *b, const char *name, const char *value)
{
    pb_buf_printf(b, " %s=\"", name);
    pb_report__xml_escape(b, value, strlen(value));
    pb_buf_putc(b, '"');
}

void pb_report__checkstyle_begin(pb_reporter *rp, pb_buf *b)
{
    pb_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n");
    (void)rp;
}

void pb_report__checkstyle_file(pb_reporter *rp, pb_buf *b, const pb_result *res)
{
    pb_buf_puts(b, "  <file");
    attr(b, "name", pb_source_path(res->source));
    if (res->status != PB_OK) {
        pb_buf_puts(b, ">\n    <error severity=\"error\"");
        attr(b, "message", res->error ? res->error : "cannot read file");
        pb_buf_puts(b, " source=\"pgbelay.io-error\"/>\n  </file>\n");
        return;
    }
    if (res->ndiags == 0) {
        pb_buf_puts(b, "/>\n");
        return;
    }
    pb_buf_puts(b, ">\n");
    for (size_t i = 0; i < res->ndiags; i++) {
        const pb_diag *d = &res->diags[i];
        uint32_t line, col;
        pb_source_position(res->source, d->span.start, PB_COL_CHARS, &line, &col);
        pb_buf msg = {0};
        pb_buf_puts(&msg, d->message);
        if (d->help) {
            pb_buf_puts(&msg, " (help: ");
            pb_buf_puts(&msg, d->help);
            pb_buf_putc(&msg, ')');
        }
        pb_buf_printf(b, "    <error line=\"%u\" column=\"%u\"", line, col);
        attr(b, "severity", pb_severity_name(d->severity));
        attr(b, "message", pb_buf_cstr(&msg));
        pb_buf_puts(b, " source=\"pgbelay.");
        pb_report__xml_escape(b, pb_rule_id(d->rule), strlen(pb_rule_id(d->rule)));
        pb_buf_puts(b, "\"/>\n");
        pb_buf_release(&msg);
    }
    pb_buf_puts(b, "  </file>\n");
    (void)rp;
}

void pb_report__checkstyle_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum)
{
    pb_buf_puts(b, "</checkstyle>\n");
    (void)rp;
    (void)sum;
}
