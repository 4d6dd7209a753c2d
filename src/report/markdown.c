/* markdown format: a pull-request comment body (GitHub Flavored Markdown,
 * also GitLab's). A summary line and table come first, then one section
 * per file with findings (line and column 1-based, columns in code points)
 * and, collapsed in <details>, the phases `pgbelay plan` proposes for that
 * file when it has any. Text from the input is escaped: every Markdown
 * and HTML special character is backslash-escaped and line breaks become
 * spaces, so a message cannot open a link, an HTML tag or a table cell.
 * SQL goes into fenced code blocks whose fence is longer than any backtick
 * run inside. Paths are repository-relative. */
#include <string.h>

#include "plan/plan.h"
#include "report/report.h"

enum { HELD_BODY = 0, HELD_ROWS = 1 };

static void esc(pb_buf *b, const char *s)
{
    pb_buf clean = {0};
    pb_buf_put_display(&clean, s, strlen(s), true);
    for (size_t i = 0; i < clean.len; i++) {
        char c = clean.data[i];
        if (strchr("\\`*_{}[]<>#!|~&:$", c) && c != '\0')
            pb_buf_putc(b, '\\');
        pb_buf_putc(b, c);
    }
    pb_buf_release(&clean);
}

/* A fenced code block holding `s` as is. */
static void code_block(pb_buf *b, const char *s, const char *lang)
{
    size_t run = 0, best = 0;
    for (const char *c = s; *c; c++) {
        run = *c == '`' ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    size_t fence = best >= 3 ? best + 1 : 3;
    for (size_t i = 0; i < fence; i++)
        pb_buf_putc(b, '`');
    pb_buf_printf(b, "%s\n", lang);
    pb_buf_put_display(b, s, strlen(s), false);
    if (!*s || s[strlen(s) - 1] != '\n')
        pb_buf_putc(b, '\n');
    for (size_t i = 0; i < fence; i++)
        pb_buf_putc(b, '`');
    pb_buf_putc(b, '\n');
}

char *pb_report_plan_markdown(const pb_plan *pl)
{
    if (pl->nothing_to_change || pl->nphases == 0)
        return NULL;
    pb_buf b = {0};
    for (size_t i = 0; i < pl->nphases; i++) {
        const pb_phase *ph = &pl->phases[i];
        if (ph->gate_before) {
            pb_buf_puts(&b, "> **Deploy gate:** ");
            esc(&b, ph->gate_before);
            pb_buf_puts(&b, "\n\n");
        }
        pb_buf_printf(&b, "**Phase %u (%s):** ", ph->number, pb_phase_kind_name(ph->kind));
        esc(&b, ph->title);
        pb_buf_puts(&b,
                    ph->transactional
                        ? " \xE2\x80\x94 runs in one transaction\n\n"
                        : " \xE2\x80\x94 runs outside a transaction block, each statement on its own\n\n");
        for (size_t k = 0; k < ph->nlocks; k++) {
            pb_buf_printf(&b, "- lock: %s on ", pb_lock_mode_name(ph->locks[k].mode));
            esc(&b, ph->locks[k].relation);
            pb_buf_printf(&b, " (%s)\n", pb_lock_duration_name(ph->locks[k].duration));
        }
        if (ph->nlocks)
            pb_buf_putc(&b, '\n');
        pb_buf sql = {0};
        for (size_t k = 0; k < ph->nup; k++) {
            pb_buf_puts(&sql, ph->up[k]);
            pb_buf_putc(&sql, '\n');
        }
        code_block(&b, pb_buf_cstr(&sql), "sql");
        pb_buf_release(&sql);
        pb_buf_putc(&b, '\n');
        if (ph->down && ph->ndown) {
            pb_buf_puts(&b, "Rollback:\n\n");
            pb_buf down = {0};
            for (size_t k = 0; k < ph->ndown; k++) {
                pb_buf_puts(&down, ph->down[k]);
                pb_buf_putc(&down, '\n');
            }
            code_block(&b, pb_buf_cstr(&down), "sql");
            pb_buf_release(&down);
            pb_buf_putc(&b, '\n');
        } else if (ph->rollback) {
            pb_buf_puts(&b, "Rollback: ");
            esc(&b, ph->rollback);
            pb_buf_puts(&b, "\n\n");
        }
    }
    for (size_t i = 0; i < pl->nnotes; i++) {
        pb_buf_puts(&b, "- note: ");
        esc(&b, pl->notes[i]);
        pb_buf_putc(&b, '\n');
    }
    if (pl->nnotes)
        pb_buf_putc(&b, '\n');
    /* the buffer's memory is handed to the caller */
    pb_buf_cstr(&b);
    return b.data;
}

static void plural(pb_buf *b, size_t n, const char *what)
{
    pb_buf_printf(b, "%zu %s%s", n, what, n == 1 ? "" : "s");
}

void pb_report__markdown_file(pb_reporter *rp, pb_buf *out, const pb_result *res)
{
    pb_buf path = {0};
    pb_report__repo_path(rp, pb_source_path(res->source), &path);
    pb_buf *b = &rp->held[HELD_BODY], *rows = &rp->held[HELD_ROWS];
    if (res->status != PB_OK) {
        pb_buf_puts(rows, "| ");
        esc(rows, pb_buf_cstr(&path));
        pb_buf_puts(rows, " | could not be read | | |\n");
        pb_buf_puts(b, "### ");
        esc(b, pb_buf_cstr(&path));
        pb_buf_puts(b, "\n\n:x: ");
        esc(b, res->error ? res->error : "cannot read file");
        pb_buf_puts(b, "\n\n");
        pb_buf_release(&path);
        return;
    }
    if (res->ndiags == 0) {
        pb_buf_release(&path);
        return;
    }
    size_t n[4] = {0};
    for (size_t i = 0; i < res->ndiags; i++)
        n[res->diags[i].severity <= PB_SEV_INFO ? 1 : res->diags[i].severity >= PB_SEV_ERROR ? 3 : 2]++;
    pb_buf_puts(rows, "| ");
    esc(rows, pb_buf_cstr(&path));
    pb_buf_printf(rows, " | %zu | %zu | %zu |\n", n[3], n[2], n[1]);
    pb_buf_puts(b, "### ");
    esc(b, pb_buf_cstr(&path));
    pb_buf_puts(b, "\n\n");
    for (size_t i = 0; i < res->ndiags; i++) {
        const pb_diag *d = &res->diags[i];
        uint32_t line, col;
        pb_source_position(res->source, d->span.start, PB_COL_CHARS, &line, &col);
        bool fail = !rp->fail_never && d->severity >= rp->fail_on;
        pb_buf_printf(b, "- %s **%s** `%s`", fail ? ":x:" : ":warning:", pb_severity_name(d->severity),
                      pb_rule_id(d->rule));
        if (strcmp(pb_rule_code(d->rule), pb_rule_id(d->rule)) != 0)
            pb_buf_printf(b, " (%s)", pb_rule_code(d->rule));
        pb_buf_printf(b, ", line %u, column %u: ", line, col);
        esc(b, d->message);
        pb_buf_putc(b, '\n');
        if (d->help) {
            pb_buf_puts(b, "  - help: ");
            esc(b, d->help);
            pb_buf_putc(b, '\n');
        }
    }
    pb_buf_putc(b, '\n');
    if (rp->plan_md) {
        pb_buf_puts(b, "<details>\n<summary>Safer plan for this migration (<code>pgbelay plan ");
        pb_report__xml_escape(b, pb_buf_cstr(&path), path.len);
        pb_buf_puts(b, "</code>)</summary>\n\n");
        pb_buf_puts(b, rp->plan_md);
        pb_buf_puts(b, "</details>\n\n");
    }
    pb_buf_release(&path);
    (void)out;
}

void pb_report__markdown_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum)
{
    size_t total = sum->errors + sum->warnings + sum->infos;
    pb_buf_puts(b, "## pgbelay\n\n");
    if (total == 0) {
        pb_buf_puts(b, sum->io_errors ? ":x: No findings in " : ":white_check_mark: No findings in ");
    } else {
        pb_buf_puts(b, sum->errors ? ":x: Found " : ":warning: Found ");
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
    pb_buf_puts(b, ".\n\n");
    if (rp->held[HELD_ROWS].len) {
        pb_buf_puts(b, "| file | errors | warnings | infos |\n|---|---:|---:|---:|\n");
        pb_buf_append(b, rp->held[HELD_ROWS].data, rp->held[HELD_ROWS].len);
        pb_buf_printf(b, "| **total** | %zu | %zu | %zu |\n\n", sum->errors, sum->warnings, sum->infos);
    }
    pb_buf_append(b, rp->held[HELD_BODY].data ? rp->held[HELD_BODY].data : "", rp->held[HELD_BODY].len);
    pb_buf_printf(b, "<sub>pgbelay %s, PostgreSQL %d. `pgbelay explain RULE` documents each rule.</sub>\n",
                  PB_VERSION, rp->pg_version);
}
