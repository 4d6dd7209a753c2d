/* genrules: turns rules/<id>.yaml (the single source of truth for each
 * rule) into the C registry (src/rules/registry.gen.c), the text of
 * `pgbelay explain`, and docs/rules/<id>.md + docs/rules/README.md.
 *
 *   genrules ROOT           write the generated files under ROOT
 *   genrules --check ROOT   exit 1 and name every stale or missing file,
 *                           every rule without src/rules/<id>.c
 *
 * YAML errors are reported as file:line:col and exit 2. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "core/buf.h"

typedef struct example {
    bool bad;
    char *sql;
    int pg_version;
    bool assume_tx;
} example;

typedef struct rule {
    char *file;
    char *id, *code, *severity, *summary, *why, *instead, *lock, *stage;
    int pg_min, pg_max;
    example *ex;
    size_t nex;
} rule;

static int failures;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "genrules: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        die("out of memory");
    return d;
}

static const char *scalar(yaml_document_t *doc, yaml_node_t *n, const char *file, const char *key)
{
    if (!n || n->type != YAML_SCALAR_NODE)
        die("%s:%lu:%lu: '%s' must be a scalar", file, n ? (unsigned long)n->start_mark.line + 1 : 0,
            n ? (unsigned long)n->start_mark.column + 1 : 0, key);
    (void)doc;
    return (const char *)n->data.scalar.value;
}

static int to_int(yaml_node_t *n, const char *file, const char *key)
{
    char *end;
    long v = strtol(scalar(NULL, n, file, key), &end, 10);
    if (*end)
        die("%s:%lu:%lu: '%s' must be an integer", file, (unsigned long)n->start_mark.line + 1,
            (unsigned long)n->start_mark.column + 1, key);
    return (int)v;
}

static bool to_bool(yaml_node_t *n, const char *file, const char *key)
{
    const char *s = scalar(NULL, n, file, key);
    if (!strcmp(s, "true") || !strcmp(s, "yes"))
        return true;
    if (!strcmp(s, "false") || !strcmp(s, "no"))
        return false;
    die("%s:%lu:%lu: '%s' must be true or false", file, (unsigned long)n->start_mark.line + 1,
        (unsigned long)n->start_mark.column + 1, key);
    return false;
}

static void add_examples(rule *r, yaml_document_t *doc, yaml_node_t *seq, bool bad)
{
    if (seq->type != YAML_SEQUENCE_NODE)
        die("%s:%lu: examples.%s must be a list", r->file, (unsigned long)seq->start_mark.line + 1,
            bad ? "bad" : "good");
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
        yaml_node_t *e = yaml_document_get_node(doc, *it);
        r->ex = realloc(r->ex, (r->nex + 1) * sizeof *r->ex);
        example *x = &r->ex[r->nex++];
        memset(x, 0, sizeof *x);
        x->bad = bad;
        if (e->type == YAML_SCALAR_NODE) {
            x->sql = xstrdup((char *)e->data.scalar.value);
            continue;
        }
        if (e->type != YAML_MAPPING_NODE)
            die("%s:%lu: an example is a string or a mapping", r->file,
                (unsigned long)e->start_mark.line + 1);
        for (yaml_node_pair_t *p = e->data.mapping.pairs.start; p < e->data.mapping.pairs.top; p++) {
            const char *k = scalar(doc, yaml_document_get_node(doc, p->key), r->file, "key");
            yaml_node_t *v = yaml_document_get_node(doc, p->value);
            if (!strcmp(k, "sql"))
                x->sql = xstrdup(scalar(doc, v, r->file, k));
            else if (!strcmp(k, "pg_version"))
                x->pg_version = to_int(v, r->file, k);
            else if (!strcmp(k, "assume_in_transaction"))
                x->assume_tx = to_bool(v, r->file, k);
            else
                die("%s:%lu:%lu: unknown example key '%s'", r->file, (unsigned long)v->start_mark.line + 1,
                    (unsigned long)v->start_mark.column + 1, k);
        }
        if (!x->sql)
            die("%s:%lu: an example needs 'sql'", r->file, (unsigned long)e->start_mark.line + 1);
    }
}

static void load_rule(rule *r, const char *path, const char *shown)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open '%s': %s", path, strerror(errno));
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &doc))
        die("%s:%lu:%lu: %s", shown, (unsigned long)parser.problem_mark.line + 1,
            (unsigned long)parser.problem_mark.column + 1, parser.problem ? parser.problem : "YAML error");
    memset(r, 0, sizeof *r);
    r->file = xstrdup(shown);
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || root->type != YAML_MAPPING_NODE)
        die("%s:1:1: a rule file is a mapping", shown);
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(&doc, p->key);
        const char *k = scalar(&doc, kn, shown, "key");
        yaml_node_t *v = yaml_document_get_node(&doc, p->value);
        if (!strcmp(k, "id"))
            r->id = xstrdup(scalar(&doc, v, shown, k));
        else if (!strcmp(k, "code"))
            r->code = xstrdup(scalar(&doc, v, shown, k));
        else if (!strcmp(k, "severity"))
            r->severity = xstrdup(scalar(&doc, v, shown, k));
        else if (!strcmp(k, "summary"))
            r->summary = xstrdup(scalar(&doc, v, shown, k));
        else if (!strcmp(k, "why"))
            r->why = xstrdup(scalar(&doc, v, shown, k));
        else if (!strcmp(k, "instead"))
            r->instead = xstrdup(scalar(&doc, v, shown, k));
        else if (!strcmp(k, "lock"))
            r->lock = xstrdup(scalar(&doc, v, shown, k));
        else if (!strcmp(k, "stage"))
            r->stage = xstrdup(scalar(&doc, v, shown, k));
        else if (!strcmp(k, "pg_min"))
            r->pg_min = to_int(v, shown, k);
        else if (!strcmp(k, "pg_max"))
            r->pg_max = to_int(v, shown, k);
        else if (!strcmp(k, "examples")) {
            if (v->type != YAML_MAPPING_NODE)
                die("%s:%lu: examples must have bad: and good: lists", shown,
                    (unsigned long)v->start_mark.line + 1);
            for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
                const char *ek = scalar(&doc, yaml_document_get_node(&doc, q->key), shown, "key");
                yaml_node_t *ev = yaml_document_get_node(&doc, q->value);
                if (!strcmp(ek, "bad"))
                    add_examples(r, &doc, ev, true);
                else if (!strcmp(ek, "good"))
                    add_examples(r, &doc, ev, false);
                else
                    die("%s:%lu:%lu: unknown key examples.%s", shown, (unsigned long)ev->start_mark.line + 1,
                        (unsigned long)ev->start_mark.column + 1, ek);
            }
        } else {
            die("%s:%lu:%lu: unknown key '%s'", shown, (unsigned long)kn->start_mark.line + 1,
                (unsigned long)kn->start_mark.column + 1, k);
        }
    }
    const char *required[][2] = {{"id", r->id},           {"code", r->code}, {"severity", r->severity},
                                 {"summary", r->summary}, {"why", r->why},   {"instead", r->instead}};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!required[i][1])
            die("%s: missing required key '%s'", shown, required[i][0]);
    if (strcmp(r->severity, "error") && strcmp(r->severity, "warning") && strcmp(r->severity, "info"))
        die("%s: severity must be error, warning or info", shown);
    if (!r->stage)
        r->stage = xstrdup("op");
    if (strcmp(r->stage, "op") && strcmp(r->stage, "parse") && strcmp(r->stage, "source"))
        die("%s: stage must be op, parse or source", shown);
    if (!r->lock)
        r->lock = xstrdup("");
    char expect[512];
    snprintf(expect, sizeof expect, "%s.yaml", r->id);
    const char *base = strrchr(shown, '/');
    base = base ? base + 1 : shown;
    if (strcmp(base, expect))
        die("%s: the file name must be the rule id ('%s')", shown, expect);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    fclose(f);
}

static int rule_cmp(const void *a, const void *b)
{
    return strcmp(((const rule *)a)->code, ((const rule *)b)->code);
}

static void c_string(pb_buf *b, const char *s)
{
    pb_buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            pb_buf_putc(b, '\\');
            pb_buf_putc(b, (char)c);
        } else if (c == '\n') {
            pb_buf_puts(b, "\\n\"\n    \"");
        } else if (c < 0x20 || c >= 0x7f) {
            pb_buf_printf(b, "\\%03o", c);
        } else {
            pb_buf_putc(b, (char)c);
        }
    }
    pb_buf_putc(b, '"');
}

static char *cname(const char *id)
{
    char *s = xstrdup(id);
    for (char *p = s; *p; p++)
        if (*p == '-')
            *p = '_';
    return s;
}

static void versions(pb_buf *b, const rule *r)
{
    if (!r->pg_min && !r->pg_max)
        pb_buf_puts(b, "all supported (11-17)");
    else if (!r->pg_max)
        pb_buf_printf(b, "%d and later", r->pg_min);
    else if (!r->pg_min)
        pb_buf_printf(b, "up to %d", r->pg_max);
    else
        pb_buf_printf(b, "%d-%d", r->pg_min, r->pg_max);
}

/* Indents every line of `s` by `ind` spaces, trailing newline trimmed. */
static void indented(pb_buf *b, const char *s, const char *ind)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == '\n')
        n--;
    const char *p = s, *end = s + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (len)
            pb_buf_puts(b, ind);
        pb_buf_append(b, p, len);
        pb_buf_putc(b, '\n');
        p += len + 1;
    }
}

