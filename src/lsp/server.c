/* The language server's transport and dispatch: Content-Length framed
 * JSON-RPC 2.0 over file descriptors (LSP 3.17 "Base Protocol"), the
 * initialize / shutdown / exit lifecycle, text synchronisation (full and
 * incremental) and publishing diagnostics. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "lsp/server.h"

/* JSON-RPC and LSP error codes (LSP 3.17 "ErrorCodes"). */
enum {
    ERR_PARSE = -32700,
    ERR_INVALID_REQUEST = -32600,
    ERR_METHOD_NOT_FOUND = -32601,
    ERR_INVALID_PARAMS = -32602,
    ERR_SERVER_NOT_INITIALIZED = -32002,
};

void pb_lsp__log(pb_lsp_server *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("pgbelay lsp: ", s->log);
    vfprintf(s->log, fmt, ap);
    fputc('\n', s->log);
    fflush(s->log);
    va_end(ap);
}

int pb_lsp__pg_version(const lsp_doc *d)
{
    return d->opt.pg_version ? d->opt.pg_version : PB_PG_VERSION_DEFAULT;
}

json_t *pb_lsp__jstr(const char *s, size_t n)
{
    if (!s)
        return json_string("");
    if (pb_utf8_validate(s, n) == n)
        return json_stringn(s, n);
    pb_buf b = {0};
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = pb_utf8_decode(s + i, n - i, &cp);
        if (k) {
            pb_buf_append(&b, s + i, k);
            i += k;
        } else {
            pb_buf_append(&b, "\xEF\xBF\xBD", 3);
            i++;
        }
    }
    json_t *j = json_stringn(pb_buf_cstr(&b), b.len);
    pb_buf_release(&b);
    return j;
}

/* ---- transport -------------------------------------------------------------- */

typedef struct transport {
    int fd;
    char *buf;
    size_t start, end, cap;
    bool eof;
} transport;

typedef enum read_status {
    READ_OK,
    READ_EOF,
    READ_PARENT_GONE,
    READ_SKIPPED, /* a message was dropped (too large, no Content-Length): logged */
} read_status;

static bool parent_alive(pb_lsp_server *s)
{
    if (s->parent <= 0)
        return true;
    return !(kill(s->parent, 0) != 0 && errno == ESRCH);
}

/* Reads more input into the buffer, waiting at most the parent-poll
 * interval at a time and checking the client process in between. */
static read_status fill(pb_lsp_server *s, transport *t)
{
    if (t->start > 0 && t->start == t->end)
        t->start = t->end = 0;
    if (t->end == t->cap) {
        if (t->start > 0) {
            memmove(t->buf, t->buf + t->start, t->end - t->start);
            t->end -= t->start;
            t->start = 0;
        } else {
            size_t cap = t->cap ? t->cap * 2 : 65536;
            char *nb = realloc(t->buf, cap);
            if (!nb) {
                pb_lsp__log(s, "out of memory reading a message");
                abort();
            }
            t->buf = nb;
            t->cap = cap;
        }
    }
    int wait = s->opt.parent_poll_ms > 0 ? s->opt.parent_poll_ms : 1000;
    for (;;) {
        struct pollfd p = {.fd = t->fd, .events = POLLIN};
        int r = poll(&p, 1, wait);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0) {
            if (!parent_alive(s))
                return READ_PARENT_GONE;
            continue;
        }
        ssize_t n = read(t->fd, t->buf + t->end, t->cap - t->end);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            t->eof = true;
            return READ_EOF;
        }
        t->end += (size_t)n;
        return READ_OK;
    }
}

/* Discards `n` bytes of input as they arrive, never holding more than one
 * buffer of them. */
static read_status skip_bytes(pb_lsp_server *s, transport *t, uint64_t n)
{
    while (n > 0) {
        if (t->start == t->end) {
            read_status r = fill(s, t);
            if (r != READ_OK)
                return r;
        }
        size_t have = t->end - t->start;
        size_t k = have < n ? have : (size_t)n;
        t->start += k;
        n -= k;
    }
    return READ_OK;
}

