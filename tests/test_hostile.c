/* Hostile and broken input (docs/testing.md, "Hostile input catalogue").
 * Each case puts one hostile file into a migration directory beside a
 * normal migration before it (mig/001_before.sql) and lints it with a
 * normal file of another directory after it (other/after.sql), then checks:
 *   - the process ended by itself (no signal, no timeout, no sanitizer report);
 *   - the documented exit code;
 *   - the expected message, with the file and its position, in the output;
 *   - the normal files' findings are exactly those of a run without the
 *     hostile file;
 *   - memory stayed bounded: the child's peak RSS (wait4's ru_maxrss) is
 *     under the case's bound (looser under the sanitizers; not checked
 *     under valgrind, whose own footprint dominates).
 * Inputs are made at test time in a temporary directory; the big ones
 * (100 MB, 100,000 statements) are skipped with --quick (valgrind).
 * `plan --write` refusing to follow a path out of its directory, and a
 * file that vanishes between the directory walk and its read, are cases
 * of their own at the end. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "framework/framework.h"
#include "framework/write.h"
#include "lint/lint.h"
#include "pgbelay/pgbelay.h"
#include "test.h"

char *tst_read_file(const char *path, size_t *len);

/* ---- running pgbelay ------------------------------------------------------------- */

typedef struct hres {
    int exit_code; /* -1 unless it exited */
    int sig;
    bool timed_out;
    long rss_kb; /* peak resident set size of the child */
    char *out, *err;
} hres;

static const char *pgbelay_abs(void)
{
    static char p[PATH_MAX];
    if (!p[0] && (!T.pgbelay || !realpath(T.pgbelay, p)))
        snprintf(p, sizeof p, "%s", T.pgbelay ? T.pgbelay : "pgbelay");
    return p;
}

static bool sanitized(void)
{
    return getenv("PGBELAY_SANITIZED") != NULL;
}

/* Runs pgbelay ARGV... in `cwd`, stdout and stderr into files of `cwd`
 * (so a child that drops to the nobody user can still write them: they
 * are opened before it does). `env` is one "NAME=VALUE" to add, or NULL. */
static const char *hrun_stdin; /* file to give as standard input, or NULL: /dev/null */

static void hrun(hres *r, const char *cwd, bool as_nobody, const char *env, const char *const *argv)
{
    memset(r, 0, sizeof *r);
    r->exit_code = -1;
    char outp[PATH_MAX], errp[PATH_MAX];
    snprintf(outp, sizeof outp, "%s/.out", cwd);
    snprintf(errp, sizeof errp, "%s/.err", cwd);
    size_t argc = 0;
    while (argv[argc])
        argc++;
    char **av = calloc(argc + 2, sizeof *av);
    av[0] = (char *)pgbelay_abs();
    for (size_t i = 0; i < argc; i++)
        av[i + 1] = (char *)argv[i];
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int in = open(hrun_stdin ? hrun_stdin : "/dev/null", O_RDONLY);
        int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || o < 0 || e < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0 ||
            chdir(cwd) != 0)
            _exit(126);
        setenv("NO_COLOR", "1", 1);
        if (env)
            putenv((char *)env);
        /* under valgrind (zig build valgrind traces children) its gdbserver
           files in /tmp belong to root: the nobody child must not make them */
        if (as_nobody)
            setenv("VALGRIND_OPTS", "--vgdb=no", 1);
        if (as_nobody && geteuid() == 0 &&
            (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0))
            _exit(125);
        execv(av[0], av);
        _exit(127);
    }
    free(av);
    if (pid < 0) {
        CHECK_(false, "fork: %s", strerror(errno));
        return;
    }
    int limit = 120 * ((sanitized() || T.quick) ? 4 : 1);
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int st = 0;
    struct rusage ru = {0};
    for (;;) {
        pid_t w = wait4(pid, &st, WNOHANG, &ru);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec > limit && !r->timed_out) {
            r->timed_out = true;
            kill(pid, SIGKILL);
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (WIFEXITED(st))
        r->exit_code = WEXITSTATUS(st);
    else if (WIFSIGNALED(st))
        r->sig = WTERMSIG(st);
    r->rss_kb = ru.ru_maxrss;
    r->out = tst_read_file(outp, NULL);
    r->err = tst_read_file(errp, NULL);
    if (!r->out)
        r->out = calloc(1, 1);
    if (!r->err)
        r->err = calloc(1, 1);
    unlink(outp);
    unlink(errp);
}

