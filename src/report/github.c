/* github format: GitHub Actions workflow commands, one `::error`,
 * `::warning` or `::notice` per finding (info findings are notices), with
 * the repository-relative `file`, 1-based `line` and `endLine`, and `col` /
 * `endColumn` (1-based UTF-16 code units, end exclusive) only when the
 * finding is on one line, since the runner drops columns otherwise.
 * The runner turns only the first 10 commands of each kind per step into
 * annotations, so the output is ordered errors, warnings, notices, at most
 * 10 each; the rest are listed as plain log lines (inside stop-commands, so
 * nothing in them runs as a command) and a summary line ends the output.
 * Escaping as the runner decodes it: in data `%`, CR, LF; in property
 * values also `:` and `,`. */
#include <nettle/sha2.h>
#include <string.h>

#include "report/report.h"

/* Annotations of each kind GitHub shows per step (actions/runner
 * ExecutionContext _maxCountPerIssueType). */
#define GH_MAX_PER_KIND 10

enum { HELD_OVERFLOW = 0 }; /* held[1..3]: annotations by severity */

static void escape(pb_buf *b, const char *s, bool property)
{
    pb_buf clean = {0};
    pb_buf_put_display(&clean, s, strlen(s), false); /* no control bytes, valid UTF-8 */
    for (size_t i = 0; i < clean.len; i++) {
        char c = clean.data[i];
        switch (c) {
        case '%': pb_buf_puts(b, "%25"); break;
        case '\r': pb_buf_puts(b, "%0D"); break;
        case '\n': pb_buf_puts(b, "%0A"); break;
        case ':':
            if (property)
                pb_buf_puts(b, "%3A");
            else
                pb_buf_putc(b, c);
            break;
        case ',':
            if (property)
                pb_buf_puts(b, "%2C");
            else
                pb_buf_putc(b, c);
            break;
        default: pb_buf_putc(b, c);
        }
    }
    pb_buf_release(&clean);
}

static const char *command(pb_severity s)
{
    return s == PB_SEV_ERROR ? "error" : s == PB_SEV_WARNING ? "warning" : "notice";
}

void pb_report__github_file(pb_reporter *rp, pb_buf *b, const pb_result *res)
{
    pb_buf path = {0};
    pb_report__repo_path(rp, pb_source_path(res->source), &path);
    const char *p = pb_buf_cstr(&path);
    if (res->status != PB_OK) {
        pb_buf *h = &rp->held[PB_SEV_ERROR];
        if (rp->nheld[PB_SEV_ERROR]++ < GH_MAX_PER_KIND) {
            pb_buf_puts(h, "::error file=");
            escape(h, p, true);
            pb_buf_puts(h, ",title=pgbelay::");
            escape(h, res->error ? res->error : "cannot read file", false);
            pb_buf_putc(h, '\n');
        } else {
            pb_buf_put_display(&rp->held[HELD_OVERFLOW], p, strlen(p), true);
            pb_buf_puts(&rp->held[HELD_OVERFLOW], ": error: ");
            pb_buf_put_display(&rp->held[HELD_OVERFLOW], res->error ? res->error : "cannot read file",
                               strlen(res->error ? res->error : "cannot read file"), true);
            pb_buf_putc(&rp->held[HELD_OVERFLOW], '\n');
        }
        pb_buf_release(&path);
        return;
    }
    for (size_t i = 0; i < res->ndiags; i++) {
        const pb_diag *d = &res->diags[i];
        int sev = d->severity >= PB_SEV_ERROR  ? PB_SEV_ERROR
                  : d->severity <= PB_SEV_INFO ? PB_SEV_INFO
                                               : PB_SEV_WARNING;
        uint32_t l0, c0, l1, c1;
        pb_report__range(res->source, d->span, PB_COL_UTF16, &l0, &c0, &l1, &c1);
        if (rp->nheld[sev]++ >= GH_MAX_PER_KIND) {
            pb_buf *o = &rp->held[HELD_OVERFLOW];
            pb_buf_put_display(o, p, strlen(p), true);
            pb_buf_printf(o, ":%u:%u: %s: ", l0, c0, pb_severity_name(d->severity));
            pb_buf_put_display(o, d->message, strlen(d->message), true);
            pb_buf_printf(o, " [%s]\n", pb_rule_id(d->rule));
            continue;
        }
        pb_buf *h = &rp->held[sev];
        pb_buf_printf(h, "::%s file=", command(d->severity));
        escape(h, p, true);
        pb_buf_printf(h, ",line=%u,endLine=%u", l0, l1);
        if (l0 == l1)
            pb_buf_printf(h, ",col=%u,endColumn=%u", c0, c1);
        pb_buf_printf(h, ",title=");
        pb_buf title = {0};
        pb_report__rule_label(d->rule, &title);
        escape(h, pb_buf_cstr(&title), true);
        pb_buf_release(&title);
        pb_buf_puts(h, "::");
        escape(h, d->message, false);
        if (d->help) {
            escape(h, "\nhelp: ", false);
            escape(h, d->help, false);
        }
        char more[160];
        snprintf(more, sizeof more, "\nrule: %s (pgbelay explain %s)", pb_rule_id(d->rule),
                 pb_rule_id(d->rule));
        escape(h, more, false);
        pb_buf_putc(h, '\n');
    }
    pb_buf_release(&path);
}

static void plural(pb_buf *b, size_t n, const char *what)
{
    pb_buf_printf(b, "%zu %s%s", n, what, n == 1 ? "" : "s");
}

void pb_report__github_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum)
{
    for (int s = PB_SEV_ERROR; s >= PB_SEV_INFO; s--)
        pb_buf_append(b, rp->held[s].data ? rp->held[s].data : "", rp->held[s].len);
    size_t over = 0;
    for (int s = PB_SEV_INFO; s <= PB_SEV_ERROR; s++)
        if (rp->nheld[s] > GH_MAX_PER_KIND)
            over += rp->nheld[s] - GH_MAX_PER_KIND;
    pb_buf *o = &rp->held[HELD_OVERFLOW];
    if (over) {
        /* the token is derived from the lines it guards, so they cannot
           contain it and end the guard early */
        struct sha256_ctx ctx;
        uint8_t dg[SHA256_DIGEST_SIZE];
        sha256_init(&ctx);
        sha256_update(&ctx, o->len, (const uint8_t *)o->data);
        sha256_digest(&ctx, sizeof dg, dg);
        char token[24];
        snprintf(token, sizeof token, "pgbelay-%02x%02x%02x%02x%02x%02x", dg[0], dg[1], dg[2], dg[3], dg[4],
                 dg[5]);
        pb_buf_puts(b, "::group::pgbelay: ");
        plural(b, over, "more finding");
        pb_buf_printf(b, " (GitHub shows %d annotations of each kind per step)\n", GH_MAX_PER_KIND);
        pb_buf_printf(b, "::stop-commands::%s\n", token);
        pb_buf_append(b, o->data, o->len);
        pb_buf_printf(b, "::%s::\n", token);
        pb_buf_puts(b, "::endgroup::\n");
    }
    pb_buf_puts(b, "pgbelay: ");
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
    if (over) {
        pb_buf_puts(b, "; ");
        plural(b, over, "finding");
        pb_buf_puts(b, " past GitHub's annotation limit listed in the group above");
    }
    pb_buf_putc(b, '\n');
}
