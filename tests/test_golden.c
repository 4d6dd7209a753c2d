/* Golden tests: run `pgbelay lint` on the cases in testdata/golden and
 * compare its standard output, byte for byte, with the expectation beside
 * each case. Also the generated bad inputs too big to commit, and the CLI
 * spawning helper test_cli.c uses (tst_run, declared there).
 *
 * Layout of testdata/golden (only its direct entries are cases):
 *
 *   <name>.sql    a migration, linted as `pgbelay lint [ARGS] testdata/golden/<name>.sql`.
 *                 When its first line is `-- pgbelay: ARGS`, ARGS are passed
 *                 before the path (e.g. `-- pgbelay: --pg-version 12 --format json`).
 *   <name>/       a directory of .sql files, linted as
 *                 `pgbelay lint [ARGS] testdata/golden/<name>`; ARGS come from
 *                 an optional <name>.args beside it.
 *   <name>.args   alone (no <name>/ beside it; beside a <name>.sql it is an
 *                 error, the directive is the place): the complete
 *                 argument list after `lint`, paths included. This is how the
 *                 committed bad inputs in testdata/input (which cannot carry a
 *                 directive), the README examples in testdata/examples, and
 *                 other options on a shared .sql file are tested, e.g.
 *                 `--format json testdata/input/binary_garbage.sql`.
 *   <name>.out    the expected standard output, then one last line
 *                 `exit: N` with the exit status.
 *
 * ARGS are split at white space ('single' or "double" quotes keep spaces; a
 * line of an .args file starting with # is a comment). Every run has the
 * repository root as working directory (so paths, and the output, are
 * relative), NO_COLOR=1 and otherwise the test runner's environment.
 *
 * One check per case. On a mismatch the check fails with `diff -u
 * expected actual`; with --update the .out is rewritten instead. A crash,
 * a timeout or a sanitizer report in the CLI's stderr fails the case even
 * with --update, and no .out is written for it. An .out with no case fails.
 *
 *   pgbelay-test ... --only golden --update    after adding or changing rules
 *
 * Cases named input_* lint the committed bad inputs of testdata/input
 * (invalid UTF-8, NUL bytes, UTF-16, binary, CRLF, unterminated tokens,
 * empty files, a file over --max-file-size). Inputs too big to commit are
 * generated into a mkdtemp directory at test time and checked by property
 * (exit code, a finding on the right line, no crash or sanitizer report):
 * 10,000 nested parentheses (also on worker threads), a 100 KB identifier,
 * and 100,000 statements (skipped with --quick).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

extern char **environ;

/* ---- running the CLI (shared with test_cli.c) ----------------------------- */

typedef struct tst_cmd {
    const char *const *argv; /* arguments after the program name, NULL-terminated */
    const char *cwd;         /* working directory; NULL: T.root */
    const char *const *env;  /* NULL-terminated "NAME=VALUE" to set, "NAME" to unset;
                                applied over the runner's environment plus NO_COLOR=1 */
    const char *input;       /* standard input bytes; NULL: /dev/null */
    size_t input_len;
    bool tty;      /* standard output on a pseudo-terminal */
    int timeout_s; /* 0: 60 s (x4 with PGBELAY_SANITIZED or --quick) */
} tst_cmd;

typedef struct tst_result {
    char *out, *err; /* NUL-terminated */
    size_t out_len, err_len;
    int exit_code; /* -1 unless it exited normally */
    int signal;    /* signal that ended it, or 0 */
    bool timed_out;
    bool spawn_failed;
} tst_result;

bool tst_run(const tst_cmd *c, tst_result *r);
void tst_result_free(tst_result *r);
bool tst_sanitizer_report(const tst_result *r);
const char *tst_status(const tst_result *r);
bool tst_write_file(const char *path, const char *data, size_t len);
char *tst_read_file(const char *path, size_t *len);

static const char *pgbelay_path(void)
{
    static char abs[PATH_MAX];
    if (!abs[0] && T.pgbelay && !realpath(T.pgbelay, abs))
        snprintf(abs, sizeof abs, "%s", T.pgbelay);
    return abs[0] ? abs : NULL;
}

static const char *root_path(void)
{
    static char abs[PATH_MAX];
    if (!abs[0] && !realpath(T.root ? T.root : ".", abs))
        snprintf(abs, sizeof abs, "%s", T.root ? T.root : ".");
    return abs;
}