static void explain_text(pb_buf *b, const rule *r)
{
    pb_buf_printf(b, "%s %s (%s)\n%s\n\n", r->code, r->id, r->severity, r->summary);
    if (*r->lock)
        pb_buf_printf(b, "Lock: %s\n", r->lock);
    pb_buf_puts(b, "PostgreSQL versions: ");
    versions(b, r);
    pb_buf_puts(b, "\n\nWhy\n");
    indented(b, r->why, "  ");
    pb_buf_puts(b, "\nInstead\n");
    indented(b, r->instead, "  ");
    for (int bad = 1; bad >= 0; bad--) {
        bool any = false;
        for (size_t i = 0; i < r->nex; i++) {
            const example *x = &r->ex[i];
            if (x->bad != bad)
                continue;
            if (!any)
                pb_buf_printf(b, "\n%s\n", bad ? "Flagged" : "Not flagged");
            any = true;
            if (x->pg_version || x->assume_tx) {
                pb_buf_puts(b, "  --");
                if (x->pg_version)
                    pb_buf_printf(b, " --pg-version %d", x->pg_version);
                if (x->assume_tx)
                    pb_buf_puts(b, " --assume-in-transaction");
                pb_buf_putc(b, '\n');
            }
            indented(b, x->sql, "  ");
        }
    }
}

