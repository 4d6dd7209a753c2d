/* What several output formats share: repository-relative paths, XML
 * escaping, and the stable fingerprints of findings (SHA-256 over path,
 * rule and normalized statement text, never line numbers). */
#include <jansson.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/utf8.h"
#include "report/report.h"
#include "source/source.h"

struct pb_fpcount {
    char key[65]; /* fingerprint without the occurrence number */
    size_t n;
};

/* ---- repository-relative paths ------------------------------------------------ */

void pb_report__find_repo(pb_reporter *rp)
{
    char cwd[PATH_MAX];
    rp->repo_root = NULL;
    rp->repo_prefix = strdup("");
    if (!getcwd(cwd, sizeof cwd))
        return;
    size_t n = strlen(cwd);
    char probe[PATH_MAX + 8];
    for (;;) {
        struct stat sb;
        snprintf(probe, sizeof probe, "%.*s/.git", (int)n, cwd);
        if (stat(probe, &sb) == 0) {
            rp->repo_root = strndup(cwd, n ? n : 1);
            if (n == 0)
                rp->repo_root[0] = '/';
            const char *rest = cwd + n; /* "" or "/dir/sub" */
            if (*rest) {
                free(rp->repo_prefix);
                size_t rl = strlen(rest + 1);
                rp->repo_prefix = malloc(rl + 2);
                memcpy(rp->repo_prefix, rest + 1, rl);
                rp->repo_prefix[rl] = '/';
                rp->repo_prefix[rl + 1] = '\0';
            }
            return;
        }
        if (n == 0)
            return;
        while (n > 0 && cwd[n - 1] != '/')
            n--;
        if (n > 0)
            n--; /* drop the slash; n == 0 probes "/.git" */
    }
}

/* Appends `s` to the component stack in `out`, folding "." and "..". A ".."
 * that would climb above the start is kept (the path leaves the tree). */
static void add_components(pb_buf *out, const char *s)
{
    while (*s) {
        const char *e = strchr(s, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len == 0 || (len == 1 && s[0] == '.')) {
            /* nothing */
        } else if (len == 2 && s[0] == '.' && s[1] == '.' && out->len > 0 &&
                   !(out->len >= 2 && memcmp(out->data + out->len - 2, "..", 2) == 0 &&
                     (out->len == 2 || out->data[out->len - 3] == '/'))) {
            while (out->len > 0 && out->data[out->len - 1] != '/')
                out->len--;
            if (out->len > 0)
                out->len--;
            if (out->data)
                out->data[out->len] = '\0';
        } else {
            if (out->len > 0)
                pb_buf_putc(out, '/');
            pb_buf_append(out, s, len);
        }
        s += len;
        if (*s == '/')
            s++;
    }
}

void pb_report__repo_path(const pb_reporter *rp, const char *path, pb_buf *out)
{
    if (!rp->repo_root || path[0] == '<') {
        pb_buf_puts(out, path);
        return;
    }
    pb_buf tmp = {0};
    if (path[0] == '/') {
        size_t rl = strlen(rp->repo_root);
        bool root_slash = rl == 1; /* the repository is "/" */
        if (root_slash || (strncmp(path, rp->repo_root, rl) == 0 && path[rl] == '/')) {
            add_components(&tmp, path + (root_slash ? 1 : rl + 1));
        } else {
            pb_buf_puts(out, path);
            return;
        }
    } else {
        add_components(&tmp, rp->repo_prefix ? rp->repo_prefix : "");
        add_components(&tmp, path);
        if (tmp.len >= 2 && tmp.data[0] == '.' && tmp.data[1] == '.' &&
            (tmp.len == 2 || tmp.data[2] == '/')) {
            /* outside the repository: keep it as given */
            pb_buf_release(&tmp);
            pb_buf_puts(out, path);
            return;
        }
    }
    pb_buf_append(out, tmp.data ? tmp.data : "", tmp.len);
    pb_buf_release(&tmp);
}

/* ---- XML ------------------------------------------------------------------ */

