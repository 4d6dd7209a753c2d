/* Language server tests: drive `pgbelay lsp` (T.pgbelay) through JSON-RPC
 * transcripts over pipes — lifecycle, text sync, diagnostics in a
 * migration set, both position encodings, hover, code actions, malformed
 * input — plus unit checks of the text and position code, and an
 * end-to-end run in headless Neovim with editors/neovim/pgbelay.lua. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lsp/lsp.h"
#include "test.h"

extern char **environ;

/* from test_golden.c */
typedef struct tst_result {
    char *out, *err;
    size_t out_len, err_len;
    int exit_code;
    int signal;
    bool timed_out;
    bool spawn_failed;
} tst_result;
bool tst_sanitizer_report(const tst_result *r);
bool tst_write_file(const char *path, const char *data, size_t len);
char *tst_read_file(const char *path, size_t *len);

/* Seconds to wait for one answer: generous under sanitizers and valgrind. */
static int patience(void)
{
    return getenv("PGBELAY_SANITIZED") || T.quick ? 120 : 30;
}

/* ---- a client over pipes ------------------------------------------------------ */

typedef struct client {
    pid_t pid;
    int to, from; /* the server's stdin (write end) and stdout (read end) */
    char errpath[64];
    char *buf;
    size_t len, cap;
    json_t *diags; /* uri -> last publishDiagnostics params */
    int notes;     /* notifications received */
} client;

