/* Framework writers: planned phases become new migration files in each tool's
 * conventions (names, versions, up/down parts, no-transaction markers), and
 * are written without overwriting anything or leaving the target directory
 * (shared/reference/frameworks-and-formats.md Part A; docs/frameworks.md
 * "Writing migrations"). */
#include "framework/write.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "source/source.h"

/* ---- statements ------------------------------------------------------------------------ */

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* A dollar quote ($$ or $tag$) anywhere in `s`; a string or comment that
 * holds one only makes the caller more careful. */
static bool has_dollar_quote(const char *s)
{
    for (const char *p = s; (p = strchr(p, '$')) != NULL; p++) {
        if (p > s && ident_char(p[-1]))
            continue; /* part of an identifier (a$b) */
        const char *q = p + 1;
        if (isalpha((unsigned char)*q) || *q == '_' || (unsigned char)*q >= 0x80)
            while (ident_char(*q))
                q++;
        if (*q == '$')
            return true;
    }
    return false;
}

/* goose and sql-migrate end a statement at a line whose last word before a
 * "--" comment ends in ';' (pressly/goose internal/sqlparser
 * endsWithSemicolon; rubenv/sql-migrate sqlparse). */
static bool line_ends_statement(const char *l, size_t n)
{
    const char *last = NULL;
    size_t lastn = 0, i = 0;
    while (i < n) {
        while (i < n && isspace((unsigned char)l[i]))
            i++;
        size_t j = i;
        while (j < n && !isspace((unsigned char)l[j]))
            j++;
        if (j == i || (j - i >= 2 && l[i] == '-' && l[i + 1] == '-'))
            break;
        last = l + i, lastn = j - i;
        i = j;
    }
    return last && last[lastn - 1] == ';';
}

/* A statement those tools would cut short: a dollar-quoted body, or a line
 * before its last that ends in ';'. It goes between StatementBegin and
 * StatementEnd. */
static bool needs_statement_block(const char *s)
{
    if (has_dollar_quote(s))
        return true;
    for (const char *p = s, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
        if (line_ends_statement(p, (size_t)(nl - p)))
            return true;
    return false;
}

/* A statement without surrounding white space, ending in ';'; NULL when
 * empty. */
static const char *clean_statement(pb_arena *a, const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (!n)
        return NULL;
    if (s[n - 1] == ';')
        return pb_arena_strndup(a, s, n);
    return pb_arena_sprintf(a, "%.*s;", (int)n, s);
}

/* Flyway's own parser runs some statements outside a transaction
 * (PostgreSQLParser detectCanExecuteInTransaction): the same keyword check
 * the reader uses, on one statement. */
static bool flyway_non_tx(pb_arena *a, const char *stmt)
{
    pb_source *src = pb_source_new(a, "<statement>", stmt, strlen(stmt));
    pb_part *p = pb_framework__part(a, src, 0, (uint32_t)src->len, false, PB_TX_WRAPPED, NULL);
    pb_migration_set scratch = {0};
    pb_framework__flyway_auto(a, &scratch, p, PB_PG_VERSION_DEFAULT, true);
    return p->tx == PB_TX_NONE;
}

/* ---- comments -------------------------------------------------------------------------- */

/* Would this comment text, after "-- ", read as a marker to some tool?
 * goose/sql-migrate "-- +goose", "-- +migrate"; dbmate "-- migrate:up";
 * Atlas "-- atlas:"; sqlx "-- no-transaction"; node-pg-migrate
 * "--[\s-]*(up|down)\s+migration"; Liquibase "--changeset", "--rollback ",
 * "--comment", "--ignore", "--precondition", "--property", "--validCheckSum",
 * "--include" (AbstractFormattedChangeLogParser.java patterns). */
static bool risky_comment(const char *t, size_t n)
{
    static const char *const words[] = {
        "changeset",     "rollback", "comment",  "liquibase", "ignore",         "precondition", "property",
        "validchecksum", "include",  "migrate:", "atlas:",    "no-transaction", "tern:"};
    size_t i = 0;
    while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '-'))
        i++;
    if (i < n && (t[i] == '+' || t[i] == '!'))
        return true;
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t k = strlen(words[w]);
        if (n - i >= k && strncasecmp(t + i, words[w], k) == 0)
            return true;
    }
    size_t k = i;
    if (n - k >= 2 && strncasecmp(t + k, "up", 2) == 0)
        k += 2;
    else if (n - k >= 4 && strncasecmp(t + k, "down", 4) == 0)
        k += 4;
    else
        return false;
    size_t w = k;
    while (k < n && isspace((unsigned char)t[k]))
        k++;
    return k > w && n - k >= 9 && strncasecmp(t + k, "migration", 9) == 0;
}

/* One comment line "-- text". Text a tool would read as a marker gets a
 * "> " in front; "${" and "{{" are split so that Flyway, Liquibase and goose
 * placeholders and tern's Go templates do not expand inside comments. */
static void put_comment_line(pb_buf *b, const char *t, size_t n)
{
    while (n && (t[n - 1] == '\r' || t[n - 1] == ' ' || t[n - 1] == '\t'))
        n--;
    if (!n) {
        pb_buf_puts(b, "--\n");
        return;
    }
    pb_buf_puts(b, risky_comment(t, n) ? "-- > " : "-- ");
    for (size_t i = 0; i < n; i++) {
        pb_buf_putc(b, t[i]);
        if ((t[i] == '$' || t[i] == '{') && i + 1 < n && t[i + 1] == '{')
            pb_buf_putc(b, ' ');
    }
    pb_buf_putc(b, '\n');
}

/* Each line of `text` as a comment line, with `indent` before the text. */
static void put_comment(pb_buf *b, const char *indent, const char *text)
{
    if (!text)
        return;
    for (const char *p = text;;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (*indent && n) {
            char *line = malloc(strlen(indent) + n + 1);
            if (!line)
                abort();
            memcpy(line, indent, strlen(indent));
            memcpy(line + strlen(indent), p, n);
            put_comment_line(b, line, strlen(indent) + n);
            free(line);
        } else {
            put_comment_line(b, p, n);
        }
        if (!nl)
            break;
        p = nl + 1;
    }
}

/* One of our own notes, word-wrapped to 80 columns; a line never starts
 * with a word that would read as a marker. */
