/* .pgbelay.yaml: the key table, the parser that walks it over libyaml's
 * document tree (marks give every error its line and column), where each
 * value came from, and the config file search. Custom rules are compiled
 * in custom.c; the reference and `pgbelay config` output in print.c. */
#include "config/config.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "config/custom.h"
#include "report/report.h"

/* ---- the key table ---------------------------------------------------------- */

static const char *const fail_on_choices[] = {"error", "warning", "info", "none", "never", NULL};

static const pb_config_key rule_fields[] = {
    {.name = "enabled",
     .type = PB_CT_BOOL,
     .slot = PB_CS_RULE_ENABLED,
     .def = "true",
     .doc = "false turns the rule off."},
    {.name = "severity",
     .type = PB_CT_SEVERITY,
     .slot = PB_CS_RULE_SEVERITY,
     .def = "the rule's own",
     .doc = "The severity its findings are reported with."},
    {0},
};

static const pb_config_key naming_fields[] = {
    {.name = "pattern",
     .type = PB_CT_REGEX,
     .slot = PB_CS_C_PATTERN,
     .required = true,
     .doc = "PCRE2 pattern every name must match (unanchored: use ^ and $)."},
    {.name = "message",
     .type = PB_CT_STRING,
     .slot = PB_CS_C_MESSAGE,
     .def = "`KIND name does not match PATTERN`",
     .doc = "The finding's message; the name is appended."},
    {.name = "severity",
     .type = PB_CT_SEVERITY,
     .slot = PB_CS_C_SEVERITY,
     .def = "warning",
     .doc = "Severity of its findings."},
    {.name = "help", .type = PB_CT_STRING, .slot = PB_CS_C_HELP, .doc = "What to do instead, shown as help."},
    {0},
};

static const pb_config_key length_fields[] = {
    {.name = "max",
     .type = PB_CT_INT,
     .slot = PB_CS_C_MAX,
     .def = "63",
     .min = 1,
     .max = 63,
     .doc = "Longest identifier allowed, in bytes. PostgreSQL truncates names longer than "
            "NAMEDATALEN - 1 = 63 bytes (manual: Identifiers and Key Words), so two long names "
            "can end up the same."},
    {.name = "message",
     .type = PB_CT_STRING,
     .slot = PB_CS_C_MESSAGE,
     .def = "`identifier is longer than MAX bytes`",
     .doc = "The finding's message."},
    {.name = "severity",
     .type = PB_CT_SEVERITY,
     .slot = PB_CS_C_SEVERITY,
     .def = "warning",
     .doc = "Severity of its findings."},
    {0},
};

static const pb_config_key naming_keys[] = {
    {.name = "tables",
     .type = PB_CT_SECTION,
     .slot = PB_CS_NAMING,
     .target = PB_NAME_TABLE + 1,
     .sub = naming_fields,
     .doc = "Tables created (CREATE TABLE, CREATE TABLE AS) or renamed (ALTER TABLE ... RENAME TO). "
            "Rule id `custom:naming-tables`."},
    {.name = "columns",
     .type = PB_CT_SECTION,
     .slot = PB_CS_NAMING,
     .target = PB_NAME_COLUMN + 1,
     .sub = naming_fields,
     .doc = "Columns of CREATE TABLE, ADD COLUMN and RENAME COLUMN. Rule id `custom:naming-columns`."},
    {.name = "indexes",
     .type = PB_CT_SECTION,
     .slot = PB_CS_NAMING,
     .target = PB_NAME_INDEX + 1,
     .sub = naming_fields,
     .doc = "Indexes named in CREATE INDEX or ALTER INDEX ... RENAME TO (an unnamed index gets "
            "PostgreSQL's own name and is not checked). Rule id `custom:naming-indexes`."},
    {.name = "constraints",
     .type = PB_CT_SECTION,
     .slot = PB_CS_NAMING,
     .target = PB_NAME_CONSTRAINT + 1,
     .sub = naming_fields,
     .doc = "Constraints named with CONSTRAINT in CREATE TABLE, ADD COLUMN or ADD CONSTRAINT, or renamed "
            "(RENAME CONSTRAINT). "
            "Rule id `custom:naming-constraints`."},
    {.name = "sequences",
     .type = PB_CT_SECTION,
     .slot = PB_CS_NAMING,
     .target = PB_NAME_SEQUENCE + 1,
     .sub = naming_fields,
     .doc = "Sequences created or renamed. Rule id `custom:naming-sequences`."},
    {.name = "identifier-length",
     .type = PB_CT_SECTION,
     .slot = PB_CS_NAMING,
     .sub = length_fields,
     .doc = "Every table, column, index, constraint, sequence, view and schema name a migration "
            "creates or renames. Rule id `custom:identifier-length`."},
    {0},
};

static const pb_config_key banned_fields[] = {
    {.name = "name",
     .type = PB_CT_NAME,
     .slot = PB_CS_C_NAME,
     .required = true,
     .doc = "The rule's name; its id is `custom:<name>`."},
    {.name = "pattern",
     .type = PB_CT_REGEX,
     .slot = PB_CS_C_PATTERN,
     .required = true,
     .doc = "PCRE2 pattern, matched case-insensitively against each statement's text."},
    {.name = "message",
     .type = PB_CT_STRING,
     .slot = PB_CS_C_MESSAGE,
     .required = true,
     .doc = "The finding's message."},
    {.name = "severity",
     .type = PB_CT_SEVERITY,
     .slot = PB_CS_C_SEVERITY,
     .def = "warning",
     .doc = "Severity of its findings."},
    {.name = "help", .type = PB_CT_STRING, .slot = PB_CS_C_HELP, .doc = "What to do instead, shown as help."},
    {0},
};