static void hres_free(hres *r)
{
    free(r->out);
    free(r->err);
}

/* ---- files -------------------------------------------------------------------------- */

static bool write_all(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return false;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    return close(fd) == 0 && off == len;
}

static bool put(const char *dir, const char *rel, const char *data, size_t len)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    for (char *s = p + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        mkdir(p, 0755);
        *s = '/';
    }
    return write_all(p, data, len);
}

static void rm_tree(const char *dir)
{
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "chmod -R u+rwX '%s' 2>/dev/null; rm -rf '%s'", dir, dir);
    if (system(cmd) != 0)
        fprintf(stderr, "pgbelay-test: could not remove %s\n", dir);
}

static const char BEFORE[] = "ALTER TABLE accounts ADD COLUMN region text NOT NULL;\n"
                             "CREATE INDEX accounts_region_idx ON accounts (region);\n";
static const char AFTER[] = "CREATE INDEX orders_total_idx ON orders (total);\n";
#define HOSTILE "mig/002_hostile.sql"

/* The lines of the gcc-format output about the two normal files. */
static char *witness_lines(const char *out)
{
    size_t n = strlen(out), k = 0;
    char *w = malloc(n + 1);
    for (const char *line = out; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);
        if (!strncmp(line, "mig/001_before.sql:", 19) || !strncmp(line, "other/after.sql:", 16)) {
            memcpy(w + k, line, len);
            k += len;
        }
        line += len;
    }
    w[k] = '\0';
    return w;
}

/* ---- the cases -------------------------------------------------------------------- */

typedef struct hcase {
    const char *name;
    /* makes the hostile entry below `dir` (HOSTILE unless it says otherwise) */
    bool (*make)(const char *dir);
    int exit_code;
    const char *want;     /* in stdout or stderr: the message with its location */
    const char *want2;    /* a second such string, or NULL */
    long max_rss_mb;      /* without sanitizers */
    bool slow;            /* skipped with --quick */
    bool as_nobody;       /* root ignores file permissions: run as nobody */
    const char *unwanted; /* must not be in the output, or NULL */
} hcase;

static bool make_text(const char *dir, const char *text)
{
    return put(dir, HOSTILE, text, strlen(text));
}

static bool mk_unreadable(const char *dir)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/" HOSTILE, dir);
    return make_text(dir, AFTER) && chmod(p, 0) == 0;
}

static bool mk_fifo(const char *dir)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/" HOSTILE, dir);
    return mkfifo(p, 0644) == 0;
}

static bool mk_dir_loop(const char *dir)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/mig/sub", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/mig/sub/up", dir);
    return symlink("..", p) == 0;
}

static bool mk_vanished(const char *dir)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/" HOSTILE, dir);
    return symlink("002_was_here.sql", p) == 0;
}

static bool mk_binary(const char *dir)
{
    size_t n = 65536;
    unsigned char *b = malloc(n);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5; /* xorshift32: the same bytes every run */
        b[i] = (unsigned char)x;
    }
    b[0] = 0xC3, b[1] = 0x28; /* an invalid UTF-8 pair first, so the first finding is known */
    bool ok = put(dir, HOSTILE, (const char *)b, n);
    free(b);
    return ok;
}

static bool mk_utf8_ident(const char *dir)
{
    return make_text(dir, "ALTER TABLE users ADD COLUMN caf\xe9 text;\n"
                          "CREATE INDEX users_caf\xe9_idx ON users (caf\xe9);\n");
}

static bool mk_utf8_string(const char *dir)
{
    return make_text(dir, "UPDATE users SET note = 'd\xe9j\xe0 vu' WHERE id = 1;\n"
                          "CREATE INDEX users_note_idx ON users (note);\n");
}

static bool mk_nul(const char *dir)
{
    static const char t[] = "SELECT 1;\0\0\nCREATE INDEX orders_placed_idx ON orders (placed_at);\n";
    return put(dir, HOSTILE, t, sizeof t - 1);
}

static bool mk_100mb(const char *dir)
{
    size_t chunk = 1 << 20;
    char *b = malloc(chunk);
    for (size_t i = 0; i < chunk; i += 10)
        memcpy(b + i, i + 10 <= chunk ? "SELECT 1;\n" : "          ", i + 10 <= chunk ? 10 : chunk - i);
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/" HOSTILE, dir);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    bool ok = fd >= 0;
    for (size_t done = 0; ok && done < 100000000; done += chunk) {
        size_t n = 100000000 - done < chunk ? 100000000 - done : chunk;
        ok = write(fd, b, n) == (ssize_t)n;
    }
    free(b);
    return fd >= 0 && close(fd) == 0 && ok;
}

