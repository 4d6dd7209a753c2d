/* Configuration tests: .pgbelay.yaml parsing (every key, where each value
 * came from, every kind of error with its line and column), the generated
 * reference against docs/configuration.md, custom PCRE2 rules (including a
 * catastrophic pattern that must stop at the match limit and say so),
 * suppression comments in the library's lint path, and the CLI: exit 2 on
 * a bad config, the config found upward, options overriding the file,
 * `pgbelay config`. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "test.h"

/* ---- from test_golden.c ----------------------------------------------------- */

typedef struct tst_cmd {
    const char *const *argv;
    const char *cwd;
    const char *const *env;
    const char *input;
    size_t input_len;
    bool tty;
    int timeout_s;
} tst_cmd;

typedef struct tst_result {
    char *out, *err;
    size_t out_len, err_len;
    int exit_code;
    int signal;
    bool timed_out;
    bool spawn_failed;
} tst_result;

bool tst_run(const tst_cmd *c, tst_result *r);
void tst_result_free(tst_result *r);
bool tst_sanitizer_report(const tst_result *r);
const char *tst_status(const tst_result *r);
bool tst_write_file(const char *path, const char *data, size_t len);
char *tst_read_file(const char *path, size_t *len);

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- helpers ------------------------------------------------------------------ */

static char *fixture(const char *name)
{
    static char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s/testdata/config/%s", T.root, name);
    return buf;
}

static pb_config *load(const char *name)
{
    return pb_config_load(fixture(name));
}

/* Is there an error that contains `at` (":line:col: ") and `text`? */
static bool has_error(const pb_config *cfg, const char *at, const char *text)
{
    for (size_t i = 0; i < cfg->nerrors; i++)
        if (strstr(cfg->errors[i], at) && strstr(cfg->errors[i], text))
            return true;
    return false;
}

static void dump_errors(const pb_config *cfg)
{
    for (size_t i = 0; i < cfg->nerrors; i++)
        fprintf(stderr, "  config error: %s\n", cfg->errors[i]);
}

static void lint(const pb_config *cfg, const char *sql, pb_result *res)
{
    pb_options opt = {0};
    if (cfg)
        pb_config_apply(cfg, &opt);
    pb_lint_buffer(&opt, "t.sql", sql, strlen(sql), res);
}

static size_t count(const pb_result *res, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < res->ndiags; i++)
        if (!strcmp(pb_rule_id(res->diags[i].rule), id))
            n++;
    return n;
}

static const pb_diag *first(const pb_result *res, const char *id)
{
    for (size_t i = 0; i < res->ndiags; i++)
        if (!strcmp(pb_rule_id(res->diags[i].rule), id))
            return &res->diags[i];
    return NULL;
}

/* A config from YAML text, written to a temporary file. */
static pb_config *from_text(const char *yaml)
{
    char path[] = "/tmp/pgbelay-config-XXXXXX.yaml";
    int fd = mkstemps(path, 5);
    if (fd < 0)
        return pb_config_new();
    close(fd);
    tst_write_file(path, yaml, strlen(yaml));
    pb_config *cfg = pb_config_load(path);
    unlink(path);
    return cfg;
}

/* ---- parsing -------------------------------------------------------------------- */