typedef struct obuf {
    char *data;
    size_t len, cap;
} obuf;

static void obuf_add(obuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) {
            fprintf(stderr, "pgbelay-test: out of memory\n");
            abort();
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void obuf_puts(obuf *b, const char *s)
{
    obuf_add(b, s, strlen(s));
}

static size_t name_len(const char *entry)
{
    const char *eq = strchr(entry, '=');
    return eq ? (size_t)(eq - entry) : strlen(entry);
}

static bool same_name(const char *a, const char *b)
{
    size_t n = name_len(a);
    return n == name_len(b) && strncmp(a, b, n) == 0;
}

/* The child's environment: the runner's, minus every variable `extra`
 * names, plus NO_COLOR=1 (unless `extra` mentions NO_COLOR), plus the
 * "NAME=VALUE" entries of `extra`. The array is malloc'd; its strings are
 * borrowed. */
static char **child_env(const char *const *extra)
{
    size_t n = 0, k = 0;
    while (environ[n])
        n++;
    while (extra && extra[k])
        k++;
    char **env = calloc(n + k + 2, sizeof *env);
    size_t m = 0;
    bool no_color_given = false;
    for (size_t j = 0; j < k; j++)
        if (same_name(extra[j], "NO_COLOR"))
            no_color_given = true;
    for (size_t i = 0; i < n; i++) {
        bool drop = same_name(environ[i], "NO_COLOR");
        for (size_t j = 0; j < k && !drop; j++)
            drop = same_name(environ[i], extra[j]);
        if (!drop)
            env[m++] = environ[i];
    }
    if (!no_color_given)
        env[m++] = "NO_COLOR=1";
    for (size_t j = 0; j < k; j++)
        if (strchr(extra[j], '='))
            env[m++] = (char *)extra[j];
    env[m] = NULL;
    return env;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool tst_run(const tst_cmd *c, tst_result *r)
{
    memset(r, 0, sizeof *r);
    r->exit_code = -1;
    const char *prog = pgbelay_path();
    if (!prog) {
        fprintf(stderr, "pgbelay-test: --pgbelay PATH is required\n");
        r->spawn_failed = true;
        return false;
    }
    size_t argc = 0;
    while (c->argv && c->argv[argc])
        argc++;
    char **argv = calloc(argc + 2, sizeof *argv);
    argv[0] = (char *)prog;
    for (size_t i = 0; i < argc; i++)
        argv[i + 1] = (char *)c->argv[i];
    char **env = child_env(c->env);

    int outp[2] = {-1, -1}, errp[2] = {-1, -1}, inp[2] = {-1, -1};
    bool ok = pipe2(errp, O_CLOEXEC) == 0;
    if (ok && c->input)
        ok = pipe2(inp, O_CLOEXEC) == 0;
    if (ok && c->tty) {
        /* a pseudo-terminal for stdout, so that isatty() is true */
        outp[0] = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        char name[128];
        ok = outp[0] >= 0 && grantpt(outp[0]) == 0 && unlockpt(outp[0]) == 0 &&
             ptsname_r(outp[0], name, sizeof name) == 0 &&
             (outp[1] = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) >= 0;
    } else if (ok) {
        ok = pipe2(outp, O_CLOEXEC) == 0;
    }

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    if (ok) {
        if (c->input)
            posix_spawn_file_actions_adddup2(&fa, inp[0], 0);
        else
            posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
        posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
        posix_spawn_file_actions_addchdir_np(&fa, c->cwd ? c->cwd : root_path());
        int e = posix_spawn(&pid, prog, &fa, &at, argv, env);
        if (e != 0) {
            fprintf(stderr, "pgbelay-test: cannot run %s: %s\n", prog, strerror(e));
            ok = false;
        }
    } else {
        fprintf(stderr, "pgbelay-test: cannot make pipes: %s\n", strerror(errno));
    }
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    free(argv);
    free(env);
    /* the parent keeps only its ends */
    if (outp[1] >= 0)
        close(outp[1]);
    if (errp[1] >= 0)
        close(errp[1]);
    if (inp[0] >= 0)
        close(inp[0]);
    if (!ok) {
        int left[3] = {outp[0], errp[0], inp[1]};
        for (int i = 0; i < 3; i++)
            if (left[i] >= 0)
                close(left[i]);
        r->spawn_failed = true;
        r->out = calloc(1, 1);
        r->err = calloc(1, 1);
        return false;
    }

    /* feed stdin and drain stdout/stderr together, under a deadline */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_pipe;
    sigaction(SIGPIPE, &ign, &old_pipe);
    int to = c->timeout_s ? c->timeout_s : 60;
    if (getenv("PGBELAY_SANITIZED") || T.quick) /* sanitizers, valgrind (--quick) */
        to *= 4;
    double deadline = now_s() + to;
    obuf ob = {0}, eb = {0};
    size_t in_off = 0;
    int fds[3] = {outp[0], errp[0], inp[1]};
    if (fds[2] >= 0)
        fcntl(fds[2], F_SETFL, fcntl(fds[2], F_GETFL) | O_NONBLOCK);
    if (fds[2] >= 0 && c->input_len == 0) {
        close(fds[2]);
        fds[2] = -1;
    }
    while (fds[0] >= 0 || fds[1] >= 0) {
        struct pollfd p[3];
        int np = 0, map[3];
        for (int i = 0; i < 3; i++)
            if (fds[i] >= 0) {
                p[np] = (struct pollfd){.fd = fds[i], .events = i == 2 ? POLLOUT : POLLIN};
                map[np++] = i;
            }
        double left = deadline - now_s();
        if (left <= 0) {
            r->timed_out = true;
            kill(pid, SIGKILL);
            break;
        }
        int n = poll(p, (nfds_t)np, (int)(left * 1000) + 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        for (int j = 0; j < np; j++) {
            int i = map[j];
            if (!p[j].revents)
                continue;
            if (i == 2) {
                ssize_t w = write(fds[2], c->input + in_off, c->input_len - in_off);
                if (w > 0)
                    in_off += (size_t)w;
                if ((w < 0 && errno != EAGAIN && errno != EINTR) || in_off == c->input_len) {
                    close(fds[2]);
                    fds[2] = -1;
                }
                continue;
            }
            char buf[65536];
            ssize_t got = read(fds[i], buf, sizeof buf);
            if (got > 0) {
                obuf_add(i == 0 ? &ob : &eb, buf, (size_t)got);
            } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
                /* EOF; a pseudo-terminal's master reads EIO once the child is gone */
                close(fds[i]);
                fds[i] = -1;
            }
        }
    }
    for (int i = 0; i < 3; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    sigaction(SIGPIPE, &old_pipe, NULL);
    if (WIFEXITED(st))
        r->exit_code = WEXITSTATUS(st);
    else if (WIFSIGNALED(st))
        r->signal = WTERMSIG(st);
    obuf_add(&ob, "", 0);
    obuf_add(&eb, "", 0);
    r->out = ob.data;
    r->out_len = ob.len;
    r->err = eb.data;
    r->err_len = eb.len;
    return !r->timed_out && !r->signal;
}

void tst_result_free(tst_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

/* AddressSanitizer, LeakSanitizer or UBSan wrote a report. */
bool tst_sanitizer_report(const tst_result *r)
{
    static const char *const marks[] = {"AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                                        "runtime error:", "ThreadSanitizer"};
    for (size_t i = 0; r->err && i < sizeof marks / sizeof marks[0]; i++)
        if (strstr(r->err, marks[i]))
            return true;
    return false;
}

/* "exit: N", "exit: signal N", "exit: timeout"; static storage. */
const char *tst_status(const tst_result *r)
{
    static char s[64];
    if (r->spawn_failed)
        return "exit: not started";
    if (r->timed_out)
        return "exit: timeout";
    if (r->signal)
        snprintf(s, sizeof s, "exit: signal %d", r->signal);
    else
        snprintf(s, sizeof s, "exit: %d", r->exit_code);
    return s;
}

bool tst_write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

char *tst_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    obuf b = {0};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        obuf_add(&b, buf, n);
    fclose(f);
    obuf_puts(&b, "");
    if (len)
        *len = b.len;
    return b.data;
}

/* Prints the tail of a child's stderr under a failure. */
static void show_stderr(const tst_result *r)
{
    if (!r->err || !r->err_len)
        return;
    size_t from = r->err_len > 4000 ? r->err_len - 4000 : 0;
    fprintf(stderr, "  --- stderr%s ---\n%s\n", from ? " (tail)" : "", r->err + from);
}

/* ---- golden cases ---------------------------------------------------------- */

typedef struct strv {
    char **items;
    size_t len, cap;
} strv;

static void strv_push(strv *v, const char *s, size_t n)
{
    if (v->len + 2 > v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->items = realloc(v->items, v->cap * sizeof *v->items);
    }
    v->items[v->len++] = strndup(s, n);
    v->items[v->len] = NULL;
}

static void strv_free(strv *v)
{
    for (size_t i = 0; i < v->len; i++)
        free(v->items[i]);
    free(v->items);
    memset(v, 0, sizeof *v);
}

/* Splits `s[0..n)` into arguments at white space; quotes group. */
static void split_args(strv *v, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
            i++;
        if (i >= n)
            break;
        obuf a = {0};
        obuf_add(&a, "", 0);
        while (i < n && !(s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) {
            if (s[i] == '\'' || s[i] == '"') {
                char q = s[i++];
                size_t st = i;
                while (i < n && s[i] != q)
                    i++;
                obuf_add(&a, s + st, i - st);
                if (i < n)
                    i++;
            } else {
                obuf_add(&a, s + i++, 1);
            }
        }
        strv_push(v, a.data, a.len);
        free(a.data);
    }
}

/* Arguments of an .args file: every line but # comments. */
static bool read_args_file(const char *path, strv *v)
{
    size_t len;
    char *text = tst_read_file(path, &len);
    if (!text)
        return false;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *q = p;
        while (q < le && (*q == ' ' || *q == '\t'))
            q++;
        if (q < le && *q != '#')
            split_args(v, p, (size_t)(le - p));
        p = nl ? nl + 1 : end;
    }
    free(text);
    return true;
}

/* The `-- pgbelay: ARGS` directive on the first line of a .sql file. */
static void read_directive(const char *path, strv *v)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    char line[4096];
    if (fgets(line, sizeof line, f)) {
        static const char tag[] = "-- pgbelay:";
        if (strncmp(line, tag, sizeof tag - 1) == 0) {
            const char *a = line + sizeof tag - 1;
            split_args(v, a, strlen(a));
        }
    }
    fclose(f);
}

typedef enum { CASE_SQL, CASE_DIR, CASE_ARGS } case_kind;

typedef struct gcase {
    char *name;
    case_kind kind;
} gcase;

static int gcase_cmp(const void *a, const void *b)
{
    return strcmp(((const gcase *)a)->name, ((const gcase *)b)->name);
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n > k && strcmp(s + n - k, suf) == 0;
}

static bool exists(const char *path, bool want_dir)
{
    struct stat sb;
    return stat(path, &sb) == 0 && (want_dir ? S_ISDIR(sb.st_mode) : S_ISREG(sb.st_mode));
}

/* Prints `diff -u expected actual` (at most 120 lines). */
static void show_diff(const char *expected_path, const char *actual, size_t actual_len)
{
    char tmp[] = "/tmp/pgbelay-golden-XXXXXX";
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "  (cannot make a temporary file for the diff)\n");
        return;
    }
    close(fd);
    tst_write_file(tmp, actual, actual_len);
    char cmd[PATH_MAX * 2 + 64];
    snprintf(cmd, sizeof cmd, "diff -u '%s' '%s' 2>&1", expected_path, tmp);
    FILE *p = popen(cmd, "r");
    if (p) {
        char line[1024];
        int n = 0;
        while (fgets(line, sizeof line, p)) {
            if (n++ < 120)
                fprintf(stderr, "  %s%s", line, strchr(line, '\n') ? "" : "\n");
        }
        if (n > 120)
            fprintf(stderr, "  ... (%d more diff lines)\n", n - 120);
        pclose(p);
    }
    unlink(tmp);
}