static bool mk_100k(const char *dir)
{
    size_t cap = 100000 * 64 + 128, k = 0;
    char *b = malloc(cap);
    for (int i = 0; i < 100000; i++)
        k += (size_t)snprintf(b + k, cap - k, "UPDATE accounts SET plan = %d WHERE id = %d;\n", i % 7, i);
    k += (size_t)snprintf(b + k, cap - k, "CREATE INDEX accounts_plan_idx ON accounts (plan);\n");
    bool ok = put(dir, HOSTILE, b, k);
    free(b);
    return ok;
}

static bool mk_parens(const char *dir)
{
    size_t n = 10000, k = 0;
    char *b = malloc(2 * n + 200);
    k += (size_t)sprintf(b, "SELECT ");
    memset(b + k, '(', n), k += n;
    b[k++] = '1';
    memset(b + k, ')', n), k += n;
    k += (size_t)sprintf(b + k, ";\nCREATE INDEX orders_placed_idx ON orders (placed_at);\n");
    bool ok = put(dir, HOSTILE, b, k);
    free(b);
    return ok;
}

static bool mk_dollar(const char *dir)
{
    return make_text(dir, "CREATE INDEX orders_placed_idx ON orders (placed_at);\n"
                          "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$\nBEGIN\n"
                          "  RETURN NEW;\nEND;\n");
}

static bool mk_comment(const char *dir)
{
    return make_text(dir, "CREATE INDEX orders_placed_idx ON orders (placed_at);\n"
                          "/* DROP INDEX orders_placed_idx;\nDROP TABLE orders;\n");
}

static bool mk_string(const char *dir)
{
    return make_text(dir, "CREATE INDEX orders_placed_idx ON orders (placed_at);\n"
                          "COMMENT ON TABLE orders IS 'what we sell;\nDROP TABLE orders;\n");
}

/* 30,000 SQL-standard function bodies (PG >= 14: BEGIN ATOMIC ... END,
 * with ';' inside and CASE ... END nested): over 2 MiB, so the parser gets
 * the file in pieces of about 1 MiB (src/parse/parse.c), and no piece may
 * end inside a body. */
static bool mk_atomic(const char *dir)
{
    size_t cap = 30000 * 140 + 200, k = 0;
    char *b = malloc(cap);
    for (int i = 0; i < 30000; i++)
        k += (size_t)snprintf(
            b + k, cap - k,
            "CREATE FUNCTION f%d(x int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC SELECT CASE WHEN "
            "x > 0 THEN 1 ELSE 0 END; SELECT 2; END;\n",
            i);
    k += (size_t)snprintf(b + k, cap - k, "CREATE INDEX orders_placed_idx ON orders (placed_at);\n");
    bool ok = put(dir, HOSTILE, b, k);
    free(b);
    return ok;
}

static bool mk_identifier(const char *dir)
{
    size_t n = 1000000, k = 0;
    char *b = malloc(n + 200);
    k += (size_t)sprintf(b, "CREATE INDEX orders_placed_idx ON ");
    memset(b + k, 'o', n), k += n;
    k += (size_t)sprintf(b + k, " (placed_at);\n");
    bool ok = put(dir, HOSTILE, b, k);
    free(b);
    return ok;
}

static bool mk_quoted_identifier(const char *dir)
{
    size_t n = 1000000, k = 0;
    char *b = malloc(n + 200);
    k += (size_t)sprintf(b, "ALTER TABLE orders ADD COLUMN \"");
    memset(b + k, 'c', n), k += n;
    k += (size_t)sprintf(b + k, "\" text NOT NULL;\n");
    bool ok = put(dir, HOSTILE, b, k);
    free(b);
    return ok;
}

/* 63 'o's: PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes
 * (scan.l truncate_identifier), and so does what pgbelay reports. */