static const char *find_ci(const char *h, size_t hn, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= hn; i++)
        if (!strncasecmp(h + i, needle, k))
            return h + i;
    return NULL;
}

/* Is input waiting (a buffered byte or a readable descriptor)? */
static bool input_pending(transport *t)
{
    if (t->end > t->start)
        return true;
    if (t->eof)
        return false;
    struct pollfd p = {.fd = t->fd, .events = POLLIN};
    return poll(&p, 1, 0) > 0;
}

/* Reads one message body into *body (pointing into the buffer, valid until
 * the next read) and *len. */
static read_status read_message(pb_lsp_server *s, transport *t, const char **body, size_t *len)
{
    size_t max = s->opt.max_message ? s->opt.max_message : PB_LSP_MAX_MESSAGE;
    for (;;) {
        /* the header part: lines up to an empty line */
        /* before the first read the buffer is NULL: no offset from it
           (found by fuzz_lsp on an empty input) */
        char *h = t->buf ? t->buf + t->start : NULL;
        size_t hn = t->end - t->start, hdr_end = 0, body_at = 0;
        for (size_t i = 0; i < hn; i++) {
            if (h[i] != '\n')
                continue;
            if (i + 1 < hn && h[i + 1] == '\n') {
                hdr_end = i;
                body_at = i + 2;
                break;
            }
            if (i + 2 < hn && h[i + 1] == '\r' && h[i + 2] == '\n') {
                hdr_end = i;
                body_at = i + 3;
                break;
            }
        }
        /* bytes that are not a header (the rest of a body whose
           Content-Length was too small): resynchronise at the next
           Content-Length header */
        if (hn > 0 && strncasecmp(h, "Content-", hn < 8 ? hn : 8) != 0) {
            const char *cl = find_ci(h, hn, "Content-Length:");
            size_t drop = cl ? (size_t)(cl - h) : (hn > 16 ? hn - 16 : 0);
            if (drop > 0) {
                pb_lsp__log(s, "skipped %zu bytes of input that are not a message header", drop);
                t->start += drop;
                continue;
            }
        }
        if (!body_at) {
            if (hn > 65536) {
                pb_lsp__log(s, "a message header longer than 64 KiB: skipped");
                t->start = t->end;
            }
            read_status r = fill(s, t);
            if (r != READ_OK)
                return r;
            continue;
        }
        /* Content-Length, required; Content-Type ignored (UTF-8 assumed) */
        uint64_t clen = 0;
        bool have_len = false, bad = false;
        for (size_t i = 0; i < hdr_end;) {
            size_t e = i;
            while (e < hdr_end && h[e] != '\n')
                e++;
            size_t le = e > i && h[e - 1] == '\r' ? e - 1 : e;
            if (le - i >= 15 && !strncasecmp(h + i, "Content-Length:", 15)) {
                size_t k = i + 15;
                while (k < le && (h[k] == ' ' || h[k] == '\t'))
                    k++;
                size_t digits = 0;
                clen = 0;
                while (k < le && h[k] >= '0' && h[k] <= '9' && digits < 19) {
                    clen = clen * 10 + (uint64_t)(h[k] - '0');
                    k++;
                    digits++;
                }
                while (k < le && (h[k] == ' ' || h[k] == '\t'))
                    k++;
                have_len = digits > 0 && k == le;
                bad |= !have_len;
            }
            i = e + 1;
        }
        t->start += body_at;
        if (!have_len || bad) {
            pb_lsp__log(s, "a message without a valid Content-Length header: skipped");
            return READ_SKIPPED;
        }
        if (clen > max) {
            pb_lsp__log(s, "a message of %llu bytes is over the limit of %zu bytes: skipped",
                        (unsigned long long)clen, max);
            read_status r = skip_bytes(s, t, clen);
            return r == READ_OK ? READ_SKIPPED : r;
        }
        while (t->end - t->start < clen) {
            if (t->start > 0 && t->cap - t->start < clen) {
                memmove(t->buf, t->buf + t->start, t->end - t->start);
                t->end -= t->start;
                t->start = 0;
            }
            if (t->cap < clen) {
                char *nb = realloc(t->buf, clen);
                if (!nb) {
                    pb_lsp__log(s, "out of memory for a message of %llu bytes", (unsigned long long)clen);
                    abort();
                }
                t->buf = nb;
                t->cap = clen;
            }
            read_status r = fill(s, t);
            if (r != READ_OK)
                return r;
        }
        *body = t->buf + t->start;
        *len = clen;
        t->start += clen;
        return READ_OK;
    }
}