static void markdown(pb_buf *b, const rule *r)
{
    pb_buf_printf(b, "<!-- Generated by tools/genrules from rules/%s.yaml. Do not edit. -->\n", r->id);
    pb_buf_printf(b, "# %s `%s`\n\n%s\n\n", r->code, r->id, r->summary);
    pb_buf_printf(b, "| | |\n|---|---|\n| default severity | %s |\n", r->severity);
    if (*r->lock)
        pb_buf_printf(b, "| lock | %s |\n", r->lock);
    pb_buf_puts(b, "| PostgreSQL versions | ");
    versions(b, r);
    pb_buf_puts(b, " |\n\n## Why\n\n");
    pb_buf_puts(b, r->why);
    if (b->len && b->data[b->len - 1] != '\n')
        pb_buf_putc(b, '\n');
    pb_buf_puts(b, "\n## Instead\n\n");
    pb_buf_puts(b, r->instead);
    if (b->len && b->data[b->len - 1] != '\n')
        pb_buf_putc(b, '\n');
    for (int bad = 1; bad >= 0; bad--) {
        bool any = false;
        for (size_t i = 0; i < r->nex; i++) {
            const example *x = &r->ex[i];
            if (x->bad != bad)
                continue;
            if (!any)
                pb_buf_printf(b, "\n## %s\n", bad ? "Flagged" : "Not flagged");
            any = true;
            pb_buf_puts(b, "\n");
            if (x->pg_version || x->assume_tx) {
                pb_buf_puts(b, "With");
                if (x->pg_version)
                    pb_buf_printf(b, " `--pg-version %d`", x->pg_version);
                if (x->assume_tx)
                    pb_buf_puts(b, " `--assume-in-transaction`");
                pb_buf_puts(b, ":\n\n");
            }
            pb_buf_puts(b, "```sql\n");
            pb_buf_puts(b, x->sql);
            if (b->len && b->data[b->len - 1] != '\n')
                pb_buf_putc(b, '\n');
            pb_buf_puts(b, "```\n");
        }
    }
}