static void every_key(void)
{
    pb_config *cfg = load("full.yaml");
    INT_EQ(cfg->nerrors, 0);
    if (cfg->nerrors)
        dump_errors(cfg);
    INT_EQ(cfg->pg_version, 13);
    OK(cfg->framework_set && cfg->framework == PB_FW_GOOSE);
    INT_EQ(cfg->nmigrations, 1);
    STR_EQ(cfg->nmigrations ? cfg->migrations[0] : NULL, "migrations");
    INT_EQ(cfg->nexclude, 1);
    OK(cfg->assume_in_transaction);
    INT_EQ(cfg->fail_on, PB_SEV_ERROR);
    OK(!cfg->fail_never);
    STR_EQ(cfg->format, "gcc");
    OK(!cfg->require_reason);
    INT_EQ(cfg->match_limit, 50000);
    INT_EQ(cfg->depth_limit, 500);
    /* where values came from: line and column of the value */
    INT_EQ(cfg->from[PB_CS_PG_VERSION].kind, PB_FROM_FILE);
    INT_EQ(cfg->from[PB_CS_PG_VERSION].line, 2);
    INT_EQ(cfg->from[PB_CS_PG_VERSION].col, 13);
    INT_EQ(cfg->from[PB_CS_FRAMEWORK].line, 3);
    INT_EQ(cfg->from[PB_CS_FORMAT].line, 8);

    const pb_rule_info *dc = pb_rule_find("drop-column"), *lt = pb_rule_find("PB124"),
                       *rc = pb_rule_find("rename-column"), *tr = pb_rule_find("truncate");
    OK(dc && cfg->rules[dc->index].set && cfg->rules[dc->index].disabled);
    INT_EQ(cfg->rules[dc->index].origin.line, 13);
    OK(lt && cfg->rules[lt->index].severity == PB_SEV_ERROR);
    OK(rc && cfg->rules[rc->index].severity == PB_SEV_INFO && !cfg->rules[rc->index].disabled);
    OK(tr && cfg->rules[tr->index].disabled);
    INT_EQ(pb_config__severity(cfg, dc, PB_SEV_WARNING), 0);
    INT_EQ(pb_config__severity(cfg, lt, PB_SEV_WARNING), PB_SEV_ERROR);
    INT_EQ(pb_config__severity(cfg, pb_rule_find("drop-table"), PB_SEV_WARNING), PB_SEV_WARNING);

    /* custom rules: five naming conventions, the length, one banned, one required */
    INT_EQ(cfg->ncustom, 8);
    const char *ids[] = {"custom:naming-tables",    "custom:naming-columns",
                         "custom:naming-indexes",   "custom:naming-constraints",
                         "custom:naming-sequences", "custom:identifier-length",
                         "custom:no-cascade",       "custom:alter-sets-lock-timeout"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        CHECK_(pb_config_custom_rule(cfg, ids[i]) != NULL, "custom rule %s defined", ids[i]);
    const pb_custom_rule *ix = pb_config_custom_rule(cfg, "custom:naming-indexes");
    OK(ix && ix->info.severity == PB_SEV_INFO && ix->re);
    const pb_custom_rule *len = pb_config_custom_rule(cfg, "custom:identifier-length");
    OK(len && len->max_len == 30);
    const pb_custom_rule *nc = pb_config_custom_rule(cfg, "custom:no-cascade");
    /* banned severity error, re-graded to info under rules: */
    OK(nc && nc->info.severity == PB_SEV_INFO);
    STR_EQ(nc ? nc->info.instead : NULL, "drop the dependent objects by name");
    STR_EQ(nc ? pb_rule_code(&nc->info) : NULL, "custom:no-cascade");
    const pb_custom_rule *rq = pb_config_custom_rule(cfg, "custom:alter-sets-lock-timeout");
    OK(rq && rq->re && rq->re_when && rq->kind == PB_CUSTOM_REQUIRED);

    /* pb_config_apply fills the options */
    pb_options opt = {0};
    pb_config_apply(cfg, &opt);
    INT_EQ(opt.pg_version, 13);
    OK(opt.assume_in_transaction);
    OK(opt.config == cfg);

    /* migration paths are relative to the config file's directory */
    size_t n;
    const char *const *paths = pb_config_paths(cfg, &n);
    INT_EQ(n, 1);
    OK(n && strstr(paths[0], "testdata/config/migrations") != NULL);

    /* exclude: relative to the config's directory, or by file name */
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/testdata/config/custom.sql", T.root);
    OK(!pb_config_excluded(cfg, p));
    snprintf(p, sizeof p, "%s/testdata/config/x/001_users_seed.sql", T.root);
    OK(pb_config_excluded(cfg, p));
    OK(pb_config_excluded(cfg, "001_seed.sql"));
    OK(!pb_config_excluded(NULL, "001_seed.sql"));

    /* the printed configuration says where each value came from */
    pb_config_set_cli(cfg, PB_CS_FORMAT, "--format");
    pb_buf b = {0};
    pb_config_print(cfg, &b);
    const char *out = pb_buf_cstr(&b);
    CHECK_(strstr(out, "pg-version: 13") && strstr(out, "full.yaml:2:13"), "print: %s", out);
    CHECK_(strstr(out, "command line (--format)") != NULL, "print shows the command line: %s", out);
    CHECK_(strstr(out, "require-reason: false") != NULL, "print: require-reason");
    CHECK_(strstr(out, "drop-column: off") != NULL, "print: drop-column off");
    CHECK_(strstr(out, "- name: no-cascade") != NULL, "print: banned");
    /* ... and is itself a configuration that reads back to the same values */
    pb_config *again = from_text(out);
    INT_EQ(again->nerrors, 0);
    if (again->nerrors)
        dump_errors(again);
    INT_EQ(again->pg_version, 13);
    OK(again->framework_set && again->framework == PB_FW_GOOSE);
    INT_EQ(again->ncustom, cfg->ncustom);
    INT_EQ(again->match_limit, 50000);
    OK(again->rules[dc->index].disabled && again->rules[lt->index].severity == PB_SEV_ERROR);
    for (size_t i = 0; i < cfg->ncustom && i < again->ncustom; i++) {
        STR_EQ(again->custom[i]->info.id, cfg->custom[i]->info.id);
        STR_EQ(again->custom[i]->message, cfg->custom[i]->message);
        INT_EQ(again->custom[i]->info.severity, cfg->custom[i]->info.severity);
    }
    pb_config_free(again);
    pb_buf_release(&b);
    pb_config_free(cfg);

    /* no file: defaults, every origin "default" */
    cfg = pb_config_new();
    INT_EQ(cfg->from[PB_CS_PG_VERSION].kind, PB_FROM_DEFAULT);
    OK(cfg->require_reason);
    INT_EQ(cfg->fail_on, PB_SEV_WARNING);
    pb_config_print(cfg, &b);
    CHECK_(strstr(pb_buf_cstr(&b), "pg-version: 15") && strstr(pb_buf_cstr(&b), "# default"), "defaults: %s",
           pb_buf_cstr(&b));
    pb_buf_release(&b);
    pb_config_free(cfg);

    /* an empty file is the defaults */
    cfg = from_text("");
    INT_EQ(cfg->nerrors, 0);
    pb_config_free(cfg);
    cfg = from_text("---\n");
    INT_EQ(cfg->nerrors, 0);
    pb_config_free(cfg);
}

static void errors(void)
{
    pb_config *cfg = load("syntax_error.yaml");
    INT_EQ(cfg->nerrors, 1);
    OK(has_error(cfg, "syntax_error.yaml:4:13: ", "YAML syntax error"));
    pb_config_free(cfg);

    cfg = load("unknown_key.yaml");
    INT_EQ(cfg->nerrors, 2);
    OK(has_error(cfg, ":2:1: ", "unknown key 'pg_versoin' (did you mean 'pg-version'?)"));
    OK(has_error(cfg, ":4:3: ", "unknown key 'tabels' in 'naming' (did you mean 'tables'?)"));
    pb_config_free(cfg);

    cfg = load("wrong_type.yaml");
    INT_EQ(cfg->nerrors, 4);
    OK(has_error(cfg, ":1:13: ", "'pg-version' must be an integer, not 'fifteen'"));
    OK(has_error(cfg, ":2:24: ", "'assume-in-transaction' must be true or false"));
    OK(has_error(cfg, ":3:10: ", "'exclude' must be a list of strings"));
    OK(has_error(cfg, ":4:9: ", "'banned' must be a list of mappings"));
    /* the keys with errors keep their defaults */
    INT_EQ(cfg->pg_version, 0);
    INT_EQ(cfg->ncustom, 0);
    pb_config_free(cfg);

    cfg = load("bad_regex.yaml");
    INT_EQ(cfg->nerrors, 1);
    OK(has_error(cfg, "bad_regex.yaml:3:14: ", "not a valid PCRE2 pattern: missing closing parenthesis"));
    INT_EQ(cfg->ncustom, 0);
    pb_config_free(cfg);

    cfg = load("bad_values.yaml");
    INT_EQ(cfg->nerrors, 9);
    OK(has_error(cfg, ":1:13: ", "must be from 11 to 17, not 9"));
    OK(has_error(cfg, ":2:12: ", "unknown framework 'gooze' (did you mean 'goose'?)"));
    OK(has_error(cfg, ":3:10: ", "'fail-on' must be"));
    OK(has_error(cfg, ":4:9: ", "unknown format 'yaml'"));
    OK(has_error(cfg, ":6:3: ", "unknown rule 'drop-colum' (did you mean 'drop-column'?)"));
    OK(has_error(cfg, ":7:15: ", "rule 'drop-table' must be set to"));
    OK(has_error(cfg, ":9:11: ", "'name' must be lower-case"));
    OK(has_error(cfg, ":12:5: ", "'required[1]' needs 'name'"));
    /* the structured form an editor uses */
    OK(cfg->problems && cfg->problems[1].line == 2 && cfg->problems[1].col == 12 &&
       !strcmp(cfg->problems[1].message, "unknown framework 'gooze' (did you mean 'goose'?)"));
    /* errors come in file order although rules: is checked last */
    for (size_t i = 1; i < cfg->nerrors; i++) {
        unsigned a = 0, b = 0;
        const char *x = strstr(cfg->errors[i - 1], ".yaml:"), *y = strstr(cfg->errors[i], ".yaml:");
        sscanf(x ? x + 6 : "", "%u", &a);
        sscanf(y ? y + 6 : "", "%u", &b);
        CHECK_(a <= b, "error order: %s before %s", cfg->errors[i - 1], cfg->errors[i]);
    }
    pb_config_free(cfg);

    /* more shapes, from text */
    cfg = from_text("pg-version: 14\npg-version: 15\n");
    OK(has_error(cfg, ":2:1: ", "key 'pg-version' is given twice"));
    pb_config_free(cfg);
    cfg = from_text("- a\n- b\n");
    OK(has_error(cfg, ":1:1: ", "must be a mapping of keys to values"));
    pb_config_free(cfg);
    cfg = from_text("naming:\n  tables:\n    message: no pattern\n");
    OK(has_error(cfg, ":3:5: ", "'naming.tables' needs 'pattern'"));
    pb_config_free(cfg);
    cfg = from_text("naming:\n  identifier-length: {max: 64}\n");
    OK(has_error(cfg, ":2:28: ", "'max' must be from 1 to 63, not 64"));
    pb_config_free(cfg);
    cfg =
        from_text("banned:\n  - {name: a, pattern: x, message: m}\n  - {name: a, pattern: y, message: n}\n");
    OK(has_error(cfg, ":3:5: ", "a custom rule named 'custom:a' is already defined at line 2"));
    pb_config_free(cfg);
    cfg = from_text("rules:\n  drop-table: off\n  PB116: error\n");
    OK(has_error(cfg, ":3:3: ", "rule 'PB116' is set twice"));
    pb_config_free(cfg);
    cfg = from_text("rules:\n  drop-table: {enabled: maybe, severity: loud, colour: red}\n");
    OK(has_error(cfg, "", "'enabled' must be true or false"));
    OK(has_error(cfg, "", "'severity' must be error, warning or info, not 'loud'"));
    OK(has_error(cfg, "", "unknown key 'colour' in 'rules.drop-table'"));
    pb_config_free(cfg);
    cfg = from_text("pg-version: [14]\nformat: {a: b}\n");
    OK(has_error(cfg, ":1:13: ", "'pg-version' must be an integer, not a list"));
    OK(has_error(cfg, ":2:9: ", "'format' must be a string, not a mapping"));
    pb_config_free(cfg);
    cfg = from_text("exclude: ['a', [b]]\n");
    OK(has_error(cfg, ":1:16: ", "each entry of 'exclude' must be a non-empty string"));
    pb_config_free(cfg);
    cfg = from_text("pg-version: \"15\"\n");
    OK(has_error(cfg, ":1:13: ", "must be an integer, not the string '15'"));
    pb_config_free(cfg);
    cfg = from_text("key: [unclosed\n");
    OK(has_error(cfg, "", "YAML syntax error"));
    pb_config_free(cfg);
    cfg = from_text("\xff\xfe bad: bytes\n");
    OK(cfg->nerrors >= 1);
    pb_config_free(cfg);
    cfg = pb_config_load("/tmp");
    OK(has_error(cfg, "/tmp:1:1: ", "it is a directory"));
    pb_config_free(cfg);
    cfg = from_text("fail-on: never\n");
    OK(cfg->nerrors == 0 && cfg->fail_never);
    pb_config_free(cfg);
    cfg = pb_config_load("/nonexistent/.pgbelay.yaml");
    OK(has_error(cfg, "/nonexistent/.pgbelay.yaml:1:1: ", "cannot read the configuration"));
    pb_config_free(cfg);

    INT_EQ(pb_config__distance("pg_version", "pg-version"), 0);
    INT_EQ(pb_config__distance("framwork", "framework"), 1);
    INT_EQ(pb_config__distance("", "abc"), 3);
}

/* The committed reference is exactly what the key table generates. */
static void reference(void)
{
    pb_buf b = {0};
    pb_config_reference(&b);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/docs/configuration.md", T.root);
    size_t len = 0;
    char *doc = tst_read_file(path, &len);
    CHECK_(doc && len == b.len && memcmp(doc, b.data, len) == 0,
           "docs/configuration.md is stale: run `zig build gen`");
    /* every key of the table is in it */
    for (const pb_config_key *k = pb_config_keys; k->name; k++) {
        char needle[80];
        snprintf(needle, sizeof needle, "| `%s` |", k->name);
        CHECK_(strstr(pb_buf_cstr(&b), needle) != NULL, "reference lists %s", k->name);
    }
    free(doc);
    pb_buf_release(&b);
}

/* The README's configuration example is a valid configuration. */
static void readme_example(void)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/README.md", T.root);
    char *readme = tst_read_file(path, NULL);
    const char *sec = readme ? strstr(readme, "## Configuration") : NULL;
    const char *start = sec ? strstr(sec, "```yaml\n") : NULL;
    const char *end = start ? strstr(start + 8, "```") : NULL;
    CHECK_(end != NULL, "README.md has a ```yaml example under ## Configuration");
    if (end) {
        char *yaml = strndup(start + 8, (size_t)(end - start - 8));
        pb_config *cfg = from_text(yaml);
        INT_EQ(cfg->nerrors, 0);
        if (cfg->nerrors)
            dump_errors(cfg);
        OK(pb_config_custom_rule(cfg, "custom:alter-sets-lock-timeout") != NULL);
        pb_config_free(cfg);
        free(yaml);
    }
    free(readme);
}