#define O63 "ooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooo"
#define C63 "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static const hcase cases[] = {
    {"unreadable file", mk_unreadable, 2, "cannot open '" HOSTILE "': Permission denied", NULL, 64, false,
     true, NULL},
    {"FIFO named .sql", mk_fifo, 2, "cannot read '" HOSTILE "': not a regular file (a FIFO)", NULL, 64, false,
     false, NULL},
    {"directory symlink loop", mk_dir_loop, 2, "directory cycle at 'mig/sub/up': it links back to 'mig'",
     NULL, 64, false, false, NULL},
    {"file gone before it is read (dangling link)", mk_vanished, 2,
     "cannot read '" HOSTILE "': dangling symbolic link", NULL, 64, false, false, NULL},
    {"binary data", mk_binary, 1, HOSTILE ":1:1: error: invalid UTF-8 byte 0xC3", "[invalid-utf8]", 64, false,
     false, NULL},
    {"invalid UTF-8 in an identifier", mk_utf8_ident, 1, HOSTILE ":1:33: error: invalid UTF-8 byte 0xE9",
     HOSTILE ":2:1: warning: CREATE INDEX", 64, false, false, NULL},
    {"invalid UTF-8 in a string", mk_utf8_string, 1, HOSTILE ":1:27: error: invalid UTF-8 byte 0xE9",
     HOSTILE ":2:1: warning: CREATE INDEX", 64, false, false, NULL},
    {"NUL bytes", mk_nul, 1, HOSTILE ":1:10: error: NUL byte in the file (2 in all)",
     HOSTILE ":2:1: warning: CREATE INDEX", 64, false, false, NULL},
    {"100 MB file", mk_100mb, 1,
     HOSTILE ":1:1: error: the file is 100000000 bytes, over the 67108864-byte limit; it was not checked",
     "[file-too-large]", 64, true, false, NULL},
    {"100,000 statements in one file", mk_100k, 1, HOSTILE ":100001:1: warning: CREATE INDEX",
     "[create-index-non-concurrent]", 256, true, false, NULL},
    {"10,000 nested parentheses", mk_parens, 1, HOSTILE ":1:10004: error: memory exhausted at or near \"(\"",
     HOSTILE ":2:1: warning: CREATE INDEX", 64, false, false, NULL},
    {"unterminated dollar quote", mk_dollar, 1,
     HOSTILE ":2:57: error: unterminated dollar-quoted string at or near \"$body$",
     HOSTILE ":1:1: warning: CREATE INDEX", 64, false, false, NULL},
    {"unterminated block comment", mk_comment, 1, HOSTILE ":2:1: error: unterminated /* comment",
     HOSTILE ":1:1: warning: CREATE INDEX", 64, false, false, NULL},
    {"unterminated string", mk_string, 1, HOSTILE ":2:28: error: unterminated quoted string",
     HOSTILE ":1:1: warning: CREATE INDEX", 64, false, false, NULL},
    {"function bodies across parse pieces", mk_atomic, 1, HOSTILE ":60001:1: warning: CREATE INDEX", NULL,
     256, true, false, "[syntax-error]"},
    {"enormous identifier (1 MB)", mk_identifier, 1,
     HOSTILE ":1:1: warning: CREATE INDEX builds the index under a SHARE lock on \"" O63 "\" for", NULL, 64,
     false, false, NULL},
    {"enormous quoted identifier (1 MB)", mk_quoted_identifier, 1,
     HOSTILE ":1:31: warning: ADD COLUMN \"" C63 "\" NOT NULL", NULL, 64, false, false, NULL},
};

