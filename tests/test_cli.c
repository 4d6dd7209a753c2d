/* CLI tests: run the pgbelay binary (T.pgbelay) the way users and CI do and
 * check exit codes, where messages go, stdin, paths and directories,
 * symbolic links, the JSON schema (parsed with Jansson), colour and
 * --jobs determinism. Checks never depend on the exact wording of a
 * rule's message, so they keep passing while rules are added; the golden
 * suite pins exact output.
 *
 * Processes are started by tst_run (test_golden.c): working directory
 * T.root unless a case says otherwise, NO_COLOR=1 over the runner's
 * environment unless a case unsets it. A crash, a timeout or a sanitizer
 * report fails the check that ran it. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pgbelay/pgbelay.h"
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

/* ---- helpers ---------------------------------------------------------------- */

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})
#define ENV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Fails (one check) when the process crashed, hung or a sanitizer spoke. */
static bool sane(const tst_result *r, const char *what)
{
    bool bad = r->spawn_failed || r->timed_out || r->signal || tst_sanitizer_report(r);
    if (bad) {
        CHECK_(false, "%s: pgbelay %s%s", what, tst_status(r),
               tst_sanitizer_report(r) ? " with a sanitizer report" : "");
        if (r->err && r->err_len)
            fprintf(stderr, "  --- stderr ---\n%.4000s\n", r->err);
    }
    return !bad;
}

static void run_full(tst_result *r, const tst_cmd *c, const char *what)
{
    tst_run(c, r);
    sane(r, what);
}

static void run(tst_result *r, const char *const *argv)
{
    tst_cmd c = {.argv = argv};
    run_full(r, &c, argv[0] ? argv[0] : "(no arguments)");
}

static bool has(const tst_result *r, const char *s)
{
    return r->out && strstr(r->out, s) != NULL;
}

static bool has_err(const tst_result *r, const char *s)
{
    return r->err && strstr(r->err, s) != NULL;
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (const char *p = hay; p && (p = strstr(p, needle)); p += k)
        n++;
    return n;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        if (*s == '\n')
            n++;
    return n;
}

/* The lines of `s` that contain `needle` (malloc'd). Checks on a walk or
 * a count look only at one rule's lines, so new rules do not upset them. */
static char *grep_lines(const char *s, const char *needle)
{
    size_t n = s ? strlen(s) : 0, k = 0;
    char *out = malloc(n + 1);
    for (const char *line = s; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);
        char *tmp = strndup(line, len);
        if (strstr(tmp, needle)) {
            memcpy(out + k, line, len);
            k += len;
        }
        free(tmp);
        line += len;
    }
    out[k] = '\0';
    return out;
}

#define PB101_TAG "[create-index-non-concurrent]"

static bool same_output(const tst_result *a, const tst_result *b)
{
    return a->out && b->out && a->out_len == b->out_len && memcmp(a->out, b->out, a->out_len) == 0;
}

static bool make_tmpdir(char *dir, size_t cap)
{
    const char *base = getenv("TMPDIR");
    snprintf(dir, cap, "%s/pgbelay-cli-XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(dir) != NULL;
}

static void rm_tree(const char *dir)
{
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "pgbelay-test: could not remove %s\n", dir);
}

static bool put(const char *dir, const char *rel, const char *text)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    /* create parent directories */
    for (char *s = p + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        mkdir(p, 0755);
        *s = '/';
    }
    return tst_write_file(p, text, strlen(text));
}

/* ---- help, version, usage errors -------------------------------------------- */

