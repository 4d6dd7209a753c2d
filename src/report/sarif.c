/* sarif format: one SARIF 2.1.0 log (OASIS sarif-schema-2.1.0.json) as
 * GitHub code scanning reads it. Every rule of the registry is listed with
 * its summary, rationale and safe alternative from rules/<id>.yaml; results
 * point at repository-relative URIs with 1-based lines and 1-based UTF-16
 * columns (`columnKind: utf16CodeUnits`), the end column exclusive. The
 * fingerprint (path, rule, normalized statement, occurrence) is given as
 * `primaryLocationLineHash`, the one GitHub matches alerts by, and as
 * `pgbelay/v1`. Unreadable files become tool execution notifications. */
#include <jansson.h>
#include <string.h>

#include "report/report.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
/* GitHub's cap on shortDescription / fullDescription text. */
#define SARIF_DESC_MAX 1024

static const char *level(pb_severity s)
{
    return s == PB_SEV_ERROR ? "error" : s == PB_SEV_WARNING ? "warning" : "note";
}

/* YAML paragraph text as SARIF plain text: the lines of a paragraph
 * joined with spaces, paragraphs separated by a blank line, indented code
 * lines kept as lines; cut to `max` bytes (0: no cap) at a UTF-8 boundary
 * with "..." when longer; `fallback` when empty (GitHub refuses empty
 * strings). With `markdown`, lines are kept as written. */
static json_t *text_(const char *s, size_t max, const char *fallback, bool markdown)
{
    pb_buf b = {0};
    bool para_break = false;
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        size_t k = 0;
        while (k < len && s[k] == ' ')
            k++;
        if (k == len) {
            para_break = b.len > 0;
        } else if (markdown || k >= 4) {
            if (b.len)
                pb_buf_puts(&b, para_break ? "\n\n" : "\n");
            pb_buf_append(&b, s, len);
            para_break = false;
        } else {
            if (b.len)
                pb_buf_puts(&b, para_break ? "\n\n" : b.data[b.len - 1] == '\n' ? "" : " ");
            pb_buf_append(&b, s + k, len - k);
            para_break = false;
        }
        s += len + (e ? 1 : 0);
    }
    if (b.len == 0)
        pb_buf_puts(&b, fallback);
    if (max && b.len > max) {
        size_t cut = max - 3;
        while (cut > 0 && ((unsigned char)b.data[cut] & 0xC0) == 0x80)
            cut--;
        b.len = cut;
        pb_buf_puts(&b, "...");
    }
    json_t *j = pb_report__json_str(pb_buf_cstr(&b));
    pb_buf_release(&b);
    return j;
}

static json_t *text(const char *s, size_t max, const char *fallback)
{
    return text_(s, max, fallback, false);
}

static json_t *rule_json(const pb_rule_info *r)
{
    /* name: the id in UpperCamelCase ("CreateIndexNonConcurrent") */
    char name[128];
    size_t k = 0;
    bool up = true;
    for (const char *c = pb_rule_id(r); *c && k + 1 < sizeof name; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9'))) {
            up = true; /* "custom:naming-tables" -> "CustomNamingTables" */
            continue;
        }
        name[k++] = up && *c >= 'a' && *c <= 'z' ? (char)(*c - 32) : *c;
        up = false;
    }
    name[k] = '\0';
    pb_buf help = {0}, md = {0};
    pb_buf_puts(&help, pb_rule_instead(r));
    pb_buf_printf(&help, "\n\nFull documentation: pgbelay explain %s", pb_rule_id(r));
    pb_buf_printf(&md, "**%s**", pb_rule_summary(r));
    if (strcmp(pb_rule_code(r), pb_rule_id(r)) != 0)
        pb_buf_printf(&md, " (%s)", pb_rule_code(r));
    pb_buf_puts(&md, "\n\n");
    if (*pb_rule_why(r))
        pb_buf_printf(&md, "### Why\n\n%s\n\n", pb_rule_why(r));
    if (*pb_rule_instead(r))
        pb_buf_printf(&md, "### Instead\n\n%s\n\n", pb_rule_instead(r));
    pb_buf_printf(&md, "Full documentation: `pgbelay explain %s`\n", pb_rule_id(r));
    const char *sev = pb_rule_default_severity(r) == PB_SEV_ERROR     ? "error"
                      : pb_rule_default_severity(r) == PB_SEV_WARNING ? "warning"
                                                                      : "recommendation";
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(pb_rule_id(r)));
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "shortDescription",
                        json_pack("{s:o}", "text", text(pb_rule_summary(r), SARIF_DESC_MAX, pb_rule_id(r))));
    json_object_set_new(o, "fullDescription",
                        json_pack("{s:o}", "text", text(pb_rule_why(r), SARIF_DESC_MAX, pb_rule_summary(r))));
    json_object_set_new(o, "help",
                        json_pack("{s:o, s:o}", "text", text(pb_buf_cstr(&help), 0, pb_rule_id(r)),
                                  "markdown", text_(pb_buf_cstr(&md), 0, pb_rule_id(r), true)));
    json_object_set_new(o, "defaultConfiguration",
                        json_pack("{s:s}", "level", level(pb_rule_default_severity(r))));
    json_object_set_new(o, "properties",
                        json_pack("{s:[s, s], s:s, s:s}", "tags", "postgresql", "migrations",
                                  "problem.severity", sev, "code", pb_rule_code(r)));
    pb_buf_release(&help);
    pb_buf_release(&md);
    return o;
}