static bool client_start(client *c, const char *const *extra)
{
    memset(c, 0, sizeof *c);
    c->diags = json_object();
    char abs[PATH_MAX];
    if (!realpath(T.pgbelay, abs))
        snprintf(abs, sizeof abs, "%s", T.pgbelay);
    const char *argv[16] = {abs, "lsp"};
    size_t n = 2;
    for (size_t i = 0; extra && extra[i] && n < 15; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
        return false;
    snprintf(c->errpath, sizeof c->errpath, "/tmp/pgbelay-lsp-err-XXXXXX");
    int efd = mkstemp(c->errpath);
    if (efd < 0)
        return false;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, efd, 2);
    int rc = posix_spawn(&c->pid, abs, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    close(efd);
    c->to = in[1];
    c->from = out[0];
    return rc == 0;
}

static void send_raw(client *c, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(c->to, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void send_msg(client *c, json_t *m)
{
    json_object_set_new(m, "jsonrpc", json_string("2.0"));
    char *body = json_dumps(m, JSON_COMPACT);
    json_decref(m);
    char hdr[64];
    int hn = snprintf(hdr, sizeof hdr, "Content-Length: %zu\r\n\r\n", strlen(body));
    send_raw(c, hdr, (size_t)hn);
    send_raw(c, body, strlen(body));
    free(body);
}

static void request(client *c, int id, const char *method, json_t *params)
{
    json_t *m = json_pack("{s:i,s:s}", "id", id, "method", method);
    if (params)
        json_object_set_new(m, "params", params);
    send_msg(c, m);
}

static void notify(client *c, const char *method, json_t *params)
{
    json_t *m = json_pack("{s:s}", "method", method);
    if (params)
        json_object_set_new(m, "params", params);
    send_msg(c, m);
}

/* The next message from the server, or NULL on end of output or timeout. */
static json_t *next_msg(client *c)
{
    time_t deadline = time(NULL) + patience();
    for (;;) {
        char *hdr_end = c->len ? memmem(c->buf, c->len, "\r\n\r\n", 4) : NULL;
        if (hdr_end) {
            size_t n = strtoul(c->buf + 15, NULL, 10); /* "Content-Length: " */
            size_t body = (size_t)(hdr_end - c->buf) + 4;
            if (c->len >= body + n) {
                json_t *m = json_loadb(c->buf + body, n, 0, NULL);
                memmove(c->buf, c->buf + body + n, c->len - body - n);
                c->len -= body + n;
                return m;
            }
        }
        if (c->len + 65536 > c->cap) {
            c->cap = (c->len + 65536) * 2;
            c->buf = realloc(c->buf, c->cap);
        }
        struct pollfd p = {.fd = c->from, .events = POLLIN};
        int left = (int)(deadline - time(NULL));
        if (left <= 0 || poll(&p, 1, left * 1000) <= 0)
            return NULL;
        ssize_t r = read(c->from, c->buf + c->len, c->cap - c->len);
        if (r <= 0)
            return NULL;
        c->len += (size_t)r;
    }
}

static void note(client *c, json_t *m)
{
    c->notes++;
    const char *method = json_string_value(json_object_get(m, "method"));
    if (method && !strcmp(method, "textDocument/publishDiagnostics")) {
        json_t *p = json_object_get(m, "params");
        json_object_set(c->diags, json_string_value(json_object_get(p, "uri")), p);
    }
}

/* The response to request `id` (notifications on the way are recorded). */
static json_t *response(client *c, int id)
{
    json_t *m;
    while ((m = next_msg(c))) {
        json_t *mid = json_object_get(m, "id");
        if (!json_object_get(m, "method") && json_is_integer(mid) && json_integer_value(mid) == id)
            return m;
        if (!json_object_get(m, "method") && json_is_null(mid) && id < 0)
            return m;
        note(c, m);
        json_decref(m);
    }
    return NULL;
}

/* The diagnostics published for `uri` at `version` (-1: any; -2: a clearing
 * publish without version). Borrowed from the client. */
static json_t *diagnostics(client *c, const char *uri, int version)
{
    for (;;) {
        json_t *p = json_object_get(c->diags, uri);
        if (p) {
            json_t *v = json_object_get(p, "version");
            if (version == -1 || (version == -2 && !v) ||
                (json_is_integer(v) && json_integer_value(v) == version))
                return json_object_get(p, "diagnostics");
        }
        json_t *m = next_msg(c);
        if (!m)
            return NULL;
        note(c, m);
        json_decref(m);
    }
}

/* Closes input and waits for the server; returns its exit status (-1 when
 * it crashed or hung). Fails a check when a sanitizer reported. */
static int client_finish(client *c, bool close_input, char **log)
{
    if (close_input && c->to >= 0) {
        close(c->to);
        c->to = -1;
    }
    int status = -1, st;
    time_t deadline = time(NULL) + patience();
    for (;;) {
        pid_t r = waitpid(c->pid, &st, WNOHANG);
        if (r == c->pid) {
            status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
            break;
        }
        if (time(NULL) > deadline) {
            kill(c->pid, SIGKILL);
            waitpid(c->pid, &st, 0);
            CHECK_(false, "pgbelay lsp did not exit in time");
            break;
        }
        usleep(20000);
    }
    if (c->to >= 0)
        close(c->to);
    close(c->from);
    size_t n = 0;
    tst_result r = {0};
    r.err = tst_read_file(c->errpath, &n);
    r.err_len = n;
    unlink(c->errpath);
    CHECK_(!tst_sanitizer_report(&r), "sanitizer report from pgbelay lsp:\n%.3000s", r.err ? r.err : "");
    if (log)
        *log = r.err;
    else
        free(r.err);
    free(c->buf);
    json_decref(c->diags);
    return status;
}

static json_t *init_params(const char *encodings, bool create_files, json_t *init_opts)
{
    json_t *caps = json_object();
    if (encodings) {
        json_error_t e;
        json_object_set_new(caps, "general",
                            json_pack("{s:o}", "positionEncodings", json_loads(encodings, 0, &e)));
    }
    if (create_files)
        json_object_set_new(caps, "workspace",
                            json_pack("{s:{s:b,s:[s]}}", "workspaceEdit", "documentChanges", 1,
                                      "resourceOperations", "create"));
    json_t *p = json_pack("{s:o,s:o}", "processId", json_null(), "capabilities", caps);
    if (init_opts)
        json_object_set_new(p, "initializationOptions", init_opts);
    return p;
}

static int error_code(json_t *resp)
{
    json_t *e = json_object_get(resp, "error");
    return e ? (int)json_integer_value(json_object_get(e, "code")) : 0;
}

/* Starts a server and initializes it; returns the initialize result's
 * positionEncoding via *enc (borrowed until the next call). */
static bool start_init(client *c, const char *const *extra, json_t *params, char *enc, size_t enclen)
{
    if (!client_start(c, extra)) {
        CHECK_(false, "cannot start pgbelay lsp");
        return false;
    }
    request(c, 1, "initialize", params);
    json_t *r = response(c, 1);
    const char *e = json_string_value(
        json_object_get(json_object_get(json_object_get(r, "result"), "capabilities"), "positionEncoding"));
    if (enc)
        snprintf(enc, enclen, "%s", e ? e : "");
    OK(r && json_object_get(r, "result"));
    json_decref(r);
    notify(c, "initialized", json_object());
    return r != NULL;
}

static void shutdown_exit(client *c, int id, int want_status)
{
    request(c, id, "shutdown", NULL);
    json_t *r = response(c, id);
    OK(r && json_is_null(json_object_get(r, "result")) && json_object_get(r, "result"));
    json_decref(r);
    notify(c, "exit", NULL);
    INT_EQ(client_finish(c, true, NULL), want_status);
}

static void open_doc(client *c, const char *uri, int version, const char *text)
{
    notify(c, "textDocument/didOpen",
           json_pack("{s:{s:s,s:s,s:i,s:s}}", "textDocument", "uri", uri, "languageId", "sql", "version",
                     version, "text", text));
}

static json_t *pos(int line, int ch)
{
    return json_pack("{s:i,s:i}", "line", line, "character", ch);
}

static void change_range(client *c, const char *uri, int version, int l0, int c0, int l1, int c1,
                         const char *text)
{
    notify(c, "textDocument/didChange",
           json_pack("{s:{s:s,s:i},s:[{s:{s:o,s:o},s:s}]}", "textDocument", "uri", uri, "version", version,
                     "contentChanges", "range", "start", pos(l0, c0), "end", pos(l1, c1), "text", text));
}

static void change_full(client *c, const char *uri, int version, const char *text)
{
    notify(c, "textDocument/didChange",
           json_pack("{s:{s:s,s:i},s:[{s:s}]}", "textDocument", "uri", uri, "version", version,
                     "contentChanges", "text", text));
}

/* The diagnostic with this rule id in `diags`, or NULL. */
static json_t *find_rule(json_t *diags, const char *rule)
{
    size_t i;
    json_t *d;
    json_array_foreach(diags, i, d)
    {
        if (json_is_string(json_object_get(d, "code")) &&
            !strcmp(json_string_value(json_object_get(d, "code")), rule))
            return d;
    }
    return NULL;
}

static int rng(json_t *d, const char *which, const char *field)
{
    json_t *v = json_object_get(json_object_get(json_object_get(d, "range"), which), field);
    return json_is_integer(v) ? (int)json_integer_value(v) : -1;
}

/* A canonical text of a diagnostics array, for comparing two documents. */
static char *diag_key(json_t *diags)
{
    json_t *k = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(diags, i, d)
    {
        json_array_append_new(k, json_pack("{s:O,s:O,s:O}", "code", json_object_get(d, "code"), "range",
                                           json_object_get(d, "range"), "message",
                                           json_object_get(d, "message")));
    }
    char *s = json_dumps(k, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(k);
    return s;
}

/* ---- a migration directory on disk ------------------------------------------- */

static char tmpdir[PATH_MAX];

static void put(const char *rel, const char *text)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", tmpdir, rel);
    tst_write_file(p, text, strlen(text));
}

static const char *uri_of(const char *rel)
{
    static char u[4][PATH_MAX + 16];
    static int k;
    k = (k + 1) % 4;
    snprintf(u[k], sizeof u[k], "file://%s/%s", tmpdir, rel);
    return u[k];
}

static void rm_rf(const char *dir)
{
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

static const char M1[] = "CREATE TABLE users (id bigint PRIMARY KEY, email text, age bigint);\n";
static const char M2[] = "-- shrink age\n"
                         "ALTER TABLE users ALTER COLUMN age TYPE int;\n"
                         "CREATE INDEX users_email ON users (email);\n";

/* ---- unit checks of text and positions ----------------------------------------- */

static void test_text_units(void)
{
    pb_lsp_text t = {0};
    /* "aé😀b\r\nx\ry" : é is 2 bytes / 1 UTF-16 unit, 😀 4 bytes / 2 units */
    const char *s = "a\xC3\xA9\xF0\x9F\x98\x80"
                    "b\r\nx\ry";
    pb_lsp__text_set(&t, s, strlen(s));
    INT_EQ(t.nlines, 3);
    size_t off;
    OK(pb_lsp__offset(&t, PB_LSP_UTF16, 0, 4, &off));
    INT_EQ(off, 7); /* 'b' */
    OK(pb_lsp__offset(&t, PB_LSP_UTF8, 0, 7, &off));
    INT_EQ(off, 7);
    OK(pb_lsp__offset(&t, PB_LSP_UTF32, 0, 3, &off));
    INT_EQ(off, 7);
    OK(pb_lsp__offset(&t, PB_LSP_UTF16, 0, 3, &off)); /* inside the surrogate pair: start of the emoji */
    INT_EQ(off, 3);
    OK(pb_lsp__offset(&t, PB_LSP_UTF16, 0, 99, &off)); /* past the line end: the line end, not the \r */
    INT_EQ(off, 8);
    OK(pb_lsp__offset(&t, PB_LSP_UTF16, 2, 1, &off));
    INT_EQ(off, 13);
    OK(!pb_lsp__offset(&t, PB_LSP_UTF16, 3, 0, &off));
    OK(!pb_lsp__offset(&t, PB_LSP_UTF16, -1, 0, &off));
    uint32_t l, ch;
    pb_lsp__position(&t, PB_LSP_UTF16, 7, &l, &ch);
    INT_EQ(l, 0);
    INT_EQ(ch, 4);
    pb_lsp__position(&t, PB_LSP_UTF8, 7, &l, &ch);
    INT_EQ(ch, 7);
    pb_lsp__position(&t, PB_LSP_UTF16, 10, &l, &ch); /* 'x' */
    INT_EQ(l, 1);
    INT_EQ(ch, 0);
    pb_lsp__position(&t, PB_LSP_UTF16, 9, &l, &ch); /* between \r and \n: end of line 0 */
    INT_EQ(l, 0);
    INT_EQ(ch, 4 + 1);
    /* splice: replace the emoji by "ZZ", then delete line 1 */
    pb_lsp__text_splice(&t, 3, 7, "ZZ", 2);
    OK(!strcmp(t.data, "a\xC3\xA9ZZb\r\nx\ry"));
    pb_lsp__text_splice(&t, 8, 10, "", 0);
    OK(!strcmp(t.data, "a\xC3\xA9ZZb\r\ny"));
    INT_EQ(t.nlines, 2);
    /* invalid UTF-8 counts one unit a byte */
    pb_lsp__text_set(&t, "\xFF\xFEz", 3);
    OK(pb_lsp__offset(&t, PB_LSP_UTF16, 0, 2, &off));
    INT_EQ(off, 2);
    pb_lsp__text_set(&t, "", 0);
    INT_EQ(t.nlines, 1);
    OK(pb_lsp__offset(&t, PB_LSP_UTF16, 0, 5, &off));
    INT_EQ(off, 0);
    pb_lsp__text_free(&t);
}

/* ---- protocol transcripts ---------------------------------------------------- */

static void test_lifecycle(void)
{
    client c;
    OK(client_start(&c, (const char *const[]){"--stdio", NULL}));
    /* before initialize: requests refused, notifications dropped */
    request(&c, 7, "textDocument/hover",
            json_pack("{s:{s:s},s:o}", "textDocument", "uri", "file:///x.sql", "position", pos(0, 0)));
    json_t *r = response(&c, 7);
    INT_EQ(error_code(r), -32002);
    json_decref(r);
    open_doc(&c, "file:///nowhere/early.sql", 1, "CREATE INDEX i ON t (a);\n");
    request(&c, 1, "initialize", init_params(NULL, false, NULL));
    r = response(&c, 1);
    STR_EQ(json_string_value(json_object_get(json_object_get(json_object_get(r, "result"), "capabilities"),
                                             "positionEncoding")),
           "utf-16");
    OK(json_is_true(
        json_object_get(json_object_get(json_object_get(r, "result"), "capabilities"), "hoverProvider")));
    json_decref(r);
    request(&c, 2, "initialize", init_params(NULL, false, NULL));
    r = response(&c, 2);
    INT_EQ(error_code(r), -32600);
    json_decref(r);
    notify(&c, "initialized", json_object());
    notify(&c, "workspace/somethingNew", json_object()); /* unknown notification: no answer */
    notify(&c, "$/cancelRequest", json_pack("{s:i}", "id", 3));
    notify(&c, "$/setTrace", json_pack("{s:s}", "value", "off"));
    request(&c, 3, "textDocument/semanticTokens/full", json_object());
    r = response(&c, 3);
    INT_EQ(error_code(r), -32601);
    json_decref(r);
    request(&c, 4, "$/unknownRequest", json_object());
    r = response(&c, 4);
    INT_EQ(error_code(r), -32601);
    json_decref(r);
    INT_EQ(c.notes, 0); /* nothing answered the notifications, the early didOpen was dropped */
    request(&c, 5, "shutdown", NULL);
    r = response(&c, 5);
    OK(r && json_object_get(r, "result") && json_is_null(json_object_get(r, "result")));
    json_decref(r);
    request(&c, 6, "textDocument/hover", json_object());
    r = response(&c, 6);
    INT_EQ(error_code(r), -32600);
    json_decref(r);
    notify(&c, "exit", NULL);
    INT_EQ(client_finish(&c, false, NULL), 0);

    /* exit without shutdown: 1 */
    start_init(&c, NULL, init_params(NULL, false, NULL), NULL, 0);
    notify(&c, "exit", NULL);
    INT_EQ(client_finish(&c, false, NULL), 1);

    /* end of input without exit: 1, with a log line */
    start_init(&c, NULL, init_params(NULL, false, NULL), NULL, 0);
    char *log = NULL;
    INT_EQ(client_finish(&c, true, &log), 1);
    OK(log && strstr(log, "end of input"));
    free(log);

    /* the client process dies: the server exits on its own (input stays open) */
    pid_t parent = fork();
    if (parent == 0) {
        pause();
        _exit(0);
    }
    json_t *ip = init_params(NULL, false, NULL);
    json_object_set_new(ip, "processId", json_integer(parent));
    start_init(&c, NULL, ip, NULL, 0);
    kill(parent, SIGKILL);
    waitpid(parent, NULL, 0);
    log = NULL;
    INT_EQ(client_finish(&c, false, &log), 1);
    OK(log && strstr(log, "is gone"));
    free(log);

    /* usage */
    OK(client_start(&c, (const char *const[]){"--bogus", NULL}));
    INT_EQ(client_finish(&c, true, NULL), 2);
}

static void test_diagnostics(void)
{
    client c;
    char enc[16];
    put("db/001_init.sql", M1);
    put("db/002_shrink.sql", M2);
    const char *u2 = uri_of("db/002_shrink.sql");
    start_init(&c, NULL, init_params(NULL, false, NULL), enc, sizeof enc);
    STR_EQ(enc, "utf-16");
    open_doc(&c, u2, 1, M2);
    json_t *d = diagnostics(&c, u2, 1);
    OK(d != NULL);
    /* catalog-dependent: the column's old type comes from 001 */
    json_t *n = find_rule(d, "narrowing-type-change");
    OK(n != NULL);
    INT_EQ(rng(n, "start", "line"), 1);
    INT_EQ(rng(n, "start", "character"), 31);
    json_t *ci = find_rule(d, "create-index-non-concurrent");
    OK(ci != NULL);
    INT_EQ(rng(ci, "start", "line"), 2);
    INT_EQ(rng(ci, "start", "character"), 0);
    INT_EQ(rng(ci, "end", "character"), 41);
    INT_EQ(json_integer_value(json_object_get(ci, "severity")), 2);
    STR_EQ(json_string_value(json_object_get(ci, "source")), "pgbelay");

    /* the same findings as `pgbelay lint DIR` for this file */
    {
        char cmd[PATH_MAX * 2];
        snprintf(cmd, sizeof cmd, "'%s' lint --format json '%s/db' 2>/dev/null", T.pgbelay, tmpdir);
        FILE *f = popen(cmd, "r");
        json_t *j = f ? json_loadf(f, 0, NULL) : NULL;
        if (f)
            pclose(f);
        size_t i;
        json_t *file, *want = NULL;
        json_array_foreach(json_object_get(j, "files"), i, file)
        {
            const char *p = json_string_value(json_object_get(file, "path"));
            if (p && strstr(p, "002_shrink.sql"))
                want = json_object_get(file, "diagnostics");
        }
        OK(want != NULL);
        INT_EQ(json_array_size(d), json_array_size(want));
        json_t *w;
        json_array_foreach(want, i, w)
        {
            json_t *g = json_array_get(d, i);
            STR_EQ(json_string_value(json_object_get(g, "code")),
                   json_string_value(json_object_get(w, "rule")));
            INT_EQ(rng(g, "start", "line"),
                   json_integer_value(json_object_get(json_object_get(w, "start"), "line")) - 1);
        }
        json_decref(j);
    }

    /* a syntax error is reported at its place, and the rest is still checked */
    change_full(&c, u2, 2,
                "ALTER TABLE users ALTER COLUMN age TYPE int;\nSELEC oops;\nCREATE INDEX users_email ON "
                "users (email);\n");
    d = diagnostics(&c, u2, 2);
    json_t *se = find_rule(d, "syntax-error");
    OK(se != NULL);
    INT_EQ(rng(se, "start", "line"), 1);
    OK(find_rule(d, "create-index-non-concurrent") != NULL);
    OK(find_rule(d, "narrowing-type-change") != NULL);

    /* an earlier migration changes on disk: the cached catalog is refreshed */
    put("db/001_init.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text, age int);\n");
    notify(&c, "workspace/didChangeWatchedFiles",
           json_pack("{s:[{s:s,s:i}]}", "changes", "uri", uri_of("db/001_init.sql"), "type", 2));
    change_full(&c, u2, 3, M2);
    d = diagnostics(&c, u2, 3);
    OK(d && find_rule(d, "narrowing-type-change") == NULL);
    OK(d && find_rule(d, "create-index-non-concurrent") != NULL);
    /* ... also without a notification (the cache is keyed by the files' bytes) */
    put("db/001_init.sql", M1);
    change_full(&c, u2, 4, M2);
    d = diagnostics(&c, u2, 4);
    OK(d && find_rule(d, "narrowing-type-change") != NULL);

    /* a file not saved yet joins its directory's set after the others */
    const char *u3 = uri_of("db/003_unsaved.sql");
    open_doc(&c, u3, 1, "ALTER TABLE users ALTER COLUMN email TYPE varchar(10);\n");
    d = diagnostics(&c, u3, 1);
    OK(d && find_rule(d, "narrowing-type-change") != NULL);
    /* settings change: every open document is linted again */
    notify(&c, "workspace/didChangeConfiguration",
           json_pack("{s:{s:{s:i}}}", "settings", "pgbelay", "pgVersion", 12));
    request(&c, 80, "textDocument/hover",
            json_pack("{s:{s:s},s:o}", "textDocument", "uri", u3, "position", pos(0, 3)));
    json_t *hr = response(&c, 80);
    const char *ht = json_string_value(
        json_object_get(json_object_get(json_object_get(hr, "result"), "contents"), "value"));
    OK(ht && strstr(ht, "PostgreSQL 12"));
    json_decref(hr);
    notify(&c, "textDocument/didClose", json_pack("{s:{s:s}}", "textDocument", "uri", u3));

    /* close: diagnostics cleared */
    notify(&c, "textDocument/didClose", json_pack("{s:{s:s}}", "textDocument", "uri", u2));
    d = diagnostics(&c, u2, -2);
    OK(d && json_array_size(d) == 0);

    /* a file that is not in a migration directory (no file URI) */
    open_doc(&c, "untitled:Untitled-1", 1, "DROP TABLE users;\n");
    d = diagnostics(&c, "untitled:Untitled-1", 1);
    OK(d && find_rule(d, "drop-table") != NULL);
    shutdown_exit(&c, 90, 0);
}

/* The catalog of the earlier migrations is replayed once, not per edit,
 * and again when one of them changes. */
static void test_cache(void)
{
    put("cc/001_init.sql", M1);
    put("cc/002_shrink.sql", M2);
    const char *u = uri_of("cc/002_shrink.sql");
    client c;
    start_init(&c, (const char *const[]){"--log-timing", NULL}, init_params(NULL, false, NULL), NULL, 0);
    open_doc(&c, u, 1, M2);
    OK(diagnostics(&c, u, 1) != NULL);
    for (int v = 2; v < 6; v++) {
        change_range(&c, u, v, 0, 0, 0, 0, "-");
        OK(diagnostics(&c, u, v) != NULL);
    }
    put("cc/001_init.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text, age int);\n");
    change_range(&c, u, 6, 0, 0, 0, 0, "-");
    json_t *d = diagnostics(&c, u, 6);
    OK(d && find_rule(d, "narrowing-type-change") == NULL);
    request(&c, 2, "shutdown", NULL);
    json_decref(response(&c, 2));
    notify(&c, "exit", NULL);
    char *log = NULL;
    INT_EQ(client_finish(&c, false, &log), 0);
    size_t n = 0;
    for (const char *q = log; q && (q = strstr(q, "replayed 1 earlier migration")); q++)
        n++;
    INT_EQ(n, 2); /* at open, and after 001 changed: not for the four edits between */
    free(log);
}

/* The same document edited incrementally and sent whole gives the same
 * diagnostics; positions follow the negotiated encoding. */
static void test_sync_and_encodings(void)
{
    const char *base = "-- caf\xC3\xA9 \xF0\x9F\x98\x80\n"
                       "SELECT 1;\n";
    /* final text: non-ASCII before the finding on its own line */
    const char *final = "-- caf\xC3\xA9 \xF0\x9F\x98\x80\n"
                        "/* \xC3\xA9\xF0\x9F\x98\x80 */ CREATE INDEX i ON t (a);\n";
    for (int e = 0; e < 2; e++) {
        client c;
        char enc[16];
        start_init(&c, NULL,
                   init_params(e ? "[\"utf-32\",\"utf-8\",\"utf-16\"]" : "[\"utf-16\"]", false, NULL), enc,
                   sizeof enc);
        STR_EQ(enc, e ? "utf-8" : "utf-16");
        put("plain/a.sql", base);
        put("plain/b.sql", "");
        const char *ua = uri_of("plain/a.sql"), *ub = uri_of("plain/b.sql");
        open_doc(&c, ua, 1, base);
        open_doc(&c, ub, 1, final);
        /* replace "SELECT 1;" (line 1, whole) in pieces: insert after the emoji
           comment, then delete the old statement */
        change_range(&c, ua, 2, 1, 0, 1, 9, "CREATE INDEX i ON t (a);");
        /* insert the comment at the start of line 1 */
        change_range(&c, ua, 3, 1, 0, 1, 0, "/* \xC3\xA9\xF0\x9F\x98\x80 */ ");
        json_t *da = diagnostics(&c, ua, 3), *db = diagnostics(&c, ub, 1);
        char *ka = diag_key(da), *kb = diag_key(db);
        OK(ka && kb && !strcmp(ka, kb));
        free(ka);
        free(kb);
        json_t *ci = find_rule(db, "create-index-non-concurrent");
        OK(ci != NULL);
        /* the block comment before it (e-acute, an emoji) is 10 UTF-16 units and 13 bytes */
        INT_EQ(rng(ci, "start", "line"), 1);
        INT_EQ(rng(ci, "start", "character"), e ? 13 : 10);
        /* an edit inside the emoji on line 0 in the client's units: replace
           "é" (UTF-16 col 6, UTF-8 col 6..8) by "e" — diagnostics still equal */
        change_range(&c, ua, 4, 0, 6, 0, e ? 8 : 7, "e");
        change_full(&c, ub, 2,
                    "-- cafe \xF0\x9F\x98\x80\n/* \xC3\xA9\xF0\x9F\x98\x80 */ CREATE INDEX i ON t (a);\n");
        da = diagnostics(&c, ua, 4);
        db = diagnostics(&c, ub, 2);
        ka = diag_key(da);
        kb = diag_key(db);
        OK(ka && kb && !strcmp(ka, kb));
        free(ka);
        free(kb);
        shutdown_exit(&c, 99, 0);
    }
}

static json_t *hover(client *c, int id, const char *uri, int line, int ch)
{
    request(c, id, "textDocument/hover",
            json_pack("{s:{s:s},s:o}", "textDocument", "uri", uri, "position", pos(line, ch)));
    return response(c, id);
}

static const char *hover_text(json_t *r)
{
    return json_string_value(
        json_object_get(json_object_get(json_object_get(r, "result"), "contents"), "value"));
}

static void test_hover(void)
{
    put("hv/001.sql",
        "ALTER TABLE orders ADD COLUMN flag boolean DEFAULT false;\n\nCREATE INDEX CONCURRENTLY o_idx ON "
        "orders (id);\nALTER TABLE orders ATTACH PARTITION orders_1 FOR VALUES FROM (1) TO (2);\n");
    const char *u = uri_of("hv/001.sql");
    for (int v = 0; v < 2; v++) {
        client c;
        json_t *opts = json_pack("{s:i}", "pgVersion", v ? 10 + 1 : 15);
        start_init(&c, NULL, init_params(NULL, false, opts), NULL, 0);
        size_t len;
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/hv/001.sql", tmpdir);
        char *text = tst_read_file(p, &len);
        open_doc(&c, u, 1, text);
        free(text);
        json_t *r = hover(&c, 2, u, 0, 5);
        const char *h = hover_text(r);
        OK(h && strstr(h, "ACCESS EXCLUSIVE"));
        OK(h && strstr(h, "blocks reads and writes"));
        /* PostgreSQL 11 and later add a constant default without a rewrite */
        OK(h && strstr(h, v ? "PostgreSQL 11" : "PostgreSQL 15") && strstr(h, "no table rewrite"));
        INT_EQ(rng(json_object_get(r, "result"), "end", "character"), 56); /* the statement, without ';' */
        json_decref(r);
        r = hover(&c, 3, u, 2, 3);
        h = hover_text(r);
        OK(h && strstr(h, "SHARE UPDATE EXCLUSIVE") && strstr(h, "cannot run inside a transaction block"));
        json_decref(r);
        /* ATTACH PARTITION: ACCESS EXCLUSIVE on the parent before PostgreSQL 12,
           SHARE UPDATE EXCLUSIVE since (postgres-locks.md) */
        r = hover(&c, 7, u, 3, 3);
        h = hover_text(r);
        OK(h && strstr(h, v ? "**ACCESS EXCLUSIVE** lock" : "**SHARE UPDATE EXCLUSIVE** lock"));
        if (!(h && strstr(h, v ? "**ACCESS EXCLUSIVE** lock" : "**SHARE UPDATE EXCLUSIVE** lock")))
            fprintf(stderr, "  hover: %s\n", h ? h : "(none)");
        json_decref(r);
        r = hover(&c, 4, u, 1, 0); /* the blank line between statements */
        OK(r && json_is_null(json_object_get(r, "result")));
        json_decref(r);
        r = hover(&c, 5, u, 40, 0); /* past the end */
        INT_EQ(error_code(r), -32602);
        json_decref(r);
        r = hover(&c, 6, uri_of("hv/never-opened.sql"), 0, 0);
        INT_EQ(error_code(r), -32602);
        json_decref(r);
        shutdown_exit(&c, 9, 0);
    }
    /* a version pgbelay does not model is refused with a log line */
    client c;
    start_init(&c, NULL, init_params(NULL, false, json_pack("{s:i}", "pgVersion", 9)), NULL, 0);
    request(&c, 2, "shutdown", NULL);
    json_decref(response(&c, 2));
    notify(&c, "exit", NULL);
    char *log = NULL;
    INT_EQ(client_finish(&c, false, &log), 0);
    OK(log && strstr(log, "pgVersion 9"));
    free(log);
}

static json_t *code_actions(client *c, int id, const char *uri, int l0, int c0, int l1, int c1)
{
    request(c, id, "textDocument/codeAction",
            json_pack("{s:{s:s},s:{s:o,s:o},s:{s:[]}}", "textDocument", "uri", uri, "range", "start",
                      pos(l0, c0), "end", pos(l1, c1), "context", "diagnostics"));
    return response(c, id);
}

static json_t *find_action(json_t *r, const char *title_part)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(r, "result"), i, a)
    {
        const char *t = json_string_value(json_object_get(a, "title"));
        if (t && strstr(t, title_part))
            return a;
    }
    return NULL;
}

static void test_code_actions(void)
{
    put("ca/001_init.sql", M1);
    put("ca/002_index.sql", "SET lock_timeout = '2s';\n  CREATE INDEX users_email ON users (email);\n"
                            "ALTER TABLE users ADD CONSTRAINT age_pos CHECK (age > 0);\n");
    const char *u = uri_of("ca/002_index.sql");
    for (int k = 0; k < 2; k++) {
        client c;
        setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
        start_init(&c, NULL, init_params(NULL, k == 1, NULL), NULL, 0);
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/ca/002_index.sql", tmpdir);
        size_t len;
        char *text = tst_read_file(p, &len);
        open_doc(&c, u, 1, text);
        free(text);
        json_t *r = code_actions(&c, 2, u, 1, 4, 1, 4);
        json_t *fix = find_action(r, "CONCURRENTLY");
        OK(fix != NULL);
        STR_EQ(json_string_value(json_object_get(fix, "kind")), "quickfix");
        json_t *te =
            json_array_get(json_object_get(json_object_get(json_object_get(fix, "edit"), "changes"), u), 0);
        STR_EQ(json_string_value(json_object_get(te, "newText")), " CONCURRENTLY");
        INT_EQ(rng(te, "start", "line"), 1);
        INT_EQ(rng(te, "start", "character"), 14);
        STR_EQ(json_string_value(
                   json_object_get(json_array_get(json_object_get(fix, "diagnostics"), 0), "code")),
               "create-index-non-concurrent");
        /* the published diagnostic (written by hand for speed) and the one in
           the code action (Jansson) are the same JSON */
        OK(json_equal(json_array_get(json_object_get(fix, "diagnostics"), 0),
                      find_rule(diagnostics(&c, u, 1), "create-index-non-concurrent")));
        json_t *ign = find_action(r, "Ignore create-index-non-concurrent");
        OK(ign != NULL);
        te = json_array_get(json_object_get(json_object_get(json_object_get(ign, "edit"), "changes"), u), 0);
        STR_EQ(json_string_value(json_object_get(te, "newText")),
               "  -- pgbelay-ignore create-index-non-concurrent: <reason>\n");
        INT_EQ(rng(te, "start", "character"), 0);
        json_t *plan = find_action(r, "Plan this change");
        if (k == 0) {
            OK(plan == NULL); /* the client cannot create files */
        } else {
            OK(plan != NULL);
            json_t *dc = json_object_get(json_object_get(plan, "edit"), "documentChanges");
            OK(json_array_size(dc) >= 2);
            STR_EQ(json_string_value(json_object_get(json_array_get(dc, 0), "kind")), "create");
            const char *nu = json_string_value(json_object_get(json_array_get(dc, 0), "uri"));
            OK(nu && strstr(nu, "/ca/003_"));
            bool concurrently = false;
            for (size_t i = 1; i < json_array_size(dc); i += 2) {
                const char *body = json_string_value(json_object_get(
                    json_array_get(json_object_get(json_array_get(dc, i), "edits"), 0), "newText"));
                concurrently |= body && strstr(body, "CREATE INDEX CONCURRENTLY") != NULL;
            }
            OK(concurrently);
        }
        /* NOT VALID for the CHECK, inserted at the end of the constraint */
        json_decref(r);
        r = code_actions(&c, 3, u, 2, 0, 2, 0);
        fix = find_action(r, "NOT VALID");
        OK(fix != NULL);
        te = json_array_get(json_object_get(json_object_get(json_object_get(fix, "edit"), "changes"), u), 0);
        INT_EQ(rng(te, "start", "line"), 2);
        INT_EQ(rng(te, "start", "character"), 56);
        json_decref(r);
        /* applying the fix makes the finding go away */
        change_range(&c, u, 2, 1, 14, 1, 14, " CONCURRENTLY");
        json_t *d = diagnostics(&c, u, 2);
        OK(d && find_rule(d, "create-index-non-concurrent") == NULL);
        /* no findings in range: no actions */
        r = code_actions(&c, 4, u, 0, 0, 0, 3);
        INT_EQ(json_array_size(json_object_get(r, "result")), 0);
        json_decref(r);
        r = code_actions(&c, 5, u, 99, 0, 99, 1);
        INT_EQ(error_code(r), -32602);
        json_decref(r);
        shutdown_exit(&c, 9, 0);
        unsetenv("SOURCE_DATE_EPOCH");
    }
}

static void test_malformed(void)
{
    client c;
    start_init(&c, (const char *const[]){"--max-message", "2048", NULL}, init_params(NULL, false, NULL), NULL,
               0);
    /* not JSON */
    const char *bad = "Content-Length: 9\r\n\r\n{\"id\": 1,";
    send_raw(&c, bad, strlen(bad));
    json_t *r = response(&c, -1);
    INT_EQ(error_code(r), -32700);
    json_decref(r);
    /* invalid UTF-8 in the body */
    bad = "Content-Length: 4\r\n\r\n\"\xFF\xFE\"";
    send_raw(&c, bad, strlen(bad));
    r = response(&c, -1);
    INT_EQ(error_code(r), -32700);
    json_decref(r);
    /* no Content-Length at all */
    bad = "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n";
    send_raw(&c, bad, strlen(bad));
    /* a Content-Length too small: the tail is skipped, the next message read */
    bad = "Content-Length: 5\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":50,\"method\":\"shutdownx\"}";
    send_raw(&c, bad, strlen(bad));
    r = response(&c, -1);
    INT_EQ(error_code(r), -32700);
    json_decref(r);
    /* an id of the wrong type, a message that is not an object */
    const char *obj = "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":1}";
    char msg[256];
    snprintf(msg, sizeof msg, "Content-Length: %zu\r\n\r\n%s", strlen(obj), obj);
    send_raw(&c, msg, strlen(msg));
    r = response(&c, -1);
    INT_EQ(error_code(r), -32600);
    json_decref(r);
    /* a message over --max-message: skipped without an answer */
    char *big = malloc(4096);
    memset(big, ' ', 4096);
    const char *hdr = "Content-Length: 4096\r\n\r\n";
    send_raw(&c, hdr, strlen(hdr));
    send_raw(&c, big, 4096);
    free(big);
    /* unknown documents and out-of-range edits are logged and ignored */
    change_full(&c, "file:///not/open.sql", 2, "x");
    put("mf/a.sql", "DROP TABLE t;\n");
    const char *u = uri_of("mf/a.sql");
    open_doc(&c, u, 1, "DROP TABLE t;\n");
    change_range(&c, u, 2, 7, 0, 8, 0, "garbage");
    json_t *d = diagnostics(&c, u, 2);
    OK(d && find_rule(d, "drop-table"));
    /* the server still answers */
    request(&c, 60, "shutdown", NULL);
    r = response(&c, 60);
    OK(r && json_is_null(json_object_get(r, "result")));
    json_decref(r);
    notify(&c, "exit", NULL);
    char *log = NULL;
    INT_EQ(client_finish(&c, false, &log), 0);
    OK(log && strstr(log, "malformed JSON"));
    OK(log && strstr(log, "not a message header"));
    OK(log && strstr(log, "without a valid Content-Length"));
    OK(log && strstr(log, "over the limit of 2048 bytes"));
    OK(log && strstr(log, "not open"));
    OK(log && strstr(log, "outside the document"));
    free(log);

    /* a header claiming 2 GB: refused without reading it into memory */
    start_init(&c, NULL, init_params(NULL, false, NULL), NULL, 0);
    bad = "Content-Length: 2147483648\r\n\r\n{}";
    send_raw(&c, bad, strlen(bad));
    log = NULL;
    INT_EQ(client_finish(&c, true, &log), 1);
    OK(log && strstr(log, "2147483648 bytes is over the limit"));
    free(log);
    /* a Content-Length that is not a number */
    start_init(&c, NULL, init_params(NULL, false, NULL), NULL, 0);
    bad = "Content-Length: 99999999999999999999999\r\n\r\n";
    send_raw(&c, bad, strlen(bad));
    request(&c, 3, "shutdown", NULL);
    r = response(&c, 3);
    OK(r && json_object_get(r, "result"));
    json_decref(r);
    notify(&c, "exit", NULL);
    INT_EQ(client_finish(&c, false, NULL), 0);
}

static long rss_kb(pid_t pid)
{
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/status", (int)pid);
    size_t n;
    char *s = tst_read_file(p, &n);
    char *v = s ? strstr(s, "VmRSS:") : NULL;
    long kb = v ? strtol(v + 6, NULL, 10) : -1;
    free(s);
    return kb;
}

/* Thousands of edits: the server keeps up, memory stays bounded. */
static void test_many_edits(void)
{
    int n = T.quick || getenv("PGBELAY_SANITIZED") ? 300 : 5000;
    client c;
    start_init(&c, NULL, init_params(NULL, false, NULL), NULL, 0);
    put("me/001.sql", "CREATE TABLE t (a int);\n");
    const char *u = uri_of("me/001.sql");
    open_doc(&c, u, 1, "CREATE TABLE t (a int);\n");
    OK(diagnostics(&c, u, 1) != NULL);
    long before = rss_kb(c.pid);
    for (int i = 0; i < n; i++) {
        /* type a statement character by character at the end, then delete it */
        const char *stmt = "CREATE INDEX i ON t (a);\n";
        int k = i % 26;
        if (k < 25) {
            char ch[2] = {stmt[k], 0};
            change_range(&c, u, i + 2, 1, k, 1, k, ch);
        } else {
            change_range(&c, u, i + 2, 1, 0, 2, 0, "");
        }
        if (i % 500 == 0) {
            request(&c, 1000 + i, "textDocument/hover",
                    json_pack("{s:{s:s},s:o}", "textDocument", "uri", u, "position", pos(0, 1)));
            json_decref(response(&c, 1000 + i));
        }
    }
    change_range(&c, u, n + 2, 1, 0, 1, 999, "DROP TABLE users;"); /* past the line end: to the line end */
    json_t *d = diagnostics(&c, u, n + 2);
    OK(d && find_rule(d, "drop-table"));
    if (!(d && find_rule(d, "drop-table"))) {
        char *k = diag_key(d);
        fprintf(stderr, "  diagnostics: %s\n", k ? k : "(none)");
        free(k);
    }
    long after = rss_kb(c.pid);
    if (!getenv("PGBELAY_SANITIZED") && !T.quick)
        CHECK_(before > 0 && after - before < 64 * 1024, "RSS grew from %ld kB to %ld kB over %d edits",
               before, after, n);
    shutdown_exit(&c, 2, 0);
}

/* .pgbelay.yaml next to the migrations: version, rule settings, exclude
 * globs and suppression comments reach the editor; a broken key is
 * published on the config file. Only with the configuration module. */
static void test_lsp_config(void)
{
    put("cf/.pgbelay.yaml",
        "pg-version: 12\nrules:\n  missing-lock-timeout: off\nexclude:\n  - \"*_skip.sql\"\n");
    put("cf/001_a.sql", "CREATE INDEX i ON t (a);\n-- pgbelay-ignore drop-table: the table is unused since "
                        "v2\nDROP TABLE old;\nDROP TABLE older;\n");
    put("cf/002_skip.sql", "DROP TABLE t;\n");
    client c;
    start_init(&c, NULL, init_params(NULL, false, NULL), NULL, 0);
    const char *u = uri_of("cf/001_a.sql");
    size_t len;
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/cf/001_a.sql", tmpdir);
    char *text = tst_read_file(p, &len);
    open_doc(&c, u, 1, text);
    free(text);
    json_t *d = diagnostics(&c, u, 1);
    OK(d && find_rule(d, "create-index-non-concurrent") != NULL);
    OK(d && find_rule(d, "missing-lock-timeout") == NULL); /* off in the config */
    json_t *dt = find_rule(d, "drop-table");
    OK(dt && rng(dt, "start", "line") == 3); /* line 2 is suppressed with a reason */
    json_t *r = hover(&c, 2, u, 0, 2);
    OK(hover_text(r) && strstr(hover_text(r), "PostgreSQL 12"));
    json_decref(r);
    open_doc(&c, uri_of("cf/002_skip.sql"), 1, "DROP TABLE t;\n");
    d = diagnostics(&c, uri_of("cf/002_skip.sql"), 1);
    OK(d && json_array_size(d) == 0); /* excluded */
    /* a broken key: published on the config file, the rest still applies */
    char cfg_uri[PATH_MAX + 16];
    snprintf(cfg_uri, sizeof cfg_uri, "file://%s/cf/.pgbelay.yaml", tmpdir);
    d = diagnostics(&c, cfg_uri, -1);
    OK(d && json_array_size(d) == 0); /* loaded without problems */
    json_object_del(c.diags, cfg_uri);
    put("cf/.pgbelay.yaml", "pg-version: 12\nrulez: {}\n");
    notify(&c, "workspace/didChangeWatchedFiles", json_pack("{s:[]}", "changes"));
    change_full(&c, u, 2, "CREATE INDEX i ON t (a);\n");
    d = diagnostics(&c, cfg_uri, -1);
    OK(d && json_array_size(d) == 1);
    OK(rng(json_array_get(d, 0), "start", "line") == 1);
    d = diagnostics(&c, u, 2);
    OK(d && find_rule(d, "missing-lock-timeout") != NULL);
    shutdown_exit(&c, 9, 0);
}

/* ---- end to end in Neovim --------------------------------------------------- */

static bool have_program(const char *name)
{
    const char *path = getenv("PATH");
    if (!path)
        return false;
    char *copy = strdup(path), *save = NULL;
    bool found = false;
    for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", dir, name);
        found = access(p, X_OK) == 0;
    }
    free(copy);
    return found;
}