static void help_and_usage(void)
{
    tst_result r, r2;
    run(&r, ARGV("--help"));
    INT_EQ(r.exit_code, 0);
    OK(has(&r, "usage: pgbelay <command>"));
    OK(has(&r, "\n  lint ") && has(&r, "\n  rules ") && has(&r, "\n  explain "));
    OK(has(&r, "exit codes:"));
    INT_EQ(r.err_len, 0);
    for (int i = 0; i < 2; i++) {
        run(&r2, i == 0 ? ARGV("-h") : ARGV("help"));
        INT_EQ(r2.exit_code, 0);
        OK(same_output(&r, &r2));
        tst_result_free(&r2);
    }
    tst_result_free(&r);

    run(&r, ARGV("--version"));
    INT_EQ(r.exit_code, 0);
    OK(strncmp(r.out, "pgbelay " PB_VERSION " ", strlen("pgbelay " PB_VERSION " ")) == 0);
    INT_EQ(count_lines(r.out), 1);
    tst_result_free(&r);

    run(&r, ARGV("lint", "--help"));
    INT_EQ(r.exit_code, 0);
    OK(has(&r, "usage: pgbelay lint"));
    static const char *const lint_opts[] = {
        "--format",         "--pg-version",    "--fail-on", "--assume-in-transaction",
        "--stdin-filename", "--max-file-size", "--color",   "--jobs"};
    for (size_t i = 0; i < sizeof lint_opts / sizeof lint_opts[0]; i++)
        CHECK_(has(&r, lint_opts[i]), "lint --help documents %s", lint_opts[i]);
    tst_result_free(&r);

    run(&r, ARGV("rules", "--help"));
    INT_EQ(r.exit_code, 0);
    OK(has(&r, "usage: pgbelay rules"));
    tst_result_free(&r);
    run(&r, ARGV("explain", "--help"));
    INT_EQ(r.exit_code, 0);
    OK(has(&r, "usage: pgbelay explain"));
    tst_result_free(&r);

    /* no command: usage on stderr, exit 2 */
    static const char *const no_args[] = {NULL};
    run(&r, no_args);
    INT_EQ(r.exit_code, 2);
    INT_EQ(r.out_len, 0);
    OK(has_err(&r, "usage: pgbelay <command>"));
    tst_result_free(&r);

    /* unknown commands and options: exit 2, a message naming them on stderr,
       nothing on stdout (and nothing linted) */
    const struct {
        const char *const *argv;
        const char *mention;
    } bad[] = {
        {ARGV("frobnicate"), "frobnicate"},
        {ARGV("--frobnicate"), "--frobnicate"},
        {ARGV("lint", "--frobnicate", "testdata/input/no_final_newline.sql"), "--frobnicate"},
        {ARGV("lint", "-x", "testdata/input/no_final_newline.sql"), "-x"},
        {ARGV("lint", "testdata/input/no_final_newline.sql", "--format"), "--format"},
        {ARGV("lint", "--format", "xml", "testdata/input/no_final_newline.sql"), "xml"},
        {ARGV("lint", "--pg-version", "10", "testdata/input/no_final_newline.sql"), "'10'"},
        {ARGV("lint", "--pg-version", "18", "testdata/input/no_final_newline.sql"), "'18'"},
        {ARGV("lint", "--pg-version", "15x", "testdata/input/no_final_newline.sql"), "15x"},
        {ARGV("lint", "--fail-on", "fatal", "testdata/input/no_final_newline.sql"), "fatal"},
        {ARGV("lint", "--color", "sometimes", "testdata/input/no_final_newline.sql"), "sometimes"},
        {ARGV("lint", "--jobs", "0", "testdata/input/no_final_newline.sql"), "--jobs"},
        {ARGV("lint", "--jobs", "257", "testdata/input/no_final_newline.sql"), "257"},
        {ARGV("lint", "--max-file-size", "0", "testdata/input/no_final_newline.sql"), "--max-file-size"},
        {ARGV("lint", "--max-file-size", "-1", "testdata/input/no_final_newline.sql"), "-1"},
        {ARGV("lint", "-", "-"), "standard input"},
        {ARGV("rules", "extra"), "rules"},
        {ARGV("explain"), "usage: pgbelay explain"},
        {ARGV("explain", "PB101", "PB001"), "usage: pgbelay explain"},
        {ARGV("explain", "nope"), "nope"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tst_cmd c = {.argv = bad[i].argv, .input = "", .input_len = 0};
        run_full(&r, &c, bad[i].argv[0]);
        CHECK_(r.exit_code == 2, "pgbelay %s %s: exit %d, want 2", bad[i].argv[0],
               bad[i].argv[1] ? bad[i].argv[1] : "", r.exit_code);
        CHECK_(r.out_len == 0, "pgbelay %s %s: nothing on stdout, got \"%.200s\"", bad[i].argv[0],
               bad[i].argv[1] ? bad[i].argv[1] : "", r.out);
        CHECK_(has_err(&r, bad[i].mention), "pgbelay %s %s: stderr mentions \"%s\", got \"%s\"",
               bad[i].argv[0], bad[i].argv[1] ? bad[i].argv[1] : "", bad[i].mention, r.err);
        tst_result_free(&r);
    }
}

/* ---- rules and explain ----------------------------------------------------- */

typedef struct yrule {
    char id[128], code[16];
} yrule;

/* id and code of every rules/<id>.yaml (top-level `id:` and `code:` keys). */
static size_t read_rule_yamls(yrule **out)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/rules", T.root);
    DIR *d = opendir(dir);
    *out = NULL;
    if (!d)
        return 0;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        char p[PATH_MAX + 256];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        char *text = tst_read_file(p, NULL);
        if (!text)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            *out = realloc(*out, cap * sizeof **out);
        }
        yrule *y = &(*out)[n++];
        memset(y, 0, sizeof *y);
        for (char *line = text; line && *line;) {
            char *nl = strchr(line, '\n');
            if (nl)
                *nl = '\0';
            if (!strncmp(line, "id: ", 4))
                snprintf(y->id, sizeof y->id, "%s", line + 4);
            else if (!strncmp(line, "code: ", 6))
                snprintf(y->code, sizeof y->code, "%s", line + 6);
            line = nl ? nl + 1 : NULL;
        }
        free(text);
    }
    closedir(d);
    return n;
}

static void rules_and_explain(void)
{
    yrule *ys;
    size_t n = read_rule_yamls(&ys);
    CHECK_(n > 0, "found rules/*.yaml under %s", T.root);

    tst_result r;
    run(&r, ARGV("rules"));
    INT_EQ(r.exit_code, 0);
    CHECK_(count_lines(r.out) == n, "`pgbelay rules` lists %zu rules, rules/ has %zu yaml files",
           count_lines(r.out), n);
    for (size_t i = 0; i < n; i++) {
        /* a line "<code> <id> ..." for every yaml */
        char want[200];
        snprintf(want, sizeof want, "%s ", ys[i].code);
        bool found = false;
        for (const char *line = r.out; line && *line;
             line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
            const char *id = line + strlen(want);
            while (*id == ' ')
                id++;
            if (!strncmp(line, want, strlen(want)) && !strncmp(id, ys[i].id, strlen(ys[i].id)) &&
                id[strlen(ys[i].id)] == ' ') {
                found = true;
                break;
            }
        }
        CHECK_(found, "`pgbelay rules` has a line for %s %s", ys[i].code, ys[i].id);
    }
    tst_result_free(&r);

    /* explain by id and by code print the same text, for every rule */
    for (size_t i = 0; i < n; i++) {
        tst_result a, b;
        run(&a, ARGV("explain", ys[i].id));
        run(&b, ARGV("explain", ys[i].code));
        char head[200];
        snprintf(head, sizeof head, "%s %s (", ys[i].code, ys[i].id);
        CHECK_(a.exit_code == 0 && b.exit_code == 0, "explain %s / %s exit 0", ys[i].id, ys[i].code);
        CHECK_(same_output(&a, &b), "explain %s and explain %s print the same text", ys[i].id, ys[i].code);
        CHECK_(a.out && !strncmp(a.out, head, strlen(head)) && a.out_len > 80,
               "explain %s starts with \"%s\" and says something", ys[i].id, head);
        tst_result_free(&a);
        tst_result_free(&b);
    }
    free(ys);

    run(&r, ARGV("explain", "create-index-non-concurrent"));
    OK(has(&r, "CONCURRENTLY"));
    tst_result_free(&r);
}