static void put_note(pb_buf *b, const char *text)
{
    const size_t width = 77; /* after "-- " */
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *line = p, *end = p;
        for (;;) {
            const char *w = end;
            while (*w == ' ')
                w++;
            if (!*w)
                break;
            const char *we = w;
            while (*we && *we != ' ')
                we++;
            bool fits = (size_t)(we - line) <= width || end == line;
            if (!fits && !risky_comment(w, (size_t)(we - w)))
                break;
            end = we;
        }
        put_comment_line(b, line, (size_t)(end - line));
        p = end;
    }
}

/* The tool's name in prose. */
static const char *tool_title(pb_framework fw)
{
    switch (fw) {
    case PB_FW_FLYWAY: return "Flyway";
    case PB_FW_LIQUIBASE: return "Liquibase";
    case PB_FW_PRISMA: return "Prisma";
    case PB_FW_ATLAS: return "Atlas";
    default: return pb_framework_name(fw);
    }
}

/* ---- migrations to write --------------------------------------------------------------- */

/* One migration to write: a phase, or one step of a phase the tool needs
 * in several migrations. */
typedef struct unit {
    const char *slug;    /* the phase's slug, with _<step> for a step */
    const char *phase;   /* the phase's slug */
    const char *comment; /* the phase's comment */
    bool tx;
    const char *const *up;
    size_t nup;
    const char *const *down; /* in the order to run them */
    size_t ndown;
    bool irreversible; /* the phase has no down statements at all */
    size_t step, nsteps;
    const char *version;
} unit;

typedef struct prepared {
    const pb_phase_spec *spec;
    const char **up, **down;
    size_t nup, ndown;
} prepared;

/* How a tool runs a part, for the split rule: true when it sends a whole
 * part as one query string (frameworks-and-formats.md §0; the reader's
 * PB_TX_ONE_QUERY). dbmate does too (A.3); its multi-section files are too
 * new and too loosely specified (each section records the version again)
 * to lean on. */
static bool one_query_tool(pb_framework fw)
{
    return fw == PB_FW_GOLANG_MIGRATE || fw == PB_FW_SQLX || fw == PB_FW_DIESEL || fw == PB_FW_PRISMA ||
           fw == PB_FW_DBMATE;
}

static bool any_dollar(const char *const *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (has_dollar_quote(s[i]))
            return true;
    return false;
}

static bool flyway_mixed(pb_arena *a, const char *const *s, size_t n)
{
    bool non = false, tx = false;
    for (size_t i = 0; i < n; i++) {
        if (flyway_non_tx(a, s[i]))
            non = true;
        else
            tx = true;
    }
    return non && tx;
}

/* Must this non-transactional phase become one migration (or Liquibase
 * changeset) per statement? */
static bool must_split(pb_arena *a, pb_framework fw, const prepared *p)
{
    if (p->spec->transactional || (p->nup <= 1 && p->ndown <= 1))
        return false;
    if (one_query_tool(fw))
        return true;        /* PostgreSQL runs a multi-statement query string as one implicit transaction */
    if (fw == PB_FW_FLYWAY) /* Flyway refuses the mix even with executeInTransaction=false */
        return flyway_mixed(a, p->up, p->nup) || flyway_mixed(a, p->down, p->ndown);
    if (fw == PB_FW_LIQUIBASE) /* a dollar-quoted body needs splitStatements:false: one string */
        return (any_dollar(p->up, p->nup) && p->nup > 1) || (any_dollar(p->down, p->ndown) && p->ndown > 1);
    return false;
}

/* ---- versions -------------------------------------------------------------------------- */

typedef enum vstyle {
    VS_SEQ,    /* 1, 2, ... zero-padded to `width` */
    VS_DOTTED, /* Flyway 1.2 -> 1.3: `prefix` then the last part */
    VS_TS14,   /* 20060102150405 (UTC) */
    VS_UTC17,  /* 20060102150405000: node-pg-migrate "utc" */
    VS_DIESEL, /* 2006-01-02-150405 */
    VS_MS13,   /* milliseconds since the epoch: node-pg-migrate "timestamp" */
    VS_UNIX10, /* seconds since the epoch */
} vstyle;

typedef struct vgen {
    vstyle style;
    int width;
    unsigned long long next; /* number, seconds, or milliseconds (VS_MS13) */
    char prefix[64];
} vgen;

typedef struct dir_scan {
    char newest[64];         /* version of the newest migration, "" when none */
    char sep;                /* the character after it in that name */
    bool simple, reversible; /* sqlx: <v>_x.sql / <v>_x.up.sql files seen */
} dir_scan;

/* Compares digit strings by value. */
static int num_cmp(const char *x, const char *y)
{
    while (*x == '0' && x[1])
        x++;
    while (*y == '0' && y[1])
        y++;
    size_t nx = strlen(x), ny = strlen(y);
    if (nx != ny)
        return nx < ny ? -1 : 1;
    return strcmp(x, y);
}

/* Flyway versions: numbers separated by '.' or '_', part by part. */
static int dotted_cmp(const char *x, const char *y)
{
    while (*x || *y) {
        char bx[32] = "0", by[32] = "0";
        size_t nx = 0, ny = 0;
        while (isdigit((unsigned char)x[nx]) && nx < sizeof bx - 1)
            bx[nx] = x[nx], nx++;
        while (isdigit((unsigned char)y[ny]) && ny < sizeof by - 1)
            by[ny] = y[ny], ny++;
        bx[nx ? nx : 1] = '\0';
        by[ny ? ny : 1] = '\0';
        int c = num_cmp(bx, by);
        if (c)
            return c;
        x += nx, y += ny;
        if (*x)
            x++;
        if (*y)
            y++;
    }
    return 0;
}

/* The version a directory entry carries for `fw`, into buf; false when the
 * name is not a migration of that tool. */
static bool entry_version(pb_framework fw, const char *name, char *buf, size_t cap, char *sep)
{
    size_t n = 0;
    if (fw == PB_FW_FLYWAY || fw == PB_FW_REFINERY) {
        if (!strchr("VUB", name[0]) || !isdigit((unsigned char)name[1]))
            return false;
        const char *end = strstr(name, "__");
        if (!end)
            return false;
        for (const char *p = name + 1; p < end; p++) {
            if (!isdigit((unsigned char)*p) && *p != '.' && *p != '_')
                return false;
            if (n + 1 < cap)
                buf[n++] = *p;
        }
        buf[n] = '\0';
        *sep = '_';
        return n > 0;
    }
    const char *p = name;
    while (isdigit((unsigned char)*p) || (fw == PB_FW_DIESEL && *p == '-')) {
        if (*p != '-' && n + 1 < cap)
            buf[n++] = *p;
        p++;
    }
    buf[n] = '\0';
    *sep = *p;
    return n > 0;
}