static void test_neovim(void)
{
    if (T.quick) {
        fprintf(stderr, "lsp: Neovim end-to-end test skipped under --quick (valgrind would trace nvim)\n");
        return;
    }
    if (!have_program("nvim")) {
        fprintf(stderr, "lsp: SKIPPED the Neovim end-to-end test: nvim is not installed (tools/setup.sh "
                        "installs Debian's neovim)\n");
        return;
    }
    put("nv/db/001_init.sql", M1);
    put("nv/db/002_shrink.sql", M2);
    char abs[PATH_MAX], script[PATH_MAX], out[PATH_MAX], file[PATH_MAX], cfg[PATH_MAX];
    if (!realpath(T.pgbelay, abs))
        snprintf(abs, sizeof abs, "%s", T.pgbelay);
    snprintf(script, sizeof script, "%s/nv/test.lua", tmpdir);
    snprintf(out, sizeof out, "%s/nv/out.txt", tmpdir);
    snprintf(file, sizeof file, "%s/nv/db/002_shrink.sql", tmpdir);
    if (!realpath(T.root, cfg))
        snprintf(cfg, sizeof cfg, "%s", T.root);
    char lua[8192];
    snprintf(lua, sizeof lua,
             "vim.g.pgbelay_cmd = { '%s', 'lsp' }\n"
             "dofile('%s/editors/neovim/pgbelay.lua')\n"
             "vim.cmd('filetype on')\n"
             "vim.cmd('edit %s')\n"
             "local ok = vim.wait(20000, function() return #vim.diagnostic.get(0) >= 3 end, 50)\n"
             "local lines = {}\n"
             "for _, d in ipairs(vim.diagnostic.get(0)) do\n"
             "  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or '?'\n"
             "  table.insert(lines, string.format('%%s %%d:%%d-%%d:%%d', code, d.lnum, d.col, d.end_lnum, "
             "d.end_col))\n"
             "end\n"
             "table.sort(lines)\n"
             "local hover = vim.lsp.buf_request_sync(0, 'textDocument/hover', { textDocument = { uri = "
             "vim.uri_from_bufnr(0) }, position = { line = 1, character = 2 } }, 10000)\n"
             "for _, r in pairs(hover or {}) do\n"
             "  if r.result and r.result.contents then table.insert(lines, 'hover ' .. "
             "(r.result.contents.value:match('ACCESS EXCLUSIVE') or 'none')) end\n"
             "end\n"
             "table.insert(lines, ok and 'done' or 'timeout')\n"
             "vim.fn.writefile(lines, '%s')\n"
             "vim.cmd('qa!')\n",
             abs, cfg, file, out);
    put("nv/test.lua", lua);
    char cmd[PATH_MAX * 3];
    snprintf(cmd, sizeof cmd,
             "cd '%s/nv' && timeout %d nvim --headless --clean -u NONE -i NONE -n -c 'luafile %s' "
             ">'%s/nv/nvim.log' 2>&1",
             tmpdir, patience() * 2, script, tmpdir);
    int rc = system(cmd);
    size_t n;
    char *got = tst_read_file(out, &n);
    CHECK_(rc == 0 && got, "nvim exited with %d and wrote no result", rc);
    if (got) {
        /* rule ids and 0-based positions as Neovim stored them */
        OK(strstr(got, "narrowing-type-change 1:31-1:43") != NULL);
        OK(strstr(got, "create-index-non-concurrent 2:0-2:41") != NULL);
        OK(strstr(got, "alter-column-type-rewrites 1:31-1:43") != NULL);
        OK(strstr(got, "hover ACCESS EXCLUSIVE") != NULL);
        OK(strstr(got, "done") != NULL);
        if (!strstr(got, "done") || !strstr(got, "narrowing"))
            fprintf(stderr, "  --- nvim result ---\n%s\n", got);
    }
    free(got);
}

void test_lsp(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/pgbelay-lsp-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        CHECK_(false, "cannot make a temporary directory");
        return;
    }
    char real[PATH_MAX];
    if (realpath(tmpdir, real))
        snprintf(tmpdir, sizeof tmpdir, "%s", real);
    const char *dirs[] = {"db", "plain", "hv", "ca", "mf", "me", "nv", "nv/db", "cf", "cc"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", tmpdir, dirs[i]);
        mkdir(p, 0755);
    }
    test_text_units();
    test_lifecycle();
    test_diagnostics();
    test_cache();
    test_sync_and_encodings();
    test_hover();
    test_code_actions();
    test_malformed();
    test_many_edits();
    test_lsp_config();
    test_neovim();
    rm_rf(tmpdir);
}
