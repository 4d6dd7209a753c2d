/* Loading a migration set from files: framework detection, file naming,
 * ordering, side files (diesel metadata.toml, Flyway .sql.conf), and
 * pairing of up and down files. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "framework/framework.h"

typedef struct entry {
    const char *path;
    const char *base;   /* file name */
    const char *dir;    /* parent directory path */
    const char *parent; /* parent directory name */
    pb_source *src;     /* NULL when unreadable or too large */
    pb_framework markers;
} entry;

static const char *base_of(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static const char *dir_of(pb_arena *a, const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? pb_arena_strndup(a, p, (size_t)(s - p)) : ".";
}

static bool ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Leading digits of a name ("20240101_x" -> "20240101"), arena string. */
static const char *leading_digits(pb_arena *a, const char *s)
{
    size_t n = 0;
    while (isdigit((unsigned char)s[n]))
        n++;
    return pb_arena_strndup(a, s, n);
}

/* golang-migrate / sqlx: ^([0-9]+)_(.*)\.(down|up)\.sql$ */
static int updown_kind(const char *base)
{
    if (!isdigit((unsigned char)base[0]) || !strchr(base, '_'))
        return 0;
    if (ends_with(base, ".up.sql"))
        return 1;
    if (ends_with(base, ".down.sql"))
        return 2;
    return 0;
}

/* Flyway: V<version>__desc.sql, U<version>__desc.sql, R__desc.sql */
static char flyway_kind(const char *base)
{
    if ((base[0] == 'V' || base[0] == 'U') && isdigit((unsigned char)base[1]) && strstr(base, "__"))
        return base[0];
    if (base[0] == 'R' && base[1] == '_' && base[2] == '_')
        return 'R';
    return 0;
}

/* Compares version strings numerically when both are digit strings
 * (leading zeros ignored), else lexically; Flyway's dotted versions compare
 * part by part. */
static int version_cmp(const char *x, const char *y)
{
    while (*x || *y) {
        while (*x == '0' && isdigit((unsigned char)x[1]))
            x++;
        while (*y == '0' && isdigit((unsigned char)y[1]))
            y++;
        size_t nx = 0, ny = 0;
        while (isdigit((unsigned char)x[nx]))
            nx++;
        while (isdigit((unsigned char)y[ny]))
            ny++;
        if (nx && ny) {
            if (nx != ny)
                return nx < ny ? -1 : 1;
            int c = strncmp(x, y, nx);
            if (c)
                return c;
            x += nx, y += ny;
            continue;
        }
        if (*x != *y)
            return (unsigned char)*x < (unsigned char)*y ? -1 : 1;
        x++, y++;
    }
    return 0;
}

static int mig_cmp(const void *a, const void *b)
{
    const pb_migration *x = *(pb_migration *const *)a, *y = *(pb_migration *const *)b;
    int c = version_cmp(x->version, y->version);
    return c ? c : strcmp(x->name, y->name);
}

/* Reads a small side file (metadata.toml, .sql.conf) into an arena string. */
static const char *read_side(pb_arena *a, const pb_options *opt, const char *path)
{
    pb_source *s;
    size_t size;
    const char *err;
    if (pb_source_read(a, path, path, 1 << 20, &s, &size, &err) != PB_OK || !s)
        return NULL;
    return s->text;
}

/* `key = false` (TOML) or `key=false` (.conf), ignoring spaces, on a line
 * of its own. A line-level check is enough for the one boolean each tool
 * reads there. */
static bool side_false(const char *text, const char *key)
{
    if (!text)
        return false;
    size_t kl = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, key, kl) != 0)
            continue;
        const char *q = p + kl;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q != '=')
            continue;
        q++;
        while (*q == ' ' || *q == '\t' || *q == '"')
            q++;
        if (strncmp(q, "false", 5) == 0)
            return true;
    }
    return false;
}