static void run_case(const hcase *c, const char *base, const char *baseline)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/case", base);
    rm_tree(dir);
    mkdir(dir, 0755);
    bool made = put(dir, "mig/001_before.sql", BEFORE, strlen(BEFORE)) &&
                put(dir, "other/after.sql", AFTER, strlen(AFTER)) && c->make(dir);
    CHECK_(made, "%s: cannot make the input: %s", c->name, strerror(errno));
    if (!made)
        return;
    hres r;
    hrun(&r, dir, c->as_nobody, NULL, (const char *const[]){"lint", "--format", "gcc", "mig", "other", NULL});
    bool sane = !r.timed_out && !r.sig && !strstr(r.err, "Sanitizer") && !strstr(r.err, "runtime error:");
    CHECK_(sane, "%s: pgbelay %s%s; stderr: %.2000s", c->name, r.timed_out ? "timed out" : "",
           r.sig ? "was killed by a signal" : "", r.err);
    CHECK_(r.exit_code == c->exit_code, "%s: exit %d, want %d; stderr: %.500s", c->name, r.exit_code,
           c->exit_code, r.err);
    const char *wants[2] = {c->want, c->want2};
    for (int i = 0; i < 2; i++)
        if (wants[i])
            CHECK_(strstr(r.out, wants[i]) || strstr(r.err, wants[i]),
                   "%s: the output must say \"%s\"; stdout: %.1500s\nstderr: %.500s", c->name, wants[i],
                   r.out, r.err);
    if (c->unwanted)
        CHECK_(!strstr(r.out, c->unwanted), "%s: the output must not say \"%s\"; stdout: %.1500s", c->name,
               c->unwanted, r.out);
    char *w = witness_lines(r.out);
    CHECK_(!strcmp(w, baseline), "%s: the normal files' findings changed:\n--- with it:\n%s--- without:\n%s",
           c->name, w, baseline);
    free(w);
    /* no output line runs away (an enormous identifier, binary data) */
    size_t longest = 0;
    for (const char *line = r.out; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        longest = len > longest ? len : longest;
        line += len + (nl ? 1 : 0);
    }
    CHECK_(longest < 4096, "%s: an output line of %zu bytes", c->name, longest);
    if (!T.quick) {
        long bound_kb = (c->max_rss_mb * (sanitized() ? 4 : 1) + (sanitized() ? 512 : 0)) * 1024;
        CHECK_(r.rss_kb <= bound_kb, "%s: peak RSS %ld KB, over the bound of %ld KB", c->name, r.rss_kb,
               bound_kb);
    }
    if (getenv("PGBELAY_HOSTILE_VERBOSE"))
        fprintf(stderr, "hostile: %-45s exit %d, peak RSS %ld KB\n", c->name, r.exit_code, r.rss_kb);
    hres_free(&r);
}

/* ---- plan --write ----------------------------------------------------------------- */

/* `plan --write DIR` with a folder-per-migration framework (diesel), when
 * DIR holds a link named like the folder the plan would write, pointing
 * out of DIR: the plan goes on numbering after it (new folders of its own)
 * and writes nothing through it. The writer itself refuses any path that
 * goes through a link or leaves DIR (pb_framework_write_files; more cases
 * in tests/test_write.c). */
