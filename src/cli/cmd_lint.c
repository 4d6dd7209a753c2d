/* `pgbelay lint`: collects files (fts for directories), lints them on
 * worker threads, and reports in input order as soon as each file is done,
 * freeing it right after so memory is bounded by the files in flight. */
#include <errno.h>
#include <fts.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config/config.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/strmap.h"
#include "framework/framework.h"
#include "lint/lint.h"
#include "pgbelay/pgbelay.h"
#include "report/report.h"

/* Each option documented once: the --help text is generated from this. */
static const pb_opt_doc opts[] = {
    {{"format", required_argument, NULL, 'f'},
     "FORMAT",
     "output format: text (default), json, gcc, github, sarif, gitlab, junit, checkstyle, rdjson, rdjsonl, "
     "markdown (docs/usage.md)"},
    {{"pg-version", required_argument, NULL, 'p'},
     "N",
     "PostgreSQL major version of the target server, 11-17 (default 15)"},
    {{"fail-on", required_argument, NULL, 'F'},
     "LEVEL",
     "exit 1 on findings at or above: error, warning (default), info, never (none)"},
    {{"exit-zero", no_argument, NULL, 'Z'},
     NULL,
     "exit 0 even with findings (errors reading input still exit 2)"},
    {{"assume-in-transaction", no_argument, NULL, 't'},
     NULL,
     "the migration runner wraps each file in a transaction"},
    {{"stdin-filename", required_argument, NULL, 's'},
     "NAME",
     "name shown for input read from standard input (-)"},
    {{"max-file-size", required_argument, NULL, 'm'},
     "BYTES",
     "skip and report files larger than this (default 67108864)"},
    {{"color", required_argument, NULL, 'c'},
     "WHEN",
     "auto (default: only on a terminal, never with NO_COLOR), always, never"},
    {{"framework", required_argument, NULL, 'w'},
     "NAME",
     "migration tool that runs the files (default: detected per directory): plain, golang-migrate, goose, "
     "dbmate, sql-migrate, flyway, diesel, sqlx, refinery, prisma, atlas, tern, node-pg-migrate, "
     "graphile-migrate"},
    {{"since", required_argument, NULL, 'S'},
     "GITREF",
     "report only migrations changed since GITREF (git diff, plus untracked files); earlier migrations are "
     "still replayed for the schema they build"},
    {{"schema", required_argument, NULL, 'D'},
     "FILE",
     "the schema the migrations start from: pg_dump --schema-only output or a Rails structure.sql"},
    {{"jobs", required_argument, NULL, 'j'},
     "N",
     "migration directories linted in parallel (default: number of CPUs)"},
    {{"config", required_argument, NULL, 'C'},
     "FILE",
     "read FILE instead of the nearest .pgbelay.yaml upward from the working directory; options given "
     "here override it"},
    {{"help", no_argument, NULL, 'h'}, NULL, "show this help"},
};
#define NOPTS (sizeof opts / sizeof opts[0])

static void lint_usage(FILE *f)
{
    fprintf(f, "usage: pgbelay lint [options] [PATH...]\n\n"
               "Lints SQL migration files. A directory is searched recursively for *.sql\n"
               "files (in name order); - reads standard input. Without PATH, lints '.'.\n\n"
               "options:\n");
    pb_cli_print_options(f, opts, NOPTS);
    fprintf(f, "\nexit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error\n");
}

typedef struct input {
    char *path;    /* NULL for stdin */
    char *display; /* shown in reports */
    char *error;   /* set when the path could not be walked */
    int arg;       /* the command-line argument it came from */
    bool walked;   /* found by walking a directory argument */
} input;

typedef struct inputs {
    input *items;
    size_t len, cap;
    int cur_arg;  /* argument being expanded */
    bool walking; /* ... by walking a directory */
    /* the configuration: its exclude globs skip walked files */
    const pb_config *cfg;
} inputs;