static pb_framework detect(pb_arena *a, pb_migration_set *set, entry *e, size_t n)
{
    size_t counts[PB_FW__COUNT] = {0};
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(e[i].base, "up.sql") || !strcmp(e[i].base, "down.sql"))
            counts[PB_FW_DIESEL]++;
        else if (!strcmp(e[i].base, "migration.sql"))
            counts[PB_FW_PRISMA]++;
        else if (e[i].markers != PB_FW_PLAIN)
            counts[e[i].markers]++;
        else if (updown_kind(e[i].base))
            counts[PB_FW_GOLANG_MIGRATE]++;
        else if (flyway_kind(e[i].base))
            counts[PB_FW_FLYWAY]++;
    }
    pb_framework best = PB_FW_PLAIN;
    size_t best_n = 0, kinds = 0;
    for (int f = 1; f < PB_FW__COUNT; f++) {
        if (counts[f])
            kinds++;
        if (counts[f] > best_n)
            best = (pb_framework)f, best_n = counts[f];
    }
    /* goose/dbmate files also follow NNN_name.sql naming: markers decide */
    if (kinds > 1) {
        char msg[512];
        int k = snprintf(msg, sizeof msg, "mixed migration layouts in one directory:");
        for (int f = 1; f < PB_FW__COUNT && k < (int)sizeof msg - 64; f++)
            if (counts[f])
                k += snprintf(msg + k, sizeof msg - (size_t)k, " %zu %s file%s,", counts[f],
                              pb_framework_name(f), counts[f] == 1 ? "" : "s");
        snprintf(msg + k - 1, sizeof msg - (size_t)k + 1, "; read as %s (override with --framework)",
                 pb_framework_name(best));
        pb_framework__problem(a, set, NULL, 0, msg);
    }
    if (best == PB_FW_GOLANG_MIGRATE) {
        for (size_t i = 0; i < n; i++)
            if (e[i].src && e[i].src->len >= 17 && !memcmp(e[i].src->text, "-- no-transaction", 17))
                return PB_FW_SQLX;
    }
    return best;
}

