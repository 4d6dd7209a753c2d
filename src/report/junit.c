/* junit format: JUnit XML as CI systems read test reports (GitLab
 * artifacts:reports:junit, Jenkins, Azure). There is no official schema;
 * this follows the common shape (testsuites > testsuite > testcase >
 * failure). One testsuite per file, one testcase per finding, named by
 * rule, line and column (1-based, code points) and unique within its file.
 * Findings at or above --fail-on are <failure>s (type = severity); those
 * below are passing testcases with the finding in <system-out>; a clean
 * file is one passing testcase; an unreadable file is an <error>. */
#include <string.h>

#include "report/report.h"

static void attr(pb_buf *b, const char *name, const char *value)
{
    pb_buf_printf(b, " %s=\"", name);
    pb_report__xml_escape(b, value, strlen(value));
    pb_buf_putc(b, '"');
}

void pb_report__junit_begin(pb_reporter *rp, pb_buf *b)
{
    pb_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"pgbelay\">\n");
    (void)rp;
}

static bool failing(const pb_reporter *rp, pb_severity s)
{
    return !rp->fail_never && s >= rp->fail_on;
}

void pb_report__junit_file(pb_reporter *rp, pb_buf *b, const pb_result *res)
{
    const char *path = pb_source_path(res->source);
    size_t nfail = 0;
    for (size_t i = 0; i < res->ndiags; i++)
        nfail += failing(rp, res->diags[i].severity);
    size_t ntests = res->status != PB_OK ? 1 : res->ndiags ? res->ndiags : 1;
    pb_buf classname = {0};
    pb_buf_puts(&classname, "pgbelay.");
    pb_buf_puts(&classname, path);
    pb_buf_puts(b, "  <testsuite");
    attr(b, "name", path);
    pb_buf_printf(b, " tests=\"%zu\" failures=\"%zu\" errors=\"%d\" skipped=\"0\" time=\"0\">\n", ntests,
                  nfail, res->status != PB_OK);
    if (res->status != PB_OK) {
        pb_buf_puts(b, "    <testcase");
        attr(b, "classname", pb_buf_cstr(&classname));
        attr(b, "name", "read file");
        attr(b, "file", path);
        pb_buf_puts(b, " time=\"0\">\n      <error");
        attr(b, "message", res->error ? res->error : "cannot read file");
        attr(b, "type", "io-error");
        pb_buf_puts(b, "/>\n    </testcase>\n  </testsuite>\n");
        pb_buf_release(&classname);
        return;
    }
    if (res->ndiags == 0) {
        pb_buf_puts(b, "    <testcase");
        attr(b, "classname", pb_buf_cstr(&classname));
        attr(b, "name", "no findings");
        attr(b, "file", path);
        pb_buf_puts(b, " time=\"0\"/>\n");
    }
    unsigned dup = 1;
    for (size_t i = 0; i < res->ndiags; i++) {
        const pb_diag *d = &res->diags[i];
        uint32_t line, col;
        pb_source_position(res->source, d->span.start, PB_COL_CHARS, &line, &col);
        /* diagnostics are sorted by position, then rule: equal names are adjacent */
        const pb_diag *p = i ? &res->diags[i - 1] : NULL;
        dup = p && p->rule == d->rule && p->span.start == d->span.start ? dup + 1 : 1;
        pb_buf name = {0};
        pb_report__rule_label(d->rule, &name);
        pb_buf_printf(&name, " at line %u, column %u", line, col);
        if (dup > 1)
            pb_buf_printf(&name, " (%u)", dup);
        pb_buf body = {0};
        pb_buf_printf(&body, "%s: %s:%u:%u: ", pb_severity_name(d->severity), path, line, col);
        pb_buf_puts(&body, d->message);
        if (d->help) {
            pb_buf_puts(&body, "\nhelp: ");
            pb_buf_puts(&body, d->help);
        }
        pb_buf_printf(&body, "\nrule: %s (pgbelay explain %s)", pb_rule_id(d->rule), pb_rule_id(d->rule));
        pb_buf_puts(b, "    <testcase");
        attr(b, "classname", pb_buf_cstr(&classname));
        attr(b, "name", pb_buf_cstr(&name));
        attr(b, "file", path);
        pb_buf_printf(b, " line=\"%u\" time=\"0\">\n", line);
        if (failing(rp, d->severity)) {
            pb_buf_puts(b, "      <failure");
            attr(b, "message", d->message);
            attr(b, "type", pb_severity_name(d->severity));
            pb_buf_puts(b, ">");
            pb_report__xml_escape(b, body.data, body.len);
            pb_buf_puts(b, "</failure>\n");
        } else {
            pb_buf_puts(b, "      <system-out>");
            pb_report__xml_escape(b, body.data, body.len);
            pb_buf_puts(b, "</system-out>\n");
        }
        pb_buf_puts(b, "    </testcase>\n");
        pb_buf_release(&body);
        pb_buf_release(&name);
    }
    pb_buf_puts(b, "  </testsuite>\n");
    pb_buf_release(&classname);
}

void pb_report__junit_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum)
{
    pb_buf_puts(b, "</testsuites>\n");
    (void)rp;
    (void)sum;
}