static const pb_config_key required_fields[] = {
    {.name = "name",
     .type = PB_CT_NAME,
     .slot = PB_CS_C_NAME,
     .required = true,
     .doc = "The rule's name; its id is `custom:<name>`."},
    {.name = "pattern",
     .type = PB_CT_REGEX,
     .slot = PB_CS_C_PATTERN,
     .required = true,
     .doc = "PCRE2 pattern that some statement of the migration must match (case-insensitive)."},
    {.name = "when",
     .type = PB_CT_REGEX,
     .slot = PB_CS_C_WHEN,
     .def = "every migration with a statement",
     .doc = "Only migrations with a statement matching this pattern need `pattern`; the finding "
            "points at the first such statement."},
    {.name = "message",
     .type = PB_CT_STRING,
     .slot = PB_CS_C_MESSAGE,
     .required = true,
     .doc = "The finding's message."},
    {.name = "severity",
     .type = PB_CT_SEVERITY,
     .slot = PB_CS_C_SEVERITY,
     .def = "warning",
     .doc = "Severity of its findings."},
    {.name = "help", .type = PB_CT_STRING, .slot = PB_CS_C_HELP, .doc = "What to do instead, shown as help."},
    {0},
};

const pb_config_key pb_config_keys[] = {
    {.name = "pg-version",
     .type = PB_CT_INT,
     .slot = PB_CS_PG_VERSION,
     .def = "15",
     .cli = "--pg-version",
     .min = PB_PG_VERSION_MIN,
     .max = PB_PG_VERSION_MAX,
     .doc = "PostgreSQL major version of the target server (11 to 17): lock levels and rewrites "
            "depend on it."},
    {.name = "framework",
     .type = PB_CT_CHOICE,
     .slot = PB_CS_FRAMEWORK,
     .def = "detected per directory",
     .cli = "--framework",
     .doc = "The migration tool that runs the files: how they are ordered, split into up and down "
            "parts, and whether each runs in a transaction."},
    {.name = "migrations",
     .type = PB_CT_PATHS,
     .slot = PB_CS_MIGRATIONS,
     .def = "[.]",
     .cli = "PATH arguments",
     .doc = "Files or directories `pgbelay lint` checks when no PATH is given, relative to the "
            "directory of the config file."},
    {.name = "exclude",
     .type = PB_CT_GLOBS,
     .slot = PB_CS_EXCLUDE,
     .def = "[]",
     .doc = "fnmatch(3) patterns of files to skip when walking a directory, matched against the path "
            "relative to the config file's directory and against the file name; `*` also matches `/`. "
            "A file named on the command line is always linted."},
    {.name = "assume-in-transaction",
     .type = PB_CT_BOOL,
     .slot = PB_CS_ASSUME_TX,
     .def = "false",
     .cli = "--assume-in-transaction",
     .doc = "The runner wraps each plain SQL file in a transaction (frameworks that say so "
            "themselves need not set it)."},
    {.name = "fail-on",
     .type = PB_CT_CHOICE,
     .slot = PB_CS_FAIL_ON,
     .def = "warning",
     .cli = "--fail-on",
     .choices = fail_on_choices,
     .doc = "`pgbelay lint` exits 1 when a finding has at least this severity (`none` or `never`: not for "
            "findings)."},
    {.name = "format",
     .type = PB_CT_CHOICE,
     .slot = PB_CS_FORMAT,
     .def = "text",
     .cli = "--format",
     .doc = "Default output format of `pgbelay lint`: any value `--format` accepts."},
    {.name = "require-reason",
     .type = PB_CT_BOOL,
     .slot = PB_CS_REQUIRE_REASON,
     .def = "true",
     .doc = "A suppression comment must give a reason after a colon "
            "(`-- pgbelay-ignore drop-column: the column was unused since v2`); without one the "
            "suppression still applies and `ignore-without-reason` reports it."},
    {.name = "regex-match-limit",
     .type = PB_CT_INT,
     .slot = PB_CS_MATCH_LIMIT,
     .def = "1000000",
     .min = 1,
     .max = 1000000000,
     .doc = "PCRE2 match limit for custom-rule patterns (pcre2_set_match_limit): a pattern that "
            "backtracks more on one statement stops, and the stop is reported as an error finding."},
    {.name = "regex-depth-limit",
     .type = PB_CT_INT,
     .slot = PB_CS_DEPTH_LIMIT,
     .def = "10000",
     .min = 1,
     .max = 100000000,
     .doc = "PCRE2 depth limit for custom-rule patterns (pcre2_set_depth_limit; the JIT ignores it "
            "and is bounded by its stack)."},
    {.name = "rules",
     .type = PB_CT_RULE_MAP,
     .slot = PB_CS_RULES,
     .sub = rule_fields,
     .doc = "Per-rule settings, keyed by rule id or code (`drop-column`, `PB115`, `custom:NAME`). "
            "The value is `off` (or `false`), `on`, a severity (`error`, `warning`, `info`), or a "
            "mapping with these keys:"},
    {.name = "naming",
     .type = PB_CT_SECTION,
     .slot = PB_CS_NAMING,
     .sub = naming_keys,
     .doc = "Naming conventions: custom rules over the names migrations create or rename (as "
            "PostgreSQL folds them: unquoted names in lower case, without the schema)."},
    {.name = "banned",
     .type = PB_CT_LIST,
     .slot = PB_CS_BANNED,
     .sub = banned_fields,
     .doc = "Custom rules: statements that must not appear. Each entry reports every statement "
            "whose text matches its pattern."},
    {.name = "required",
     .type = PB_CT_LIST,
     .slot = PB_CS_REQUIRED,
     .sub = required_fields,
     .doc = "Custom rules: statements a migration must contain, such as `SET lock_timeout` in every "
            "migration that alters a table. Checked per migration part (up and down separately)."},
    {0},
};