void pb_report__xml_escape(pb_buf *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            uint32_t cp;
            size_t k = pb_utf8_decode(s + i, n - i, &cp);
            /* U+FFFE and U+FFFF are not XML characters either */
            if (k == 0 || cp == 0xFFFE || cp == 0xFFFF)
                pb_buf_puts(b, "\xEF\xBF\xBD");
            else
                pb_buf_append(b, s + i, k);
            i += k ? k : 1;
            continue;
        }
        switch (c) {
        case '&': pb_buf_puts(b, "&amp;"); break;
        case '<': pb_buf_puts(b, "&lt;"); break;
        case '>': pb_buf_puts(b, "&gt;"); break;
        case '"': pb_buf_puts(b, "&quot;"); break;
        case '\'': pb_buf_puts(b, "&apos;"); break;
        case '\t': pb_buf_puts(b, "&#9;"); break;
        case '\n': pb_buf_puts(b, "&#10;"); break;
        case '\r': pb_buf_puts(b, "&#13;"); break;
        default:
            if (c < 0x20)
                pb_buf_puts(b, "\xEF\xBF\xBD");
            else
                pb_buf_putc(b, (char)c);
        }
        i++;
    }
}

/* ---- fingerprints ----------------------------------------------------------- */

static bool ident_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
}

/* Length of a dollar-quote tag "$tag$" starting at s[i] (PostgreSQL: the
 * tag is an identifier without '$', possibly empty), or 0. */
static size_t dollar_tag(const char *s, size_t i, size_t n)
{
    size_t j = i + 1;
    if (j < n && s[j] >= '0' && s[j] <= '9')
        return 0; /* $1: a parameter */
    while (j < n && s[j] != '$' && ident_char((unsigned char)s[j]))
        j++;
    return j < n && s[j] == '$' ? j - i + 1 : 0;
}

void pb_report__normalize_sql(const char *s, size_t n, pb_buf *out)
{
    size_t i = 0;
    bool space = false;
    size_t start = out->len;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = true;
            i++;
            continue;
        }
        if (c == '-' && i + 1 < n && s[i + 1] == '-') {
            while (i < n && s[i] != '\n')
                i++;
            space = true;
            continue;
        }
        if (c == '/' && i + 1 < n && s[i + 1] == '*') {
            int depth = 0;
            while (i < n) {
                if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
                    depth++;
                    i += 2;
                } else if (s[i] == '*' && i + 1 < n && s[i + 1] == '/') {
                    i += 2;
                    if (--depth == 0)
                        break;
                } else {
                    i++;
                }
            }
            space = true;
            continue;
        }
        if (space && out->len > start)
            pb_buf_putc(out, ' ');
        space = false;
        size_t j = i;
        if (c == '\'' || c == '"') {
            bool backslash = c == '\'' && i > 0 && (s[i - 1] == 'e' || s[i - 1] == 'E') &&
                             (i == 1 || !ident_char((unsigned char)s[i - 2]));
            j = i + 1;
            while (j < n) {
                if (backslash && s[j] == '\\' && j + 1 < n) {
                    j += 2;
                    continue;
                }
                if ((unsigned char)s[j] == c) {
                    if (j + 1 < n && (unsigned char)s[j + 1] == c) {
                        j += 2;
                        continue;
                    }
                    j++;
                    break;
                }
                j++;
            }
            pb_buf_append(out, s + i, j - i);
            i = j;
            continue;
        }
        size_t tag;
        if (c == '$' && (i == 0 || !ident_char((unsigned char)s[i - 1])) && (tag = dollar_tag(s, i, n))) {
            j = i + tag;
            while (j < n && !(s[j] == '$' && j + tag <= n && memcmp(s + j, s + i, tag) == 0))
                j++;
            j = j < n ? j + tag : n;
            pb_buf_append(out, s + i, j - i);
            i = j;
            continue;
        }
        pb_buf_putc(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
        i++;
    }
    /* the terminating semicolon is not part of the statement's meaning */
    while (out->len > start && (out->data[out->len - 1] == ';' || out->data[out->len - 1] == ' '))
        out->len--;
    if (out->data)
        out->data[out->len] = '\0';
}