/* Runs one case; one check. */
static void run_case(const char *gdir, const gcase *gc)
{
    char path[PATH_MAX], out_path[PATH_MAX], args_path[PATH_MAX];
    snprintf(out_path, sizeof out_path, "%s/%s.out", gdir, gc->name);
    snprintf(args_path, sizeof args_path, "%s/%s.args", gdir, gc->name);
    strv args = {0};
    strv_push(&args, "lint", 4);
    switch (gc->kind) {
    case CASE_SQL:
        if (exists(args_path, false)) {
            /* it would be ignored: say so instead of testing something else */
            CHECK_(false,
                   "golden %s: both %s.sql and %s.args; put the arguments in the .sql's `-- pgbelay:` line",
                   gc->name, gc->name, gc->name);
            strv_free(&args);
            return;
        }
        snprintf(path, sizeof path, "%s/%s.sql", gdir, gc->name);
        read_directive(path, &args);
        snprintf(path, sizeof path, "testdata/golden/%s.sql", gc->name);
        strv_push(&args, path, strlen(path));
        break;
    case CASE_DIR:
        if (exists(args_path, false))
            read_args_file(args_path, &args);
        snprintf(path, sizeof path, "testdata/golden/%s", gc->name);
        strv_push(&args, path, strlen(path));
        break;
    case CASE_ARGS: read_args_file(args_path, &args); break;
    }
    /* an .args file may name another subcommand: `plan ...` */
    if (gc->kind == CASE_ARGS && args.len > 1 && !strcmp(args.items[1], "plan")) {
        free(args.items[0]);
        memmove(args.items, args.items + 1, (args.len - 1) * sizeof *args.items);
        args.len--;
        args.items[args.len] = NULL;
    }

    tst_cmd cmd = {.argv = (const char *const *)args.items};
    tst_result r;
    tst_run(&cmd, &r);
    obuf actual = {0};
    obuf_add(&actual, r.out, r.out_len);
    const char *status = tst_status(&r);
    obuf_add(&actual, status, strlen(status));
    obuf_add(&actual, "\n", 1);

    size_t exp_len = 0;
    char *expected = tst_read_file(out_path, &exp_len);
    bool same = expected && exp_len == actual.len && memcmp(expected, actual.data, exp_len) == 0;
    bool broken = r.spawn_failed || r.timed_out || r.signal || tst_sanitizer_report(&r);

    if (broken) {
        CHECK_(false, "golden %s: pgbelay %s%s", gc->name, status,
               tst_sanitizer_report(&r) ? " with a sanitizer report" : "");
        show_stderr(&r);
    } else if (same) {
        CHECK_(true, "golden %s", gc->name);
    } else if (T.update) {
        bool w = tst_write_file(out_path, actual.data, actual.len);
        CHECK_(w, "golden %s: cannot write %s: %s", gc->name, out_path, strerror(errno));
        if (w)
            fprintf(stderr, "updated %s\n", out_path);
    } else if (!expected) {
        CHECK_(false, "golden %s: no %s (run with --update to create it)", gc->name, out_path);
    } else {
        CHECK_(false, "golden %s: output differs from %s.out (--- expected, +++ actual):", gc->name,
               gc->name);
        show_diff(out_path, actual.data, actual.len);
        show_stderr(&r);
    }
    free(expected);
    free(actual.data);
    tst_result_free(&r);
    strv_free(&args);
}