static bool scan_dir(pb_framework fw, const char *dir, dir_scan *s, const char **why)
{
    memset(s, 0, sizeof *s);
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT)
            return true; /* created when written */
        *why = strerror(errno);
        return false;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char v[64], sep;
        if (e->d_name[0] == '.' || !entry_version(fw, e->d_name, v, sizeof v, &sep))
            continue;
        size_t len = strlen(e->d_name);
        bool up = len > 7 && !strcmp(e->d_name + len - 7, ".up.sql");
        bool down = len > 9 && !strcmp(e->d_name + len - 9, ".down.sql");
        if (up || down)
            s->reversible = true;
        else if (len > 4 && !strcmp(e->d_name + len - 4, ".sql"))
            s->simple = true;
        int c = !s->newest[0]                                  ? 1
                : (fw == PB_FW_FLYWAY || fw == PB_FW_REFINERY) ? dotted_cmp(v, s->newest)
                                                               : num_cmp(v, s->newest);
        if (c > 0 || (c == 0 && strlen(v) > strlen(s->newest))) {
            snprintf(s->newest, sizeof s->newest, "%s", v);
            s->sep = sep;
        }
    }
    closedir(d);
    return true;
}

/* YYYYMMDDHHMMSS to seconds since the epoch (UTC); -1 when it is no date. */
static long long parse_ts14(const char *v)
{
    int f[6];
    static const int w[6] = {4, 2, 2, 2, 2, 2};
    for (int i = 0, o = 0; i < 6; o += w[i], i++) {
        f[i] = 0;
        for (int k = 0; k < w[i]; k++) {
            if (!isdigit((unsigned char)v[o + k]))
                return -1;
            f[i] = f[i] * 10 + (v[o + k] - '0');
        }
    }
    if (f[0] < 1970 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60)
        return -1;
    struct tm tm = {0};
    tm.tm_year = f[0] - 1900;
    tm.tm_mon = f[1] - 1;
    tm.tm_mday = f[2];
    tm.tm_hour = f[3];
    tm.tm_min = f[4];
    tm.tm_sec = f[5];
    return (long long)timegm(&tm);
}

static unsigned long long max_ull(long long a, long long b)
{
    long long m = a > b ? a : b;
    return m < 0 ? 0 : (unsigned long long)m;
}

/* The numbering that continues `newest` (or the tool's own default when
 * the directory has none): sequential numbers keep their width, timestamps
 * go on from max(now, newest + 1 second). */
static bool vgen_init(vgen *g, pb_framework fw, const char *newest, long long now, const char **why)
{
    memset(g, 0, sizeof *g);
    size_t len = strlen(newest);
    if (fw == PB_FW_DIESEL) { /* diesel_cli TIMESTAMP_FORMAT %Y-%m-%d-%H%M%S */
        g->style = VS_DIESEL;
        g->next = max_ull(now, len == 14 && parse_ts14(newest) >= 0 ? parse_ts14(newest) + 1 : 0);
        return true;
    }
    if (!len) {
        switch (fw) {
        case PB_FW_FLYWAY:
        case PB_FW_REFINERY: g->style = VS_SEQ, g->width = 1, g->next = 1; break;
        case PB_FW_TERN: g->style = VS_SEQ, g->width = 3, g->next = 1; break; /* tern new: %03d */
        case PB_FW_NODE_PG_MIGRATE: g->style = VS_MS13, g->next = max_ull(now, 0) * 1000; break;
        default: g->style = VS_TS14, g->next = max_ull(now, 0); break;
        }
        return true;
    }
    const char *dot = strpbrk(newest, "._");
    if (dot) { /* Flyway 1.2 / 1_2: the last part goes up */
        const char *last = newest + len;
        while (last > newest && isdigit((unsigned char)last[-1]))
            last--;
        size_t pl = (size_t)(last - newest);
        if (pl >= sizeof g->prefix || strlen(last) > 18 || !*last) {
            *why = "its version is too long";
            return false;
        }
        memcpy(g->prefix, newest, pl);
        g->style = VS_DOTTED;
        g->width = (int)strlen(last);
        g->next = strtoull(last, NULL, 10) + 1;
        return true;
    }
    if (len > 18 && fw != PB_FW_TERN) {
        *why = "its version is too long to continue";
        return false;
    }
    unsigned long long v = strtoull(newest, NULL, 10);
    if (fw != PB_FW_TERN) {
        if (len == 14 && parse_ts14(newest) >= 0) {
            g->style = VS_TS14, g->next = max_ull(now, parse_ts14(newest) + 1);
            return true;
        }
        if (len == 17 && parse_ts14(newest) >= 0) {
            g->style = VS_UTC17, g->next = max_ull(now, parse_ts14(newest) + 1);
            return true;
        }
        if (len == 13 && v >= 1000000000000ULL) {
            g->style = VS_MS13, g->next = max_ull(now * 1000, (long long)(v / 1000 + 1) * 1000);
            return true;
        }
        if (len == 10 && v >= 1000000000ULL) {
            g->style = VS_UNIX10, g->next = max_ull(now, (long long)v + 1);
            return true;
        }
    } else if (len > 18) {
        *why = "its version is too long to continue";
        return false;
    }
    g->style = VS_SEQ;
    g->width = (int)len;
    g->next = v + 1;
    return true;
}

static const char *vgen_next(pb_arena *a, vgen *g)
{
    char buf[64];
    time_t t = (time_t)g->next;
    struct tm tm;
    switch (g->style) {
    case VS_SEQ: snprintf(buf, sizeof buf, "%0*llu", g->width, g->next++); break;
    case VS_DOTTED: snprintf(buf, sizeof buf, "%s%0*llu", g->prefix, g->width, g->next++); break;
    case VS_MS13:
        snprintf(buf, sizeof buf, "%llu", g->next);
        g->next += 1000;
        break;
    case VS_UNIX10: snprintf(buf, sizeof buf, "%llu", g->next++); break;
    case VS_TS14:
    case VS_UTC17:
    case VS_DIESEL:
        gmtime_r(&t, &tm);
        strftime(buf, sizeof buf, g->style == VS_DIESEL ? "%Y-%m-%d-%H%M%S" : "%Y%m%d%H%M%S", &tm);
        if (g->style == VS_UTC17)
            strcat(buf, "000");
        g->next++;
        break;
    }
    return pb_arena_strdup(a, buf);
}