static void send_body(pb_lsp_server *s, const char *body, size_t n)
{
    char hdr[64];
    int hn = snprintf(hdr, sizeof hdr, "Content-Length: %zu\r\n\r\n", n);
    const char *parts[2] = {hdr, body};
    size_t lens[2] = {(size_t)hn, n};
    for (int p = 0; p < 2; p++) {
        for (size_t off = 0; off < lens[p];) {
            ssize_t w = write(s->out_fd, parts[p] + off, lens[p] - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                pb_lsp__log(s, "cannot write to the client: %s", strerror(errno));
                return;
            }
            off += (size_t)w;
        }
    }
}

static void send_json(pb_lsp_server *s, json_t *msg)
{
    json_object_set_new(msg, "jsonrpc", json_string("2.0"));
    char *body = json_dumps(msg, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(msg);
    if (!body) {
        pb_lsp__log(s, "cannot encode a response");
        return;
    }
    send_body(s, body, strlen(body));
    free(body);
}

static void respond(pb_lsp_server *s, json_t *id, json_t *result)
{
    json_t *m = json_object();
    json_object_set(m, "id", id ? id : json_null());
    json_object_set_new(m, "result", result ? result : json_null());
    send_json(s, m);
}

static void respond_error(pb_lsp_server *s, json_t *id, int code, const char *msg)
{
    json_t *m = json_object();
    json_object_set(m, "id", id ? id : json_null());
    json_object_set_new(m, "error", json_pack("{s:i,s:s}", "code", code, "message", msg));
    send_json(s, m);
}

/* ---- documents -------------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The path of a file:// URI (percent-decoded, malloc'd), or NULL. */
static char *uri_path(const char *uri)
{
    if (strncmp(uri, "file://", 7) != 0)
        return NULL;
    const char *p = uri + 7;
    if (*p != '/') { /* file://host/path: only the local host */
        if (strncmp(p, "localhost/", 10) != 0)
            return NULL;
        p += 9;
    }
    size_t n = strlen(p);
    char *out = malloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '%' && i + 2 < n && hexval(p[i + 1]) >= 0 && hexval(p[i + 2]) >= 0) {
            char c = (char)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
            if (c == '\0') {
                free(out);
                return NULL;
            }
            *o++ = c;
            i += 2;
        } else if (p[i] == '?' || p[i] == '#') {
            break;
        } else {
            *o++ = p[i];
        }
    }
    *o = '\0';
    return out;
}

char *pb_lsp__path_uri(const char *path)
{
    pb_buf b = {0};
    pb_buf_puts(&b, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("/-._~", *p))
            pb_buf_putc(&b, (char)*p);
        else
            pb_buf_printf(&b, "%%%02X", *p);
    }
    char *u = strdup(pb_buf_cstr(&b));
    pb_buf_release(&b);
    return u;
}

static lsp_doc *find_doc(pb_lsp_server *s, const char *uri)
{
    for (size_t i = 0; i < s->ndocs; i++)
        if (!strcmp(s->docs[i]->uri, uri))
            return s->docs[i];
    return NULL;
}

static void free_doc(lsp_doc *d)
{
    pb_lsp__lint_release(d);
    pb_lsp__text_free(&d->text);
    free(d->uri);
    free(d->path);
    free(d);
}

json_t *pb_lsp__range(const pb_lsp_server *s, const lsp_doc *d, size_t start, size_t end)
{
    uint32_t l0, c0, l1, c1;
    pb_lsp__position(&d->text, s->enc, start, &l0, &c0);
    pb_lsp__position(&d->text, s->enc, end, &l1, &c1);
    return json_pack("{s:{s:i,s:i},s:{s:i,s:i}}", "start", "line", (json_int_t)l0, "character",
                     (json_int_t)c0, "end", "line", (json_int_t)l1, "character", (json_int_t)c1);
}