/* ---- errors ------------------------------------------------------------------ */

typedef struct parser {
    pb_config *cfg;
    const char *file;
    yaml_document_t *doc;
} parser;

static void add_error(pb_config *cfg, const char *file, unsigned long line, unsigned long col,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void add_error(pb_config *cfg, const char *file, unsigned long line, unsigned long col,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = pb_arena_vsprintf(cfg->arena, fmt, ap);
    va_end(ap);
    char **v = pb_arena_alloc(cfg->arena, (cfg->nerrors + 1) * sizeof *v);
    pb_config_problem *pr = pb_arena_alloc(cfg->arena, (cfg->nerrors + 1) * sizeof *pr);
    if (cfg->nerrors) {
        memcpy(v, cfg->errors, cfg->nerrors * sizeof *v);
        memcpy(pr, cfg->problems, cfg->nerrors * sizeof *pr);
    }
    /* in file order (rules: is checked last, once custom rules exist) */
    size_t at = cfg->nerrors;
    while (at > 0 && (pr[at - 1].line > line || (pr[at - 1].line == line && pr[at - 1].col > col))) {
        v[at] = v[at - 1];
        pr[at] = pr[at - 1];
        at--;
    }
    v[at] = pb_arena_sprintf(cfg->arena, "%s:%lu:%lu: %s", file, line, col, msg);
    pr[at] = (pb_config_problem){(uint32_t)line, (uint32_t)col, msg};
    cfg->nerrors++;
    cfg->errors = v;
    cfg->problems = pr;
}

#define ERR_AT(P, node, ...)                                                                                 \
    add_error((P)->cfg, (P)->file, (unsigned long)(node)->start_mark.line + 1,                               \
              (unsigned long)(node)->start_mark.column + 1, __VA_ARGS__)

static pb_origin origin_of(const yaml_node_t *n)
{
    return (pb_origin){PB_FROM_FILE, (uint32_t)n->start_mark.line + 1, (uint32_t)n->start_mark.column + 1,
                       NULL};
}

size_t pb_config__distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return SIZE_MAX;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            char x = a[i - 1], y = b[j - 1];
            if (x == '_')
                x = '-';
            if (y == '_')
                y = '-';
            size_t cost = (x | 0x20) == (y | 0x20) ? 0 : 1;
            size_t best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* " (did you mean 'x'?)" for the nearest of `names`, or "". */
static const char *suggest(pb_arena *a, const char *word, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t bd = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t d = pb_config__distance(word, names[i]);
        if (d < bd) {
            bd = d;
            best = names[i];
        }
    }
    size_t len = strlen(word);
    if (!best || bd > (len < 4 ? 1 : len / 3 + 1))
        return "";
    return pb_arena_sprintf(a, " (did you mean '%s'?)", best);
}

static const char *type_name(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_MAPPING_NODE: return "a mapping";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_SCALAR_NODE:
        return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? "a plain value" : "a quoted string";
    default: return "nothing";
    }
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The value for a message: 'text' for a scalar, else what it is. */
static const char *what(pb_arena *a, const yaml_node_t *n)
{
    const char *s = scalar(n);
    if (!s)
        return type_name(n);
    return pb_arena_sprintf(a, "%s'%.60s%s'",
                            n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? "" : "the string ", s,
                            strlen(s) > 60 ? "..." : "");
}

/* YAML 1.1 booleans: true/false, yes/no, on/off. Returns -1 for others. */
static int yaml_bool(const yaml_node_t *n)
{
    const char *s = scalar(n);
    if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return -1;
    if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on"))
        return 1;
    if (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off"))
        return 0;
    return -1;
}

/* ---- values ------------------------------------------------------------------ */

/* What the key being parsed belongs to. */
typedef struct obj {
    pb_custom_rule *custom; /* naming / banned / required entry */
    pb_rule_setting *rule;  /* rules: entry */
    bool seen[PB_CS__COUNT];
} obj;

static bool check_int(parser *P, const pb_config_key *k, const yaml_node_t *v, long *out)
{
    const char *s = scalar(v);
    char *end;
    errno = 0;
    long x = s && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && *s ? strtol(s, &end, 10) : 0;
    if (!s || v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || !*s || *end || errno) {
        ERR_AT(P, v, "'%s' must be an integer, not %s", k->name, what(P->cfg->arena, v));
        return false;
    }
    if (x < k->min || x > k->max) {
        ERR_AT(P, v, "'%s' must be from %ld to %ld, not %ld", k->name, k->min, k->max, x);
        return false;
    }
    *out = x;
    return true;
}

static const char *check_string(parser *P, const pb_config_key *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    if (!s)
        ERR_AT(P, v, "'%s' must be a string, not %s", k->name, type_name(v));
    return s;
}

static const char **string_list(parser *P, const pb_config_key *k, const yaml_node_t *v, size_t *n)
{
    if (v->type != YAML_SEQUENCE_NODE) {
        ERR_AT(P, v, "'%s' must be a list of strings, not %s", k->name, what(P->cfg->arena, v));
        return NULL;
    }
    size_t cnt = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    const char **out = pb_arena_alloc(P->cfg->arena, (cnt + 1) * sizeof *out);
    size_t m = 0;
    bool ok = true;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *e = yaml_document_get_node(P->doc, *it);
        const char *s = scalar(e);
        if (!s || !*s) {
            ERR_AT(P, e, "each entry of '%s' must be a non-empty string, not %s", k->name,
                   s ? "an empty string" : type_name(e));
            ok = false;
            continue;
        }
        out[m++] = pb_arena_strdup(P->cfg->arena, s);
    }
    *n = m;
    return ok ? out : NULL;
}