static void find_upward(void)
{
    char tmpl[] = "/tmp/pgbelay-find-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir) {
        CHECK_(false, "mkdtemp failed");
        return;
    }
    char a[PATH_MAX], ab[PATH_MAX], cfgp[PATH_MAX];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(ab, sizeof ab, "%s/a/b", dir);
    snprintf(cfgp, sizeof cfgp, "%s/.pgbelay.yaml", dir);
    mkdir(a, 0755);
    mkdir(ab, 0755);
    tst_write_file(cfgp, "pg-version: 12\n", 15);
    char *found = pb_config_find(ab);
    char real_found[PATH_MAX] = "", real_cfg[PATH_MAX] = "";
    OK(found != NULL);
    if (found) {
        OK(realpath(found, real_found) != NULL);
        OK(realpath(cfgp, real_cfg) != NULL);
        STR_EQ(real_found, real_cfg);
        pb_config *cfg = pb_config_load(found);
        INT_EQ(cfg->pg_version, 12);
        pb_config_free(cfg);
    }
    free(found);
    /* from "." the path is relative: ../../.pgbelay.yaml */
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) && chdir(ab) == 0) {
        found = pb_config_find(".");
        STR_EQ(found, "../../.pgbelay.yaml");
        free(found);
        if (chdir(cwd) != 0)
            CHECK_(false, "chdir back");
    }
    unlink(cfgp);
    rmdir(ab);
    rmdir(a);
    rmdir(dir);
}