static void plan_write_escape(const char *base)
{
    static const char mig[] = "CREATE INDEX orders_placed_idx ON orders (placed_at);\n";
    char dir[PATH_MAX], probe[PATH_MAX + 16], out[PATH_MAX + 16], outside[PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/plan", base);
    rm_tree(dir);
    mkdir(dir, 0755);
    OK(put(dir, "mig/2024-01-01-000000_orders_index/up.sql", mig, strlen(mig)));
    OK(put(dir, "mig/2024-01-01-000000_orders_index/down.sql", "DROP INDEX orders_placed_idx;\n", 30));
    snprintf(probe, sizeof probe, "%s/probe", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(outside, sizeof outside, "%s/outside", dir);
    mkdir(probe, 0755);
    mkdir(out, 0755);
    mkdir(outside, 0755);
    const char *env = "SOURCE_DATE_EPOCH=1700000000";
    hres r;
    hrun(&r, dir, false, env,
         (const char *const[]){"plan", "--framework", "diesel", "--write", "probe",
                               "mig/2024-01-01-000000_orders_index/up.sql", NULL});
    INT_EQ(r.exit_code, 0);
    /* the first folder the plan writes, found by a run into probe/ */
    char cmd[PATH_MAX * 2];
    snprintf(cmd, sizeof cmd, "ls '%s' | head -1", probe);
    char folder[256] = "";
    FILE *ls = popen(cmd, "r");
    if (ls) {
        if (fgets(folder, sizeof folder, ls))
            folder[strcspn(folder, "\n")] = '\0';
        pclose(ls);
    }
    CHECK_(folder[0] != '\0', "plan --write wrote nothing into probe/; stderr: %.500s", r.err);
    hres_free(&r);
    if (!folder[0])
        return;
    char link[PATH_MAX * 2];
    snprintf(link, sizeof link, "%s/%s", out, folder);
    OK(symlink("../outside", link) == 0);
    hrun(&r, dir, false, env,
         (const char *const[]){"plan", "--framework", "diesel", "--write", "out",
                               "mig/2024-01-01-000000_orders_index/up.sql", NULL});
    INT_EQ(r.exit_code, 0);
    char wrote_through[512];
    snprintf(wrote_through, sizeof wrote_through, "wrote out/%s/", folder);
    CHECK_(strstr(r.err, "pgbelay: wrote out/") && !strstr(r.err, wrote_through),
           "plan --write must write new folders beside the link, not through it; stderr: %.800s", r.err);
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", outside);
    CHECK_(system(cmd) == 0, "plan --write wrote through the link into outside/");
    hres_free(&r);

    /* the writer, given such paths directly: refused, nothing written */
    pb_arena *a = pb_arena_new();
    const char *err = NULL;
    char through[300];
    snprintf(through, sizeof through, "%s/up.sql", folder);
    pb_out_file via_link[] = {{"fresh/up.sql", "SELECT 1;\n"}, {through, "SELECT 1;\n"}};
    OK(!pb_framework_write_files(a, out, via_link, 2, &err));
    CHECK_(err && strstr(err, folder), "the refusal names the path; got \"%s\"", err ? err : "(null)");
    pb_out_file dotdot[] = {{"../outside/escape.sql", "SELECT 1;\n"}};
    err = NULL;
    OK(!pb_framework_write_files(a, out, dotdot, 1, &err) && err);
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\" && test ! -e '%s/fresh'", outside, out);
    CHECK_(system(cmd) == 0, "pb_framework_write_files wrote something it refused");
    pb_arena_free(a);
}

/* ---- a file that vanishes between the walk and the read -------------------------- */

static void collect(void *ud, pb_result *res)
{
    pb_result *v = ud;
    for (int i = 0; i < 3; i++)
        if (!v[i].source) {
            v[i] = *res;
            return;
        }
    pb_result_free(res);
}

/* The walk lists three files; the middle one is removed before the set is
 * loaded (what a concurrent `git checkout` does): it is reported with its
 * name and the reason, the other two are linted as without it. */
static void vanishing_file(const char *base)
{
    char dir[PATH_MAX], paths[3][PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/vanish", base);
    rm_tree(dir);
    mkdir(dir, 0755);
    static const char *const names[] = {"001_a.sql", "002_b.sql", "003_c.sql"};
    for (int i = 0; i < 3; i++) {
        OK(put(dir, names[i], AFTER, strlen(AFTER)));
        snprintf(paths[i], sizeof paths[i], "%s/%s", dir, names[i]);
    }
    const char *list[3] = {paths[0], paths[1], paths[2]};
    OK(unlink(paths[1]) == 0);
    pb_options opt = {0};
    pb_arena *a = pb_arena_new();
    pb_migration_set set;
    pb_framework_load(a, &opt, list, 3, true, PB_FW_PLAIN, &set);
    pb_result res[3] = {0};
    pb_lint__set(&opt, &set, collect, res, NULL, NULL);
    /* unloadable files come first */
    OK(res[0].source && !strcmp(pb_source_path(res[0].source), paths[1]));
    INT_EQ(res[0].status, PB_ERR_IO);
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "cannot open '%s': No such file or directory", paths[1]);
    STR_EQ(res[0].error, want);
    for (int i = 1; i < 3; i++) {
        OK(res[i].source && res[i].status == PB_OK);
        OK(res[i].ndiags >= 1 && res[i].diags[0].rule &&
           !strcmp(pb_rule_id(res[i].diags[0].rule), "create-index-non-concurrent"));
    }
    OK(res[1].source && !strcmp(pb_source_path(res[1].source), paths[0]));
    OK(res[2].source && !strcmp(pb_source_path(res[2].source), paths[2]));
    for (int i = 0; i < 3; i++)
        pb_result_free(&res[i]);
    pb_arena_free(a);
}

/* ---- configuration and language server ------------------------------------------ */

static bool rss_ok(const hres *r, long mb)
{
    long bound_kb = (mb * (sanitized() ? 4 : 1) + (sanitized() ? 512 : 0)) * 1024;
    return T.quick || r->rss_kb <= bound_kb;
}

static bool ended_by_itself(const hres *r)
{
    return !r->timed_out && !r->sig && !strstr(r->err, "Sanitizer") && !strstr(r->err, "runtime error:");
}

/* A YAML alias bomb in .pgbelay.yaml: nine levels of nine aliases (10^9
 * leaves if expanded). libyaml's loader keeps aliases as references, and
 * every key is unknown or of the wrong type: exit 2 at once, each problem
 * with its line and column, in bounded memory. */
static void yaml_alias_bomb(const char *base)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/bomb", base);
    rm_tree(dir);
    mkdir(dir, 0755);
    char y[4096];
    size_t k = (size_t)snprintf(y, sizeof y, "x0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
        k += (size_t)snprintf(y + k, sizeof y - k, "x%d: &a%d [", i, i);
        for (int j = 0; j < 9; j++)
            k += (size_t)snprintf(y + k, sizeof y - k, "%s*a%d", j ? ", " : "", i - 1);
        k += (size_t)snprintf(y + k, sizeof y - k, "]\n");
    }
    k += (size_t)snprintf(y + k, sizeof y - k, "exclude: *a9\n");
    OK(put(dir, "bomb.yaml", y, k) && put(dir, "mig/001_before.sql", BEFORE, strlen(BEFORE)));
    hres r;
    hrun(&r, dir, false, NULL,
         (const char *const[]){"lint", "--format", "gcc", "--config", "bomb.yaml", "mig", NULL});
    CHECK_(ended_by_itself(&r), "alias bomb: pgbelay did not end by itself; stderr: %.1000s", r.err);
    INT_EQ(r.exit_code, 2);
    CHECK_(
        strstr(r.err, "bomb.yaml:1:1: unknown key 'x0'") &&
            strstr(r.err, "bomb.yaml:9:5: each entry of 'exclude' must be a non-empty string, not a list") &&
            strstr(r.err, "pgbelay: 19 errors in the configuration bomb.yaml"),
        "alias bomb: each problem with its location; stderr: %.1000s", r.err);
    CHECK_(rss_ok(&r, 64), "alias bomb: peak RSS %ld KB", r.rss_kb);
    hres_free(&r);
}