/* ---- rendering ------------------------------------------------------------------------- */

typedef struct render_ctx {
    pb_arena *a;
    pb_framework fw;
    pb_out_file *files;
    size_t nfiles, cap;
    bool sqlx_simple; /* the directory holds sqlx simple migrations only */
    char sep;         /* sql-migrate: between version and name */
} render_ctx;

static void add_file(render_ctx *c, const char *path, pb_buf *b)
{
    if (c->nfiles == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        pb_out_file *n = pb_arena_alloc(c->a, cap * sizeof *n);
        if (c->nfiles)
            memcpy(n, c->files, c->nfiles * sizeof *n);
        c->files = n;
        c->cap = cap;
    }
    c->files[c->nfiles].path = path;
    c->files[c->nfiles].content = pb_arena_strndup(c->a, b->data ? b->data : "", b->len);
    c->nfiles++;
    pb_buf_release(b);
}

typedef enum stmt_style { ST_PLAIN, ST_GOOSE, ST_SQL_MIGRATE, ST_TERN } stmt_style;

static void put_statement(pb_buf *b, const char *s, stmt_style st)
{
    bool block = (st == ST_GOOSE || st == ST_SQL_MIGRATE) && needs_statement_block(s);
    if (block)
        pb_buf_puts(b, st == ST_GOOSE ? "-- +goose StatementBegin\n" : "-- +migrate StatementBegin\n");
    if (st == ST_TERN) {
        /* tern runs the file through Go's text/template: a literal "{{" is
           written as the action {{"{{"}} */
        for (const char *p = s; *p; p++) {
            if (p[0] == '{' && p[1] == '{') {
                pb_buf_puts(b, "{{\"{{\"}}");
                p++;
            } else {
                pb_buf_putc(b, *p);
            }
        }
    } else {
        pb_buf_puts(b, s);
    }
    pb_buf_putc(b, '\n');
    if (block)
        pb_buf_puts(b, st == ST_GOOSE ? "-- +goose StatementEnd\n" : "-- +migrate StatementEnd\n");
}

/* Statements separated by blank lines; with `wrap`, between BEGIN; and
 * COMMIT; of their own. */
static void put_statements(pb_buf *b, const char *const *s, size_t n, bool wrap, stmt_style st)
{
    if (wrap)
        pb_buf_puts(b, "BEGIN;\n\n");
    for (size_t i = 0; i < n; i++) {
        if (i)
            pb_buf_putc(b, '\n');
        put_statement(b, s[i], st);
    }
    if (wrap)
        pb_buf_puts(b, "\nCOMMIT;\n");
}

/* The down statement of a phase that cannot be rolled back: it fails, so
 * the tool stops instead of recording a rollback that did nothing. */
static const char *raise_statement(pb_arena *a, const unit *u)
{
    return pb_arena_sprintf(
        a, "DO $$ BEGIN RAISE EXCEPTION 'pgbelay: the phase %s cannot be rolled back'; END $$;", u->phase);
}

/* The comment every file of `u` starts with: the phase's comment, and what
 * step of the phase this is. */
static void put_header(render_ctx *c, pb_buf *b, const unit *u)
{
    put_comment(b, "", u->comment);
    if (u->nsteps > 1) {
        char note[512];
        if (c->fw == PB_FW_FLYWAY)
            snprintf(note, sizeof note,
                     "Step %zu of %zu of %s. Flyway refuses a migration that mixes statements it must "
                     "run outside a transaction with others, so each statement has a migration of its "
                     "own.",
                     u->step, u->nsteps, u->phase);
        else
            snprintf(note, sizeof note,
                     "Step %zu of %zu of %s. %s sends each migration as one query string, which PostgreSQL "
                     "runs as one transaction when it holds several statements, so each statement that "
                     "must run outside a transaction block has a migration of its own.",
                     u->step, u->nsteps, u->phase, tool_title(c->fw));
        put_note(b, note);
    }
}

/* For tools without down parts: the rollback as a comment to run by hand. */
static void put_manual_rollback(pb_buf *b, const unit *u)
{
    if (u->irreversible) {
        put_note(b, "This phase cannot be rolled back.");
        return;
    }
    if (!u->ndown) {
        put_note(b, "Nothing to undo in this step: the other steps of the phase undo it.");
        return;
    }
    put_note(b, u->nsteps > 1 ? "To roll back this step, run by hand:"
                              : "To roll back this phase, run by hand:");
    for (size_t i = 0; i < u->ndown; i++)
        put_comment(b, "  ", u->down[i]);
}

static void end_header(pb_buf *b)
{
    if (b->len)
        pb_buf_putc(b, '\n');
}

/* The body of an up part; a step that only holds a rollback statement runs
 * nothing. */
static void put_up_body(pb_buf *b, const unit *u, bool wrap, stmt_style st)
{
    if (u->nup)
        put_statements(b, u->up, u->nup, wrap, st);
    else
        put_note(b, "Nothing to run in this step: it holds a rollback statement of the phase.");
}

/* The body of a down part: the statements, the failing statement of an
 * irreversible phase, or a note for a step with nothing of its own. */
static void put_down_body(render_ctx *c, pb_buf *b, const unit *u, bool wrap, stmt_style st)
{
    if (u->irreversible) {
        const char *r = raise_statement(c->a, u);
        put_statements(b, &r, 1, false, st);
    } else if (u->ndown) {
        put_statements(b, u->down, u->ndown, wrap, st);
    } else {
        put_note(b, "Nothing to undo in this step: the other steps of the phase undo it.");
    }
}