json_t *pb_lsp__diagnostic(const pb_lsp_server *s, const lsp_doc *d, const pb_diag *g)
{
    /* LSP DiagnosticSeverity: 1 Error, 2 Warning, 3 Information */
    int sev = g->severity == PB_SEV_ERROR ? 1 : g->severity == PB_SEV_WARNING ? 2 : 3;
    json_t *j = json_object();
    json_object_set_new(j, "range", pb_lsp__range(s, d, g->span.start, g->span.end));
    json_object_set_new(j, "severity", json_integer(sev));
    json_object_set_new(j, "code", json_string(pb_rule_id(g->rule)));
    json_object_set_new(j, "source", json_string("pgbelay"));
    pb_buf b = {0};
    pb_buf_puts(&b, g->message ? g->message : "");
    if (g->help && *g->help) {
        pb_buf_puts(&b, "\nhelp: ");
        pb_buf_puts(&b, g->help);
    }
    json_object_set_new(j, "message", pb_lsp__jstr(pb_buf_cstr(&b), b.len));
    pb_buf_release(&b);
    json_object_set_new(
        j, "data", json_pack("{s:s,s:s}", "rule", pb_rule_id(g->rule), "ruleCode", pb_rule_code(g->rule)));
    return j;
}

static void put_jstr(pb_buf *b, const char *str)
{
    pb_buf_putc(b, '"');
    pb_buf_json_escape(b, str, strlen(str));
    pb_buf_putc(b, '"');
}

/* publishDiagnostics, written straight into a buffer: with a thousand
 * findings, building Jansson objects took as long as linting (perf, 5,000
 * lines; docs/lsp.md). Same fields as pb_lsp__diagnostic. */
static void publish(pb_lsp_server *s, lsp_doc *d, bool clear)
{
    pb_buf b = {0};
    pb_buf_puts(&b,
                "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\",\"params\":{\"uri\":");
    put_jstr(&b, d->uri);
    if (!clear)
        pb_buf_printf(&b, ",\"version\":%lld", (long long)d->version);
    pb_buf_puts(&b, ",\"diagnostics\":[");
    if (!clear && d->linted) {
        for (size_t i = 0; i < d->res.ndiags; i++) {
            const pb_diag *g = &d->res.diags[i];
            uint32_t l0, c0, l1, c1;
            pb_lsp__position(&d->text, s->enc, g->span.start, &l0, &c0);
            pb_lsp__position(&d->text, s->enc, g->span.end, &l1, &c1);
            int sev = g->severity == PB_SEV_ERROR ? 1 : g->severity == PB_SEV_WARNING ? 2 : 3;
            pb_buf_printf(&b,
                          "%s{\"range\":{\"start\":{\"line\":%u,\"character\":%u},\"end\":{\"line\":%u,"
                          "\"character\":%u}},\"severity\":%d,\"code\":",
                          i ? "," : "", l0, c0, l1, c1, sev);
            put_jstr(&b, pb_rule_id(g->rule));
            pb_buf_puts(&b, ",\"source\":\"pgbelay\",\"message\":\"");
            pb_buf_json_escape(&b, g->message ? g->message : "", g->message ? strlen(g->message) : 0);
            if (g->help && *g->help) {
                pb_buf_puts(&b, "\\nhelp: ");
                pb_buf_json_escape(&b, g->help, strlen(g->help));
            }
            pb_buf_puts(&b, "\",\"data\":{\"rule\":");
            put_jstr(&b, pb_rule_id(g->rule));
            pb_buf_puts(&b, ",\"ruleCode\":");
            put_jstr(&b, pb_rule_code(g->rule));
            pb_buf_puts(&b, "}}");
        }
        if (d->res.status != PB_OK && d->res.error)
            pb_lsp__log(s, "%s: %s", d->uri, d->res.error);
    }
    pb_buf_puts(&b, "]}}");
    if (b.overflow)
        pb_lsp__log(s, "%s: diagnostics too large to send", d->uri);
    else
        send_body(s, b.data, b.len);
    pb_buf_release(&b);
}