/* ---- custom rules and rule settings in the lint path ---------------------------- */

static void custom_rules(void)
{
    pb_config *cfg = load("custom.yaml");
    INT_EQ(cfg->nerrors, 0);
    if (cfg->nerrors)
        dump_errors(cfg);
    pb_result res;

    lint(cfg, "CREATE TABLE \"UserAccounts\" (id int, \"Email\" text, ok_col int);", &res);
    INT_EQ(count(&res, "custom:naming-tables"), 1);
    INT_EQ(count(&res, "custom:naming-columns"), 1);
    const pb_diag *d = first(&res, "custom:naming-tables");
    CHECK_(d && strstr(d->message, "\"UserAccounts\"") && d->span.start == 13 && d->span.end == 27,
           "naming-tables finding: %s [%u,%u)", d ? d->message : "(none)", d ? d->span.start : 0,
           d ? d->span.end : 0);
    OK(d && d->severity == PB_SEV_WARNING);
    pb_result_free(&res);

    /* names the house way: none of the custom rules fire */
    lint(cfg,
         "CREATE TABLE line_items (id bigint CONSTRAINT line_items_pkey PRIMARY KEY);\n"
         "CREATE INDEX CONCURRENTLY line_items_id_idx ON line_items (id);\n"
         "CREATE SEQUENCE line_items_id_seq;",
         &res);
    for (size_t i = 0; i < res.ndiags; i++)
        CHECK_(strncmp(pb_rule_id(res.diags[i].rule), "custom:", 7) != 0, "unexpected %s: %s",
               pb_rule_id(res.diags[i].rule), res.diags[i].message);
    pb_result_free(&res);

    /* each naming target */
    lint(cfg,
         "CREATE INDEX CONCURRENTLY by_id ON t (id);\nCREATE SEQUENCE numbers;\n"
         "ALTER TABLE t ADD CONSTRAINT positive CHECK (id > 0) NOT VALID;\n"
         "ALTER TABLE t RENAME TO \"T2\";\nALTER TABLE t RENAME COLUMN a TO \"B\";\n"
         "ALTER INDEX by_id_idx RENAME TO by_id2;\nALTER SEQUENCE numbers_seq RENAME TO nums;\n"
         "ALTER TABLE t ADD COLUMN \"Mixed\" int;",
         &res);
    INT_EQ(count(&res, "custom:naming-indexes"), 2);
    INT_EQ(count(&res, "custom:naming-sequences"), 2);
    INT_EQ(count(&res, "custom:naming-constraints"), 1);
    INT_EQ(count(&res, "custom:naming-tables"), 1);
    INT_EQ(count(&res, "custom:naming-columns"), 2);
    pb_result_free(&res);

    /* identifier length: PostgreSQL truncates at 63 bytes, so the name in the
       IR is a prefix; the finding measures the name as written */
    char sql[512];
    snprintf(sql, sizeof sql, "CREATE TABLE t (%s int, %s int);",
             "c23456789012345678901234567890123456789012345678901234567890123",   /* 63: fine */
             "c234567890123456789012345678901234567890123456789012345678901234"); /* 64 */
    lint(cfg, sql, &res);
    INT_EQ(count(&res, "custom:identifier-length"), 1);
    d = first(&res, "custom:identifier-length");
    CHECK_(d && strstr(d->message, "has 64 bytes"), "length message: %s", d ? d->message : "(none)");
    pb_result_free(&res);
    /* multi-byte: 32 x 'é' is 64 bytes (the limit is in bytes, not characters) */
    pb_buf b = {0};
    pb_buf_puts(&b, "CREATE TABLE \"");
    for (int i = 0; i < 32; i++)
        pb_buf_puts(&b, "\xc3\xa9");
    pb_buf_puts(&b, "\" (id int);");
    lint(cfg, pb_buf_cstr(&b), &res);
    INT_EQ(count(&res, "custom:identifier-length"), 1);
    pb_result_free(&res);
    pb_buf_release(&b);

    /* banned: case-insensitive on the statement text; severity and help from the config */
    lint(cfg, "SET lock_timeout = '1s';\nDROP TABLE a cascade;\nDROP TABLE b;", &res);
    INT_EQ(count(&res, "custom:no-cascade"), 1);
    d = first(&res, "custom:no-cascade");
    OK(d && d->severity == PB_SEV_ERROR && d->help && !strcmp(d->help, "drop the dependent objects by name"));
    pb_result_free(&res);

    /* required: an ALTER TABLE without SET lock_timeout in the part */
    lint(cfg, "ALTER TABLE t ADD COLUMN c int;", &res);
    INT_EQ(count(&res, "custom:alter-sets-lock-timeout"), 1);
    pb_result_free(&res);
    lint(cfg, "SET LOCAL lock_timeout = '2s';\nALTER TABLE t ADD COLUMN c int;", &res);
    INT_EQ(count(&res, "custom:alter-sets-lock-timeout"), 0);
    pb_result_free(&res);
    lint(cfg, "CREATE TABLE t (id int);", &res); /* no ALTER TABLE: not required */
    INT_EQ(count(&res, "custom:alter-sets-lock-timeout"), 0);
    pb_result_free(&res);
    {
        /* without `when`: every part with a statement, reported at its first */
        pb_config *always = from_text("required:\n  - {name: owner, pattern: '^SET\\s+ROLE', message: m}\n");
        INT_EQ(always->nerrors, 0);
        lint(always, "CREATE TABLE t (id int);\nCREATE TABLE u (id int);", &res);
        INT_EQ(count(&res, "custom:owner"), 1);
        d = first(&res, "custom:owner");
        OK(d && d->span.start == 0);
        pb_result_free(&res);
        lint(always, "CREATE TABLE t (id int);\nset role app;", &res);
        INT_EQ(count(&res, "custom:owner"), 0);
        pb_result_free(&res);
        pb_config_free(always);
    }
    /* per part: goose up and down parts separately */
    lint(cfg,
         "-- +goose Up\nSET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN c int;\n"
         "-- +goose Down\nALTER TABLE t DROP COLUMN c;\n",
         &res);
    INT_EQ(count(&res, "custom:alter-sets-lock-timeout"), 1);
    d = first(&res, "custom:alter-sets-lock-timeout");
    OK(d && d->span.start > 60);
    pb_result_free(&res);

    /* rules: missing-lock-timeout: off in custom.yaml */
    lint(cfg, "ALTER TABLE t ALTER COLUMN c TYPE bigint;", &res);
    INT_EQ(count(&res, "missing-lock-timeout"), 0);
    OK(count(&res, "alter-column-type-rewrites") == 1);
    pb_result_free(&res);
    lint(NULL, "ALTER TABLE t ALTER COLUMN c TYPE bigint;", &res);
    INT_EQ(count(&res, "missing-lock-timeout"), 1);
    pb_result_free(&res);
    pb_config_free(cfg);

    /* severities re-graded, custom rules turned off under rules: */
    cfg = from_text("rules:\n  drop-table: error\n  PB110: info\n  custom:no-drop: off\n"
                    "banned:\n  - {name: no-drop, pattern: '^drop', message: no drops}\n");
    INT_EQ(cfg->nerrors, 0);
    lint(
        cfg,
        "SET lock_timeout = '1s';\nDROP TABLE t;\nALTER TABLE u ADD COLUMN c uuid DEFAULT gen_random_uuid();",
        &res);
    d = first(&res, "drop-table");
    OK(d && d->severity == PB_SEV_ERROR);
    d = first(&res, "add-column-rewrites");
    OK(d && d->severity == PB_SEV_INFO);
    INT_EQ(count(&res, "custom:no-drop"), 0);
    pb_result_free(&res);
    pb_config_free(cfg);

    /* file-too-large honours rule settings too */
    cfg = from_text("rules:\n  file-too-large: info\n");
    pb_options opt = {.max_file_size = 4};
    pb_config_apply(cfg, &opt);
    pb_lint_buffer(&opt, "big.sql", "SELECT 1;", 9, &res);
    d = first(&res, "file-too-large");
    OK(d && d->severity == PB_SEV_INFO);
    pb_result_free(&res);
    pb_config_free(cfg);
}

