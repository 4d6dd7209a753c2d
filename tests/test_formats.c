/* Output formats and integration: each machine-read format is checked by
 * what its consumer requires (tests/formats/validate.py: the SARIF 2.1.0
 * JSON schema, well-formed JUnit and Checkstyle XML, GitLab Code Quality
 * and reviewdog shapes), fingerprints are checked to survive moved lines
 * and to change with the statement, paths to be repository-relative from a
 * subdirectory, rdjson suggestions to remove their findings when applied
 * (tests/formats/suggestions_test.py), the man page to equal `pgbelay --help-man`, and the
 * pre-commit hooks to refuse a dangerous commit with the real pre-commit
 * (tests/formats/precommit_e2e.sh) and the GitHub Action's steps to
 * annotate a pull request (tests/formats/action_test.py); both skipped
 * with --quick. The exact text
 * of every format is in the golden tests (testdata/golden/format_*). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

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

static char tmpdir[256];

static bool sane(const tst_result *r, const char *what)
{
    bool bad = r->spawn_failed || r->timed_out || r->signal || tst_sanitizer_report(r);
    CHECK_(!bad, "%s: pgbelay %s%s", what, tst_status(r),
           tst_sanitizer_report(r) ? " with a sanitizer report" : "");
    if (bad && r->err_len)
        fprintf(stderr, "%s\n", r->err);
    return !bad;
}

/* Runs a shell command line; returns its exit status (-1 if it did not
 * exit normally) and its combined output in *out (malloc'd). */