void pb_lsp__publish_problems(pb_lsp_server *s, const char *path, const uint32_t *lines, const uint32_t *cols,
                              const char *const *messages, size_t n)
{
    /* positions in the client's unit: from the file's own text */
    pb_lsp_text t = {0};
    FILE *f = fopen(path, "rb");
    pb_buf b = {0};
    char tmp[65536];
    size_t k;
    while (f && (k = fread(tmp, 1, sizeof tmp, f)) > 0 && b.len < (1u << 24))
        pb_buf_append(&b, tmp, k);
    if (f)
        fclose(f);
    pb_lsp__text_set(&t, b.data ? b.data : "", b.len);
    pb_buf_release(&b);
    lsp_doc fake = {.text = t};
    json_t *diags = json_array();
    for (size_t i = 0; i < n; i++) {
        uint32_t line = lines[i] ? lines[i] - 1 : 0;
        size_t off = line < t.nlines ? t.lines[line] + (cols[i] ? cols[i] - 1 : 0) : t.len;
        if (off > t.len)
            off = t.len;
        json_t *d = json_object();
        json_object_set_new(d, "range", pb_lsp__range(s, &fake, off, off));
        json_object_set_new(d, "severity", json_integer(1));
        json_object_set_new(d, "source", json_string("pgbelay"));
        json_object_set_new(d, "message", pb_lsp__jstr(messages[i], strlen(messages[i])));
        json_array_append_new(diags, d);
    }
    pb_lsp__text_free(&t);
    char *u = pb_lsp__path_uri(path);
    json_t *p = json_pack("{s:s,s:o}", "uri", u, "diagnostics", diags);
    free(u);
    json_t *m = json_object();
    json_object_set_new(m, "method", json_string("textDocument/publishDiagnostics"));
    json_object_set_new(m, "params", p);
    send_json(s, m);
}