/* ---- standard input ---------------------------------------------------------- */

static const char index_sql[] = "-- add an index\nCREATE INDEX users_email_idx ON users (email);\n";

static void stdin_input(void)
{
    tst_result r;
    tst_cmd c = {.argv = ARGV("lint", "--format", "gcc", "--stdin-filename",
                              "db/migrate/20240501_users_email.sql", "-"),
                 .input = index_sql,
                 .input_len = sizeof index_sql - 1};
    run_full(&r, &c, "stdin with --stdin-filename");
    INT_EQ(r.exit_code, 1);
    char *l = grep_lines(r.out, PB101_TAG);
    OK(!strncmp(l, "db/migrate/20240501_users_email.sql:2:1: warning: ", 50));
    free(l);
    OK(!has(&r, "<stdin>"));
    tst_result_free(&r);

    c.argv = ARGV("lint", "--format", "json", "--stdin-filename", "db/migrate/20240501_users_email.sql", "-");
    run_full(&r, &c, "stdin json");
    OK(has(&r, "\"path\":\"db/migrate/20240501_users_email.sql\""));
    tst_result_free(&r);

    c.argv = ARGV("lint", "--format", "gcc", "-");
    run_full(&r, &c, "stdin without a name");
    INT_EQ(r.exit_code, 1);
    l = grep_lines(r.out, PB101_TAG);
    OK(!strncmp(l, "<stdin>:2:1: warning: ", 22));
    free(l);
    tst_result_free(&r);

    /* stdin between files keeps its place in the report */
    c.argv = ARGV("lint", "--format", "gcc", "--stdin-filename", "piped.sql",
                  "testdata/input/no_final_newline.sql", "-", "testdata/input/invalid_utf8_string.sql");
    run_full(&r, &c, "stdin between files");
    const char *a = strstr(r.out, "testdata/input/no_final_newline.sql:1:1:"),
               *b = strstr(r.out, "piped.sql:2:1:"),
               *d = strstr(r.out, "testdata/input/invalid_utf8_string.sql:1:45:");
    OK(a && b && d && a < b && b < d);
    tst_result_free(&r);

    /* empty stdin: the empty-file info, exit 0 */
    c = (tst_cmd){.argv = ARGV("lint", "--format", "gcc", "-"), .input = "", .input_len = 0};
    run_full(&r, &c, "empty stdin");
    INT_EQ(r.exit_code, 0);
    OK(has(&r, "<stdin>:1:1: warning: ") && has(&r, "[empty-file]"));
    tst_result_free(&r);

    /* stdin over --max-file-size is reported like a file over it, not
       truncated: 108 bytes against a 64-byte limit */
    size_t len = 0;
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/testdata/input/too_large.sql", T.root);
    char *big = tst_read_file(p, &len);
    OK(big && len > 64);
    c = (tst_cmd){.argv = ARGV("lint", "--format", "gcc", "--max-file-size", "64", "-"),
                  .input = big,
                  .input_len = len};
    run_full(&r, &c, "stdin over --max-file-size");
    CHECK_(has(&r, "[file-too-large]") && r.exit_code == 1,
           "BUG: stdin over --max-file-size must give file-too-large and exit 1; got exit %d and \"%s\" "
           "(read_stdin drops the chunk that crosses the cap, so the input is silently truncated)",
           r.exit_code, r.out);
    tst_result_free(&r);
    /* a limit equal to the input's size: linted in full */
    c.argv = ARGV("lint", "--format", "gcc", "--max-file-size", "108", "-");
    run_full(&r, &c, "stdin at --max-file-size");
    INT_EQ(r.exit_code, 1);
    INT_EQ(count_of(r.out, "[create-index-non-concurrent]"), 2);
    tst_result_free(&r);
    free(big);
}

/* ---- unreadable paths ----------------------------------------------------------- */

static void missing_files(void)
{
    tst_result r;
    run(&r, ARGV("lint", "--format", "gcc", "testdata/input/no_final_newline.sql", "does/not/exist.sql",
                 "testdata/golden/syntax_error_middle.sql"));
    INT_EQ(r.exit_code, 2);
    OK(has(&r, "does/not/exist.sql") || has_err(&r, "does/not/exist.sql"));
    OK(has(&r, "No such file") || has_err(&r, "No such file"));
    /* the files around it are still linted and reported, in order; the
       unreadable one is reported on standard error */
    const char *a = strstr(r.out, "testdata/input/no_final_newline.sql:1:1: warning:");
    const char *b = strstr(r.out, "testdata/golden/syntax_error_middle.sql:4:1: warning:");
    OK(a && b && a < b);
    OK(!has(&r, "does/not/exist.sql") && has_err(&r, "cannot open 'does/not/exist.sql'"));
    tst_result_free(&r);

    run(&r, ARGV("lint", "testdata/input/no_final_newline.sql", "does/not/exist.sql"));
    INT_EQ(r.exit_code, 2);
    OK(has_err(&r, "cannot open 'does/not/exist.sql'"));
    OK(has(&r, "--> testdata/input/no_final_newline.sql:1:1"));
    OK(has(&r, "in 2 files") && has(&r, "1 file could not be read"));
    tst_result_free(&r);

    /* an unreadable input wins over --fail-on none */
    run(&r, ARGV("lint", "--fail-on", "none", "does/not/exist.sql"));
    INT_EQ(r.exit_code, 2);
    tst_result_free(&r);
    run(&r, ARGV("lint", "no/such/directory/"));
    INT_EQ(r.exit_code, 2);
    OK(has(&r, "no/such/directory") || has_err(&r, "no/such/directory"));
    tst_result_free(&r);
}