static pb_severity check_severity(parser *P, const pb_config_key *k, const yaml_node_t *v)
{
    const char *s = scalar(v);
    pb_severity sev = pb_severity_parse(s);
    if (!sev) {
        static const char *const names[] = {"error", "warning", "info"};
        if (s)
            ERR_AT(P, v, "'%s' must be error, warning or info, not '%s'%s", k->name, s,
                   suggest(P->cfg->arena, s, names, 3));
        else
            ERR_AT(P, v, "'%s' must be error, warning or info, not %s", k->name, type_name(v));
    }
    return sev;
}

static void set_scalar(parser *P, const pb_config_key *k, const yaml_node_t *v, obj *o)
{
    pb_config *cfg = P->cfg;
    long x;
    int b;
    const char *s;
    switch (k->slot) {
    case PB_CS_PG_VERSION:
        if (check_int(P, k, v, &x))
            cfg->pg_version = (int)x;
        else
            return;
        break;
    case PB_CS_MATCH_LIMIT:
    case PB_CS_DEPTH_LIMIT:
        if (!check_int(P, k, v, &x))
            return;
        *(k->slot == PB_CS_MATCH_LIMIT ? &cfg->match_limit : &cfg->depth_limit) = (unsigned long)x;
        break;
    case PB_CS_FRAMEWORK: {
        if (!(s = check_string(P, k, v)))
            return;
        if (!pb_framework_parse(s, &cfg->framework)) {
            const char *names[PB_FW__COUNT];
            for (int i = 0; i < PB_FW__COUNT; i++)
                names[i] = pb_framework_name((pb_framework)i);
            ERR_AT(P, v, "unknown framework '%s'%s", s, suggest(cfg->arena, s, names, PB_FW__COUNT));
            return;
        }
        cfg->framework_set = true;
        break;
    }
    case PB_CS_FORMAT: {
        pb_format f;
        if (!(s = check_string(P, k, v)))
            return;
        if (!pb_format_parse(s, &f)) {
            ERR_AT(P, v, "unknown format '%s' (see 'pgbelay lint --help')", s);
            return;
        }
        cfg->format = pb_arena_strdup(cfg->arena, s);
        break;
    }
    case PB_CS_FAIL_ON:
        if (!(s = check_string(P, k, v)))
            return;
        if (!strcmp(s, "none") || !strcmp(s, "never")) {
            cfg->fail_never = true;
        } else if (pb_severity_parse(s)) {
            cfg->fail_on = pb_severity_parse(s);
            cfg->fail_never = false;
        } else {
            ERR_AT(P, v, "'fail-on' must be error, warning, info or none, not '%s'%s", s,
                   suggest(cfg->arena, s, fail_on_choices, 5));
            return;
        }
        break;
    case PB_CS_ASSUME_TX:
    case PB_CS_REQUIRE_REASON:
    case PB_CS_RULE_ENABLED:
        if ((b = yaml_bool(v)) < 0) {
            ERR_AT(P, v, "'%s' must be true or false, not %s", k->name, what(cfg->arena, v));
            return;
        }
        if (k->slot == PB_CS_ASSUME_TX)
            cfg->assume_in_transaction = b;
        else if (k->slot == PB_CS_REQUIRE_REASON)
            cfg->require_reason = b;
        else if (o->rule)
            o->rule->disabled = !b;
        else if (o->custom)
            o->custom->disabled = !b;
        break;
    case PB_CS_RULE_SEVERITY: {
        pb_severity sev = check_severity(P, k, v);
        if (!sev)
            return;
        if (o->rule)
            o->rule->severity = sev;
        else if (o->custom)
            o->custom->info.severity = sev;
        break;
    }
    case PB_CS_MIGRATIONS:
    case PB_CS_EXCLUDE: {
        size_t n = 0;
        const char **list = string_list(P, k, v, &n);
        if (!list)
            return;
        if (k->slot == PB_CS_MIGRATIONS) {
            cfg->migrations = list;
            cfg->nmigrations = n;
        } else {
            cfg->exclude = list;
            cfg->nexclude = n;
        }
        break;
    }
    case PB_CS_C_NAME:
        if (!(s = check_string(P, k, v)))
            return;
        for (const char *c = s; *c; c++)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-')) {
                ERR_AT(P, v, "'name' must be lower-case letters, digits and '-', not '%s'", s);
                return;
            }
        if (!*s) {
            ERR_AT(P, v, "'name' must not be empty");
            return;
        }
        o->custom->info.id = o->custom->info.code = pb_arena_sprintf(cfg->arena, "custom:%s", s);
        break;
    case PB_CS_C_PATTERN:
    case PB_CS_C_WHEN: {
        if (!(s = check_string(P, k, v)))
            return;
        char err[256];
        size_t off = 0;
        void *re = pb_custom__compile(
            s, k->slot == PB_CS_C_PATTERN && o->custom->kind == PB_CUSTOM_NAMING ? 0 : PB_CUSTOM_CASELESS,
            err, sizeof err, &off);
        if (!re) {
            ERR_AT(P, v, "'%s' is not a valid PCRE2 pattern: %s at offset %zu of '%s'", k->name, err, off, s);
            return;
        }
        pb_custom__keep(cfg, re);
        if (k->slot == PB_CS_C_PATTERN) {
            o->custom->pattern = pb_arena_strdup(cfg->arena, s);
            o->custom->re = re;
        } else {
            o->custom->when = pb_arena_strdup(cfg->arena, s);
            o->custom->re_when = re;
        }
        break;
    }
    case PB_CS_C_MESSAGE:
        if (!(s = check_string(P, k, v)))
            return;
        o->custom->message = pb_arena_strdup(cfg->arena, s);
        break;
    case PB_CS_C_HELP:
        if (!(s = check_string(P, k, v)))
            return;
        o->custom->info.instead = pb_arena_strdup(cfg->arena, s);
        break;
    case PB_CS_C_SEVERITY: {
        pb_severity sev = check_severity(P, k, v);
        if (sev)
            o->custom->info.severity = sev;
        else
            return;
        break;
    }
    case PB_CS_C_MAX:
        if (check_int(P, k, v, &x))
            o->custom->max_len = (int)x;
        else
            return;
        break;
    default: return;
    }
    if (k->slot < PB_CS_RULES)
        cfg->from[k->slot] = origin_of(v);
}