void pb_framework_load(pb_arena *a, const pb_options *opt, const char *const *files, size_t nfiles,
                       bool do_detect, pb_framework fw, pb_migration_set *out)
{
    memset(out, 0, sizeof *out);
    size_t cap = opt && opt->max_file_size ? opt->max_file_size : PB_DEFAULT_MAX_FILE_SIZE;
    entry *e = pb_arena_alloc(a, (nfiles ? nfiles : 1) * sizeof *e);
    size_t n = 0;
    for (size_t i = 0; i < nfiles; i++) {
        entry *x = &e[n];
        x->path = pb_arena_strdup(a, files[i]);
        x->base = base_of(x->path);
        x->dir = dir_of(a, x->path);
        x->parent = base_of(x->dir);
        size_t size;
        const char *err;
        pb_status st = pb_source_read(a, x->path, x->path, cap, &x->src, &size, &err);
        if (st != PB_OK) {
            pb_framework__unreadable(a, out, x->path, err, 0);
            continue;
        }
        if (!x->src) {
            pb_framework__unreadable(a, out, x->path, NULL, size);
            continue;
        }
        x->markers = pb_framework_detect_source(x->src);
        n++;
    }
    out->framework = do_detect ? detect(a, out, e, n) : fw;
    out->detected = do_detect;
    fw = out->framework;

    if (fw == PB_FW_DIESEL || fw == PB_FW_PRISMA) {
        /* one directory per migration: <version>_<name>/{up,down}.sql or migration.sql */
        for (size_t i = 0; i < n; i++) {
            bool up = !strcmp(e[i].base, "up.sql") || !strcmp(e[i].base, "migration.sql");
            bool down = !strcmp(e[i].base, "down.sql");
            if (!up && !down) { /* another .sql file beside the migration folders */
                pb_framework_split_source(a, PB_FW_PLAIN, e[i].src, out, e[i].base, e[i].base);
                continue;
            }
            pb_migration *m = NULL;
            for (size_t k = 0; k < out->len; k++)
                if (!strcmp(out->items[k]->name, e[i].dir))
                    m = out->items[k];
            if (!m) {
                const char *dn = e[i].parent;
                m = pb_framework__add(a, out, fw == PB_FW_DIESEL ? dn : leading_digits(a, dn), e[i].dir);
                m->expects_down = fw == PB_FW_DIESEL;
            }
            pb_tx_mode tx = fw == PB_FW_DIESEL ? PB_TX_WRAPPED : PB_TX_ONE_QUERY;
            const char *why =
                fw == PB_FW_DIESEL
                    ? "diesel runs each migration in a transaction unless metadata.toml says "
                      "run_in_transaction = false"
                    : "Prisma sends migration.sql as one query string, which PostgreSQL runs as one "
                      "implicit transaction when it has several statements";
            if (fw == PB_FW_DIESEL &&
                side_false(read_side(a, opt, pb_arena_sprintf(a, "%s/metadata.toml", e[i].dir)),
                           "run_in_transaction")) {
                tx = PB_TX_ONE_QUERY;
                why = "metadata.toml says run_in_transaction = false, but diesel still sends the file as one "
                      "query "
                      "string, which PostgreSQL runs as one implicit transaction when it has several "
                      "statements";
            }
            pb_part *p = pb_framework__part(a, e[i].src, 0, (uint32_t)e[i].src->len, down, tx, why);
            if (down)
                m->down = p;
            else
                m->up = p;
        }
        for (size_t k = 0; k < out->len; k++) /* a down.sql without up.sql */
            if (!out->items[k]->up)
                out->items[k]->up =
                    pb_framework__part(a, out->items[k]->down->src, 0, 0, false, PB_TX_WRAPPED, NULL);
    } else if (fw == PB_FW_GOLANG_MIGRATE || fw == PB_FW_SQLX || fw == PB_FW_FLYWAY) {
        bool any_down = false;
        for (size_t i = 0; i < n; i++) {
            int kind = updown_kind(e[i].base);
            char fk = fw == PB_FW_FLYWAY ? flyway_kind(e[i].base) : 0;
            const char *version, *name;
            if (fk) {
                const char *sep = strstr(e[i].base, "__");
                version = fk == 'R' ? "~repeatable"
                                    : pb_arena_strndup(a, e[i].base + 1, (size_t)(sep - e[i].base - 1));
                name = pb_arena_strndup(a, sep + 2, strlen(sep + 2) - 4);
            } else {
                version = leading_digits(a, e[i].base);
                size_t bl = strlen(e[i].base);
                size_t strip = kind == 1 ? 7 : kind == 2 ? 9 : 4;
                const char *us = strchr(e[i].base, '_');
                name = us && (size_t)(us + 1 - e[i].base) < bl - strip
                           ? pb_arena_strndup(a, us + 1, bl - strip - (size_t)(us + 1 - e[i].base))
                           : e[i].base;
            }
            bool down = kind == 2 || fk == 'U';
            any_down |= down;
            pb_migration *m = NULL;
            for (size_t k = 0; k < out->len; k++)
                if (!strcmp(out->items[k]->version, version) && (fk || !strcmp(out->items[k]->name, name)))
                    m = out->items[k];
            if (!m)
                m = pb_framework__add(a, out, version, name);
            pb_migration_set one = {0};
            pb_framework_split_source(a, fw, e[i].src, &one, version, name);
            pb_part *p = one.items[0]->up;
            if (fw == PB_FW_FLYWAY && side_false(read_side(a, opt, pb_arena_sprintf(a, "%s.conf", e[i].path)),
                                                 "executeInTransaction")) {
                p->tx = PB_TX_NONE;
                p->tx_reason =
                    "the .sql.conf says executeInTransaction=false: Flyway runs each statement on its own";
            }
            p->down = down;
            if (down)
                m->down = p;
            else
                m->up = p;
        }
        for (size_t k = 0; k < out->len; k++) {
            out->items[k]->expects_down = any_down;
            if (!out->items[k]->up)
                out->items[k]->up = pb_framework__part(a, out->items[k]->down->src, 0, 0, false,
                                                       out->items[k]->down->tx, NULL);
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            pb_framework f = fw;
            if (fw == PB_FW_PLAIN && e[i].markers != PB_FW_PLAIN)
                f = e[i].markers; /* a file with markers in a plain directory */
            pb_framework_split_source(a, f, e[i].src, out, leading_digits(a, e[i].base), e[i].base);
        }
    }
    if (out->len > 1)
        qsort(out->items, out->len, sizeof *out->items, mig_cmp);
}