static void render_plain_like(render_ctx *c, const unit *u)
{
    /* plain SQL (psql), Atlas, refinery, Prisma, sqlx simple migrations:
       one file, no down part; the rollback is a comment. Prisma has no down
       migrations and sends migration.sql as one query string (A.11). */
    pb_buf b = {0};
    const char *path;
    if (c->fw == PB_FW_SQLX && !u->tx)
        pb_buf_puts(&b, "-- no-transaction\n"); /* the file's very first bytes (A.9) */
    if (c->fw == PB_FW_ATLAS && !u->tx)
        pb_buf_puts(&b, "-- atlas:txmode none\n"); /* a header directive (A.12) */
    put_header(c, &b, u);
    if (c->fw == PB_FW_ATLAS)
        put_note(&b, "After adding this file run 'atlas migrate hash': Atlas refuses a directory whose "
                     "atlas.sum does not list every file.");
    put_manual_rollback(&b, u);
    end_header(&b);
    /* psql and Prisma add no transaction: the phase brings its own */
    put_up_body(&b, u, (c->fw == PB_FW_PLAIN || c->fw == PB_FW_PRISMA) && u->tx, ST_PLAIN);
    if (c->fw == PB_FW_REFINERY)
        path = pb_arena_sprintf(c->a, "V%s__%s.sql", u->version, u->slug);
    else if (c->fw == PB_FW_PRISMA)
        path = pb_arena_sprintf(c->a, "%s_%s/migration.sql", u->version, u->slug);
    else
        path = pb_arena_sprintf(c->a, "%s_%s.sql", u->version, u->slug);
    add_file(c, path, &b);
}

static void render_separate_files(render_ctx *c, const unit *u)
{
    /* golang-migrate {version}_{title}.up.sql / .down.sql (A.1); sqlx
       reversible <v>_<d>.up.sql / .down.sql (A.9) */
    bool sqlx = c->fw == PB_FW_SQLX;
    bool wrap = !sqlx && u->tx; /* golang-migrate adds no transaction (GETTING_STARTED.md) */
    for (int down = 0; down < 2; down++) {
        pb_buf b = {0};
        if (sqlx && !u->tx)
            pb_buf_puts(&b, "-- no-transaction\n"); /* also read in down files (sqlx CHANGELOG #3528) */
        put_header(c, &b, u);
        if (down && u->irreversible)
            put_note(&b, "This phase cannot be rolled back: this down migration fails on purpose.");
        end_header(&b);
        if (down)
            put_down_body(c, &b, u, wrap, ST_PLAIN);
        else
            put_up_body(&b, u, wrap, ST_PLAIN);
        add_file(c, pb_arena_sprintf(c->a, "%s_%s.%s.sql", u->version, u->slug, down ? "down" : "up"), &b);
    }
}

static void render_goose(render_ctx *c, const unit *u)
{
    /* -- +goose Up / Down / NO TRANSACTION / StatementBegin / StatementEnd
       (A.2; pressly/goose internal/sqlparser) */
    pb_buf b = {0};
    put_header(c, &b, u);
    if (u->irreversible)
        put_note(&b, "This phase cannot be rolled back: its down part fails on purpose.");
    end_header(&b);
    if (!u->tx)
        pb_buf_puts(&b, "-- +goose NO TRANSACTION\n");
    pb_buf_puts(&b, "-- +goose Up\n");
    put_up_body(&b, u, false, ST_GOOSE);
    pb_buf_puts(&b, "\n-- +goose Down\n");
    put_down_body(c, &b, u, false, ST_GOOSE);
    add_file(c, pb_arena_sprintf(c->a, "%s_%s.sql", u->version, u->slug), &b);
}

static void render_sql_migrate(render_ctx *c, const unit *u)
{
    /* -- +migrate Up [notransaction] / -- +migrate Down [notransaction]
       (A.4; rubenv/sql-migrate sqlparse); `sql-migrate new` names files
       20060102150405-name.sql */
    pb_buf b = {0};
    const char *opt = u->tx ? "" : " notransaction";
    put_header(c, &b, u);
    if (u->irreversible)
        put_note(&b, "This phase cannot be rolled back: its down part fails on purpose.");
    end_header(&b);
    pb_buf_printf(&b, "-- +migrate Up%s\n", opt);
    put_up_body(&b, u, false, ST_SQL_MIGRATE);
    pb_buf_printf(&b, "\n-- +migrate Down%s\n", opt);
    put_down_body(c, &b, u, false, ST_SQL_MIGRATE);
    add_file(c, pb_arena_sprintf(c->a, "%s%c%s.sql", u->version, c->sep, u->slug), &b);
}

static void render_dbmate(render_ctx *c, const unit *u)
{
    /* -- migrate:up [transaction:false] / -- migrate:down [transaction:false];
       both blocks are required (A.3; pkg/dbmate/migration.go) */
    pb_buf b = {0};
    const char *opt = u->tx ? "" : " transaction:false";
    put_header(c, &b, u);
    if (u->irreversible)
        put_note(&b, "This phase cannot be rolled back: its down block fails on purpose.");
    end_header(&b);
    pb_buf_printf(&b, "-- migrate:up%s\n", opt);
    put_up_body(&b, u, false, ST_PLAIN);
    pb_buf_printf(&b, "\n-- migrate:down%s\n", opt);
    put_down_body(c, &b, u, false, ST_PLAIN);
    add_file(c, pb_arena_sprintf(c->a, "%s_%s.sql", u->version, u->slug), &b);
}

static void render_diesel(render_ctx *c, const unit *u)
{
    /* {version}_{name}/up.sql, down.sql, metadata.toml with
       run_in_transaction = false (A.8) */
    const char *dir = pb_arena_sprintf(c->a, "%s_%s", u->version, u->slug);
    for (int down = 0; down < 2; down++) {
        pb_buf b = {0};
        put_header(c, &b, u);
        if (down && u->irreversible)
            put_note(&b, "This phase cannot be rolled back: this down.sql fails on purpose.");
        end_header(&b);
        if (down)
            put_down_body(c, &b, u, false, ST_PLAIN);
        else
            put_up_body(&b, u, false, ST_PLAIN);
        add_file(c, pb_arena_sprintf(c->a, "%s/%s.sql", dir, down ? "down" : "up"), &b);
    }
    if (!u->tx) {
        pb_buf b = {0};
        pb_buf_puts(&b, "run_in_transaction = false\n");
        add_file(c, pb_arena_sprintf(c->a, "%s/metadata.toml", dir), &b);
    }
}

static bool any_placeholder(const char *const *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(s[i], "${"))
            return true;
    return false;
}

/* Flyway's script configuration file <script>.conf (A.5, "Script
 * Configuration"), when the script needs one. */
static void flyway_conf(render_ctx *c, const char *script, bool tx, bool placeholders)
{
    if (tx && !placeholders)
        return;
    pb_buf b = {0};
    if (!tx)
        pb_buf_puts(&b, "executeInTransaction=false\n");
    if (placeholders)
        pb_buf_puts(&b, "placeholderReplacement=false\n");
    add_file(c, pb_arena_sprintf(c->a, "%s.conf", script), &b);
}