/* ---- walking the document ---------------------------------------------------- */

static void parse_map(parser *P, const yaml_node_t *map, const pb_config_key *keys, const char *where,
                      obj *o);

static pb_custom_rule *new_custom(parser *P, pb_custom_kind kind, const yaml_node_t *at)
{
    pb_config *cfg = P->cfg;
    pb_custom_rule *c = pb_arena_alloc(cfg->arena, sizeof *c);
    c->kind = kind;
    c->origin = origin_of(at);
    c->info.index = SIZE_MAX;
    c->info.severity = PB_SEV_WARNING;
    c->info.stage = "custom";
    c->info.lock = "";
    c->info.instead = "";
    c->max_len = PB_IDENTIFIER_MAX_BYTES;
    pb_custom_rule **v = pb_arena_alloc(cfg->arena, (cfg->ncustom + 1) * sizeof *v);
    if (cfg->ncustom)
        memcpy(v, cfg->custom, cfg->ncustom * sizeof *v);
    v[cfg->ncustom++] = c;
    cfg->custom = v;
    return c;
}

static void drop_custom(pb_config *cfg, pb_custom_rule *c)
{
    for (size_t i = 0; i < cfg->ncustom; i++)
        if (cfg->custom[i] == c) {
            memmove(&cfg->custom[i], &cfg->custom[i + 1], (cfg->ncustom - i - 1) * sizeof *cfg->custom);
            cfg->ncustom--;
            return;
        }
}

static const char *const target_names[PB_NAME__COUNT] = {"tables", "columns", "indexes", "constraints",
                                                         "sequences"};

/* A custom rule's object: its keys, then required keys, its id and text. */
static void parse_custom(parser *P, const pb_config_key *k, const yaml_node_t *v, pb_custom_kind kind,
                         const char *where)
{
    if (v->type != YAML_MAPPING_NODE) {
        ERR_AT(P, v, "'%s' must be a mapping, not %s", where, what(P->cfg->arena, v));
        return;
    }
    size_t before = P->cfg->nerrors;
    pb_custom_rule *c = new_custom(P, kind, v);
    if (kind == PB_CUSTOM_NAMING)
        c->target = (pb_name_target)(k->target - 1);
    obj o = {.custom = c};
    parse_map(P, v, k->sub, where, &o);
    for (const pb_config_key *f = k->sub; f->name; f++)
        if (f->required && !o.seen[f->slot])
            ERR_AT(P, v, "'%s' needs '%s'", where, f->name);
    pb_arena *a = P->cfg->arena;
    if (kind == PB_CUSTOM_NAMING)
        c->info.id = c->info.code = pb_arena_sprintf(a, "custom:naming-%s", target_names[c->target]);
    else if (kind == PB_CUSTOM_LENGTH)
        c->info.id = c->info.code = "custom:identifier-length";
    if (P->cfg->nerrors != before || !c->info.id) {
        drop_custom(P->cfg, c);
        return;
    }
    for (size_t i = 0; i + 1 < P->cfg->ncustom; i++)
        if (!strcmp(P->cfg->custom[i]->info.id, c->info.id)) {
            ERR_AT(P, v, "a custom rule named '%s' is already defined at line %u", c->info.id,
                   P->cfg->custom[i]->origin.line);
            drop_custom(P->cfg, c);
            return;
        }
    if (!c->message) {
        if (kind == PB_CUSTOM_NAMING)
            c->message =
                pb_arena_sprintf(a, "%.*s name does not match %s",
                                 (int)strlen(target_names[c->target]) - (c->target == PB_NAME_INDEX ? 2 : 1),
                                 target_names[c->target], c->pattern);
        else
            c->message = pb_arena_sprintf(a, "identifier is longer than %d bytes", c->max_len);
    }
    c->info.summary = c->message;
    c->info.why = pb_arena_sprintf(a, "A custom rule defined in %s at line %u%s%s%s.", P->file,
                                   c->origin.line, c->pattern ? " (pattern: " : "",
                                   c->pattern ? c->pattern : "", c->pattern ? ")" : "");
}