/* A pattern that backtracks exponentially stops at the match limit, and
 * the stop is an error finding, not silence and not a hang. */
static void catastrophic(void)
{
    pb_config *cfg = load("catastrophic.yaml");
    INT_EQ(cfg->nerrors, 0);
    size_t len = 0;
    char *sql = tst_read_file(fixture("catastrophic.sql"), &len);
    OK(sql && len > 5000);
    pb_result res;
    lint(cfg, sql ? sql : "", &res);
    const pb_diag *d = first(&res, "custom:catastrophic");
    CHECK_(d && d->severity == PB_SEV_ERROR && strstr(d->message, "match limit") &&
               strstr(d->message, "regex-match-limit"),
           "limit finding: %s", d ? d->message : "(none)");
    INT_EQ(count(&res, "custom:catastrophic"), 1);
    pb_result_free(&res);
    /* the same pattern on a short subject simply works */
    lint(cfg, "SELECT 'x' AS aaa", &res);
    d = first(&res, "custom:catastrophic");
    OK(d && !strstr(d->message, "limit"));
    pb_result_free(&res);
    free(sql);
    pb_config_free(cfg);
}

/* ---- suppressions ------------------------------------------------------------------ */

static void suppressions(void)
{
    pb_result res;
    /* before the statement: suppressed, by id or code */
    lint(NULL, "SET lock_timeout = '1s';\n-- pgbelay-ignore drop-table: empty since v2\nDROP TABLE t;", &res);
    INT_EQ(count(&res, "drop-table"), 0);
    INT_EQ(count(&res, "unused-ignore"), 0);
    INT_EQ(count(&res, "ignore-without-reason"), 0);
    pb_result_free(&res);
    lint(NULL, "SET lock_timeout = '1s';\n-- pgbelay-ignore PB116: empty since v2\nDROP TABLE t;", &res);
    INT_EQ(count(&res, "drop-table"), 0);
    INT_EQ(count(&res, "unused-ignore"), 0);
    pb_result_free(&res);
    /* only the next statement */
    lint(NULL, "SET lock_timeout = '1s';\n-- pgbelay-ignore drop-table: a\nDROP TABLE t;\nDROP TABLE u;",
         &res);
    INT_EQ(count(&res, "drop-table"), 1);
    pb_result_free(&res);
    /* several rules, several comment lines, a block comment between */
    lint(NULL,
         "-- pgbelay-ignore drop-table, missing-lock-timeout: a\n-- more words\n/* block */\nDROP TABLE t;",
         &res);
    INT_EQ(count(&res, "drop-table"), 0);
    INT_EQ(count(&res, "missing-lock-timeout"), 0);
    INT_EQ(count(&res, "unused-ignore"), 0);
    pb_result_free(&res);
    /* file-wide, anywhere in the file */
    lint(NULL,
         "SET lock_timeout = '1s';\nDROP TABLE t;\nDROP TABLE u;\n-- pgbelay-ignore-file drop-table: "
         "scratch\n",
         &res);
    INT_EQ(count(&res, "drop-table"), 0);
    INT_EQ(count(&res, "unused-ignore"), 0);
    pb_result_free(&res);
    /* a comment inside a string literal is not a directive */
    lint(NULL, "SET lock_timeout = '1s';\nSELECT '-- pgbelay-ignore-file drop-table: no';\nDROP TABLE t;",
         &res);
    INT_EQ(count(&res, "drop-table"), 1);
    INT_EQ(count(&res, "unused-ignore"), 0);
    pb_result_free(&res);
    /* unused: nothing on the next statement, a misspelt rule, nothing after it */
    lint(NULL, "-- pgbelay-ignore drop-table: x\nSELECT 1;", &res);
    INT_EQ(count(&res, "unused-ignore"), 1);
    const pb_diag *d = first(&res, "unused-ignore");
    OK(d && d->span.start == 0 && d->span.end == 31 && d->severity == PB_SEV_WARNING);
    pb_result_free(&res);
    lint(NULL, "SET lock_timeout = '1s';\n-- pgbelay-ignore drop-tabel: x\nDROP TABLE t;", &res);
    INT_EQ(count(&res, "unused-ignore"), 1);
    INT_EQ(count(&res, "drop-table"), 1);
    d = first(&res, "unused-ignore");
    OK(d && strstr(d->message, "'drop-tabel', which is not a rule"));
    pb_result_free(&res);
    lint(NULL, "SELECT 1;\n-- pgbelay-ignore drop-table: at the end\n", &res);
    d = first(&res, "unused-ignore");
    OK(d && strstr(d->message, "no statement follows"));
    pb_result_free(&res);
    /* a reason is required by default; the suppression still applies */
    lint(NULL, "SET lock_timeout = '1s';\n-- pgbelay-ignore drop-table\nDROP TABLE t;", &res);
    INT_EQ(count(&res, "drop-table"), 0);
    INT_EQ(count(&res, "ignore-without-reason"), 1);
    pb_result_free(&res);
    lint(NULL, "SET lock_timeout = '1s';\n-- pgbelay-ignore drop-table:   \nDROP TABLE t;", &res);
    INT_EQ(count(&res, "ignore-without-reason"), 1);
    pb_result_free(&res);
    pb_config *cfg = from_text("require-reason: false\n");
    lint(cfg, "SET lock_timeout = '1s';\n-- pgbelay-ignore drop-table\nDROP TABLE t;", &res);
    INT_EQ(count(&res, "drop-table"), 0);
    INT_EQ(count(&res, "ignore-without-reason"), 0);
    pb_result_free(&res);
    pb_config_free(cfg);
    /* trailing on the statement's own line */
    lint(NULL,
         "SET lock_timeout = '1s';\nDROP TABLE t; -- pgbelay-ignore drop-table: same line\nDROP TABLE u;",
         &res);
    INT_EQ(count(&res, "drop-table"), 1);
    d = first(&res, "drop-table");
    OK(d && strstr(d->message, "\"u\""));
    INT_EQ(count(&res, "unused-ignore"), 0);
    pb_result_free(&res);
    /* unused-ignore itself obeys a file-wide directive and the rule settings */
    lint(NULL,
         "-- pgbelay-ignore-file unused-ignore: generated file\n-- pgbelay-ignore drop-table: x\nSELECT 1;",
         &res);
    INT_EQ(count(&res, "unused-ignore"), 0);
    pb_result_free(&res);
    cfg = from_text("rules:\n  unused-ignore: off\n");
    lint(cfg, "-- pgbelay-ignore drop-table: x\nSELECT 1;", &res);
    INT_EQ(count(&res, "unused-ignore"), 0);
    pb_result_free(&res);
    pb_config_free(cfg);
    /* a directive for a rule turned off in the config is not "unused" */
    cfg = from_text("rules:\n  drop-table: off\n");
    lint(cfg, "SET lock_timeout = '1s';\n-- pgbelay-ignore drop-table: x\nDROP TABLE t;", &res);
    INT_EQ(count(&res, "unused-ignore"), 0);
    INT_EQ(count(&res, "drop-table"), 0);
    pb_result_free(&res);
    pb_config_free(cfg);
    /* custom rules are suppressed by their id */
    cfg = load("custom.yaml");
    lint(cfg, "-- pgbelay-ignore custom:no-cascade, drop-table: legacy cleanup\nDROP TABLE t CASCADE;", &res);
    INT_EQ(count(&res, "custom:no-cascade"), 0);
    INT_EQ(count(&res, "drop-table"), 0);
    INT_EQ(count(&res, "unused-ignore"), 0);
    pb_result_free(&res);
    pb_config_free(cfg);
    /* not a directive */
    lint(NULL, "-- pgbelay-ignored drop-table: x\nSELECT 1;", &res);
    INT_EQ(count(&res, "unused-ignore"), 0);
    pb_result_free(&res);
    lint(NULL, "-- pgbelay-ignore\nSELECT 1;", &res);
    d = first(&res, "unused-ignore");
    OK(d && strstr(d->message, "names no rule"));
    pb_result_free(&res);
    /* in a migration with markers: the part's statements */
    lint(NULL,
         "-- +goose Up\nSET lock_timeout = '1s';\n-- pgbelay-ignore drop-table: empty\nDROP TABLE t;\n"
         "-- +goose Down\nCREATE TABLE t (id int);\n",
         &res);
    INT_EQ(count(&res, "drop-table"), 0);
    INT_EQ(count(&res, "unused-ignore"), 0);
    pb_result_free(&res);
    /* findings about a whole part (rollback) or no statement (empty-file) */
    lint(NULL,
         "-- +goose Up\nSET lock_timeout = '1s';\nCREATE INDEX CONCURRENTLY a_idx ON t (a);\n-- +goose NO TRANSACTION\n"
         "-- +goose Down\n-- pgbelay-ignore rollback-does-not-undo: the index is harmless\nSELECT 1;\n",
         &res);
    INT_EQ(count(&res, "rollback-does-not-undo"), 0);
    INT_EQ(count(&res, "unused-ignore"), 0);
    pb_result_free(&res);
    lint(NULL,
         "-- +goose Up\nSET lock_timeout = '1s';\nCREATE INDEX CONCURRENTLY a_idx ON t (a);\n-- +goose NO TRANSACTION\n"
         "-- +goose Down\nSELECT 1;\n",
         &res);
    INT_EQ(count(&res, "rollback-does-not-undo"), 1); /* what the directive above suppressed */
    pb_result_free(&res);
    lint(NULL, "-- pgbelay-ignore-file empty-file: placeholder kept for numbering\n", &res);
    INT_EQ(res.ndiags, 0);
    pb_result_free(&res);
    /* a directive before a statement with a syntax error */
    lint(NULL, "-- pgbelay-ignore syntax-error: vendor syntax\nSELEC 1;", &res);
    INT_EQ(count(&res, "syntax-error"), 0);
    INT_EQ(count(&res, "unused-ignore"), 0);
    pb_result_free(&res);
}