static int shell(const char *cmd, char **out)
{
    char full[8192];
    snprintf(full, sizeof full, "(%s) 2>&1", cmd);
    FILE *p = popen(full, "r");
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (p && (n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    buf[len] = '\0';
    int st = p ? pclose(p) : -1;
    *out = buf;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void validate(const char *format, const char *const *paths, const char *what)
{
    const char *argv[16] = {"lint", "--format", format};
    size_t k = 3;
    for (size_t i = 0; paths[i] && k < 15; i++)
        argv[k++] = paths[i];
    argv[k] = NULL;
    tst_cmd c = {.argv = argv};
    tst_result r;
    tst_run(&c, &r);
    if (sane(&r, what)) {
        char file[512], cmd[2048];
        snprintf(file, sizeof file, "%s/report.%s", tmpdir, format);
        OK(tst_write_file(file, r.out, r.out_len));
        snprintf(cmd, sizeof cmd, "cd '%s' && python3 tests/formats/validate.py %s '%s'", T.root, format,
                 file);
        char *out;
        int st = shell(cmd, &out);
        CHECK_(st == 0, "%s --format %s does not validate (exit %d):\n%s", what, format, st, out);
        free(out);
    }
    tst_result_free(&r);
}

static void test_validate(void)
{
    static const char *const formats[] = {"sarif", "junit", "checkstyle", "gitlab", "rdjson", "rdjsonl"};
    static const char *const mixed[] = {"testdata/formats/mixed", NULL};
    static const char *const clean[] = {"testdata/formats/clean", NULL};
    static const char *const many[] = {"testdata/formats/many", "testdata/formats/no-such-file.sql", NULL};
    static const char *const bad[] = {"testdata/input", NULL};
    static const char *const custom[] = {"--config", "testdata/formats/custom/pgbelay.yaml",
                                         "testdata/formats/custom/m", NULL};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        validate(formats[i], mixed, "mixed findings");
        if (T.quick)
            continue; /* valgrind: one input per format */
        validate(formats[i], clean, "no findings");
        validate(formats[i], many, "many findings and an unreadable file");
        validate(formats[i], bad, "the bad inputs of testdata/input");
        validate(formats[i], custom, "custom rules from a config file");
    }
}

/* The gitlab fingerprints of linting `sql` as m/001_x.sql in the temp dir,
 * concatenated. */
static char *fingerprints(const char *sql)
{
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/fp/m", tmpdir);
    char mk[700];
    snprintf(mk, sizeof mk, "mkdir -p '%s'", dir);
    char *o;
    shell(mk, &o);
    free(o);
    snprintf(path, sizeof path, "%s/001_x.sql", dir);
    tst_write_file(path, sql, strlen(sql));
    char cwd[512];
    snprintf(cwd, sizeof cwd, "%s/fp", tmpdir);
    const char *argv[] = {"lint", "--format", "gitlab", "m/001_x.sql", NULL};
    tst_cmd c = {.argv = argv, .cwd = cwd};
    tst_result r;
    tst_run(&c, &r);
    sane(&r, "fingerprints");
    size_t cap = 4096, len = 0;
    char *fps = calloc(1, cap);
    for (const char *p = r.out; p && (p = strstr(p, "\"fingerprint\":\"")); p += 15) {
        if (len + 80 < cap) {
            memcpy(fps + len, p + 15, 64);
            len += 64;
            fps[len++] = ' ';
        }
    }
    tst_result_free(&r);
    return fps;
}

static void test_fingerprints(void)
{
    char *a = fingerprints("CREATE INDEX a_idx ON users (email);\nCREATE INDEX a_idx ON users (email);\n");
    /* moved down, other white space and keyword case, a comment: the same */
    char *b = fingerprints("-- a comment\n\n\ncreate   index a_idx\n  ON users (email);  -- why\n"
                           "CREATE INDEX a_idx ON users (email);\n");
    /* another statement: different */
    char *c = fingerprints("CREATE INDEX a_idx ON users (name);\nCREATE INDEX a_idx ON users (email);\n");
    /* a quoted identifier keeps its case */
    char *d =
        fingerprints("CREATE INDEX \"A_idx\" ON users (email);\nCREATE INDEX a_idx ON users (email);\n");
    /* create-index-non-concurrent twice, missing-lock-timeout once (first statement) */
    CHECK_(strlen(a) == 3 * 65, "three findings expected, got fingerprints '%s'", a);
    STR_EQ(a, b);
    /* the two equal statements differ by their occurrence number */
    CHECK_(strlen(a) < 3 * 65 || strncmp(a, a + 130, 64) != 0, "equal statements share a fingerprint: %s", a);
    CHECK_(strcmp(a, c) != 0 && strncmp(a, c, 64) != 0, "a changed statement kept its fingerprint");
    CHECK_(strncmp(a, d, 64) != 0, "a quoted identifier's case was folded");
    free(a);
    free(b);
    free(c);
    free(d);
}

static void test_repo_relative(void)
{
    /* from a subdirectory of the repository, paths still start at its root */
    char cwd[1024];
    snprintf(cwd, sizeof cwd, "%s/testdata/formats", T.root);
    static const char *const fmts[] = {"github", "sarif", "gitlab", "markdown"};
    static const char *const want[] = {
        "file=testdata/formats/mixed/002_", "\"uri\": \"testdata/formats/mixed/002_",
        "\"path\":\"testdata/formats/mixed/002_", "### testdata/formats/mixed/002\\_"};
    for (size_t i = 0; i < 4; i++) {
        const char *argv[] = {"lint", "--format", fmts[i], "./mixed/../mixed", NULL};
        tst_cmd c = {.argv = argv, .cwd = cwd};
        tst_result r;
        tst_run(&c, &r);
        if (sane(&r, fmts[i]))
            CHECK_(r.out && strstr(r.out, want[i]), "--format %s from testdata/formats: no '%s' in\n%s",
                   fmts[i], want[i], r.out);
        tst_result_free(&r);
    }
    /* SARIF URIs are percent-encoded */
    const char *argv[] = {"lint", "--format", "sarif", "testdata/formats/mixed", NULL};
    tst_cmd c = {.argv = argv};
    tst_result r;
    tst_run(&c, &r);
    if (sane(&r, "sarif uri"))
        CHECK_(strstr(r.out, "002_%C3%BCn%C3%AF%2050%25%2C%20a%26b%27s%20%23x_y.sql"),
               "SARIF uri not percent-encoded");
    tst_result_free(&r);
}

static void test_man_page(void)
{
    const char *argv[] = {"--help-man", NULL};
    tst_cmd c = {.argv = argv};
    tst_result r;
    tst_run(&c, &r);
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/pgbelay.1", T.root);
    if (sane(&r, "--help-man")) {
        INT_EQ(r.exit_code, 0);
        if (T.update) {
            OK(tst_write_file(path, r.out, r.out_len));
        } else {
            size_t len = 0;
            char *page = tst_read_file(path, &len);
            CHECK_(page && len == r.out_len && memcmp(page, r.out, len) == 0,
                   "docs/pgbelay.1 differs from `pgbelay --help-man`: regenerate it with\n"
                   "  zig-out/bin/pgbelay --help-man > docs/pgbelay.1\n(or --update)");
            free(page);
        }
        /* every option --help prints is in the page */
        const char *help_argv[] = {"lint", "--help", NULL};
        tst_cmd hc = {.argv = help_argv};
        tst_result h;
        tst_run(&hc, &h);
        for (const char *p = h.out; p && (p = strstr(p, "\n  --")); p += 5) {
            char name[64] = "\\-\\-";
            size_t k = 4;
            for (const char *q = p + 5; *q && *q != ' ' && *q != '\n' && k + 3 < sizeof name; q++) {
                if (*q == '-')
                    name[k++] = '\\';
                name[k++] = *q;
            }
            name[k] = '\0';
            CHECK_(strstr(r.out, name), "option %s of lint --help is not in the man page", name);
        }
        tst_result_free(&h);
    }
    tst_result_free(&r);
}

static void test_suggestions(void)
{
    char cmd[2048], abs[1024];
    if (!realpath(T.pgbelay, abs))
        snprintf(abs, sizeof abs, "%s", T.pgbelay);
    snprintf(cmd, sizeof cmd, "cd '%s' && python3 tests/formats/suggestions_test.py '%s' .", T.root, abs);
    char *out;
    int st = shell(cmd, &out);
    CHECK_(st == 0, "rdjson suggestions do not fix their findings (exit %d):\n%s", st, out);
    free(out);
}

static void test_precommit(void)
{
    if (T.quick)
        return;
    char cmd[2048], abs[1024];
    if (!realpath(T.pgbelay, abs))
        snprintf(abs, sizeof abs, "%s", T.pgbelay);
    snprintf(cmd, sizeof cmd, "cd '%s' && bash tests/formats/precommit_e2e.sh '%s' .", T.root, abs);
    char *out;
    int st = shell(cmd, &out);
    CHECK_(st == 0, "pre-commit end-to-end test failed (exit %d):\n%s", st, out);
    free(out);
    snprintf(cmd, sizeof cmd, "cd '%s' && python3 tests/formats/action_test.py '%s' .", T.root, abs);
    st = shell(cmd, &out);
    CHECK_(st == 0, "action.yml test failed (exit %d):\n%s", st, out);
    free(out);
}

void test_formats(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/pgbelay-formats-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        CHECK_(false, "mkdtemp failed");
        return;
    }
    test_validate();
    test_fingerprints();
    test_repo_relative();
    test_man_page();
    test_suggestions();
    test_precommit();
    char cmd[512], *out;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    shell(cmd, &out);
    free(out);
}