/* `pgbelay explain` text of a custom rule, once rules: has re-graded it. */
static void explain_custom(pb_config *cfg, pb_custom_rule *c)
{
    const char *kind = c->kind == PB_CUSTOM_NAMING   ? "naming convention"
                       : c->kind == PB_CUSTOM_LENGTH ? "identifier length"
                       : c->kind == PB_CUSTOM_BANNED ? "banned statement pattern"
                                                     : "required statement pattern";
    pb_buf b = {0};
    pb_buf_printf(&b, "%s [%s%s]\n\n%s\n\n%s\n", c->info.id, pb_severity_name(c->info.severity),
                  c->disabled ? ", turned off" : "", c->message, c->info.why);
    pb_buf_printf(&b, "\nkind: %s\n", kind);
    if (c->when)
        pb_buf_printf(&b, "when a statement matches: %s\n", c->when);
    if (c->kind == PB_CUSTOM_LENGTH)
        pb_buf_printf(&b, "longest name allowed: %d bytes\n", c->max_len);
    if (*c->info.instead)
        pb_buf_printf(&b, "\nInstead: %s\n", c->info.instead);
    c->info.explain = pb_arena_strdup(cfg->arena, pb_buf_cstr(&b));
    pb_buf_release(&b);
}

static void parse_rules(parser *P, const pb_config_key *k, const yaml_node_t *v)
{
    if (v->type != YAML_MAPPING_NODE) {
        ERR_AT(P, v, "'rules' must be a mapping of rule ids to settings, not %s", what(P->cfg->arena, v));
        return;
    }
    size_t nreg = pb_rule_registry_len;
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(P->doc, p->key);
        yaml_node_t *vn = yaml_document_get_node(P->doc, p->value);
        const char *id = scalar(kn);
        if (!id) {
            ERR_AT(P, kn, "a key of 'rules' must be a rule id or code, not %s", type_name(kn));
            continue;
        }
        const pb_rule_info *r = pb_rule_find(id);
        pb_custom_rule *c = NULL;
        for (size_t i = 0; !r && i < P->cfg->ncustom; i++)
            if (!strcmp(P->cfg->custom[i]->info.id, id))
                c = P->cfg->custom[i];
        if (!r && !c) {
            const char **names = pb_arena_alloc(P->cfg->arena, (nreg + P->cfg->ncustom + 1) * sizeof *names);
            size_t n = 0;
            for (size_t i = 0; i < nreg; i++)
                names[n++] = pb_rule_registry[i]->id;
            for (size_t i = 0; i < P->cfg->ncustom; i++)
                names[n++] = P->cfg->custom[i]->info.id;
            ERR_AT(P, kn, "unknown rule '%s'%s", id, suggest(P->cfg->arena, id, names, n));
            continue;
        }
        pb_rule_setting tmp = {.rule = r};
        pb_rule_setting *rs = r ? &P->cfg->rules[r->index] : &tmp;
        if (rs->set) {
            ERR_AT(P, kn, "rule '%s' is set twice (also at line %u)", id, rs->origin.line);
            continue;
        }
        obj o = {.rule = r ? rs : NULL, .custom = c};
        size_t before = P->cfg->nerrors;
        if (vn->type == YAML_MAPPING_NODE) {
            parse_map(P, vn, k->sub, pb_arena_sprintf(P->cfg->arena, "rules.%s", id), &o);
        } else {
            int b = yaml_bool(vn);
            const char *s = scalar(vn);
            pb_severity sev = pb_severity_parse(s);
            if (b >= 0) {
                if (c)
                    c->disabled = !b;
                else
                    rs->disabled = !b;
            } else if (sev) {
                if (c)
                    c->info.severity = sev;
                else
                    rs->severity = sev;
            } else {
                ERR_AT(P, vn, "rule '%s' must be set to off, on, error, warning, info or a mapping, not %s",
                       id, what(P->cfg->arena, vn));
            }
        }
        if (P->cfg->nerrors == before && r) {
            rs->set = true;
            rs->origin = origin_of(kn);
        }
    }
}

static void parse_value(parser *P, const pb_config_key *k, const yaml_node_t *v, const char *where, obj *o)
{
    switch (k->type) {
    case PB_CT_SECTION:
        if (k->slot == PB_CS_NAMING && k->sub != naming_keys) {
            parse_custom(P, k, v, k->target ? PB_CUSTOM_NAMING : PB_CUSTOM_LENGTH, where);
        } else if (v->type != YAML_MAPPING_NODE) {
            ERR_AT(P, v, "'%s' must be a mapping, not %s", where, what(P->cfg->arena, v));
        } else {
            obj sub = {0};
            parse_map(P, v, k->sub, where, &sub);
        }
        break;
    case PB_CT_LIST:
        if (v->type != YAML_SEQUENCE_NODE) {
            ERR_AT(P, v, "'%s' must be a list of mappings, not %s", where, what(P->cfg->arena, v));
            break;
        }
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
            parse_custom(P, k, yaml_document_get_node(P->doc, *it),
                         k->slot == PB_CS_BANNED ? PB_CUSTOM_BANNED : PB_CUSTOM_REQUIRED,
                         pb_arena_sprintf(P->cfg->arena, "%s[%zu]", where,
                                          (size_t)(it - v->data.sequence.items.start)));
        break;
    case PB_CT_RULE_MAP: break; /* after everything else: it may name custom rules */
    default: set_scalar(P, k, v, o); break;
    }
}