static void add_input(inputs *in, const char *path, const char *display, const char *error)
{
    if (in->len == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 64;
        in->items = realloc(in->items, in->cap * sizeof *in->items);
        if (!in->items) {
            pb_cli_error("out of memory");
            exit(PB_EXIT_ERROR);
        }
    }
    input *x = &in->items[in->len++];
    x->arg = in->cur_arg;
    x->walked = in->walking;
    x->path = path ? strdup(path) : NULL;
    x->display = strdup(display);
    x->error = error ? strdup(error) : NULL;
}

static void free_inputs(inputs *in)
{
    for (size_t i = 0; i < in->len; i++) {
        free(in->items[i].path);
        free(in->items[i].display);
        free(in->items[i].error);
    }
    free(in->items);
    memset(in, 0, sizeof *in);
}

static void add_walked(void *ud, const char *path, const char *error)
{
    inputs *in = ud;
    if (!error && pb_config_excluded(in->cfg, path))
        return;
    if (error)
        add_input(in, NULL, path, error);
    else
        add_input(in, path, path, NULL);
}

static void walk_dir(inputs *in, const char *root)
{
    pb_cli_walk_sql(root, add_walked, in);
}

/* A unit of work: the inputs of one migration directory (linted as one
 * migration set, in the tool's order, with one replayed catalog), or a
 * single input (stdin, an unreadable path). */
typedef struct job {
    size_t *inputs; /* indices into `inputs` */
    size_t n;
} job;

/* Groups the inputs into jobs, in order of first appearance: the files of
 * one directory found under one directory argument form one migration set;
 * files named one by one join only adjacent files of the same directory, so
 * reports keep the order of the arguments. */
static job *make_jobs(const inputs *in, size_t *njobs)
{
    job *jobs = calloc(in->len ? in->len : 1, sizeof *jobs);
    char **keys = calloc(in->len ? in->len : 1, sizeof *keys);
    pb_arena *a = pb_arena_new();
    pb_strmap map = {0};
    size_t n = 0, run = 0;
    for (size_t i = 0; i < in->len; i++) {
        const input *x = &in->items[i];
        job *j = NULL;
        char *key = NULL;
        if (x->path && !x->error) {
            char *dir = pb_cli_set_dir(x->path);
            if (!x->walked && i > 0 && !in->items[i - 1].walked && in->items[i - 1].path &&
                !in->items[i - 1].error) {
                char *prev = pb_cli_set_dir(in->items[i - 1].path);
                if (strcmp(prev, dir) != 0)
                    run++;
                free(prev);
            } else if (!x->walked) {
                run++;
            }
            size_t kl = strlen(dir) + 32;
            key = malloc(kl);
            snprintf(key, kl, "%d:%zu:%s", x->walked ? x->arg : -1, x->walked ? 0 : run, dir);
            free(dir);
            j = pb_strmap_get(&map, key);
        }
        if (!j) {
            j = &jobs[n++];
            j->inputs = calloc(in->len, sizeof *j->inputs);
            if (key) {
                keys[n - 1] = key;
                pb_strmap_put(a, &map, key, j);
                key = NULL;
            }
        }
        free(key);
        j->inputs[j->n++] = i;
    }
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
    pb_arena_free(a);
    *njobs = n;
    return jobs;
}

/* ---- parallel lint with in-order reporting ---------------------------------- */

/* What a job produced: results in report order. The set's arena holds the
 * sources the results point at, so it is freed after they are printed. */
typedef struct job_out {
    pb_result *items;
    size_t n, cap;
    pb_arena *set_arena;
    char **plans; /* markdown: the plan of items[i] as markdown, or NULL */
} job_out;