static void golden_cases(void)
{
    char gdir[PATH_MAX];
    snprintf(gdir, sizeof gdir, "%s/testdata/golden", root_path());
    DIR *d = opendir(gdir);
    if (!d) {
        CHECK_(false, "cannot open %s: %s", gdir, strerror(errno));
        return;
    }
    gcase *cases = NULL;
    size_t n = 0, cap = 0;
    strv outs = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *nm = e->d_name;
        if (nm[0] == '.')
            continue;
        char full[PATH_MAX], stem[NAME_MAX + 1];
        snprintf(full, sizeof full, "%s/%s", gdir, nm);
        case_kind kind;
        if (has_suffix(nm, ".out")) {
            strv_push(&outs, nm, strlen(nm) - 4);
            continue;
        } else if (has_suffix(nm, ".sql") && exists(full, false)) {
            kind = CASE_SQL;
            snprintf(stem, sizeof stem, "%.*s", (int)(strlen(nm) - 4), nm);
        } else if (exists(full, true)) {
            kind = CASE_DIR;
            snprintf(stem, sizeof stem, "%s", nm);
        } else if (has_suffix(nm, ".args")) {
            snprintf(stem, sizeof stem, "%.*s", (int)(strlen(nm) - 5), nm);
            char sib[PATH_MAX + 8];
            snprintf(sib, sizeof sib, "%s/%s.sql", gdir, stem);
            bool sql = exists(sib, false);
            snprintf(sib, sizeof sib, "%s/%s", gdir, stem);
            if (sql || exists(sib, true))
                continue; /* the arguments of a .sql or directory case */
            kind = CASE_ARGS;
        } else {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            cases = realloc(cases, cap * sizeof *cases);
        }
        cases[n++] = (gcase){strdup(stem), kind};
    }
    closedir(d);
    qsort(cases, n, sizeof *cases, gcase_cmp);

    /* an expectation with no case is a stale file (or a typo in a name) */
    for (size_t i = 0; i < outs.len; i++) {
        gcase key = {.name = outs.items[i]};
        if (!bsearch(&key, cases, n, sizeof *cases, gcase_cmp))
            CHECK_(false, "golden: %s/%s.out has no case (.sql, directory or .args)", gdir, outs.items[i]);
    }
    if (n == 0)
        CHECK_(false, "golden: no cases in %s", gdir);
    for (size_t i = 0; i < n; i++) {
        run_case(gdir, &cases[i]);
        free(cases[i].name);
    }
    free(cases);
    strv_free(&outs);
}