static void parse_map(parser *P, const yaml_node_t *map, const pb_config_key *keys, const char *where, obj *o)
{
    const char *names[32];
    size_t nk = 0;
    for (const pb_config_key *k = keys; k->name && nk < 32; k++)
        names[nk++] = k->name;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(P->doc, p->key);
        yaml_node_t *vn = yaml_document_get_node(P->doc, p->value);
        const char *name = scalar(kn);
        if (!name) {
            ERR_AT(P, kn, "a key must be a plain name, not %s", type_name(kn));
            continue;
        }
        const pb_config_key *k = NULL;
        for (const pb_config_key *x = keys; x->name; x++)
            if (!strcmp(x->name, name))
                k = x;
        if (!k) {
            ERR_AT(P, kn, "unknown key '%s'%s%s%s%s", name, where ? " in '" : "", where ? where : "",
                   where ? "'" : "", suggest(P->cfg->arena, name, names, nk));
            continue;
        }
        /* duplicate keys: libyaml keeps both; the second would silently win */
        bool dup = false;
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p && !dup; q++) {
            const char *other = scalar(yaml_document_get_node(P->doc, q->key));
            dup = other && !strcmp(other, name);
        }
        if (dup) {
            ERR_AT(P, kn, "key '%s' is given twice", name);
            continue;
        }
        o->seen[k->slot] = true;
        const char *path = where ? pb_arena_sprintf(P->cfg->arena, "%s.%s", where, name) : name;
        parse_value(P, k, vn, path, o);
    }
    /* rules: last, once custom rules exist */
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const char *name = scalar(yaml_document_get_node(P->doc, p->key));
        for (const pb_config_key *x = keys; name && x->name; x++)
            if (x->type == PB_CT_RULE_MAP && !strcmp(x->name, name)) {
                bool first = true;
                for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
                    const char *other = scalar(yaml_document_get_node(P->doc, q->key));
                    first &= !(other && !strcmp(other, name));
                }
                if (first)
                    parse_rules(P, x, yaml_document_get_node(P->doc, p->value));
            }
    }
}

/* ---- life cycle --------------------------------------------------------------- */

pb_config *pb_config_new(void)
{
    pb_arena *a = pb_arena_new();
    pb_config *cfg = pb_arena_alloc(a, sizeof *cfg);
    cfg->arena = a;
    cfg->dir = ".";
    cfg->fail_on = PB_SEV_WARNING;
    cfg->require_reason = true;
    cfg->match_limit = PB_REGEX_MATCH_LIMIT_DEFAULT;
    cfg->depth_limit = PB_REGEX_DEPTH_LIMIT_DEFAULT;
    cfg->rules = pb_arena_alloc(a, (pb_rule_registry_len + 1) * sizeof *cfg->rules);
    for (size_t i = 0; i < pb_rule_registry_len; i++)
        cfg->rules[i].rule = pb_rule_registry[i];
    return cfg;
}

static char *dir_of(pb_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ".";
    if (slash == path)
        return "/";
    return pb_arena_strndup(a, path, (size_t)(slash - path));
}

/* Deepest nesting of sequences and mappings a configuration may have: far
 * beyond any real one, and low enough that libyaml (whose parser slows
 * down quadratically with flow nesting) is stopped before it takes long. */
#define MAX_YAML_DEPTH 100

/* Reads the events of `f` up to the first collection nested deeper than
 * MAX_YAML_DEPTH, and returns its mark (1-based line and column in
 * *line / *col), or false when there is none (or the file has a syntax
 * error, which yaml_parser_load then reports). Rewinds `f`. */
static bool too_deep(FILE *f, unsigned long *line, unsigned long *col)
{
    yaml_parser_t yp;
    yaml_event_t ev;
    bool deep = false;
    int depth = 0;
    yaml_parser_initialize(&yp);
    yaml_parser_set_input_file(&yp, f);
    for (;;) {
        if (!yaml_parser_parse(&yp, &ev))
            break;
        yaml_event_type_t t = ev.type;
        if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) {
            if (++depth > MAX_YAML_DEPTH) {
                deep = true;
                *line = (unsigned long)ev.start_mark.line + 1;
                *col = (unsigned long)ev.start_mark.column + 1;
            }
        } else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) {
            depth--;
        }
        yaml_event_delete(&ev);
        if (deep || t == YAML_STREAM_END_EVENT)
            break;
    }
    yaml_parser_delete(&yp);
    rewind(f);
    return deep;
}

pb_config *pb_config_load(const char *path)
{
    pb_config *cfg = pb_config_new();
    cfg->path = pb_arena_strdup(cfg->arena, path);
    cfg->dir = dir_of(cfg->arena, path);
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        add_error(cfg, path, 1, 1, "cannot read the configuration: it is a directory, not a file");
        return cfg;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        add_error(cfg, path, 1, 1, "cannot read the configuration: %s", strerror(errno));
        return cfg;
    }
    unsigned long dl, dc;
    if (too_deep(f, &dl, &dc)) {
        add_error(cfg, path, dl, dc, "the configuration nests lists and mappings more than %d levels deep",
                  MAX_YAML_DEPTH);
        fclose(f);
        return cfg;
    }
    yaml_parser_t yp;
    yaml_document_t doc;
    yaml_parser_initialize(&yp);
    yaml_parser_set_input_file(&yp, f);
    if (!yaml_parser_load(&yp, &doc)) {
        const char *ctx = yp.context ? yp.context : NULL;
        add_error(cfg, path, (unsigned long)yp.problem_mark.line + 1,
                  (unsigned long)yp.problem_mark.column + 1, "YAML syntax error: %s%s%s",
                  yp.problem ? yp.problem : "cannot parse", ctx ? " " : "", ctx ? ctx : "");
        yaml_parser_delete(&yp);
        fclose(f);
        return cfg;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    parser P = {.cfg = cfg, .file = cfg->path, .doc = &doc};
    if (root && root->type == YAML_SCALAR_NODE && !*scalar(root)) {
        /* an empty document ("---" alone): defaults */
    } else if (root && root->type != YAML_MAPPING_NODE) {
        ERR_AT(&P, root, "the configuration must be a mapping of keys to values, not %s", type_name(root));
    } else if (root) {
        obj o = {0};
        parse_map(&P, root, pb_config_keys, NULL, &o);
        for (size_t i = 0; i < cfg->ncustom; i++)
            explain_custom(cfg, cfg->custom[i]);
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&yp);
    fclose(f);
    return cfg;
}