static void registry(pb_buf *b, rule *rs, size_t n)
{
    pb_buf_puts(b, "/* Generated by tools/genrules from the rules/<id>.yaml files. Do not edit: change the\n"
                   " * YAML and run `zig build gen`. */\n// clang-format off\n#include \"rules/rule.h\"\n\n");
    for (size_t i = 0; i < n; i++) {
        char *c = cname(rs[i].id);
        if (!strcmp(rs[i].stage, "op"))
            pb_buf_printf(b, "void pb_rule__%s(pb_rule_ctx *ctx, const pb_op *op);\n", c);
        free(c);
    }
    for (size_t i = 0; i < n; i++) {
        rule *r = &rs[i];
        char *c = cname(r->id);
        pb_buf_printf(b, "\nstatic const pb_rule_example ex_%s[] = {\n", c);
        for (size_t k = 0; k < r->nex; k++) {
            pb_buf_printf(b, "    {%s, ", r->ex[k].bad ? "true" : "false");
            c_string(b, r->ex[k].sql);
            pb_buf_printf(b, ", %d, %s},\n", r->ex[k].pg_version, r->ex[k].assume_tx ? "true" : "false");
        }
        if (!r->nex)
            pb_buf_puts(b, "    {false, \"\", 0, false},\n");
        pb_buf_printf(b,
                      "};\n\nstatic const pb_rule_info r_%s = {\n    .index = %zu,\n    .id = \"%s\",\n    "
                      ".code = \"%s\",\n",
                      c, i, r->id, r->code);
        pb_buf_printf(b, "    .severity = PB_SEV_%s,\n",
                      !strcmp(r->severity, "error")     ? "ERROR"
                      : !strcmp(r->severity, "warning") ? "WARNING"
                                                        : "INFO");
        pb_buf_puts(b, "    .summary = ");
        c_string(b, r->summary);
        pb_buf_puts(b, ",\n    .why = ");
        c_string(b, r->why);
        pb_buf_puts(b, ",\n    .instead = ");
        c_string(b, r->instead);
        pb_buf_puts(b, ",\n    .lock = ");
        c_string(b, r->lock);
        pb_buf_printf(b, ",\n    .pg_min = %d,\n    .pg_max = %d,\n    .stage = \"%s\",\n", r->pg_min,
                      r->pg_max, r->stage);
        if (!strcmp(r->stage, "op"))
            pb_buf_printf(b, "    .check = pb_rule__%s,\n", c);
        pb_buf_printf(b, "    .examples = ex_%s,\n    .nexamples = %zu,\n    .explain = ", c, r->nex);
        pb_buf ex = {0};
        explain_text(&ex, r);
        c_string(b, pb_buf_cstr(&ex));
        pb_buf_release(&ex);
        pb_buf_puts(b, ",\n};\n");
        free(c);
    }
    pb_buf_puts(b, "\nconst pb_rule_info *const pb_rule_registry[] = {\n");
    for (size_t i = 0; i < n; i++) {
        char *c = cname(rs[i].id);
        pb_buf_printf(b, "    &r_%s,\n", c);
        free(c);
    }
    pb_buf_printf(b, "};\n\nconst size_t pb_rule_registry_len = %zu;\n", n);
}