static void render_flyway(render_ctx *c, const unit *u)
{
    /* V<version>__<desc>.sql, undo U<version>__<desc>.sql (Teams), and
       <script>.sql.conf with executeInTransaction=false (A.5) */
    pb_buf b = {0};
    put_header(c, &b, u);
    if (!u->tx)
        put_note(&b, "Runs outside a transaction (see the .sql.conf). Set "
                     "flyway.postgresql.transactional.lock=false: Flyway's transactional advisory lock "
                     "otherwise blocks CREATE INDEX CONCURRENTLY.");
    if (u->irreversible)
        put_note(&b, "This phase cannot be rolled back: there is no undo (U) script for it.");
    end_header(&b);
    put_up_body(&b, u, false, ST_PLAIN);
    const char *v = pb_arena_sprintf(c->a, "V%s__%s.sql", u->version, u->slug);
    add_file(c, v, &b);
    flyway_conf(c, v, u->tx, any_placeholder(u->up, u->nup));
    if (u->irreversible)
        return;
    pb_buf d = {0};
    put_header(c, &d, u);
    end_header(&d);
    put_down_body(c, &d, u, false, ST_PLAIN);
    const char *uf = pb_arena_sprintf(c->a, "U%s__%s.sql", u->version, u->slug);
    add_file(c, uf, &d);
    flyway_conf(c, uf, u->tx, any_placeholder(u->down, u->ndown));
}

static void render_tern(render_ctx *c, const unit *u)
{
    /* NNN_name.sql; ---- create above / drop below ----; ---- tern: disable-tx ----
       (A.13; jackc/tern migrate.go). Without the separator tern refuses to
       migrate below the version (IrreversibleMigrationError). */
    pb_buf b = {0};
    put_header(c, &b, u);
    if (u->irreversible)
        put_note(&b, "This phase cannot be rolled back: tern treats it as irreversible.");
    if (!u->tx)
        pb_buf_puts(&b, "---- tern: disable-tx ----\n");
    end_header(&b);
    put_up_body(&b, u, false, ST_TERN);
    if (!u->irreversible) {
        pb_buf_puts(&b, "\n---- create above / drop below ----\n\n");
        put_down_body(c, &b, u, false, ST_TERN);
    }
    add_file(c, pb_arena_sprintf(c->a, "%s_%s.sql", u->version, u->slug), &b);
}

static void render_node_pg_migrate(render_ctx *c, const unit *u)
{
    /* -- Up Migration / -- Down Migration (A.14; templates/migration-template.sql) */
    pb_buf b = {0};
    put_header(c, &b, u);
    if (u->irreversible)
        put_note(&b, "This phase cannot be rolled back: its down section fails on purpose.");
    end_header(&b);
    pb_buf_puts(&b, "-- Up Migration\n");
    put_up_body(&b, u, false, ST_PLAIN);
    pb_buf_puts(&b, "\n-- Down Migration\n");
    put_down_body(c, &b, u, false, ST_PLAIN);
    add_file(c, pb_arena_sprintf(c->a, "%s_%s.sql", u->version, u->slug), &b);
}

/* "--rollback <line>" for each line of each statement: Liquibase joins them
 * (ROLLBACK_REGEX \s*--[\s]*rollback (.*)). */
static void put_rollback_lines(pb_buf *b, const char *const *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (const char *p = s[i];;) {
            const char *nl = strchr(p, '\n');
            size_t k = nl ? (size_t)(nl - p) : strlen(p);
            if (k && p[k - 1] == '\r')
                k--;
            pb_buf_printf(b, "--rollback %.*s\n", (int)k, p);
            if (!nl)
                break;
            p = nl + 1;
        }
}

static void render_liquibase(render_ctx *c, const unit *us, size_t n)
{
    /* one formatted SQL changelog per phase: --liquibase formatted sql, a
       --changeset pgbelay:<id> per step, --rollback lines (A.6;
       AbstractFormattedChangeLogParser.java) */
    const unit *u0 = &us[0];
    pb_buf b = {0};
    pb_buf_puts(&b, "--liquibase formatted sql\n");
    put_comment(&b, "", u0->comment);
    put_note(&b, "The master changelog must include this file (include or includeAll): Liquibase runs only "
                 "the changelogs it includes.");
    if (n > 1)
        put_note(&b, "Each statement has a changeset of its own: a dollar-quoted body needs "
                     "splitStatements:false, which sends the changeset as one query string, and PostgreSQL "
                     "runs a multi-statement query string as one transaction.");
    if (u0->irreversible)
        put_note(&b, "This phase cannot be rolled back: its changesets have no rollback, so Liquibase "
                     "refuses to roll them back.");
    for (size_t i = 0; i < n; i++) {
        const unit *u = &us[i];
        bool up_one = any_dollar(u->up, u->nup); /* Liquibase's splitter is not dollar-quote safe */
        bool down_one = any_dollar(u->down, u->ndown);
        pb_buf_printf(&b, "\n--changeset pgbelay:%s_%s", u0->version, u->slug);
        if (!u->tx)
            pb_buf_puts(&b, " runInTransaction:false");
        /* SPLIT_STATEMENTS_REGEX .*splitStatements:(\w+).* also matches
           inside rollbackSplitStatements: the one written last wins */
        if (down_one && !up_one)
            pb_buf_puts(&b, " rollbackSplitStatements:false splitStatements:true");
        else if (up_one)
            pb_buf_puts(&b, down_one ? " splitStatements:false rollbackSplitStatements:false"
                                     : " splitStatements:false");
        pb_buf_putc(&b, '\n');
        if (u->nup)
            put_statements(&b, u->up, u->nup, false, ST_PLAIN);
        else
            pb_buf_puts(&b, "SELECT 1;\n"); /* a changeset that only holds a rollback statement */
        if (u->ndown)
            put_rollback_lines(&b, u->down, u->ndown);
        else if (!u->irreversible)
            pb_buf_puts(&b, "--rollback empty\n"); /* an EmptyChange: nothing to undo in this step */
    }
    add_file(c, pb_arena_sprintf(c->a, "%s_%s.sql", u0->version, u0->phase), &b);
}

/* ---- pb_framework_render -------------------------------------------------------------- */

static bool slug_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 200)
        return false;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_'))
            return false;
    return true;
}