typedef struct work {
    const pb_options *opt;
    inputs *in;
    job *jobs;
    size_t njobs;
    bool detect;
    bool plans; /* markdown: plan the migrations with findings */
    pb_framework framework;
    job_out *results;
    bool *done;
    struct since *since; /* --since: the files changed since the git ref, or NULL */
    size_t next;         /* next job to take */
    size_t printed;      /* jobs reported and freed so far */
    size_t window;       /* at most this many jobs held ahead of the printer */
    size_t batch;        /* jobs claimed per lock */
    bool printer_waiting;
    int workers_waiting;
    const char *stdin_buf;
    size_t stdin_len, stdin_total;
    pthread_mutex_t mu;
    pthread_cond_t done_cv; /* the printer waits here for done[printed] */
    pthread_cond_t room_cv; /* workers wait here for room in the window */
} work;

/* ---- --since: files changed since a git ref (git does the plumbing) ------ */

struct since {
    pb_arena *arena;
    pb_strmap paths; /* real paths of changed or untracked files */
};

/* Runs a git command (argv NULL-terminated) and adds every NUL-separated
 * path it prints, resolved under `top`, to the set. */
static bool git_paths(struct since *s, const char *top, const char *const *argv)
{
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execvp("git", (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    pb_buf b = {0};
    char tmp[65536];
    ssize_t n;
    while ((n = read(fds[0], tmp, sizeof tmp)) > 0)
        pb_buf_append(&b, tmp, (size_t)n);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    for (size_t i = 0; ok && i < b.len;) {
        const char *name = b.data + i;
        size_t len = strlen(name);
        if (len) {
            char *full = pb_arena_sprintf(s->arena, "%s/%s", top, name);
            char real[PATH_MAX];
            const char *key = realpath(full, real) ? pb_arena_strdup(s->arena, real) : full;
            pb_strmap_put(s->arena, &s->paths, key, (void *)1);
        }
        i += len + 1;
    }
    pb_buf_release(&b);
    return ok;
}

static void free_since(struct since *s)
{
    if (s) {
        pb_arena_free(s->arena);
        free(s);
    }
}

static struct since *load_since(const char *ref)
{
    /* the work tree's top level: git diff prints paths relative to it */
    char top[PATH_MAX] = "";
    FILE *f = popen("git rev-parse --show-toplevel 2>/dev/null", "r");
    bool ok = f && fgets(top, sizeof top, f);
    if (f && pclose(f) != 0)
        ok = false;
    if (!ok) {
        pb_cli_error("--since needs a git work tree (git rev-parse --show-toplevel failed)");
        return NULL;
    }
    top[strcspn(top, "\n")] = '\0';
    struct since *s = calloc(1, sizeof *s);
    s->arena = pb_arena_new();
    /* HEAD of a repository without commits yet (a pre-commit hook on the
       first commit): everything is new, so compare with the empty tree */
    char empty[128] = "";
    if (!strcmp(ref, "HEAD")) {
        FILE *h = popen("git rev-parse -q --verify 'HEAD^{commit}' >/dev/null 2>&1 || "
                        "git hash-object -t tree /dev/null",
                        "r");
        if (h && fgets(empty, sizeof empty, h))
            empty[strcspn(empty, "\n")] = '\0';
        if (h)
            pclose(h);
        if (empty[0])
            ref = empty;
    }
    const char *diff[] = {"git", "-C", top, "diff", "--name-only", "-z", ref, "--", NULL};
    const char *others[] = {"git", "-C", top, "ls-files", "--others", "--exclude-standard", "-z", NULL};
    if (!git_paths(s, top, diff)) {
        pb_cli_error("--since: 'git diff --name-only %s' failed (is '%s' a commit?)", ref, ref);
        free_since(s);
        return NULL;
    }
    git_paths(s, top, others);
    return s;
}

static bool changed_since(void *ud, const char *path)
{
    struct since *s = ud;
    char real[PATH_MAX];
    return realpath(path, real) && pb_strmap_get(&s->paths, real) != NULL;
}

static void lint_single(work *w, size_t i, pb_result *res)
{
    input *x = &w->in->items[i];
    if (x->error) {
        /* a path that could not be walked: an I/O error result, no findings */
        pb_lint_buffer(w->opt, x->display, "", 0, res);
        res->ndiags = 0;
        res->nstatements = 0;
        res->status = PB_ERR_IO;
        res->error = pb_arena_strdup(res->arena, x->error);
        return;
    }
    if (!x->path && w->stdin_total > w->stdin_len)
        pb_lint_buffer(w->opt, x->display, NULL, w->stdin_total, res); /* over the cap: reported */
    else if (!x->path)
        pb_lint_buffer(w->opt, x->display, w->stdin_buf, w->stdin_len, res);
    else
        pb_lint_file(w->opt, x->path, x->display, res);
}

static void collect(void *ud, pb_result *res)
{
    job_out *o = ud;
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 8;
        o->items = realloc(o->items, o->cap * sizeof *o->items);
        if (!o->items) {
            pb_cli_error("out of memory");
            exit(PB_EXIT_ERROR);
        }
    }
    o->items[o->n++] = *res;
}

static void lint_one(work *w, size_t j, job_out *out)
{
    memset(out, 0, sizeof *out);
    const job *jb = &w->jobs[j];
    const input *x0 = &w->in->items[jb->inputs[0]];
    if (jb->n == 1 && (!x0->path || x0->error)) {
        pb_result res;
        lint_single(w, jb->inputs[0], &res);
        collect(out, &res);
        return;
    }
    out->set_arena = pb_arena_new();
    const char **paths = pb_arena_alloc(out->set_arena, jb->n * sizeof *paths);
    for (size_t k = 0; k < jb->n; k++)
        paths[k] = w->in->items[jb->inputs[k]].path;
    pb_migration_set set;
    pb_framework_load(out->set_arena, w->opt, paths, jb->n, w->detect, w->framework, &set);
    pb_lint__set(w->opt, &set, collect, out, w->since ? changed_since : NULL, w->since);
    if (w->plans && out->n) {
        out->plans = calloc(out->n, sizeof *out->plans);
        pb_cli_plan_results(w->opt, &set, out->items, out->n, out->plans);
    }
}

/* Workers claim `batch` inputs at a time and store each result; they wake
 * the printer only when the input it waits for is done, and sleep when they
 * are `window` inputs ahead of it. */
static void *worker(void *arg)
{
    work *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (w->next < w->njobs && w->next >= w->printed + w->window) {
            w->workers_waiting++;
            pthread_cond_wait(&w->room_cv, &w->mu);
            w->workers_waiting--;
        }
        if (w->next >= w->njobs)
            break;
        size_t first = w->next, last = first + w->batch;
        if (last > w->njobs)
            last = w->njobs;
        w->next = last;
        pthread_mutex_unlock(&w->mu);
        for (size_t i = first; i < last; i++) {
            job_out res;
            lint_one(w, i, &res);
            pthread_mutex_lock(&w->mu);
            w->results[i] = res;
            w->done[i] = true;
            if (w->printer_waiting && i == w->printed)
                pthread_cond_signal(&w->done_cv);
            pthread_mutex_unlock(&w->mu);
        }
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    /* no pb_thread_cleanup here: libpg_query frees a thread's memory
       context itself when the thread exits */
    return NULL;
}

/* Reads standard input, keeping at most cap + 1 bytes (enough for the
 * linter to see it is over the cap) and counting the rest in *total. */
static bool read_stdin(char **buf, size_t *len, size_t *total, size_t cap)
{
    pb_buf b = {.max = cap + 1};
    char tmp[65536];
    size_t n, all = 0;
    while ((n = fread(tmp, 1, sizeof tmp, stdin)) > 0) {
        size_t room = b.len <= cap ? cap + 1 - b.len : 0;
        pb_buf_append(&b, tmp, n < room ? n : room);
        all += n;
    }
    if (ferror(stdin)) {
        pb_buf_release(&b);
        return false;
    }
    *len = b.len;
    *total = all;
    *buf = b.data ? b.data : calloc(1, 1);
    return true;
}

int pb_cmd_lint(int argc, char **argv)
{
    struct option lo[NOPTS + 1];
    pb_cli_long_options(opts, NOPTS, lo);

    pb_options opt = {0};
    pb_format format = PB_FORMAT_TEXT;
    pb_severity fail_on = PB_SEV_WARNING;
    bool fail_none = false, exit_zero = false;
    const char *stdin_name = "<stdin>";
    const char *color = "auto";
    long jobs = 0;
    pb_framework framework = PB_FW_PLAIN;
    bool framework_forced = false;
    const char *since_ref = NULL;
    const char *schema_path = NULL;
    const char *config_path = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'f':
            if (!pb_format_parse(optarg, &format)) {
                pb_cli_error(
                    "unknown --format '%s' (text, json, gcc, github, sarif, gitlab, junit, checkstyle, "
                    "rdjson, rdjsonl, markdown)",
                    optarg);
                return PB_EXIT_ERROR;
            }
            break;
        case 'p': {
            long v = strtol(optarg, &end, 10);
            if (*end || v < PB_PG_VERSION_MIN || v > PB_PG_VERSION_MAX) {
                pb_cli_error("--pg-version must be a major version from %d to %d, not '%s'",
                             PB_PG_VERSION_MIN, PB_PG_VERSION_MAX, optarg);
                return PB_EXIT_ERROR;
            }
            opt.pg_version = (int)v;
            break;
        }
        case 'F':
            if (!strcmp(optarg, "none") || !strcmp(optarg, "never")) {
                fail_none = true;
            } else if (!(fail_on = pb_severity_parse(optarg))) {
                pb_cli_error("--fail-on must be error, warning, info or never, not '%s'", optarg);
                return PB_EXIT_ERROR;
            }
            break;
        case 't': opt.assume_in_transaction = true; break;
        case 'Z': exit_zero = true; break;
        case 'S': since_ref = optarg; break;
        case 'D': schema_path = optarg; break;
        case 'C': config_path = optarg; break;
        case 'w':
            if (!pb_framework_parse(optarg, &framework)) {
                pb_cli_error("unknown --framework '%s' (see 'pgbelay lint --help')", optarg);
                return PB_EXIT_ERROR;
            }
            framework_forced = true;
            break;
        case 's': stdin_name = optarg; break;
        case 'm': {
            unsigned long long v = strtoull(optarg, &end, 10);
            if (*end || v == 0 || optarg[0] == '-') {
                pb_cli_error("--max-file-size must be a positive number of bytes, not '%s'", optarg);
                return PB_EXIT_ERROR;
            }
            opt.max_file_size = (size_t)v;
            break;
        }
        case 'c':
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never")) {
                pb_cli_error("--color must be auto, always or never, not '%s'", optarg);
                return PB_EXIT_ERROR;
            }
            color = optarg;
            break;
        case 'j':
            jobs = strtol(optarg, &end, 10);
            if (*end || jobs < 1 || jobs > 256) {
                pb_cli_error("--jobs must be a number from 1 to 256, not '%s'", optarg);
                return PB_EXIT_ERROR;
            }
            break;
        case 'h': lint_usage(stdout); return PB_EXIT_OK;
        case ':': pb_cli_error("option '%s' needs a value", argv[optind - 1]); return PB_EXIT_ERROR;
        default:
            pb_cli_error("unknown option '%s' (see 'pgbelay lint --help')", argv[optind - 1]);
            return PB_EXIT_ERROR;
        }
    }

    /* .pgbelay.yaml: its values where no option above set them */
    pb_config *cfg = pb_cli_config_open(config_path, argc, argv, lo);
    if (!cfg)
        return PB_EXIT_ERROR;
    pb_config_apply(cfg, &opt);
    if (cfg->from[PB_CS_FORMAT].kind == PB_FROM_FILE)
        pb_format_parse(cfg->format, &format);
    if (cfg->from[PB_CS_FAIL_ON].kind == PB_FROM_FILE) {
        fail_on = cfg->fail_on;
        fail_none = cfg->fail_never;
    }
    if (cfg->from[PB_CS_FRAMEWORK].kind == PB_FROM_FILE) {
        framework = cfg->framework;
        framework_forced = true;
    }

    pb_schema *schema = NULL;
    bool schema_problems = false;
    if (schema_path) {
        char *err;
        if (!(schema = pb_schema_load(&opt, schema_path, &err))) {
            pb_cli_error("--schema: %s", err);
            free(err);
            pb_config_free(cfg);
            return PB_EXIT_ERROR;
        }
        for (size_t i = 0; pb_schema_problem(schema, i); i++) {
            pb_cli_error("%s", pb_schema_problem(schema, i));
            schema_problems = true;
        }
        opt.schema = schema;
    }

    inputs in = {.cfg = cfg};
    bool want_stdin = false;
    size_t ncfg_paths = 0;
    const char *const *cfg_paths = pb_config_paths(cfg, &ncfg_paths);
    if (optind >= argc && !ncfg_paths) {
        in.walking = true;
        walk_dir(&in, ".");
    }
    for (size_t i = 0; optind >= argc && i < ncfg_paths; i++) {
        struct stat sb;
        in.cur_arg = -1 - (int)i;
        in.walking = stat(cfg_paths[i], &sb) == 0 && S_ISDIR(sb.st_mode);
        if (in.walking)
            walk_dir(&in, cfg_paths[i]);
        else
            add_input(&in, cfg_paths[i], cfg_paths[i], NULL);
    }
    for (int i = optind; i < argc; i++) {
        const char *p = argv[i];
        struct stat sb;
        in.cur_arg = i;
        in.walking = false;
        if (!strcmp(p, "-")) {
            if (want_stdin) {
                pb_cli_error("'-' (standard input) given twice");
                free_inputs(&in);
                pb_schema_free(schema);
                pb_config_free(cfg);
                return PB_EXIT_ERROR;
            }
            want_stdin = true;
            add_input(&in, NULL, stdin_name, NULL);
        } else if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            in.walking = true;
            walk_dir(&in, p);
        } else if (since_ref && stat(p, &sb) != 0) {
            /* --since reports only changed files: a path that is not there
               is an error of the command line, not a file left unchanged */
            char msg[4200];
            snprintf(msg, sizeof msg, "cannot open '%s': %s", p, strerror(errno));
            add_input(&in, NULL, p, msg);
        } else {
            add_input(&in, p, p, NULL); /* errors are reported when it is read */
        }
    }

    char *stdin_buf = NULL;
    size_t stdin_len = 0, stdin_total = 0;
    if (want_stdin && !read_stdin(&stdin_buf, &stdin_len, &stdin_total,
                                  opt.max_file_size ? opt.max_file_size : PB_DEFAULT_MAX_FILE_SIZE)) {
        pb_cli_error("cannot read standard input: %s", strerror(errno));
        free_inputs(&in);
        pb_schema_free(schema);
        pb_config_free(cfg);
        return PB_EXIT_ERROR;
    }

    bool use_color = false;
    if (!strcmp(color, "always"))
        use_color = true;
    else if (!strcmp(color, "auto")) {
        const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
        use_color = isatty(STDOUT_FILENO) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
    }

    pb_reporter rp = {
        .format = format,
        .color = use_color,
        .pg_version = opt.pg_version ? opt.pg_version : PB_PG_VERSION_DEFAULT,
        .out = stdout,
        .fail_on = fail_on,
        .fail_never = fail_none, /* --exit-zero changes the exit code only, not what reports call failing */
    };
    pb_summary sum = {0};
    pb_report_begin(&rp);

    if (jobs == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n > 0 ? (n > 64 ? 64 : n) : 1;
    }
    /* small runs are faster on one thread than with hand-offs */
    struct since *since = NULL;
    if (since_ref && !(since = load_since(since_ref))) {
        free_inputs(&in);
        free(stdin_buf);
        pb_schema_free(schema);
        pb_config_free(cfg);
        return PB_EXIT_ERROR;
    }
    size_t njobs = 0;
    job *jobv = make_jobs(&in, &njobs);
    /* small runs are faster on one thread than with hand-offs */
    if ((size_t)jobs * 2 > njobs)
        jobs = njobs >= 4 ? (long)(njobs / 2) : 1;
    work w = {
        .opt = &opt,
        .in = &in,
        .jobs = jobv,
        .njobs = njobs,
        .detect = !framework_forced,
        .plans = format == PB_FORMAT_MARKDOWN,
        .since = since,
        .framework = framework,
        .results = calloc(njobs ? njobs : 1, sizeof(job_out)),
        .done = calloc(njobs ? njobs : 1, sizeof(bool)),
        .window = (size_t)jobs * 64,
        .batch = 4,
        .stdin_buf = stdin_buf,
        .stdin_len = stdin_len,
        .stdin_total = stdin_total,
    };
    pthread_mutex_init(&w.mu, NULL);
    pthread_cond_init(&w.done_cv, NULL);
    pthread_cond_init(&w.room_cv, NULL);
    pthread_t *tids = calloc((size_t)jobs, sizeof *tids);
    long started = 0;
    if (jobs > 1) {
        for (long t = 0; t < jobs; t++) {
            if (pthread_create(&tids[t], NULL, worker, &w) != 0)
                break;
            started++;
        }
    }
    bool any_io = false;
    for (size_t i = 0; i < njobs; i++) {
        job_out out;
        if (started == 0) {
            lint_one(&w, i, &out);
        } else {
            pthread_mutex_lock(&w.mu);
            while (!w.done[i]) {
                w.printer_waiting = true;
                pthread_cond_wait(&w.done_cv, &w.mu);
            }
            w.printer_waiting = false;
            out = w.results[i];
            pthread_mutex_unlock(&w.mu);
        }
        for (size_t r = 0; r < out.n; r++) {
            pb_result *res = &out.items[r];
            rp.plan_md = out.plans ? out.plans[r] : NULL;
            pb_report_file(&rp, res);
            if (out.plans)
                free(out.plans[r]);
            sum.files++;
            sum.statements += res->nstatements;
            if (res->status != PB_OK) {
                sum.io_errors++;
                any_io = true;
                pb_cli_error("%s", res->error ? res->error : "cannot read input");
            }
            for (size_t k = 0; k < res->ndiags; k++) {
                pb_severity sv = res->diags[k].severity;
                if (sv == PB_SEV_ERROR)
                    sum.errors++;
                else if (sv == PB_SEV_WARNING)
                    sum.warnings++;
                else
                    sum.infos++;
            }
            pb_result_free(res);
        }
        free(out.items);
        free(out.plans);
        pb_arena_free(out.set_arena);
        if (started) {
            pthread_mutex_lock(&w.mu);
            w.printed = i + 1;
            if (w.workers_waiting)
                pthread_cond_broadcast(&w.room_cv);
            pthread_mutex_unlock(&w.mu);
        }
    }
    for (long t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    pb_report_end(&rp, &sum);
    pb_thread_cleanup();

    size_t failing = fail_on == PB_SEV_ERROR     ? sum.errors
                     : fail_on == PB_SEV_WARNING ? sum.errors + sum.warnings
                                                 : sum.errors + sum.warnings + sum.infos;
    free_inputs(&in);
    free(w.results);
    free_since(since);
    for (size_t j = 0; j < njobs; j++)
        free(jobv[j].inputs);
    free(jobv);
    free(w.done);
    free(tids);
    free(stdin_buf);
    pthread_mutex_destroy(&w.mu);
    pthread_cond_destroy(&w.done_cv);
    pthread_cond_destroy(&w.room_cv);
    pb_schema_free(schema);
    pb_config_free(cfg);
    if (any_io || schema_problems)
        return PB_EXIT_ERROR;
    if (!fail_none && !exit_zero && failing > 0)
        return PB_EXIT_FINDINGS;
    return PB_EXIT_OK;
}

const pb_opt_doc *pb_cli_lint_options(size_t *n)
{
    *n = NOPTS;
    return opts;
}