static void hex(const uint8_t *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

void pb_report__fp_reset(pb_reporter *rp)
{
    rp->nfps = 0;
}

void pb_report__fingerprint(pb_reporter *rp, const char *repo_path, const pb_result *res, const pb_diag *d,
                            char out[65])
{
    size_t len;
    const char *text = pb_source_text(res->source, &len);
    uint32_t s = d->stmt_start, e = d->stmt_end;
    if (e > len)
        e = (uint32_t)len;
    if (s > e)
        s = e;
    pb_buf norm = {0};
    pb_report__normalize_sql(text + s, e - s, &norm);
    const char *id = pb_rule_id(d->rule);
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, sizeof "pgbelay-fingerprint-v1", (const uint8_t *)"pgbelay-fingerprint-v1");
    sha256_update(&ctx, strlen(repo_path) + 1, (const uint8_t *)repo_path);
    sha256_update(&ctx, strlen(id) + 1, (const uint8_t *)id);
    sha256_update(&ctx, norm.len, (const uint8_t *)(norm.data ? norm.data : ""));
    pb_buf_release(&norm);
    /* the occurrence number: how many findings before this one had the same
       path, rule and statement text */
    struct sha256_ctx key = ctx;
    uint8_t kd[SHA256_DIGEST_SIZE];
    char khex[65];
    sha256_digest(&key, sizeof kd, kd);
    hex(kd, sizeof kd, khex);
    size_t occ = 0;
    for (size_t i = 0; i < rp->nfps; i++)
        if (!strcmp(rp->fps[i].key, khex)) {
            occ = ++rp->fps[i].n;
            break;
        }
    if (!occ) {
        if (rp->nfps == rp->capfps) {
            rp->capfps = rp->capfps ? rp->capfps * 2 : 16;
            rp->fps = realloc(rp->fps, rp->capfps * sizeof *rp->fps);
            if (!rp->fps)
                abort();
        }
        memcpy(rp->fps[rp->nfps].key, khex, sizeof khex);
        rp->fps[rp->nfps++].n = occ = 1;
    }
    char num[32];
    int nl = snprintf(num, sizeof num, "%c%zu", '\0', occ);
    sha256_update(&ctx, (size_t)nl, (const uint8_t *)num);
    sha256_digest(&ctx, sizeof digest, digest);
    hex(digest, sizeof digest, out);
}

void pb_report__range(const pb_source *src, pb_span span, pb_col_unit unit, uint32_t *line0, uint32_t *col0,
                      uint32_t *line1, uint32_t *col1)
{
    pb_source_position(src, span.start, unit, line0, col0);
    if (span.end <= span.start) {
        *line1 = *line0;
        *col1 = *col0;
        return;
    }
    uint32_t el, ec;
    pb_source_position(src, span.end, unit, &el, &ec);
    uint32_t ll, lc;
    pb_source_position(src, span.end - 1, unit, &ll, &lc);
    *line1 = ll;
    /* a span ending with a line break ends on the line before it */
    if (el == ll) {
        *col1 = ec;
    } else {
        uint32_t ls, le;
        pb_source_line(src, ll, &ls, &le);
        uint32_t l2, c2;
        pb_source_position(src, le, unit, &l2, &c2);
        *col1 = c2;
    }
}

/* ---- JSON and URIs -------------------------------------------------------- */

struct json_t *pb_report__json_str(const char *s)
{
    size_t n = strlen(s);
    if (pb_utf8_validate(s, n) == n)
        return json_stringn(s, n);
    pb_buf b = {0};
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = (unsigned char)s[i] < 0x80 ? 1 : pb_utf8_decode(s + i, n - i, &cp);
        if (k == 0) {
            pb_buf_puts(&b, "\xEF\xBF\xBD");
            i++;
        } else {
            pb_buf_append(&b, s + i, k);
            i += k;
        }
    }
    json_t *j = json_stringn(b.data ? b.data : "", b.len);
    pb_buf_release(&b);
    return j;
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
    pb_buf_append(data, buffer, size);
    return 0;
}

void pb_report__json_dump(pb_buf *b, struct json_t *v, int indent)
{
    json_dump_callback(v, dump_cb, b,
                       JSON_PRESERVE_ORDER | (indent > 0 ? JSON_INDENT(indent) : JSON_COMPACT));
}

void pb_report__uri_path(pb_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '.' || c == '_' || c == '~' || c == '/')
            pb_buf_putc(b, (char)c);
        else
            pb_buf_printf(b, "%%%02X", c);
    }
}

void pb_report__rule_label(const pb_rule_info *r, pb_buf *out)
{
    pb_buf_puts(out, pb_rule_id(r));
    if (strcmp(pb_rule_code(r), pb_rule_id(r)) != 0)
        pb_buf_printf(out, " (%s)", pb_rule_code(r));
}