static bool prepare(pb_arena *a, const pb_phase_spec *ph, prepared *p, const char **err)
{
    p->spec = ph;
    if (!slug_ok(ph->slug)) {
        *err = pb_arena_sprintf(a, "invalid phase name '%s': use lower-case letters, digits and '_'",
                                ph->slug ? ph->slug : "");
        return false;
    }
    if (!ph->nup || !ph->up) {
        *err = pb_arena_sprintf(a, "the phase '%s' has no statements", ph->slug);
        return false;
    }
    p->up = pb_arena_alloc(a, ph->nup * sizeof *p->up);
    for (size_t i = 0; i < ph->nup; i++)
        if (!ph->up[i] || !(p->up[p->nup++] = clean_statement(a, ph->up[i]))) {
            *err = pb_arena_sprintf(a, "the phase '%s' has an empty statement", ph->slug);
            return false;
        }
    if (ph->ndown && ph->down) {
        p->down = pb_arena_alloc(a, ph->ndown * sizeof *p->down);
        for (size_t i = 0; i < ph->ndown; i++)
            if (!ph->down[i] || !(p->down[p->ndown++] = clean_statement(a, ph->down[i]))) {
                *err = pb_arena_sprintf(a, "the phase '%s' has an empty rollback statement", ph->slug);
                return false;
            }
    }
    return true;
}

bool pb_framework_render(pb_arena *a, pb_framework fw, const char *dir, const pb_phase_spec *phases, size_t n,
                         int64_t now, pb_out_file **out, size_t *nout, const char **err)
{
    *out = NULL;
    *nout = 0;
    *err = NULL;
    if (!dir || !*dir) {
        *err = "no directory to write the migrations to";
        return false;
    }
    if (fw < 0 || fw >= PB_FW__COUNT || fw == PB_FW_SQITCH || fw == PB_FW_GRAPHILE_MIGRATE) {
        /* sqitch needs a line added to sqitch.plan, graphile-migrate a hash
           chain over committed files: both edit what exists */
        *err = pb_arena_sprintf(a, "writing %s migrations is not supported yet; use --framework plain",
                                pb_framework_name(fw));
        return false;
    }
    prepared *ps = pb_arena_alloc(a, (n ? n : 1) * sizeof *ps);
    for (size_t i = 0; i < n; i++) {
        if (!prepare(a, &phases[i], &ps[i], err))
            return false;
        if (!phases[i].transactional && (fw == PB_FW_REFINERY || fw == PB_FW_NODE_PG_MIGRATE)) {
            *err = pb_arena_sprintf(
                a,
                fw == PB_FW_REFINERY
                    ? "the phase '%s' must run outside a transaction block, and refinery runs every "
                      "migration in a transaction (no per-file opt-out, rust-db/refinery#277); write the "
                      "plan with --framework plain and run that phase by hand"
                    : "the phase '%s' must run outside a transaction block, and node-pg-migrate runs SQL "
                      "migrations in a transaction (only JavaScript migrations can call "
                      "pgm.noTransaction()); write the plan with --framework plain, or that phase as a "
                      "JavaScript migration",
                phases[i].slug);
            return false;
        }
    }
    dir_scan scan;
    const char *why = NULL;
    if (!scan_dir(fw, dir, &scan, &why)) {
        *err = pb_arena_sprintf(a, "cannot read the directory '%s': %s", dir, why);
        return false;
    }
    vgen g;
    if (!vgen_init(&g, fw, scan.newest, (long long)now, &why)) {
        *err =
            pb_arena_sprintf(a, "cannot continue the numbering of '%s' in '%s': %s", scan.newest, dir, why);
        return false;
    }
    render_ctx c = {.a = a, .fw = fw};
    c.sqlx_simple = scan.simple && !scan.reversible;
    c.sep = fw == PB_FW_SQL_MIGRATE && scan.newest[0] && scan.sep == '_' ? '_' : '-';
    if (fw != PB_FW_SQL_MIGRATE)
        c.sep = '_';

    for (size_t i = 0; i < n; i++) {
        const prepared *p = &ps[i];
        bool split = must_split(a, fw, p);
        size_t nsteps = 1;
        if (split) {
            nsteps = p->nup > p->ndown ? p->nup : p->ndown;
        }
        unit *us = pb_arena_alloc(a, nsteps * sizeof *us);
        const char *phase_version = fw == PB_FW_LIQUIBASE ? vgen_next(a, &g) : NULL;
        for (size_t k = 0; k < nsteps; k++) {
            unit *u = &us[k];
            u->phase = p->spec->slug;
            u->comment = p->spec->comment;
            u->tx = p->spec->transactional;
            u->irreversible = p->ndown == 0;
            u->step = k + 1;
            u->nsteps = nsteps;
            u->version = phase_version ? phase_version : vgen_next(a, &g);
            if (!split) {
                u->slug = u->phase;
                u->up = p->up, u->nup = p->nup;
                u->down = p->down, u->ndown = p->ndown;
                continue;
            }
            /* step k runs up statement k; rolling the phase back undoes the
               steps last to first, so down statement j (in run order) goes
               to step nsteps - j */
            u->slug = pb_arena_sprintf(a, "%s_%zu", u->phase, k + 1);
            if (k < p->nup)
                u->up = &p->up[k], u->nup = 1;
            size_t j = nsteps - 1 - k;
            if (j < p->ndown)
                u->down = &p->down[j], u->ndown = 1;
        }
        if (fw == PB_FW_LIQUIBASE) {
            render_liquibase(&c, us, nsteps);
            continue;
        }
        for (size_t k = 0; k < nsteps; k++) {
            unit *u = &us[k];
            switch (fw) {
            case PB_FW_PLAIN:
            case PB_FW_PRISMA:
            case PB_FW_ATLAS:
            case PB_FW_REFINERY: render_plain_like(&c, u); break;
            case PB_FW_SQLX:
                if (c.sqlx_simple)
                    render_plain_like(&c, u);
                else
                    render_separate_files(&c, u);
                break;
            case PB_FW_GOLANG_MIGRATE: render_separate_files(&c, u); break;
            case PB_FW_GOOSE: render_goose(&c, u); break;
            case PB_FW_SQL_MIGRATE: render_sql_migrate(&c, u); break;
            case PB_FW_DBMATE: render_dbmate(&c, u); break;
            case PB_FW_DIESEL: render_diesel(&c, u); break;
            case PB_FW_FLYWAY: render_flyway(&c, u); break;
            case PB_FW_TERN: render_tern(&c, u); break;
            case PB_FW_NODE_PG_MIGRATE: render_node_pg_migrate(&c, u); break;
            default: break;
            }
        }
    }
    *out = c.files;
    *nout = c.nfiles;
    return true;
}