/* ---- generated bad inputs (too big to commit) ------------------------------ */

/* A fresh directory under TMPDIR; the caller removes it with rm_tree. */
static bool make_tmpdir(char *dir, size_t cap)
{
    const char *base = getenv("TMPDIR");
    snprintf(dir, cap, "%s/pgbelay-test-XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(dir) != NULL;
}

static void rm_tree(const char *dir)
{
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "pgbelay-test: could not remove %s\n", dir);
}

static bool write_in(const char *dir, const char *name, const char *data, size_t len)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return tst_write_file(p, data, len);
}

/* Runs `pgbelay <argv>` in `dir`; fails (and returns false) on a crash,
 * timeout or sanitizer report. */
static bool run_in(const char *dir, const char *const *argv, int timeout_s, tst_result *r, const char *what)
{
    tst_cmd c = {.argv = argv, .cwd = dir, .timeout_s = timeout_s};
    tst_run(&c, r);
    bool broken = r->spawn_failed || r->timed_out || r->signal || tst_sanitizer_report(r);
    if (broken) {
        CHECK_(false, "%s: pgbelay %s%s", what, tst_status(r),
               tst_sanitizer_report(r) ? " with a sanitizer report" : "");
        show_stderr(r);
    }
    return !broken;
}

static void nested_parens(const char *dir)
{
    /* 10,000 levels exceed the grammar's stack: a syntax error, not a crash */
    const int depth = 10000;
    obuf b = {0};
    obuf_puts(&b, "CREATE INDEX orders_total_idx ON orders (total);\nSELECT ");
    for (int i = 0; i < depth; i++)
        obuf_puts(&b, "(");
    obuf_puts(&b, "1");
    for (int i = 0; i < depth; i++)
        obuf_puts(&b, ")");
    obuf_puts(&b, ";\nCREATE INDEX orders_placed_idx ON orders (placed_at);\n");
    OK(write_in(dir, "nested.sql", b.data, b.len));
    OK(write_in(dir, "nested2.sql", b.data, b.len));
    free(b.data);

    tst_result r;
    if (run_in(dir, (const char *[]){"lint", "--format", "gcc", "--jobs", "1", "nested.sql", NULL}, 0, &r,
               "10,000 nested parentheses")) {
        INT_EQ(r.exit_code, 1);
        OK(strstr(r.out, "nested.sql:1:1: warning:") != NULL);
        OK(strstr(r.out, "nested.sql:2:") && strstr(r.out, "[syntax-error]"));
        /* parsing resumes after the failing statement */
        OK(strstr(r.out, "nested.sql:3:1: warning:") != NULL);
    }
    /* the same on worker threads (their own parser state and stacks) */
    tst_result r2;
    if (run_in(dir,
               (const char *[]){"lint", "--format", "gcc", "--jobs", "2", "nested.sql", "nested2.sql", NULL},
               0, &r2, "10,000 nested parentheses, --jobs 2")) {
        INT_EQ(r2.exit_code, 1);
        OK(strstr(r2.out, "nested2.sql:3:1: warning:") != NULL);
        /* the first file's lines come first and are the single-file output */
        OK(r.out && strncmp(r2.out, r.out, r.out_len) == 0);
    }
    tst_result_free(&r);
    tst_result_free(&r2);
}