void pb_report__sarif_begin(pb_reporter *rp, pb_buf *b)
{
    json_t *jrules = json_array(); /* the rules results refer to, in order of first use */
    json_t *driver = json_object();
    json_object_set_new(driver, "name", json_string("pgbelay"));
    json_object_set_new(driver, "semanticVersion", json_string(PB_VERSION));
    json_object_set_new(driver, "rules", jrules);
    json_t *run = json_object();
    json_object_set_new(run, "tool", json_pack("{s:o}", "driver", driver));
    json_object_set_new(run, "columnKind", json_string("utf16CodeUnits"));
    json_object_set_new(run, "results", json_array());
    json_object_set_new(run, "invocations",
                        json_pack("[{s:b, s:[]}]", "executionSuccessful", 1, "toolExecutionNotifications"));
    rp->doc = json_object();
    json_object_set_new(rp->doc, "$schema", json_string(SARIF_SCHEMA));
    json_object_set_new(rp->doc, "version", json_string("2.1.0"));
    json_object_set_new(rp->doc, "runs", json_pack("[o]", run));
    (void)b;
}

static json_t *the_run(pb_reporter *rp)
{
    return json_array_get(json_object_get(rp->doc, "runs"), 0);
}

static json_t *location(const char *uri, json_t *region)
{
    json_t *pl = json_object();
    json_object_set_new(pl, "artifactLocation", json_pack("{s:o}", "uri", pb_report__json_str(uri)));
    if (region)
        json_object_set_new(pl, "region", region);
    return json_pack("{s:o}", "physicalLocation", pl);
}

/* The index of `r` in the run's rules, adding it on first use. */
static size_t rule_index(pb_reporter *rp, const pb_rule_info *r)
{
    json_t *rules = json_object_get(json_object_get(json_object_get(the_run(rp), "tool"), "driver"), "rules");
    size_t i;
    json_t *v;
    json_array_foreach(rules, i, v)
    {
        if (!strcmp(json_string_value(json_object_get(v, "id")), pb_rule_id(r)))
            return i;
    }
    json_array_append_new(rules, rule_json(r));
    return json_array_size(rules) - 1;
}

void pb_report__sarif_file(pb_reporter *rp, pb_buf *b, const pb_result *res)
{
    json_t *run = the_run(rp);
    pb_buf path = {0}, uri = {0};
    pb_report__repo_path(rp, pb_source_path(res->source), &path);
    pb_report__uri_path(&uri, pb_buf_cstr(&path));
    if (res->status != PB_OK) {
        json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
        json_object_set_new(inv, "executionSuccessful", json_false());
        json_t *note = json_object();
        json_object_set_new(note, "level", json_string("error"));
        json_object_set_new(
            note, "message",
            json_pack("{s:o}", "text", pb_report__json_str(res->error ? res->error : "cannot read file")));
        json_object_set_new(note, "locations", json_pack("[o]", location(pb_buf_cstr(&uri), NULL)));
        json_array_append_new(json_object_get(inv, "toolExecutionNotifications"), note);
        pb_buf_release(&path);
        pb_buf_release(&uri);
        return;
    }
    json_t *results = json_object_get(run, "results");
    for (size_t i = 0; i < res->ndiags; i++) {
        const pb_diag *d = &res->diags[i];
        uint32_t l0, c0, l1, c1;
        pb_report__range(res->source, d->span, PB_COL_UTF16, &l0, &c0, &l1, &c1);
        char fp[65];
        pb_report__fingerprint(rp, pb_buf_cstr(&path), res, d, fp);
        pb_buf msg = {0};
        pb_buf_puts(&msg, d->message);
        if (d->help) {
            pb_buf_puts(&msg, "\nhelp: ");
            pb_buf_puts(&msg, d->help);
        }
        json_t *r = json_object();
        json_object_set_new(r, "ruleId", json_string(pb_rule_id(d->rule)));
        json_object_set_new(r, "ruleIndex", json_integer((json_int_t)rule_index(rp, d->rule)));
        json_object_set_new(r, "level", json_string(level(d->severity)));
        json_object_set_new(r, "message", json_pack("{s:o}", "text", pb_report__json_str(pb_buf_cstr(&msg))));
        json_object_set_new(
            r, "locations",
            json_pack("[o]", location(pb_buf_cstr(&uri),
                                      json_pack("{s:i, s:i, s:i, s:i}", "startLine", (json_int_t)l0,
                                                "startColumn", (json_int_t)c0, "endLine", (json_int_t)l1,
                                                "endColumn", (json_int_t)c1))));
        json_object_set_new(r, "partialFingerprints",
                            json_pack("{s:s, s:s}", "primaryLocationLineHash", fp, "pgbelay/v1", fp));
        json_array_append_new(results, r);
        pb_buf_release(&msg);
    }
    pb_buf_release(&path);
    pb_buf_release(&uri);
    (void)b;
}

void pb_report__sarif_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum)
{
    pb_report__json_dump(b, rp->doc, 2);
    pb_buf_putc(b, '\n');
    (void)sum;
}