/* A .pgbelay.yaml nested 100,000 levels deep (`rules: {x: [[[...]]]}`):
 * refused at the first level past the limit, before libyaml's loader
 * (quadratic in flow nesting) gets to it: exit 2 within the test, with
 * the location, in bounded memory. */
static void yaml_deep_nesting(const char *base)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/deep", base);
    rm_tree(dir);
    mkdir(dir, 0755);
    size_t depth = 100000, k = 0;
    char *y = malloc(2 * depth + 64);
    OK(y != NULL);
    if (!y)
        return;
    k += (size_t)sprintf(y, "rules:\n  x: ");
    for (size_t i = 0; i < depth; i++)
        y[k++] = '[';
    for (size_t i = 0; i < depth; i++)
        y[k++] = ']';
    y[k++] = '\n';
    OK(put(dir, "deep.yaml", y, k) && put(dir, "mig/001_before.sql", BEFORE, strlen(BEFORE)));
    free(y);
    hres r;
    hrun(&r, dir, false, NULL,
         (const char *const[]){"lint", "--format", "gcc", "--config", "deep.yaml", "mig", NULL});
    CHECK_(ended_by_itself(&r), "deep YAML: pgbelay did not end by itself; stderr: %.1000s", r.err);
    INT_EQ(r.exit_code, 2);
    CHECK_(strstr(r.err, "deep.yaml:2:104: the configuration nests lists and mappings more than 100 levels deep") !=
               NULL,
           "deep YAML: the depth with its location; stderr: %.1000s", r.err);
    CHECK_(rss_ok(&r, 64), "deep YAML: peak RSS %ld KB", r.rss_kb);
    hres_free(&r);
}

/* A catastrophic custom-rule regex ((a+)+$ over a long run of a's,
 * testdata/config/catastrophic.*): the match stops at the PCRE2 match
 * limit and says so at the statement; the other files' findings under the
 * same config are as without the hostile file. */
static void catastrophic_regex(const char *base)
{
    char yaml_path[PATH_MAX], sql_path[PATH_MAX];
    snprintf(yaml_path, sizeof yaml_path, "%s/testdata/config/catastrophic.yaml", T.root);
    snprintf(sql_path, sizeof sql_path, "%s/testdata/config/catastrophic.sql", T.root);
    size_t yl = 0, sl = 0;
    char *yaml = tst_read_file(yaml_path, &yl), *sql = tst_read_file(sql_path, &sl);
    CHECK_(yaml && sql, "cannot read testdata/config/catastrophic.*");
    char *outs[2] = {NULL, NULL};
    for (int with = 0; with < 2 && yaml && sql; with++) {
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s/regex%d", base, with);
        rm_tree(dir);
        mkdir(dir, 0755);
        OK(put(dir, "cfg.yaml", yaml, yl) && put(dir, "mig/001_before.sql", BEFORE, strlen(BEFORE)) &&
           put(dir, "other/after.sql", AFTER, strlen(AFTER)) && (!with || put(dir, HOSTILE, sql, sl)));
        hres r;
        hrun(&r, dir, false, NULL,
             (const char *const[]){"lint", "--format", "gcc", "--config", "cfg.yaml", "mig", "other", NULL});
        CHECK_(ended_by_itself(&r), "catastrophic regex: pgbelay did not end by itself; stderr: %.1000s",
               r.err);
        INT_EQ(r.exit_code, 1);
        if (with) {
            CHECK_(strstr(r.out, HOSTILE ":2:1: error: custom rule custom:catastrophic stopped matching its "
                                         "pattern '(a+)+$' here: match limit exceeded"),
                   "catastrophic regex: the stop is reported at the statement; stdout: %.1500s", r.out);
            CHECK_(rss_ok(&r, 64), "catastrophic regex: peak RSS %ld KB", r.rss_kb);
        }
        outs[with] = witness_lines(r.out);
        hres_free(&r);
    }
    if (outs[0] && outs[1])
        CHECK_(!strcmp(outs[0], outs[1]) && *outs[0],
               "catastrophic regex: the normal files' findings changed:\n--- with it:\n%s--- without:\n%s",
               outs[1], outs[0]);
    free(outs[0]);
    free(outs[1]);
    free(yaml);
    free(sql);
}