static void huge_identifier(const char *dir)
{
    /* a 100 KB identifier, unquoted and quoted (PostgreSQL truncates both to 63 bytes) */
    const size_t n = 100 * 1024;
    obuf b = {0};
    obuf_puts(&b, "ALTER TABLE users ADD COLUMN ");
    for (size_t i = 0; i < n; i++)
        obuf_add(&b, &"abcdefghijklmnopqrstuvwxyz"[i % 26], 1);
    obuf_puts(&b, " text;\nCREATE INDEX \"");
    for (size_t i = 0; i < n; i++)
        obuf_add(&b, &"ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i % 26], 1);
    obuf_puts(&b, "\" ON users (email);\n");
    OK(write_in(dir, "ident.sql", b.data, b.len));
    free(b.data);
    tst_result r;
    if (run_in(dir, (const char *[]){"lint", "--format", "json", "ident.sql", NULL}, 0, &r,
               "100 KB identifier")) {
        INT_EQ(r.exit_code, 1);
        OK(strstr(r.out, "\"statements\":2,") != NULL);
        OK(strstr(r.out, "\"rule\":\"create-index-non-concurrent\"") != NULL);
        OK(strstr(r.out, "\"line\":2,\"column\":1,") != NULL);
        OK(!strstr(r.out, "\"syntax-error\""));
    }
    tst_result_free(&r);
}

static void many_statements(const char *dir)
{
    /* 100,000 statements: one finding at the very end */
    const int n = 100000;
    obuf b = {0};
    char line[128];
    for (int i = 1; i < n; i++) {
        int k =
            snprintf(line, sizeof line, "INSERT INTO accounts (id, owner) VALUES (%d, 'owner %d');\n", i, i);
        obuf_add(&b, line, (size_t)k);
    }
    obuf_puts(&b, "CREATE INDEX accounts_owner_idx ON accounts (owner);\n");
    OK(write_in(dir, "many.sql", b.data, b.len));
    free(b.data);
    tst_result r;
    if (run_in(dir, (const char *[]){"lint", "--format", "gcc", "many.sql", NULL}, 300, &r,
               "100,000 statements")) {
        INT_EQ(r.exit_code, 1);
        /* the finding on the last line, with the right line number */
        const char *hit = strstr(r.out, "many.sql:100000:1: warning: ");
        const char *nl = hit ? strchr(hit, '\n') : NULL;
        const char *tag = hit ? strstr(hit, "[create-index-non-concurrent]") : NULL;
        OK(hit && nl && tag && tag < nl);
        OK(!strstr(r.out, "[syntax-error]"));
    }
    tst_result_free(&r);
    if (run_in(dir, (const char *[]){"lint", "--format", "json", "--fail-on", "none", "many.sql", NULL}, 300,
               &r, "100,000 statements, json")) {
        INT_EQ(r.exit_code, 0);
        OK(strstr(r.out, "\"summary\":{\"files\":1,\"statements\":100000,") != NULL);
    }
    tst_result_free(&r);
}

static void generated_inputs(void)
{
    char dir[PATH_MAX];
    if (!make_tmpdir(dir, sizeof dir)) {
        CHECK_(false, "mkdtemp: %s", strerror(errno));
        return;
    }
    nested_parens(dir);
    huge_identifier(dir);
    if (!T.quick)
        many_statements(dir);
    rm_tree(dir);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    obuf b = {0};
    char tmp[8192];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        obuf_add(&b, tmp, n);
    fclose(f);
    obuf_add(&b, "", 1);
    return b.data;
}

/* The README shows the output of its quick-start command: it must be the
 * examples golden case, byte for byte, so the README cannot go stale. */
static void readme_output(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/README.md", root_path());
    char *readme = slurp(path);
    snprintf(path, sizeof path, "%s/testdata/golden/examples.out", root_path());
    char *golden = slurp(path);
    OK(readme && golden);
    if (readme && golden) {
        const char *mark = strstr(readme, "Its output:\n\n```text\n");
        OK(mark != NULL);
        if (mark) {
            mark += strlen("Its output:\n\n```text\n");
            const char *end = strstr(mark, "```\n");
            CHECK_(end && (size_t)(end - mark) == strlen(golden) && memcmp(mark, golden, strlen(golden)) == 0,
                   "README.md quick-start output differs from testdata/golden/examples.out; copy it over");
        }
    }
    free(readme);
    free(golden);
}

void test_golden(void)
{
    golden_cases();
    generated_inputs();
    readme_output();
}