void pb_config_free(pb_config *cfg)
{
    if (!cfg)
        return;
    pb_custom__free_all(cfg);
    pb_arena_free(cfg->arena);
}

char *pb_config_find(const char *start_dir)
{
    char cur[PATH_MAX];
    if (!realpath(start_dir, cur))
        return NULL;
    pb_buf rel = {0};
    bool dot = !strcmp(start_dir, ".");
    pb_buf_puts(&rel, dot ? "." : start_dir);
    char *found = NULL;
    for (int depth = 0; depth < 256; depth++) {
        char cand[PATH_MAX + 32];
        snprintf(cand, sizeof cand, "%s/%s", cur, PB_CONFIG_FILE_NAME);
        struct stat sb;
        if (stat(cand, &sb) == 0 && S_ISREG(sb.st_mode)) {
            size_t n = strlen(pb_buf_cstr(&rel)) + sizeof PB_CONFIG_FILE_NAME + 2;
            found = malloc(n);
            if (found && !strcmp(pb_buf_cstr(&rel), "."))
                snprintf(found, n, "%s", PB_CONFIG_FILE_NAME);
            else if (found)
                snprintf(found, n, "%s/%s", pb_buf_cstr(&rel), PB_CONFIG_FILE_NAME);
            break;
        }
        char *slash = strrchr(cur, '/');
        if (!slash || !strcmp(cur, "/"))
            break;
        if (slash == cur)
            cur[1] = '\0';
        else
            *slash = '\0';
        if (dot && depth == 0) {
            rel.len = 0;
            pb_buf_puts(&rel, "..");
        } else {
            pb_buf_puts(&rel, "/..");
        }
    }
    pb_buf_release(&rel);
    return found;
}

void pb_config_apply(const pb_config *cfg, pb_options *opt)
{
    if (!cfg)
        return;
    if (cfg->pg_version && cfg->from[PB_CS_PG_VERSION].kind == PB_FROM_FILE)
        opt->pg_version = cfg->pg_version;
    if (cfg->from[PB_CS_ASSUME_TX].kind == PB_FROM_FILE)
        opt->assume_in_transaction = cfg->assume_in_transaction;
    opt->config = cfg;
}

void pb_config_set_cli(pb_config *cfg, pb_config_slot slot, const char *option)
{
    if (cfg && slot > PB_CS_NONE && slot < PB_CS__COUNT)
        cfg->from[slot] = (pb_origin){PB_FROM_CLI, 0, 0, option};
}

static bool glob_match(const char *pat, const char *path)
{
    if (fnmatch(pat, path, 0) == 0)
        return true;
    const char *base = strrchr(path, '/');
    return base && fnmatch(pat, base + 1, 0) == 0;
}

bool pb_config_excluded(const pb_config *cfg, const char *path)
{
    if (!cfg || !cfg->nexclude)
        return false;
    char rp[PATH_MAX], rd[PATH_MAX];
    const char *rel = path;
    if (realpath(path, rp) && realpath(cfg->dir, rd)) {
        size_t n = strlen(rd);
        if (!strncmp(rp, rd, n) && rp[n] == '/')
            rel = rp + n + 1;
        else if (!strcmp(rd, "/"))
            rel = rp + 1;
    }
    while (rel[0] == '.' && rel[1] == '/')
        rel += 2;
    for (size_t i = 0; i < cfg->nexclude; i++)
        if (glob_match(cfg->exclude[i], rel))
            return true;
    return false;
}

const char *const *pb_config_paths(const pb_config *cfg, size_t *n)
{
    *n = 0;
    if (!cfg || !cfg->nmigrations)
        return NULL;
    const char **out = pb_arena_alloc(cfg->arena, cfg->nmigrations * sizeof *out);
    for (size_t i = 0; i < cfg->nmigrations; i++) {
        const char *p = cfg->migrations[i];
        out[i] =
            p[0] == '/' || !strcmp(cfg->dir, ".") ? p : pb_arena_sprintf(cfg->arena, "%s/%s", cfg->dir, p);
    }
    *n = cfg->nmigrations;
    return out;
}

const pb_custom_rule *pb_config_custom_rule(const pb_config *cfg, const char *id)
{
    for (size_t i = 0; cfg && id && i < cfg->ncustom; i++)
        if (!strcmp(cfg->custom[i]->info.id, id))
            return cfg->custom[i];
    return NULL;
}

pb_severity pb_config__severity(const pb_config *cfg, const pb_rule_info *rule, pb_severity as_reported)
{
    if (!cfg)
        return as_reported;
    if (rule->index == SIZE_MAX) {
        const pb_custom_rule *c = (const pb_custom_rule *)rule;
        return c->disabled ? 0 : as_reported;
    }
    const pb_rule_setting *rs = &cfg->rules[rule->index];
    if (!rs->set)
        return as_reported;
    if (rs->disabled)
        return 0;
    return rs->severity ? rs->severity : as_reported;
}