/* `pgbelay lsp` given a message whose header claims a 2 GB body, after an
 * initialize request: the initialize answer comes, the refusal is logged
 * with the length, nothing near 2 GB is allocated, and the server ends at
 * the end of its input (status 1: no shutdown came, LSP 3.17 "exit"). */
static void lsp_2gb_body(const char *base)
{
    char dir[PATH_MAX], in[PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/lsp", base);
    rm_tree(dir);
    mkdir(dir, 0755);
    static const char init[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                               "{\"processId\":null,\"rootUri\":null,\"capabilities\":{}}}";
    char msg[1024];
    int n = snprintf(msg, sizeof msg, "Content-Length: %zu\r\n\r\n%sContent-Length: 2147483648\r\n\r\n{}",
                     sizeof init - 1, init);
    snprintf(in, sizeof in, "%s/in", dir);
    OK(write_all(in, msg, (size_t)n));
    hres r;
    hrun_stdin = in;
    hrun(&r, dir, false, NULL, (const char *const[]){"lsp", NULL});
    hrun_stdin = NULL;
    CHECK_(ended_by_itself(&r), "lsp 2 GB: the server did not end by itself; stderr: %.1000s", r.err);
    INT_EQ(r.exit_code, 1);
    CHECK_(strstr(r.out, "\"id\":1") && strstr(r.out, "\"capabilities\""),
           "lsp 2 GB: the initialize request is answered; stdout: %.500s", r.out);
    CHECK_(strstr(r.err, "2147483648 bytes is over the limit"),
           "lsp 2 GB: the refusal is logged; stderr: %.500s", r.err);
    CHECK_(rss_ok(&r, 64), "lsp 2 GB: peak RSS %ld KB", r.rss_kb);
    hres_free(&r);
}

void test_hostile(void)
{
    const char *tmp = getenv("TMPDIR");
    char base[PATH_MAX];
    snprintf(base, sizeof base, "%s/pgbelay-hostile-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(base)) {
        CHECK_(false, "mkdtemp: %s", strerror(errno));
        return;
    }
    chmod(base, 0755); /* the unreadable case runs as nobody */

    /* the normal files' findings on their own */
    char bdir[PATH_MAX + 16];
    snprintf(bdir, sizeof bdir, "%s/base", base);
    mkdir(bdir, 0755);
    OK(put(bdir, "mig/001_before.sql", BEFORE, strlen(BEFORE)) &&
       put(bdir, "other/after.sql", AFTER, strlen(AFTER)));
    hres r;
    hrun(&r, bdir, false, NULL, (const char *const[]){"lint", "--format", "gcc", "mig", "other", NULL});
    INT_EQ(r.exit_code, 1);
    char *baseline = witness_lines(r.out);
    OK(strstr(baseline, "mig/001_before.sql:1:") && strstr(baseline, "mig/001_before.sql:2:1:") &&
       strstr(baseline, "other/after.sql:1:1:"));
    hres_free(&r);

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].slow && T.quick)
            continue;
        run_case(&cases[i], base, baseline);
    }
    free(baseline);
    plan_write_escape(base);
    vanishing_file(base);
    yaml_alias_bomb(base);
    yaml_deep_nesting(base);
    catastrophic_regex(base);
    lsp_2gb_body(base);
    rm_tree(base);
}