/* ---- the CLI ----------------------------------------------------------------------- */

static bool sane(const tst_result *r, const char *what)
{
    bool bad = r->spawn_failed || r->timed_out || r->signal || tst_sanitizer_report(r);
    if (bad)
        CHECK_(false, "%s: pgbelay %s\n%.2000s", what, tst_status(r), r->err ? r->err : "");
    return !bad;
}

static void cli_errors(void)
{
    static const struct {
        const char *file, *where, *text;
    } cases[] = {
        {"syntax_error.yaml", "testdata/config/syntax_error.yaml:4:13: ", "YAML syntax error"},
        {"unknown_key.yaml", "testdata/config/unknown_key.yaml:2:1: ", "did you mean 'pg-version'?"},
        {"wrong_type.yaml", "testdata/config/wrong_type.yaml:1:13: ", "must be an integer"},
        {"bad_regex.yaml", "testdata/config/bad_regex.yaml:3:14: ", "not a valid PCRE2 pattern"},
        {"bad_values.yaml", "testdata/config/bad_values.yaml:2:12: ", "unknown framework 'gooze'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char cfgarg[256];
        snprintf(cfgarg, sizeof cfgarg, "testdata/config/%s", cases[i].file);
        const char *const *argvs[] = {
            ARGV("lint", "--config", cfgarg, "testdata/config/suppress.sql"),
            ARGV("plan", "--config", cfgarg, "testdata/config/suppress.sql"),
            ARGV("config", "--config", cfgarg),
        };
        for (size_t k = 0; k < 3; k++) {
            tst_cmd c = {.argv = argvs[k]};
            tst_result r;
            tst_run(&c, &r);
            if (sane(&r, cases[i].file)) {
                CHECK_(r.exit_code == 2, "%s %s: exit %d, want 2", argvs[k][0], cases[i].file, r.exit_code);
                CHECK_(r.err && strstr(r.err, cases[i].where) && strstr(r.err, cases[i].text),
                       "%s %s: stderr lacks '%s%s':\n%s", argvs[k][0], cases[i].file, cases[i].where,
                       cases[i].text, r.err);
                CHECK_(r.out_len == 0, "%s %s: nothing on stdout, got: %.200s", argvs[k][0], cases[i].file,
                       r.out);
            }
            tst_result_free(&r);
        }
    }
    /* a --config that does not exist */
    tst_cmd c = {.argv = ARGV("lint", "--config", "testdata/config/nope.yaml", "testdata/config/custom.sql")};
    tst_result r;
    tst_run(&c, &r);
    if (sane(&r, "missing config")) {
        INT_EQ(r.exit_code, 2);
        OK(r.err && strstr(r.err, "testdata/config/nope.yaml:1:1: cannot read the configuration"));
    }
    tst_result_free(&r);
}

static void rm_tree(const char *dir)
{
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

static void write_at(const char *dir, const char *name, const char *text)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    tst_write_file(p, text, strlen(text));
}

/* A project: .pgbelay.yaml at its top, run from a directory below it. */
static void cli_project(void)
{
    char tmpl[] = "/tmp/pgbelay-proj-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir) {
        CHECK_(false, "mkdtemp");
        return;
    }
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/db", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/db/migrations", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/app", dir);
    mkdir(p, 0755);
    write_at(dir, ".pgbelay.yaml",
             "pg-version: 12\nmigrations: [db/migrations]\nexclude: ['*_seed.sql']\nformat: gcc\n"
             "fail-on: error\nrules:\n  drop-table: error\n"
             "naming:\n  tables: {pattern: '^[a-z_]+$', message: lower-case tables}\n");
    write_at(dir, "db/migrations/001_init.sql", "CREATE TABLE \"Users\" (id int);\n");
    write_at(dir, "db/migrations/002_seed.sql", "SET lock_timeout = '1s';\nDROP TABLE users;\n");
    write_at(dir, "db/migrations/003_drop.sql",
             "SET lock_timeout = '1s';\n-- pgbelay-ignore drop-table: the table is empty\nDROP TABLE "
             "\"Users\";\n");
    write_at(dir, "app/note.sql", "SET lock_timeout = '1s';\nDROP TABLE x;\n");

    /* run from app/: the config is found upward, its migrations are linted
       (relative to the config), the seed file excluded, gcc format */
    snprintf(p, sizeof p, "%s/app", dir);
    tst_cmd c = {.argv = ARGV("lint"), .cwd = p};
    tst_result r;
    tst_run(&c, &r);
    if (sane(&r, "project lint")) {
        CHECK_(r.out && strstr(r.out, "../db/migrations/001_init.sql:1:14: warning: lower-case tables"),
               "project lint output:\n%s\n%s", r.out, r.err);
        CHECK_(r.out && !strstr(r.out, "002_seed") && !strstr(r.out, "note.sql"),
               "excluded / not listed:\n%s", r.out);
        CHECK_(r.out && !strstr(r.out, "003_drop.sql:3"), "suppressed:\n%s", r.out);
        /* fail-on: error and only a warning: exit 0 */
        INT_EQ(r.exit_code, 0);
    }
    tst_result_free(&r);

    /* options override the file: --format text, --fail-on warning */
    tst_cmd c2 = {.argv = ARGV("lint", "--format", "text", "--fail-on", "warning"), .cwd = p};
    tst_run(&c2, &r);
    if (sane(&r, "project lint override")) {
        OK(r.out && strstr(r.out, "warning[custom:naming-tables]"));
        INT_EQ(r.exit_code, 1);
    }
    tst_result_free(&r);

    /* a named file is linted even when excluded; drop-table is an error by config */
    tst_cmd c3 = {.argv = ARGV("lint", "../db/migrations/002_seed.sql"), .cwd = p};
    tst_run(&c3, &r);
    if (sane(&r, "named excluded file")) {
        OK(r.out && strstr(r.out, "002_seed.sql:2:1: error:"));
        INT_EQ(r.exit_code, 1);
    }
    tst_result_free(&r);

    /* stdin: suppressions work there too */
    static const char in[] =
        "SET lock_timeout = '1s';\n-- pgbelay-ignore drop-table: scratch\nDROP TABLE t;\n"
        "-- pgbelay-ignore truncate: nothing here\nSELECT 1;\n";
    tst_cmd c4 = {
        .argv = ARGV("lint", "--format", "gcc", "-"), .cwd = p, .input = in, .input_len = sizeof in - 1};
    tst_run(&c4, &r);
    if (sane(&r, "stdin suppressions")) {
        OK(r.out && !strstr(r.out, "[drop-table]"));
        OK(r.out && strstr(r.out, "<stdin>:4:1: warning: pgbelay-ignore truncate suppresses nothing"));
    }
    tst_result_free(&r);

    /* pgbelay config: values and where they came from */
    tst_cmd c5 = {.argv = ARGV("config", "--pg-version", "14"), .cwd = p};
    tst_run(&c5, &r);
    if (sane(&r, "pgbelay config")) {
        INT_EQ(r.exit_code, 0);
        CHECK_(r.out && strstr(r.out, "pg-version: 14") && strstr(r.out, "# command line (--pg-version)") &&
                   strstr(r.out, "format: gcc") && strstr(r.out, "# ../.pgbelay.yaml:4:9") &&
                   strstr(r.out, "drop-table: error") && strstr(r.out, "assume-in-transaction: false") &&
                   strstr(r.out, "# default"),
               "pgbelay config:\n%s", r.out);
    }
    tst_result_free(&r);

    /* explain of a custom rule of the nearest config */
    tst_cmd c6 = {.argv = ARGV("explain", "custom:naming-tables"), .cwd = p};
    tst_run(&c6, &r);
    if (sane(&r, "explain custom")) {
        INT_EQ(r.exit_code, 0);
        OK(r.out && strstr(r.out, "lower-case tables") && strstr(r.out, "../.pgbelay.yaml at line 9"));
    }
    tst_result_free(&r);

    /* plan takes pg-version from the config too */
    tst_cmd c7 = {.argv = ARGV("plan", "--format", "json", "../db/migrations/001_init.sql"), .cwd = p};
    tst_run(&c7, &r);
    if (sane(&r, "plan with config")) {
        INT_EQ(r.exit_code, 0);
        OK(r.out && strstr(r.out, "\"pg_version\": 12"));
    }
    tst_result_free(&r);

    /* worker threads share one config (compiled patterns; match data per
       part): the same output with --jobs 4 as with --jobs 1 */
    for (int d = 0; d < 8; d++) {
        char name[64];
        snprintf(name, sizeof name, "db/migrations/m%d", d);
        snprintf(p, sizeof p, "%s/%s", dir, name);
        mkdir(p, 0755);
        for (int f = 0; f < 3; f++) {
            char file[96], sql[256];
            snprintf(file, sizeof file, "%s/%03d_x.sql", name, f);
            snprintf(sql, sizeof sql,
                     "CREATE TABLE \"T%d_%d\" (id int);\n-- pgbelay-ignore drop-table: empty\nDROP TABLE t%d;\n"
                     "CREATE TABLE ok_%d (id int);\n",
                     d, f, f, f);
            write_at(dir, file, sql);
        }
    }
    snprintf(p, sizeof p, "%s/app", dir);
    tst_cmd j1 = {.argv = ARGV("lint", "--jobs", "1"), .cwd = p};
    tst_cmd j4 = {.argv = ARGV("lint", "--jobs", "4"), .cwd = p};
    tst_result r1, r4;
    tst_run(&j1, &r1);
    tst_run(&j4, &r4);
    if (sane(&r1, "--jobs 1") && sane(&r4, "--jobs 4")) {
        OK(r1.out && r4.out && !strcmp(r1.out, r4.out));
        OK(r1.out && strstr(r1.out, "m7/002_x.sql:1:14: warning: lower-case tables"));
        OK(r1.out && !strstr(r1.out, "[drop-table]") && !strstr(r1.out, "unused-ignore"));
    }
    tst_result_free(&r1);
    tst_result_free(&r4);

    /* a broken config found upward stops lint with exit 2 */
    write_at(dir, ".pgbelay.yaml", "pg-version: [\n");
    tst_cmd c8 = {.argv = ARGV("lint"), .cwd = p};
    tst_run(&c8, &r);
    if (sane(&r, "broken config upward")) {
        INT_EQ(r.exit_code, 2);
        OK(r.err && strstr(r.err, "../.pgbelay.yaml:2:1: YAML syntax error"));
    }
    tst_result_free(&r);
    rm_tree(dir);

    /* the reference printed by the CLI is the committed doc */
    tst_cmd c9 = {.argv = ARGV("config", "--reference")};
    tst_run(&c9, &r);
    if (sane(&r, "config --reference")) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/docs/configuration.md", T.root);
        size_t len = 0;
        char *doc = tst_read_file(path, &len);
        OK(doc && r.out && len == r.out_len && !memcmp(doc, r.out, len));
        free(doc);
    }
    tst_result_free(&r);
}

void test_config(void)
{
    every_key();
    errors();
    reference();
    readme_example();
    find_upward();
    custom_rules();
    catastrophic();
    suppressions();
    cli_errors();
    cli_project();
}