/* ---- pb_framework_write_files ---------------------------------------------------------- */

/* Lexical checks: relative, no empty, "." or ".." component. */
static const char *bad_path(const char *p)
{
    if (!p || !*p)
        return "the path is empty";
    if (p[0] == '/')
        return "the path is absolute";
    for (const char *s = p;;) {
        const char *e = strchr(s, '/');
        size_t k = e ? (size_t)(e - s) : strlen(s);
        if (k == 0)
            return "the path has an empty component";
        if ((k == 1 && s[0] == '.') || (k == 2 && s[0] == '.' && s[1] == '.'))
            return "the path has a '.' or '..' component";
        if (!e)
            break;
        s = e + 1;
    }
    return NULL;
}

/* Walks the directories of `path` below `dfd` that exist, without
 * following symbolic links. Returns NULL when the file can be created (no
 * component is a link or a non-directory, and the file does not exist),
 * else why not. With `create`, missing directories are made (their paths
 * relative to dfd appended to `made`) and *parent receives an open
 * descriptor of the file's directory. */
static const char *walk(pb_arena *a, int dfd, const char *path, bool create, int *parent, pb_ptrvec *made)
{
    int fd = dup(dfd);
    if (fd < 0)
        return strerror(errno);
    const char *s = path;
    for (;;) {
        const char *e = strchr(s, '/');
        if (!e)
            break;
        char *comp = pb_arena_strndup(a, s, (size_t)(e - s));
        struct stat st;
        if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno != ENOENT) {
                close(fd);
                return strerror(errno);
            }
            if (!create) { /* the rest is created later */
                close(fd);
                return NULL;
            }
            if (mkdirat(fd, comp, 0777) != 0) {
                int er = errno;
                close(fd);
                return strerror(er);
            }
            pb_ptrvec_push(a, made, pb_arena_strndup(a, path, (size_t)(e - path)));
        } else if (S_ISLNK(st.st_mode)) {
            close(fd);
            return pb_arena_sprintf(a, "'%.*s' is a symbolic link, and pgbelay does not write through one",
                                    (int)(e - path), path);
        } else if (!S_ISDIR(st.st_mode)) {
            close(fd);
            return pb_arena_sprintf(a, "'%.*s' is not a directory", (int)(e - path), path);
        }
        int nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int er = errno;
        close(fd);
        if (nfd < 0)
            return strerror(er);
        fd = nfd;
        s = e + 1;
    }
    struct stat st;
    if (fstatat(fd, s, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        close(fd);
        return "it already exists";
    }
    if (errno != ENOENT) {
        int er = errno;
        close(fd);
        return strerror(er);
    }
    if (parent)
        *parent = fd;
    else
        close(fd);
    return NULL;
}

/* mkdir -p: creates `dir` and missing parents; the ones made are appended
 * to `made`. */
static bool make_dirs(pb_arena *a, const char *dir, pb_ptrvec *made)
{
    char *p = pb_arena_strdup(a, dir);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) == 0)
            pb_ptrvec_push(a, made, pb_arena_strdup(a, p));
        else if (errno != EEXIST) {
            p[i] = c;
            return false;
        }
        p[i] = c;
    }
    return true;
}

static bool write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        s += w, n -= (size_t)w;
    }
    return true;
}

bool pb_framework_write_files(pb_arena *a, const char *dir, const pb_out_file *files, size_t n,
                              const char **err)
{
    *err = NULL;
    if (!dir || !*dir) {
        *err = "no directory to write the migrations to";
        return false;
    }
    /* 1. every path, before anything is written */
    for (size_t i = 0; i < n; i++) {
        const char *why = bad_path(files[i].path);
        if (!why && !files[i].content)
            why = "it has no content";
        for (size_t k = 0; !why && k < i; k++)
            if (!strcmp(files[k].path, files[i].path))
                why = "it is listed twice";
        if (why) {
            *err = pb_arena_sprintf(a, "refusing to write '%s' below '%s': %s",
                                    files[i].path ? files[i].path : "", dir, why);
            return false;
        }
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 && errno != ENOENT) {
        *err = pb_arena_sprintf(a, "cannot open the directory '%s': %s", dir, strerror(errno));
        return false;
    }
    if (dfd >= 0)
        for (size_t i = 0; i < n; i++) {
            const char *why = walk(a, dfd, files[i].path, false, NULL, NULL);
            if (why) {
                close(dfd);
                *err = pb_arena_sprintf(a, "refusing to write '%s/%s': %s", dir, files[i].path, why);
                return false;
            }
        }
    /* 2. write; on a failure, remove what this call made */
    pb_ptrvec top = {0}, made = {0}, written = {0};
    bool ok = true;
    if (dfd < 0) {
        if (!make_dirs(a, dir, &top) || (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
            *err = pb_arena_sprintf(a, "cannot create the directory '%s': %s", dir, strerror(errno));
            ok = false;
        }
    }
    for (size_t i = 0; ok && i < n; i++) {
        int pfd = -1;
        const char *why = walk(a, dfd, files[i].path, true, &pfd, &made);
        if (why) {
            *err = pb_arena_sprintf(a, "cannot write '%s/%s': %s", dir, files[i].path, why);
            ok = false;
            break;
        }
        const char *base = strrchr(files[i].path, '/');
        base = base ? base + 1 : files[i].path;
        int fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        int er = errno;
        close(pfd);
        if (fd < 0) {
            *err = pb_arena_sprintf(a, "cannot create '%s/%s': %s", dir, files[i].path, strerror(er));
            ok = false;
            break;
        }
        pb_ptrvec_push(a, &written, (void *)files[i].path);
        bool w = write_all(fd, files[i].content, strlen(files[i].content));
        er = errno;
        if (close(fd) != 0 && w) {
            w = false;
            er = errno;
        }
        if (!w) {
            *err = pb_arena_sprintf(a, "cannot write '%s/%s': %s", dir, files[i].path, strerror(er));
            ok = false;
        }
    }
    if (!ok) {
        for (size_t i = written.len; i-- > 0;)
            if (dfd >= 0)
                unlinkat(dfd, written.items[i], 0);
        for (size_t i = made.len; i-- > 0;)
            if (dfd >= 0)
                unlinkat(dfd, made.items[i], AT_REMOVEDIR);
        for (size_t i = top.len; i-- > 0;)
            rmdir(top.items[i]);
    }
    if (dfd >= 0)
        close(dfd);
    return ok;
}