/* ---- directories ------------------------------------------------------------------ */

static void directories(void)
{
    char dir[PATH_MAX];
    if (!make_tmpdir(dir, sizeof dir)) {
        CHECK_(false, "mkdtemp: %s", strerror(errno));
        return;
    }
    /* created out of order; one finding per file, on line 1 */
    static const char *const files[] = {"mig/c.sql",   "mig/b/x.sql", "mig/a.sql",    "mig/d/e/f/g.sql",
                                        "mig/b/a.sql", "mig/Z.sql",   "mig/b/0/n.sql"};
    /* each folder is one migration set, in migration order; sets come in
       the order the walk first reaches them */
    static const char *const order[] = {"mig/Z.sql",   "mig/a.sql",   "mig/c.sql",      "mig/b/0/n.sql",
                                        "mig/b/a.sql", "mig/b/x.sql", "mig/d/e/f/g.sql"};
    const size_t nf = sizeof files / sizeof files[0];
    for (size_t i = 0; i < nf; i++)
        OK(put(dir, files[i], "CREATE INDEX orders_total_idx ON orders (total);\n"));
    OK(put(dir, "mig/.git/hooks.sql", "CREATE INDEX hidden_idx ON hidden (x);\n"));
    OK(put(dir, "mig/notes.txt", "CREATE INDEX not_sql_idx ON not_sql (x);\n"));
    OK(put(dir, "mig/b/readme.sql.bak", "CREATE INDEX backup_idx ON backup (x);\n"));

    tst_result r;
    tst_cmd c = {.argv = ARGV("lint", "--format", "gcc", "mig"), .cwd = dir};
    run_full(&r, &c, "directory walk");
    INT_EQ(r.exit_code, 1);
    char *walk = grep_lines(r.out, PB101_TAG);
    INT_EQ(count_lines(walk), nf);
    const char *line = walk;
    for (size_t i = 0; i < nf && line; i++) {
        char want[128];
        snprintf(want, sizeof want, "%s:1:1: warning:", order[i]);
        CHECK_(!strncmp(line, want, strlen(want)), "file %zu of the walk is %s, got \"%.60s\"", i + 1,
               order[i], line);
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    OK(!has(&r, "hidden") && !has(&r, "not_sql") && !has(&r, "backup"));
    free(walk);
    tst_result_free(&r);

    /* a trailing slash gives the same paths */
    c.argv = ARGV("lint", "--format", "gcc", "mig/");
    run_full(&r, &c, "directory with a trailing slash");
    walk = grep_lines(r.out, PB101_TAG);
    OK(!strncmp(walk, "mig/Z.sql:1:1:", 14));
    free(walk);
    tst_result_free(&r);

    /* no path: the current directory */
    char sub[PATH_MAX + 8];
    snprintf(sub, sizeof sub, "%s/mig/b", dir);
    c = (tst_cmd){.argv = ARGV("lint", "--format", "gcc"), .cwd = sub};
    run_full(&r, &c, "lint without a path");
    INT_EQ(r.exit_code, 1);
    walk = grep_lines(r.out, PB101_TAG);
    INT_EQ(count_lines(walk), 3);
    free(walk);
    OK(has(&r, "0/n.sql:1:1:") && has(&r, "a.sql:1:1:") && has(&r, "x.sql:1:1:"));
    tst_result_free(&r);
    rm_tree(dir);
}

static void symlinks(void)
{
    char dir[PATH_MAX];
    if (!make_tmpdir(dir, sizeof dir)) {
        CHECK_(false, "mkdtemp: %s", strerror(errno));
        return;
    }
    char p[PATH_MAX + 64], q[PATH_MAX + 64];
    OK(put(dir, "mig/good.sql", "CREATE INDEX orders_total_idx ON orders (total);\n"));
    OK(put(dir, "mig/sub/more.sql", "CREATE INDEX orders_placed_idx ON orders (placed_at);\n"));
    snprintf(p, sizeof p, "%s/mig/dangling.sql", dir);
    OK(symlink("missing.sql", p) == 0);
    snprintf(p, sizeof p, "%s/mig/sub/up", dir); /* a directory loop: mig/sub/up -> mig */
    OK(symlink("..", p) == 0);
    snprintf(p, sizeof p, "%s/mig/loop_a.sql", dir); /* two links pointing at each other */
    snprintf(q, sizeof q, "%s/mig/loop_b.sql", dir);
    OK(symlink("loop_b.sql", p) == 0 && symlink("loop_a.sql", q) == 0);

    tst_result r;
    tst_cmd c = {.argv = ARGV("lint", "--format", "gcc", "mig"), .cwd = dir, .timeout_s = 30};
    run_full(&r, &c, "symbolic links");
    INT_EQ(r.exit_code, 2);
    OK(has_err(&r, "'mig/dangling.sql'") && has_err(&r, "dangling symbolic link"));
    OK(has_err(&r, "mig/loop_a.sql") && has_err(&r, "mig/loop_b.sql") && has_err(&r, "symbolic link loop"));
    OK(has_err(&r, "directory cycle at 'mig/sub/up'"));
    CHECK_(has_err(&r, "links back to 'mig'"),
           "the cycle message must name the directory the link leads back to ('mig'); got \"%s\"", r.err);
    /* every real file exactly once: the loop was not followed */
    char *hits = grep_lines(r.out, PB101_TAG);
    INT_EQ(count_of(hits, "good.sql:1:1: warning:"), 1);
    INT_EQ(count_of(hits, "more.sql:1:1: warning:"), 1);
    free(hits);
    OK(has(&r, "mig/good.sql:1:1: warning:") && has(&r, "mig/sub/more.sql:1:1: warning:"));
    tst_result_free(&r);

    /* the same in text and json */
    c.argv = ARGV("lint", "mig");
    run_full(&r, &c, "symbolic links, text");
    INT_EQ(r.exit_code, 2);
    OK(has(&r, "could not be read"));
    tst_result_free(&r);

    /* a dangling link named on the command line */
    c.argv = ARGV("lint", "--format", "gcc", "mig/dangling.sql", "mig/good.sql");
    run_full(&r, &c, "dangling link as a path");
    INT_EQ(r.exit_code, 2);
    OK(has_err(&r, "'mig/dangling.sql'"));
    OK(has(&r, "mig/good.sql:1:1: warning:"));
    tst_result_free(&r);
    rm_tree(dir);
}

/* ---- json ------------------------------------------------------------------------ */

static bool is_int(json_t *o, const char *k)
{
    return json_is_integer(json_object_get(o, k));
}

static json_int_t geti(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static bool check_pos(json_t *p)
{
    return json_is_object(p) && is_int(p, "offset") && is_int(p, "line") && is_int(p, "column") &&
           is_int(p, "column_utf16") && geti(p, "line") >= 1 && geti(p, "column") >= 1 &&
           geti(p, "column_utf16") >= 1 && geti(p, "column_utf16") <= geti(p, "column");
}

/* Parses a json report and checks the schema and that the summary adds up.
 * Returns the document (caller frees) or NULL. */
static json_t *check_json_report(const tst_result *r, const char *what, size_t want_files)
{
    json_error_t je;
    json_t *doc = json_loadb(r->out, r->out_len, JSON_REJECT_DUPLICATES, &je);
    CHECK_(doc != NULL, "%s: stdout is valid JSON: %s at line %d column %d", what, je.text, je.line,
           je.column);
    if (!doc)
        return NULL;
    CHECK_(json_is_object(doc) && is_int(doc, "schema_version") && geti(doc, "schema_version") == 1,
           "%s: schema_version 1", what);
    json_t *tool = json_object_get(doc, "tool"), *tv = json_object_get(doc, "tool_version");
    CHECK_(json_is_string(tool) && !strcmp(json_string_value(tool), "pgbelay"), "%s: tool is pgbelay", what);
    CHECK_(json_is_string(tv) && !strcmp(json_string_value(tv), PB_VERSION), "%s: tool_version", what);
    CHECK_(is_int(doc, "pg_version"), "%s: pg_version", what);
    json_t *files = json_object_get(doc, "files"), *sum = json_object_get(doc, "summary");
    CHECK_(json_is_array(files) && json_array_size(files) == want_files, "%s: %zu files, got %zu", what,
           want_files, json_array_size(files));
    long long errors = 0, warnings = 0, infos = 0, stmts = 0, unreadable = 0;
    bool shape = json_is_array(files);
    size_t i, k;
    json_t *f, *d;
    json_array_foreach(files, i, f)
    {
        json_t *err = json_object_get(f, "error"), *diags = json_object_get(f, "diagnostics");
        shape = shape && json_is_string(json_object_get(f, "path")) &&
                (json_is_null(err) || json_is_string(err)) && is_int(f, "statements") && json_is_array(diags);
        if (json_is_string(err)) {
            unreadable++;
            shape = shape && json_array_size(diags) == 0;
        }
        stmts += geti(f, "statements");
        json_array_foreach(diags, k, d)
        {
            const char *sev = json_string_value(json_object_get(d, "severity"));
            const char *code = json_string_value(json_object_get(d, "code"));
            json_t *help = json_object_get(d, "help"), *st = json_object_get(d, "statement");
            json_t *s = json_object_get(d, "start"), *e = json_object_get(d, "end");
            bool ok = json_is_string(json_object_get(d, "rule")) && code && strlen(code) == 5 &&
                      !strncmp(code, "PB", 2) && sev && json_is_string(json_object_get(d, "message")) &&
                      (json_is_null(help) || json_is_string(help)) && check_pos(s) && check_pos(e) &&
                      geti(s, "offset") <= geti(e, "offset") && json_is_object(st) && is_int(st, "start") &&
                      is_int(st, "end") && geti(st, "start") <= geti(st, "end");
            CHECK_(ok || !shape, "%s: diagnostic %zu of file %zu has the schema's fields and types", what, k,
                   i);
            if (!ok)
                shape = false;
            if (sev && !strcmp(sev, "error"))
                errors++;
            else if (sev && !strcmp(sev, "warning"))
                warnings++;
            else if (sev && !strcmp(sev, "info"))
                infos++;
            else
                shape = false;
        }
    }
    CHECK_(shape, "%s: every file entry has path, error, statements, diagnostics", what);
    CHECK_(
        json_is_object(sum) && geti(sum, "files") == (json_int_t)want_files &&
            geti(sum, "errors") == errors && geti(sum, "warnings") == warnings &&
            geti(sum, "infos") == infos && geti(sum, "statements") == stmts &&
            geti(sum, "unreadable_files") == unreadable,
        "%s: summary {files %lld, errors %lld, warnings %lld, infos %lld, statements %lld, unreadable %lld} "
        "matches the file entries {%zu, %lld, %lld, %lld, %lld, %lld}",
        what, (long long)geti(sum, "files"), (long long)geti(sum, "errors"), (long long)geti(sum, "warnings"),
        (long long)geti(sum, "infos"), (long long)geti(sum, "statements"),
        (long long)geti(sum, "unreadable_files"), want_files, errors, warnings, infos, stmts, unreadable);
    return doc;
}

static void json_output(void)
{
    tst_result r;
    run(&r, ARGV("lint", "--format", "json", "testdata/golden/mixed.sql", "testdata/input/comment_only.sql",
                 "does/not/exist.sql", "testdata/golden/non_ascii.sql"));
    INT_EQ(r.exit_code, 2);
    OK(has_err(&r, "does/not/exist.sql")); /* json: the reason also goes to stderr */
    json_t *doc = check_json_report(&r, "json report", 4);
    if (doc) {
        json_t *files = json_object_get(doc, "files"), *sum = json_object_get(doc, "summary");
        INT_EQ(geti(doc, "pg_version"), PB_PG_VERSION_DEFAULT);
        /* files in argument order */
        STR_EQ(json_string_value(json_object_get(json_array_get(files, 0), "path")),
               "testdata/golden/mixed.sql");
        STR_EQ(json_string_value(json_object_get(json_array_get(files, 2), "path")), "does/not/exist.sql");
        json_t *err = json_object_get(json_array_get(files, 2), "error");
        OK(json_is_string(err) && strstr(json_string_value(err), "does/not/exist.sql"));
        INT_EQ(geti(sum, "unreadable_files"), 1);
        OK(geti(sum, "errors") >= 1 && geti(sum, "warnings") >= 4 && geti(sum, "infos") >= 1);
        /* non-ASCII: the byte column, the UTF-16 column (3 more bytes than units before CREATE) */
        json_t *na = json_object_get(json_array_get(files, 3), "diagnostics"), *s0 = NULL, *dg;
        size_t di;
        json_array_foreach(na, di, dg)
        {
            const char *rule = json_string_value(json_object_get(dg, "rule"));
            if (!s0 && rule && !strcmp(rule, "create-index-non-concurrent"))
                s0 = json_object_get(dg, "start");
        }
        INT_EQ(geti(s0, "line"), 3);
        INT_EQ(geti(s0, "column"), 14);
        INT_EQ(geti(s0, "column_utf16"), 11);
        json_decref(doc);
    }
    tst_result_free(&r);

    run(&r, ARGV("lint", "--format", "json", "--pg-version", "12", "testdata/input/no_final_newline.sql"));
    doc = check_json_report(&r, "json --pg-version 12", 1);
    if (doc) {
        INT_EQ(geti(doc, "pg_version"), 12);
        json_decref(doc);
    }
    tst_result_free(&r);

    /* bad bytes in the input still give valid JSON (Jansson rejects invalid UTF-8) */
    run(&r, ARGV("lint", "--format", "json", "testdata/input"));
    size_t ninput = 0;
    char idir[PATH_MAX];
    snprintf(idir, sizeof idir, "%s/testdata/input", T.root);
    DIR *d = opendir(idir);
    for (struct dirent *e; d && (e = readdir(d));)
        if (strlen(e->d_name) > 4 && !strcmp(e->d_name + strlen(e->d_name) - 4, ".sql"))
            ninput++;
    if (d)
        closedir(d);
    OK(ninput >= 14);
    doc = check_json_report(&r, "json on testdata/input", ninput);
    json_decref(doc);
    tst_result_free(&r);

    /* no files at all: still a complete document */
    char dir[PATH_MAX];
    if (make_tmpdir(dir, sizeof dir)) {
        tst_cmd c = {.argv = ARGV("lint", "--format", "json", "."), .cwd = dir};
        run_full(&r, &c, "json, no files");
        INT_EQ(r.exit_code, 0);
        doc = check_json_report(&r, "json, no files", 0);
        json_decref(doc);
        tst_result_free(&r);
        rm_tree(dir);
    }
}

/* ---- colour ----------------------------------------------------------------------- */

static void color(void)
{
    struct {
        const char *color;
        const char *const *env;
        bool tty;
        bool want_escapes;
        const char *what;
    } cases[] = {
        {"--color=always", ENV("NO_COLOR"), false, true, "--color always on a pipe"},
        {"--color=never", ENV("NO_COLOR", "TERM=xterm"), true, false, "--color never on a terminal"},
        {"--color=auto", ENV("NO_COLOR", "TERM=xterm"), true, true, "--color auto on a terminal"},
        {"--color=auto", ENV("NO_COLOR=1", "TERM=xterm"), true, false,
         "--color auto on a terminal with NO_COLOR=1"},
        {"--color=auto", ENV("NO_COLOR", "TERM=dumb"), true, false, "--color auto on a dumb terminal"},
        {"--color=auto", ENV("NO_COLOR"), false, false, "--color auto on a pipe"},
        /* no-color.org: a command-line flag overrides NO_COLOR; the lint
           help says NO_COLOR affects auto */
        {"--color=always", ENV("NO_COLOR=1"), false, true, "--color always with NO_COLOR=1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *argv[] = {"lint", cases[i].color, "testdata/input/no_final_newline.sql", NULL};
        tst_cmd c = {.argv = argv, .env = cases[i].env, .tty = cases[i].tty};
        tst_result r;
        run_full(&r, &c, cases[i].what);
        bool esc = has(&r, "\033[");
        CHECK_(esc == cases[i].want_escapes, "%s%s: %s ANSI escapes, got %s", i == 6 ? "BUG: " : "",
               cases[i].what, cases[i].want_escapes ? "wants" : "wants no", esc ? "some" : "none");
        CHECK_(has(&r, "create-index-non-concurrent"), "%s: the report is there", cases[i].what);
        tst_result_free(&r);
    }
    /* colour is for text only */
    static const char *const fmts[] = {"json", "gcc"};
    for (int i = 0; i < 2; i++) {
        tst_cmd c = {.argv = ARGV("lint", "--color", "always", "--format", fmts[i],
                                  "testdata/input/no_final_newline.sql"),
                     .env = ENV("NO_COLOR")};
        tst_result r;
        run_full(&r, &c, fmts[i]);
        CHECK_(!has(&r, "\033[") && r.out_len > 0, "--color always --format %s: no escapes", fmts[i]);
        tst_result_free(&r);
    }
}

/* ---- text and gcc output stay one line per field --------------------------------- */

static void control_characters(void)
{
    /* an ESC in the source must not reach the terminal through a message:
       the frame shows U+FFFD for it, the message line must too */
    static const char sql[] = "SELECT 1;\nCOMMENT ON TABLE users IS '\033]0;pwned\007\n";
    static const char *const fmts[] = {"text", "gcc"};
    for (int i = 0; i < 2; i++) {
        tst_cmd c = {
            .argv = ARGV("lint", "--format", fmts[i], "-"), .input = sql, .input_len = sizeof sql - 1};
        tst_result r;
        run_full(&r, &c, "control characters");
        INT_EQ(r.exit_code, 1);
        OK(has(&r, "[syntax-error]") || has(&r, "error[PB001]"));
        CHECK_(!memchr(r.out, '\033', r.out_len) && !memchr(r.out, '\007', r.out_len),
               "BUG: --format %s copies control characters from the source (ESC, BEL) into the message "
               "(terminal escape injection); got \"%s\"",
               fmts[i], r.out);
        tst_result_free(&r);
    }
}

/* ---- --fail-on ----------------------------------------------------------------- */

static void fail_on(void)
{
    /* the exit code each --fail-on level implies, from the counts the json
       report gives: independent of which rules exist */
    static const char *const files[] = {
        "testdata/golden/mixed.sql", "testdata/input/comment_only.sql", "testdata/input/no_final_newline.sql",
        "testdata/golden/syntax_error_middle.sql", "testdata/golden/dir_text/a_clean.sql"};
    static const char *const levels[] = {"error", "warning", "info", "none"};
    bool seen_err = false, seen_warn_only = false, seen_info_only = false, seen_clean = false;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        tst_result r;
        run(&r, ARGV("lint", "--format", "json", files[i]));
        json_t *doc = json_loadb(r.out, r.out_len, 0, NULL);
        json_t *sum = json_object_get(doc, "summary");
        long long e = geti(sum, "errors"), w = geti(sum, "warnings"), n = geti(sum, "infos");
        CHECK_(doc != NULL, "json for %s", files[i]);
        INT_EQ(r.exit_code, e + w > 0 ? 1 : 0); /* default: warning */
        json_decref(doc);
        tst_result_free(&r);
        seen_err |= e > 0;
        seen_warn_only |= e == 0 && w > 0;
        seen_info_only |= e == 0 && w == 0 && n > 0;
        seen_clean |= e + w + n == 0;
        for (int l = 0; l < 4; l++) {
            long long at = l == 0 ? e : l == 1 ? e + w : l == 2 ? e + w + n : 0;
            run(&r, ARGV("lint", "--fail-on", levels[l], files[i]));
            CHECK_(r.exit_code == (at > 0 ? 1 : 0), "--fail-on %s %s: exit %d, want %d", levels[l], files[i],
                   r.exit_code, at > 0 ? 1 : 0);
            tst_result_free(&r);
        }
    }
    /* the inputs above cover every branch */
    OK(seen_err);
    OK(seen_warn_only);
    OK(seen_info_only);
    OK(seen_clean);
}

/* ---- --jobs --------------------------------------------------------------------- */

static void jobs(void)
{
    /* every committed case, bad bytes included, through 1, 2 and 8 workers */
    static const char *const fmts[] = {"text", "json", "gcc"};
    for (int i = 0; i < 3; i++) {
        tst_result r1, r2, r8;
        run(&r1, ARGV("lint", "--format", fmts[i], "--jobs", "1", "testdata"));
        run(&r2, ARGV("lint", "--format", fmts[i], "--jobs", "2", "testdata"));
        run(&r8, ARGV("lint", "--format", fmts[i], "--jobs", "8", "testdata"));
        CHECK_(r1.out_len > 1000 && r1.exit_code == 1, "--format %s over testdata: a report, exit 1 (got %d)",
               fmts[i], r1.exit_code);
        CHECK_(same_output(&r1, &r2) && r1.exit_code == r2.exit_code,
               "--format %s: --jobs 1 and --jobs 2 agree", fmts[i]);
        CHECK_(same_output(&r1, &r8) && r1.exit_code == r8.exit_code,
               "--format %s: --jobs 1 and --jobs 8 agree", fmts[i]);
        tst_result_free(&r1);
        tst_result_free(&r2);
        tst_result_free(&r8);
    }
}

/* --since: only migrations changed since a git ref are reported, and the
 * earlier ones are still replayed (the old column type comes from them). */
static void since(void)
{
    char dir[PATH_MAX];
    if (!make_tmpdir(dir, sizeof dir)) {
        CHECK_(false, "mkdtemp: %s", strerror(errno));
        return;
    }
    OK(put(dir, "db/001_users.sql",
           "-- +goose Up\nCREATE TABLE users (id int, code integer);\n-- +goose Down\nDROP TABLE users;\n"));
    OK(put(dir, "db/002_idx.sql",
           "-- +goose Up\nCREATE INDEX users_id_idx ON users (id);\n-- +goose Down\nDROP INDEX "
           "users_id_idx;\n"));
    char cmd[PATH_MAX + 200];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && git init -q && git -c user.email=t@t -c user.name=t add . && "
             "git -c user.email=t@t -c user.name=t commit -qm init",
             dir);
    if (system(cmd) != 0) {
        CHECK_(false, "git is needed for the --since test");
        rm_tree(dir);
        return;
    }
    OK(put(dir, "db/003_code.sql",
           "-- +goose Up\nSET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN code TYPE bigint;\n"
           "-- +goose Down\nSET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN code TYPE integer;\n"));
    tst_result r;
    tst_cmd c = {.argv = ARGV("lint", "--format", "gcc", "--since", "HEAD", "db"), .cwd = dir};
    run_full(&r, &c, "--since HEAD");
    INT_EQ(r.exit_code, 1);
    OK(has(&r, "db/003_code.sql:3:") && has(&r, "(from integer)"));
    OK(!has(&r, "db/001_users.sql") && !has(&r, "db/002_idx.sql"));
    tst_result_free(&r);
    c.argv = ARGV("lint", "--format", "gcc", "db");
    run_full(&r, &c, "without --since");
    OK(has(&r, "db/002_idx.sql") && has(&r, "db/003_code.sql"));
    tst_result_free(&r);
    c.argv = ARGV("lint", "--since", "no-such-ref", "db");
    run_full(&r, &c, "--since a bad ref");
    INT_EQ(r.exit_code, 2);
    OK(has_err(&r, "no-such-ref"));
    tst_result_free(&r);
    /* a path that is not there is an error, not an unchanged file */
    c.argv = ARGV("lint", "--since", "HEAD", "db/404_missing.sql");
    run_full(&r, &c, "--since with a missing path");
    INT_EQ(r.exit_code, 2);
    OK(has_err(&r, "cannot open 'db/404_missing.sql'"));
    tst_result_free(&r);
    rm_tree(dir);
}

/* --schema: a pg_dump --schema-only file seeds the catalog (old types are
 * known), its syntax errors are reported with their location and exit 2,
 * and an unreadable schema file is a clear error. */
static void schema_seed(void)
{
    char dir[PATH_MAX];
    if (!make_tmpdir(dir, sizeof dir)) {
        CHECK_(false, "mkdtemp: %s", strerror(errno));
        return;
    }
    OK(put(dir, "dump.sql",
           "--\n-- PostgreSQL database dump\n--\n\\restrict k3y\nSET statement_timeout = 0;\n"
           "SELECT pg_catalog.set_config('search_path', '', false);\n"
           "CREATE TABLE public.users (\n    id integer NOT NULL,\n    score bigint\n);\n"
           "COPY public.users (id, score) FROM stdin;\n1\t2\n\\.\n"
           "ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);\n\\unrestrict k3y\n"));
    OK(put(dir, "bad.sql", "CREATE TABLE t (id int);\nCREATE TABEL oops (x int);\n"));
    OK(put(dir, "m.sql", "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN score TYPE integer;\n"));
    tst_result r;
    tst_cmd c = {.argv = ARGV("lint", "--format", "gcc", "--schema", "dump.sql", "m.sql"), .cwd = dir};
    run_full(&r, &c, "--schema dump.sql");
    INT_EQ(r.exit_code, 1);
    OK(has(&r, "(from bigint)") && has(&r, "narrowing-type-change"));
    OK(r.err_len == 0);
    tst_result_free(&r);
    c.argv = ARGV("lint", "--format", "gcc", "m.sql");
    run_full(&r, &c, "without --schema");
    OK(!has(&r, "(from bigint)") && has(&r, "cannot see the old type"));
    tst_result_free(&r);
    c.argv = ARGV("lint", "--format", "gcc", "--schema", "bad.sql", "m.sql");
    run_full(&r, &c, "--schema with a syntax error");
    INT_EQ(r.exit_code, 2);
    OK(has_err(&r, "bad.sql:2:8: schema file: syntax error"));
    tst_result_free(&r);
    c.argv = ARGV("lint", "--schema", "missing.sql", "m.sql");
    run_full(&r, &c, "--schema missing");
    INT_EQ(r.exit_code, 2);
    OK(has_err(&r, "missing.sql") && r.out_len == 0);
    tst_result_free(&r);
    rm_tree(dir);
}

void test_cli(void)
{
    if (!T.pgbelay) {
        CHECK_(false, "cli: --pgbelay PATH is required");
        return;
    }
    help_and_usage();
    rules_and_explain();
    stdin_input();
    missing_files();
    directories();
    symlinks();
    json_output();
    color();
    control_characters();
    fail_on();
    jobs();
    since();
    schema_seed();
}