/* Lints and publishes every document changed since its last lint. */
static void flush(pb_lsp_server *s)
{
    for (size_t i = 0; i < s->ndocs; i++) {
        lsp_doc *d = s->docs[i];
        if (!d->dirty)
            continue;
        struct timespec t0, t1, t2;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        pb_lsp__lint(s, d);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        publish(s, d, false);
        clock_gettime(CLOCK_MONOTONIC, &t2);
        if (s->opt.log_timing)
            pb_lsp__log(s, "lint %.1f ms, publish %.1f ms",
                        (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6,
                        (t2.tv_sec - t1.tv_sec) * 1e3 + (t2.tv_nsec - t1.tv_nsec) / 1e6);
    }
}

static void mark_all_dirty(pb_lsp_server *s)
{
    for (size_t i = 0; i < s->ndocs; i++)
        s->docs[i]->dirty = true;
}

static const char *str_at(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool int_at(json_t *o, const char *key, int64_t *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return false;
    *out = json_integer_value(v);
    return true;
}

static bool position_at(pb_lsp_server *s, lsp_doc *d, json_t *pos, size_t *off)
{
    int64_t line, ch;
    if (!json_is_object(pos) || !int_at(pos, "line", &line) || !int_at(pos, "character", &ch))
        return false;
    return pb_lsp__offset(&d->text, s->enc, line, ch, off);
}

static void did_open(pb_lsp_server *s, json_t *params)
{
    json_t *td = json_object_get(params, "textDocument");
    const char *uri = str_at(td, "uri"), *text = str_at(td, "text");
    int64_t version = 0;
    if (!uri || !text) {
        pb_lsp__log(s, "didOpen without textDocument.uri and text: ignored");
        return;
    }
    int_at(td, "version", &version);
    lsp_doc *d = find_doc(s, uri);
    if (!d) {
        d = calloc(1, sizeof *d);
        d->uri = strdup(uri);
        d->path = uri_path(uri);
        if (s->ndocs == s->docs_cap) {
            s->docs_cap = s->docs_cap ? s->docs_cap * 2 : 8;
            s->docs = realloc(s->docs, s->docs_cap * sizeof *s->docs);
        }
        s->docs[s->ndocs++] = d;
    }
    d->version = version;
    pb_lsp__text_set(&d->text, text, json_string_length(json_object_get(td, "text")));
    d->dirty = true;
    pb_lsp__walks_clear(s); /* a new file may have joined its directory */
}

static void did_change(pb_lsp_server *s, json_t *params)
{
    json_t *td = json_object_get(params, "textDocument");
    const char *uri = str_at(td, "uri");
    lsp_doc *d = uri ? find_doc(s, uri) : NULL;
    if (!d) {
        pb_lsp__log(s, "didChange for a document that is not open (%s): ignored", uri ? uri : "no uri");
        return;
    }
    json_t *changes = json_object_get(params, "contentChanges");
    if (!json_is_array(changes)) {
        pb_lsp__log(s, "didChange without contentChanges: ignored");
        return;
    }
    size_t i;
    json_t *c;
    json_array_foreach(changes, i, c)
    {
        json_t *text = json_object_get(c, "text");
        if (!json_is_string(text)) {
            pb_lsp__log(s, "%s: a change without text: ignored", d->uri);
            continue;
        }
        json_t *range = json_object_get(c, "range");
        if (!range) {
            pb_lsp__text_set(&d->text, json_string_value(text), json_string_length(text));
            continue;
        }
        size_t a, b;
        if (!position_at(s, d, json_object_get(range, "start"), &a) ||
            !position_at(s, d, json_object_get(range, "end"), &b) || b < a) {
            pb_lsp__log(s, "%s: a change with a range outside the document (%zu lines): ignored", d->uri,
                        (size_t)d->text.nlines);
            continue;
        }
        pb_lsp__text_splice(&d->text, a, b, json_string_value(text), json_string_length(text));
    }
    int64_t version;
    if (int_at(td, "version", &version))
        d->version = version;
    d->dirty = true;
}

static void did_close(pb_lsp_server *s, json_t *params)
{
    const char *uri = str_at(json_object_get(params, "textDocument"), "uri");
    for (size_t i = 0; uri && i < s->ndocs; i++) {
        if (strcmp(s->docs[i]->uri, uri))
            continue;
        lsp_doc *d = s->docs[i];
        publish(s, d, true); /* the server owns the diagnostics: clear them */
        free_doc(d);
        s->docs[i] = s->docs[--s->ndocs];
        return;
    }
    pb_lsp__log(s, "didClose for a document that is not open (%s): ignored", uri ? uri : "no uri");
}

/* initializationOptions / workspace settings: {"pgVersion": 15,
 * "framework": "goose", "assumeInTransaction": true} */
static void apply_settings(pb_lsp_server *s, json_t *o)
{
    if (!json_is_object(o))
        return;
    json_t *v = json_object_get(o, "pgVersion");
    if (json_is_integer(v)) {
        json_int_t n = json_integer_value(v);
        if (n >= PB_PG_VERSION_MIN && n <= PB_PG_VERSION_MAX)
            s->opt.lint.pg_version = (int)n;
        else
            pb_lsp__log(s, "pgVersion %lld is not a major version from %d to %d: ignored", (long long)n,
                        PB_PG_VERSION_MIN, PB_PG_VERSION_MAX);
    }
    const char *fw = str_at(o, "framework");
    if (fw) {
        pb_framework f;
        if (!strcmp(fw, "auto") || !*fw)
            s->opt.framework_forced = false;
        else if (pb_framework_parse(fw, &f)) {
            s->opt.framework = f;
            s->opt.framework_forced = true;
        } else
            pb_lsp__log(s, "unknown framework '%s': ignored", fw);
    }
    v = json_object_get(o, "assumeInTransaction");
    if (json_is_boolean(v)) {
        s->opt.lint.assume_in_transaction = json_is_true(v);
        s->assume_set = true;
    }
}

static json_t *initialize(pb_lsp_server *s, json_t *params)
{
    json_int_t pid = 0;
    json_t *pv = json_object_get(params, "processId");
    if (json_is_integer(pv) && (pid = json_integer_value(pv)) > 0)
        s->parent = (pid_t)pid;
    json_t *caps = json_object_get(params, "capabilities");
    json_t *encs = json_object_get(json_object_get(caps, "general"), "positionEncodings");
    s->enc = PB_LSP_UTF16;
    size_t i;
    json_t *e;
    json_array_foreach(encs, i, e)
    {
        if (json_is_string(e) && !strcmp(json_string_value(e), "utf-8"))
            s->enc = PB_LSP_UTF8;
    }
    json_t *we = json_object_get(json_object_get(caps, "workspace"), "workspaceEdit");
    json_t *ops = json_object_get(we, "resourceOperations");
    json_array_foreach(ops, i, e)
    {
        if (json_is_string(e) && !strcmp(json_string_value(e), "create") &&
            json_is_true(json_object_get(we, "documentChanges")))
            s->can_create_files = true;
    }
    apply_settings(s, json_object_get(params, "initializationOptions"));
    s->initialized = true;
    json_t *c = json_object();
    json_object_set_new(c, "positionEncoding", json_string(s->enc == PB_LSP_UTF8 ? "utf-8" : "utf-16"));
    json_object_set_new(
        c, "textDocumentSync",
        json_pack("{s:b,s:i,s:{s:b}}", "openClose", 1, "change", 2, "save", "includeText", 0));
    json_object_set_new(c, "hoverProvider", json_true());
    json_object_set_new(c, "codeActionProvider",
                        json_pack("{s:[s,s]}", "codeActionKinds", "quickfix", "refactor.rewrite"));
    return json_pack("{s:o,s:{s:s,s:s}}", "capabilities", c, "serverInfo", "name", "pgbelay", "version",
                     PB_VERSION);
}

/* A request on an open document at a position: the document and the byte
 * offset, or an error response sent. */
static lsp_doc *doc_request(pb_lsp_server *s, json_t *id, json_t *params)
{
    const char *uri = str_at(json_object_get(params, "textDocument"), "uri");
    if (!uri) {
        respond_error(s, id, ERR_INVALID_PARAMS, "textDocument.uri is missing");
        return NULL;
    }
    lsp_doc *d = find_doc(s, uri);
    if (!d) {
        pb_lsp__log(s, "request for a document that is not open: %s", uri);
        respond_error(s, id, ERR_INVALID_PARAMS, "the document is not open");
        return NULL;
    }
    if (d->dirty) {
        pb_lsp__lint(s, d);
        publish(s, d, false);
    }
    return d;
}

static void handle_request(pb_lsp_server *s, const char *method, json_t *id, json_t *params)
{
    if (!strcmp(method, "initialize")) {
        respond_error(s, id, ERR_INVALID_REQUEST, "initialize may be sent only once");
    } else if (!strcmp(method, "shutdown")) {
        s->shutdown = true;
        respond(s, id, json_null());
    } else if (!strcmp(method, "textDocument/hover")) {
        lsp_doc *d = doc_request(s, id, params);
        if (!d)
            return;
        size_t off;
        if (!position_at(s, d, json_object_get(params, "position"), &off)) {
            pb_lsp__log(s, "hover at a position outside %s", d->uri);
            respond_error(s, id, ERR_INVALID_PARAMS, "the position is outside the document");
            return;
        }
        respond(s, id, pb_lsp__hover(s, d, off));
    } else if (!strcmp(method, "textDocument/codeAction")) {
        lsp_doc *d = doc_request(s, id, params);
        if (!d)
            return;
        json_t *range = json_object_get(params, "range");
        size_t a, b;
        if (!position_at(s, d, json_object_get(range, "start"), &a) ||
            !position_at(s, d, json_object_get(range, "end"), &b)) {
            pb_lsp__log(s, "codeAction with a range outside %s", d->uri);
            respond_error(s, id, ERR_INVALID_PARAMS, "the range is outside the document");
            return;
        }
        respond(s, id, pb_lsp__code_actions(s, d, a < b ? a : b, a < b ? b : a));
    } else {
        respond_error(s, id, ERR_METHOD_NOT_FOUND, "method not found");
    }
}

static void handle_notification(pb_lsp_server *s, const char *method, json_t *params)
{
    if (!strcmp(method, "textDocument/didOpen"))
        did_open(s, params);
    else if (!strcmp(method, "textDocument/didChange"))
        did_change(s, params);
    else if (!strcmp(method, "textDocument/didClose"))
        did_close(s, params);
    else if (!strcmp(method, "textDocument/didSave") || !strcmp(method, "workspace/didChangeWatchedFiles")) {
        /* files on disk changed: the migrations before an open document
           may be among them */
        pb_lsp__cache_clear(s);
        mark_all_dirty(s);
    } else if (!strcmp(method, "workspace/didChangeConfiguration")) {
        json_t *settings = json_object_get(params, "settings");
        json_t *mine = json_object_get(settings, "pgbelay");
        apply_settings(s, mine ? mine : settings);
        pb_lsp__cache_clear(s);
        mark_all_dirty(s);
    }
    /* initialized, $/ notifications and anything unknown: nothing to do */
}

/* Handles one message; returns -1 to go on, or the exit status. */
static int handle(pb_lsp_server *s, const char *body, size_t len)
{
    json_error_t err;
    json_t *msg = json_loadb(body, len, 0, &err);
    if (!msg) {
        pb_lsp__log(s, "malformed JSON at byte %d: %s", err.position, err.text);
        respond_error(s, NULL, ERR_PARSE, "parse error: the message is not valid JSON");
        return -1;
    }
    json_t *id = json_object_get(msg, "id");
    const char *method = str_at(msg, "method");
    if (!json_is_object(msg) || (id && !json_is_integer(id) && !json_is_string(id) && !json_is_null(id))) {
        respond_error(s, NULL, ERR_INVALID_REQUEST, "invalid request");
        json_decref(msg);
        return -1;
    }
    if (!method) {
        if (!json_object_get(msg, "result") && !json_object_get(msg, "error"))
            respond_error(s, id, ERR_INVALID_REQUEST, "invalid request: no method");
        /* else a response: the server sends no requests, nothing to match */
        json_decref(msg);
        return -1;
    }
    json_t *params = json_object_get(msg, "params");
    int status = -1;
    if (!strcmp(method, "exit")) {
        status = s->shutdown ? 0 : 1;
    } else if (!s->initialized) {
        if (id && !strcmp(method, "initialize"))
            respond(s, id, initialize(s, params));
        else if (id)
            respond_error(s, id, ERR_SERVER_NOT_INITIALIZED, "the server is not initialized");
        /* notifications before initialize are dropped */
    } else if (s->shutdown) {
        if (id)
            respond_error(s, id, ERR_INVALID_REQUEST, "the server is shutting down");
    } else if (id) {
        handle_request(s, method, id, params);
    } else {
        handle_notification(s, method, params);
    }
    json_decref(msg);
    return status;
}

int pb_lsp_serve(int in_fd, int out_fd, const pb_lsp_host *host, const pb_lsp_options *opt)
{
    pb_lsp_server s = {0};
    if (opt)
        s.opt = *opt;
    if (host)
        s.host = *host;
    s.log = s.opt.log ? s.opt.log : stderr;
    s.out_fd = out_fd;
    transport t = {.fd = in_fd};
    int status = 1;
    for (;;) {
        if (!input_pending(&t))
            flush(&s); /* lint after a burst of edits, not after each */
        const char *body;
        size_t len;
        read_status r = read_message(&s, &t, &body, &len);
        if (r == READ_EOF) {
            pb_lsp__log(&s, "end of input without exit");
            break;
        }
        if (r == READ_PARENT_GONE) {
            pb_lsp__log(&s, "the client process %d is gone: exiting", (int)s.parent);
            break;
        }
        if (r == READ_SKIPPED)
            continue;
        int st = handle(&s, body, len);
        if (st >= 0) {
            status = st;
            break;
        }
    }
    for (size_t i = 0; i < s.ndocs; i++)
        free_doc(s.docs[i]);
    free(s.docs);
    pb_lsp__cache_clear(&s);
    pb_lsp__configs_free(&s);
    free(t.buf);
    return status;
}