static void index_md(pb_buf *b, rule *rs, size_t n)
{
    pb_buf_puts(b, "<!-- Generated by tools/genrules from rules/*.yaml. Do not edit. -->\n# Rules\n\n"
                   "| code | rule | severity | summary |\n|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++)
        pb_buf_printf(b, "| %s | [`%s`](%s.md) | %s | %s |\n", rs[i].code, rs[i].id, rs[i].id, rs[i].severity,
                      rs[i].summary);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    pb_buf b = {0};
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        pb_buf_append(&b, tmp, n);
    fclose(f);
    *len = b.len;
    if (!b.data)
        return calloc(1, 1);
    return b.data;
}

static void output(bool check, const char *root, const char *rel, pb_buf *b)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    if (check) {
        size_t len;
        char *old = read_all(path, &len);
        if (!old || len != b->len || memcmp(old, pb_buf_cstr(b), len) != 0) {
            fprintf(stderr, "stale: %s (run `zig build gen`)\n", rel);
            failures++;
        }
        free(old);
        return;
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot write '%s': %s", path, strerror(errno));
    fwrite(pb_buf_cstr(b), 1, b->len, f);
    fclose(f);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    bool check = false;
    const char *root = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--check"))
            check = true;
        else
            root = argv[i];
    }
    if (!root)
        die("usage: genrules [--check] ROOT");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/rules", root);
    DIR *d = opendir(dir);
    if (!d)
        die("cannot open '%s': %s", dir, strerror(errno));
    char **names = NULL;
    size_t nn = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l > 5 && !strcmp(de->d_name + l - 5, ".yaml")) {
            names = realloc(names, (nn + 1) * sizeof *names);
            names[nn++] = xstrdup(de->d_name);
        }
    }
    closedir(d);
    qsort(names, nn, sizeof *names, name_cmp);
    rule *rs = calloc(nn ? nn : 1, sizeof *rs);
    for (size_t i = 0; i < nn; i++) {
        char path[4096], shown[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        snprintf(shown, sizeof shown, "rules/%s", names[i]);
        load_rule(&rs[i], path, shown);
    }
    qsort(rs, nn, sizeof *rs, rule_cmp);
    for (size_t i = 0; i + 1 < nn; i++) {
        if (!strcmp(rs[i].code, rs[i + 1].code))
            die("%s and %s share code %s", rs[i].file, rs[i + 1].file, rs[i].code);
    }
    for (size_t i = 0; i < nn; i++) {
        char *c = cname(rs[i].id);
        char path[4096];
        snprintf(path, sizeof path, "%s/src/rules/%s.c", root, c);
        struct stat sb;
        if (stat(path, &sb) != 0) {
            fprintf(stderr, "%s: no implementation: src/rules/%s.c does not exist\n", rs[i].file, c);
            failures++;
        }
        free(c);
        bool bad = false, good = false;
        for (size_t k = 0; k < rs[i].nex; k++)
            (rs[i].ex[k].bad ? &bad : &good)[0] = true;
        /* pipeline rules may be untriggerable from YAML (invalid bytes, huge
           files): those are covered by golden tests under testdata/input/ */
        if ((!bad && !strcmp(rs[i].stage, "op")) || !good) {
            fprintf(stderr, "%s: needs at least one bad and one good example\n", rs[i].file);
            failures++;
        }
    }
    pb_buf b = {0};
    registry(&b, rs, nn);
    output(check, root, "src/rules/registry.gen.c", &b);
    pb_buf_release(&b);
    for (size_t i = 0; i < nn; i++) {
        char rel[4096];
        snprintf(rel, sizeof rel, "docs/rules/%s.md", rs[i].id);
        markdown(&b, &rs[i]);
        output(check, root, rel, &b);
        pb_buf_release(&b);
    }
    index_md(&b, rs, nn);
    output(check, root, "docs/rules/README.md", &b);
    pb_buf_release(&b);
    if (check && failures == 0)
        printf("genrules: %zu rules, generated files up to date\n", nn);
    for (size_t i = 0; i < nn; i++) {
        rule *r = &rs[i];
        char *fields[] = {r->file, r->id,      r->code, r->severity, r->summary,
                          r->why,  r->instead, r->lock, r->stage};
        for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
            free(fields[k]);
        for (size_t k = 0; k < r->nex; k++)
            free(r->ex[k].sql);
        free(r->ex);
        free(names[i]);
    }
    free(rs);
    free(names);
    return failures ? 1 : 0;
}
