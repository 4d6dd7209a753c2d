/* Loading a migration set from files: framework detection, file naming,
 * ordering, side files (diesel metadata.toml, Flyway .sql.conf, sqitch.plan,
 * atlas.sum), and pairing of up and down files
 * (shared/reference/frameworks-and-formats.md Part A; docs/frameworks.md). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "framework/framework.h"

typedef struct entry {
    const char *path;
    const char *base;   /* file name */
    const char *dir;    /* parent directory path */
    const char *parent; /* parent directory name */
    pb_source *src;
    pb_framework markers; /* the tool whose markers the file carries, or PB_FW_PLAIN */
    pb_framework kind;    /* what its markers, name and place say (detection) */
    /* sqitch: a script under deploy/, revert/ or verify/ of a directory
       holding sqitch.plan */
    const char *sq_root; /* that directory, or NULL */
    int sq_kind;         /* 1 deploy, 2 revert, 3 verify */
    const char *sq_name; /* path below deploy/ without .sql: the change name ("users", "app/users@v1.0") */
    bool used;
} entry;

static const char *base_of(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static const char *dir_of(pb_arena *a, const char *p)
{
    const char *s = strrchr(p, '/');
    if (s == p)
        return "/";
    return s ? pb_arena_strndup(a, p, (size_t)(s - p)) : ".";
}

static bool ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

static bool file_exists(pb_arena *a, const char *dir, const char *name)
{
    return access(pb_arena_sprintf(a, "%s/%s", dir, name), F_OK) == 0;
}

/* `s` without a .sql suffix, arena string. */
static const char *strip_sql(pb_arena *a, const char *s)
{
    return pb_arena_strndup(a, s, strlen(s) - (ends_with(s, ".sql") ? 4 : 0));
}

/* Leading digits of a name ("20240101_x" -> "20240101"), arena string. */
static const char *leading_digits(pb_arena *a, const char *s)
{
    size_t n = 0;
    while (isdigit((unsigned char)s[n]))
        n++;
    return pb_arena_strndup(a, s, n);
}

/* golang-migrate / sqlx: ^([0-9]+)_(.*)\.(down|up)\.sql$; 1 up, 2 down */
static int updown_kind(const char *base)
{
    if (!isdigit((unsigned char)base[0]) || !strchr(base, '_'))
        return 0;
    const char *p = base;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p != '_')
        return 0;
    if (ends_with(base, ".up.sql"))
        return 1;
    if (ends_with(base, ".down.sql"))
        return 2;
    return 0;
}

/* <digits>_<something>.sql (sqlx simple, goose, tern, Atlas ...) */
static bool digits_name(const char *base)
{
    const char *p = base;
    while (isdigit((unsigned char)*p))
        p++;
    return p > base && *p == '_' && ends_with(base, ".sql");
}

/* Flyway: V<version>__desc.sql, U<version>__desc.sql, B<version>__desc.sql,
 * R__desc.sql; the version digits with . or _ between them. */
static char flyway_kind(const char *base)
{
    if (base[0] == 'R' && base[1] == '_' && base[2] == '_')
        return 'R';
    if ((base[0] == 'V' || base[0] == 'U' || base[0] == 'B') && isdigit((unsigned char)base[1])) {
        const char *sep = strstr(base, "__");
        if (!sep)
            return 0;
        for (const char *p = base + 1; p < sep; p++)
            if (!isdigit((unsigned char)*p) && *p != '.' && *p != '_')
                return 0;
        return base[0];
    }
    return 0;
}

/* refinery: ^([U|V])(\d+(?:\.\d+)?)__(\w+) (rust-db/refinery refinery_core
 * src/util.rs STEM_RE) with the .sql suffix */
static bool refinery_name(const char *base)
{
    if (base[0] != 'U' && base[0] != 'V')
        return false;
    const char *p = base + 1;
    if (!isdigit((unsigned char)*p))
        return false;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p == '.' && isdigit((unsigned char)p[1]))
        for (p++; isdigit((unsigned char)*p);)
            p++;
    if (p[0] != '_' || p[1] != '_' || !(isalnum((unsigned char)p[2]) || p[2] == '_'))
        return false;
    return ends_with(base, ".sql");
}

/* graphile-migrate committed/NNNNNN[-message].sql (^[0-9]{6,}) */
static bool graphile_name(const entry *e)
{
    size_t n = 0;
    while (isdigit((unsigned char)e->base[n]))
        n++;
    return n >= 6 && (e->base[n] == '-' || e->base[n] == '.') && !strcmp(e->parent, "committed");
}

/* Compares version strings numerically when both are digit strings
 * (leading zeros ignored), else lexically, run by run. */
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

/* Flyway versions: numbers separated by '.' or '_', compared part by part;
 * missing trailing parts count as 0 (1 == 1.0). */
static int flyway_vcmp(const char *x, const char *y)
{
    while (*x || *y) {
        while (*x == '.' || *x == '_')
            x++;
        while (*y == '.' || *y == '_')
            y++;
        while (*x == '0' && isdigit((unsigned char)x[1]))
            x++;
        while (*y == '0' && isdigit((unsigned char)y[1]))
            y++;
        size_t nx = 0, ny = 0;
        while (isdigit((unsigned char)x[nx]))
            nx++;
        while (isdigit((unsigned char)y[ny]))
            ny++;
        const char *zx = nx ? x : "0", *zy = ny ? y : "0";
        size_t lx = nx ? nx : 1, ly = ny ? ny : 1;
        if (lx != ly)
            return lx < ly ? -1 : 1;
        int c = strncmp(zx, zy, lx);
        if (c)
            return c;
        x += nx, y += ny;
        if (!nx && *x && *x != '.' && *x != '_')
            x++;
        if (!ny && *y && *y != '.' && *y != '_')
            y++;
    }
    return 0;
}

/* The order each tool applies migrations in (Part A of the reference). */
static int mig_cmp(pb_framework fw, const pb_migration *x, const pb_migration *y)
{
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    int c;
    switch (fw) {
    case PB_FW_DIESEL:    /* MigrationVersion strings: lexicographic */
    case PB_FW_PRISMA:    /* folder names, lexicographic */
    case PB_FW_ATLAS:     /* file names, lexicographic */
    case PB_FW_LIQUIBASE: /* file path (includeAll), then changeset order */
    case PB_FW_SQITCH: /* plan position */ c = strcmp(x->version, y->version); break;
    case PB_FW_FLYWAY: c = flyway_vcmp(x->version, y->version); break;
    case PB_FW_SQL_MIGRATE: /* numeric prefixes first, then the rest by name */
        c = !*x->version != !*y->version ? (*x->version ? -1 : 1) : version_cmp(x->version, y->version);
        break;
    default: c = version_cmp(x->version, y->version); break;
    }
    if (!c)
        c = strcmp(x->name, y->name);
    if (!c && x->seq != y->seq)
        c = x->seq < y->seq ? -1 : 1;
    return c;
}

/* A stable merge sort (qsort has no context argument and is not stable). */
static void sort_set(pb_arena *a, pb_framework fw, pb_migration **v, size_t n)
{
    if (n < 2)
        return;
    pb_migration **tmp = pb_arena_alloc(a, n * sizeof *tmp);
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = mig_cmp(fw, v[j], v[i]) < 0 ? v[j++] : v[i++];
            while (i < mid)
                tmp[k++] = v[i++];
            while (j < hi)
                tmp[k++] = v[j++];
        }
        memcpy(v, tmp, n * sizeof *v);
    }
}

/* Reads a small side file (metadata.toml, .sql.conf, sqitch.plan,
 * atlas.sum) into an arena string; NULL when it cannot be read. */
static const char *read_side(pb_arena *a, const char *path)
{
    pb_source *s;
    size_t size;
    const char *err;
    if (access(path, R_OK) != 0)
        return NULL;
    if (pb_source_read(a, path, path, 1 << 20, &s, &size, &err) != PB_OK || !s)
        return NULL;
    return s->text;
}

/* `key = value` (TOML) or `key=value` (.conf) on a line of its own: does
 * the value start with `value`? A line-level check is enough for the one
 * boolean each tool reads there. */
static bool side_is(const char *text, const char *key, const char *value)
{
    if (!text)
        return false;
    size_t kl = strlen(key), vl = strlen(value);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!strncmp(p, "flyway.", 7))
            p += 7;
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
        if (strncasecmp(q, value, vl) == 0)
            return true;
    }
    return false;
}

/* The part `fw` makes of a whole file. */
static pb_part *file_part(pb_arena *a, pb_framework fw, pb_source *src, bool down)
{
    pb_migration_set one = {0};
    pb_framework_split_source(a, fw, src, &one, "", "");
    pb_part *p = one.items[0]->up;
    p->down = down;
    return p;
}

/* A migration of `out` for a file the tool does not run as a migration
 * (linted as plain SQL after the others), with the problem said at it. */
static void stray(pb_arena *a, pb_migration_set *out, entry *e, const char *message)
{
    if (message)
        pb_framework__problem(a, out, e->src, 0, message);
    pb_migration *m = pb_framework__add(a, out, "", e->path);
    m->rank = 2;
    m->up = file_part(a, PB_FW_PLAIN, e->src, false);
    e->used = true;
}

/* ---- detection ---------------------------------------------------------------------------- */

/* sqitch: the nearest deploy/, revert/ or verify/ above the file whose
 * parent holds sqitch.plan (sqitchers/sqitch lib/sqitch-add.pod). */
static void sqitch_locate(pb_arena *a, entry *e)
{
    const char *d = e->dir;
    for (int depth = 0; depth < 16 && strcmp(d, ".") && strcmp(d, "/"); depth++) {
        const char *b = base_of(d);
        int k = !strcmp(b, "deploy") ? 1 : !strcmp(b, "revert") ? 2 : !strcmp(b, "verify") ? 3 : 0;
        const char *root = dir_of(a, d);
        if (k && file_exists(a, root, "sqitch.plan")) {
            const char *rel = e->path + strlen(d) + 1;
            e->sq_root = root;
            e->sq_kind = k;
            e->sq_name = pb_arena_strndup(a, rel, ends_with(rel, ".sql") ? strlen(rel) - 4 : strlen(rel));
            return;
        }
        d = root;
    }
}

static const char *evidence(pb_framework f)
{
    switch (f) {
    case PB_FW_SQITCH: return "a script under deploy/, revert/ or verify/ beside sqitch.plan";
    case PB_FW_DIESEL: return "up.sql/down.sql in a migration folder";
    case PB_FW_PRISMA: return "migration.sql in a migration folder";
    case PB_FW_GOLANG_MIGRATE: return "a {version}_{title}.up.sql/.down.sql name";
    case PB_FW_FLYWAY: return "a V<version>__/U<version>__/R__ name";
    case PB_FW_ATLAS: return "atlas.sum or -- atlas: directives";
    case PB_FW_SQLX: return "its first line -- no-transaction";
    case PB_FW_GRAPHILE_MIGRATE: return "committed/NNNNNN naming or --! headers";
    case PB_FW_LIQUIBASE: return "its --liquibase formatted sql header";
    default: return "its markers";
    }
}

static pb_framework classify(const entry *e)
{
    if (e->sq_root)
        return PB_FW_SQITCH;
    if (!strcmp(e->base, "up.sql") || !strcmp(e->base, "down.sql"))
        return PB_FW_DIESEL;
    if (!strcmp(e->base, "migration.sql"))
        return PB_FW_PRISMA;
    if (e->markers != PB_FW_PLAIN)
        return e->markers;
    if (updown_kind(e->base))
        return PB_FW_GOLANG_MIGRATE;
    if (flyway_kind(e->base))
        return PB_FW_FLYWAY;
    if (graphile_name(e))
        return PB_FW_GRAPHILE_MIGRATE;
    return PB_FW_PLAIN;
}

static pb_framework detect(pb_arena *a, pb_migration_set *set, entry *e, size_t n)
{
    size_t counts[PB_FW__COUNT] = {0};
    const char *sum_dir = NULL;
    bool sum = false;
    for (size_t i = 0; i < n; i++) {
        e[i].kind = classify(&e[i]);
        if (e[i].kind == PB_FW_PLAIN && digits_name(e[i].base)) {
            /* Atlas keeps atlas.sum beside its files */
            if (!sum_dir || strcmp(sum_dir, e[i].dir)) {
                sum_dir = e[i].dir;
                sum = file_exists(a, e[i].dir, "atlas.sum");
            }
            if (sum)
                e[i].kind = PB_FW_ATLAS;
        }
        counts[e[i].kind]++;
    }
    /* sqlx and golang-migrate share the .up.sql/.down.sql naming; only sqlx
       reads -- no-transaction */
    if (counts[PB_FW_SQLX] && counts[PB_FW_GOLANG_MIGRATE]) {
        counts[PB_FW_SQLX] += counts[PB_FW_GOLANG_MIGRATE];
        counts[PB_FW_GOLANG_MIGRATE] = 0;
        for (size_t i = 0; i < n; i++)
            if (e[i].kind == PB_FW_GOLANG_MIGRATE)
                e[i].kind = PB_FW_SQLX;
    }
    pb_framework best = PB_FW_PLAIN;
    size_t best_n = 0, kinds = 0, total = 0;
    for (int f = 1; f < PB_FW__COUNT; f++) {
        if (counts[f])
            kinds++;
        total += counts[f];
        if (counts[f] > best_n)
            best = (pb_framework)f, best_n = counts[f];
    }
    if (kinds > 1) {
        /* said at each file that does not fit the layout chosen */
        char list[512];
        int k = 0;
        list[0] = '\0';
        for (int f = 1; f < PB_FW__COUNT && k < (int)sizeof list - 64; f++)
            if (counts[f])
                k += snprintf(list + k, sizeof list - (size_t)k, "%s%zu %s", k ? ", " : "", counts[f],
                              pb_framework_name(f));
        for (size_t i = 0; i < n; i++) {
            if (e[i].kind == best || e[i].kind == PB_FW_PLAIN)
                continue;
            pb_framework__problem(
                a, set, e[i].src, 0,
                pb_arena_sprintf(
                    a,
                    "mixed migration layouts in one directory (%s of %zu files): this file is laid "
                    "out for %s (%s), but the directory is read as %s; move it, or choose the tool "
                    "with --framework",
                    list, total, pb_framework_name(e[i].kind), evidence(e[i].kind), pb_framework_name(best)));
        }
    }
    return best;
}

/* ---- sqitch ------------------------------------------------------------------------------- */

typedef struct plan_line {
    const char *name; /* a change name, or a tag with its '@' */
    bool tag;
} plan_line;

/* sqitch.plan (lib/App/Sqitch/Plan.pm "Grammar"): pragmas %..., tags
 * @name ..., comments #..., blank lines; a change line's first word is the
 * change name (+name deploys, -name reverts). */
static plan_line *parse_plan(pb_arena *a, const char *text, size_t *out_n)
{
    size_t n = 0, cap = 64;
    plan_line *v = pb_arena_alloc(a, cap * sizeof *v);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\n' || *p == '\r' || *p == '#' || *p == '%' || *p == '\0' || *p == '-')
            continue; /* a "-name" line reverts a change: nothing to deploy */
        if (*p == '+')
            p++;
        size_t k = 0;
        while (p[k] && !isspace((unsigned char)p[k]) && p[k] != '[')
            k++;
        if (!k)
            continue;
        if (n == cap) {
            plan_line *m = pb_arena_alloc(a, cap * 2 * sizeof *m);
            memcpy(m, v, n * sizeof *v);
            v = m, cap *= 2;
        }
        v[n].tag = *p == '@';
        v[n++].name = pb_arena_strndup(a, p, k);
    }
    *out_n = n;
    return v;
}

static entry *sq_find(entry *e, size_t n, const char *root, int kind, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (e[i].sq_root && e[i].sq_kind == kind && !strcmp(e[i].sq_root, root) &&
            !strcmp(e[i].sq_name, name))
            return &e[i];
    return NULL;
}

static void load_sqitch(pb_arena *a, entry *e, size_t n, pb_migration_set *out)
{
    size_t idx = 0;
    for (size_t r = 0; r < n; r++) {
        if (!e[r].sq_root || e[r].used)
            continue;
        const char *root = e[r].sq_root;
        bool first_root = true;
        for (size_t i = 0; i < r; i++)
            if (e[i].sq_root && !strcmp(e[i].sq_root, root))
                first_root = false;
        if (!first_root)
            continue;
        const char *plan_path = pb_arena_sprintf(a, "%s/sqitch.plan", root);
        const char *text = read_side(a, plan_path);
        size_t np = 0;
        plan_line *plan = text ? parse_plan(a, text, &np) : NULL;
        if (!text)
            pb_framework__problem(
                a, out, NULL, 0,
                pb_arena_sprintf(a, "cannot read %s: the scripts are linted in name order", plan_path));
        for (size_t k = 0; k < np; k++) {
            if (plan[k].tag)
                continue;
            idx++;
            /* a change reworked later in the plan keeps its scripts as
               <change>@<tag>.sql, the tag one of those between it and its
               rework: the first whose deploy script exists (Plan/Change.pm
               path_segments) */
            const char *name = plan[k].name;
            size_t next = k + 1;
            while (next < np && (plan[next].tag || strcmp(plan[next].name, name)))
                next++;
            if (next < np) {
                const char *first = NULL, *found = NULL;
                for (size_t t = k + 1; t < next && !found; t++) {
                    if (!plan[t].tag)
                        continue;
                    const char *cand = pb_arena_sprintf(a, "%s%s", name, plan[t].name);
                    if (!first)
                        first = cand;
                    if (sq_find(e, n, root, 1, cand))
                        found = cand;
                }
                name = found ? found : first ? first : name;
            }
            entry *dep = sq_find(e, n, root, 1, name), *rev = sq_find(e, n, root, 2, name);
            if (dep && dep->used)
                dep = NULL; /* a change listed twice without a rework tag between */
            if (rev && rev->used)
                rev = NULL;
            entry *ver = sq_find(e, n, root, 3, name);
            if (ver)
                ver->used = true; /* verify scripts are checks, not migrations */
            if (!dep && !rev)
                continue;
            pb_migration *m = pb_framework__add(a, out, pb_arena_sprintf(a, "%08zu", idx), name);
            /* a revert script on disk that was not given to lint still counts */
            m->expects_down = rev || !file_exists(a, pb_arena_sprintf(a, "%s/revert", root),
                                                  pb_arena_sprintf(a, "%s.sql", name));
            if (dep) {
                m->up = file_part(a, PB_FW_SQITCH, dep->src, false);
                dep->used = true;
            } else {
                m->up = pb_framework__part(a, rev->src, 0, 0, false, PB_TX_NONE, NULL);
            }
            if (rev) {
                m->down = file_part(a, PB_FW_SQITCH, rev->src, true);
                rev->used = true;
            }
        }
        for (size_t i = 0; i < n; i++) {
            if (e[i].used || !e[i].sq_root || strcmp(e[i].sq_root, root))
                continue;
            if (e[i].sq_kind == 3) {
                e[i].used = true;
                continue;
            }
            if (!text)
                stray(a, out, &e[i], NULL);
            else
                stray(a, out, &e[i],
                      pb_arena_sprintf(a,
                                       "the change '%s' is not in sqitch.plan: sqitch never runs this script",
                                       e[i].sq_name));
        }
    }
    /* other files of the directory: not sqitch scripts */
    for (size_t i = 0; i < n; i++)
        if (!e[i].used) {
            pb_migration *m = pb_framework__add(a, out, "", e[i].path);
            m->rank = 2;
            m->up = file_part(a, e[i].markers, e[i].src, false);
        }
}

/* ---- diesel and Prisma: one folder per migration ------------------------------------------ */

static void load_folders(pb_arena *a, pb_framework fw, entry *e, size_t n, pb_migration_set *out)
{
    for (size_t i = 0; i < n; i++) {
        bool up = fw == PB_FW_DIESEL ? !strcmp(e[i].base, "up.sql") : !strcmp(e[i].base, "migration.sql");
        bool down = !strcmp(e[i].base, "down.sql");
        if (!up && !down) {
            stray(a, out, &e[i],
                  fw == PB_FW_DIESEL
                      ? "diesel does not run this file: a migration is a folder holding up.sql "
                        "and down.sql"
                      : "Prisma does not run this file: a migration is a folder holding "
                        "migration.sql");
            continue;
        }
        pb_migration *m = NULL;
        for (size_t k = 0; k < out->len; k++)
            if (!out->items[k]->rank && !strcmp(out->items[k]->name, e[i].dir))
                m = out->items[k];
        if (!m) {
            const char *dn = e[i].parent;
            const char *version = dn;
            if (fw == PB_FW_DIESEL) {
                /* version_from_string: the part before the first '_', '-' removed */
                char *v = pb_arena_strdup(a, dn), *w = v;
                for (const char *p = dn; *p && *p != '_'; p++)
                    if (*p != '-')
                        *w++ = *p;
                *w = '\0';
                version = v;
            }
            m = pb_framework__add(a, out, version, e[i].dir);
            m->expects_down = fw == PB_FW_DIESEL;
        }
        pb_part *p = file_part(a, fw, e[i].src, down);
        if (fw == PB_FW_DIESEL && side_is(read_side(a, pb_arena_sprintf(a, "%s/metadata.toml", e[i].dir)),
                                          "run_in_transaction", "false")) {
            p->tx = PB_TX_ONE_QUERY;
            p->tx_reason =
                "metadata.toml says run_in_transaction = false, but diesel still sends the file as one "
                "query string, which PostgreSQL runs as one implicit transaction when it has several "
                "statements";
        }
        if (fw == PB_FW_PRISMA && down)
            p->tx_reason = "a down.sql is applied by hand (prisma db execute) as one query string, which "
                           "PostgreSQL runs as one implicit transaction when it has several statements";
        if (down)
            m->down = p;
        else
            m->up = p;
    }
    for (size_t k = 0; k < out->len; k++) { /* a down.sql without up.sql */
        pb_migration *m = out->items[k];
        if (m->expects_down && !m->down && !m->rank)
            m->expects_down = !file_exists(a, m->name, "down.sql"); /* on disk, not given to lint */
        if (m->up)
            continue;
        m->up = pb_framework__part(a, m->down->src, 0, 0, false, m->down->tx, NULL);
        pb_framework__problem(a, out, m->down->src, 0,
                              fw == PB_FW_DIESEL
                                  ? "this migration folder has no up.sql: diesel ignores it"
                                  : "this migration folder has no migration.sql: Prisma ignores "
                                    "it");
    }
}

/* ---- named files: golang-migrate, sqlx, Flyway, refinery --------------------------------- */

static bool flyway_callback(const char *base)
{
    return (!strncmp(base, "before", 6) && isupper((unsigned char)base[6])) ||
           (!strncmp(base, "after", 5) && isupper((unsigned char)base[5]));
}

static void load_named(pb_arena *a, pb_framework fw, int pg_version, entry *e, size_t n,
                       pb_migration_set *out)
{
    bool any_down = false;
    for (size_t i = 0; i < n; i++) {
        const char *b = e[i].base;
        int kind = updown_kind(b);
        char fk = fw == PB_FW_FLYWAY ? flyway_kind(b) : 0;
        const char *version, *name;
        bool down = false, dialect = false;
        if (fw == PB_FW_FLYWAY) {
            if (!fk && flyway_callback(b)) {
                /* an SQL callback (beforeMigrate.sql, afterMigrate__x.sql, ...):
                   placeholders are replaced; no transaction is assumed */
                pb_migration *m = pb_framework__add(a, out, "", e[i].path);
                m->rank = 2;
                m->up = file_part(a, PB_FW_FLYWAY, e[i].src, false);
                m->up->tx = PB_TX_NONE;
                m->up->tx_reason = NULL;
                continue;
            }
            if (!fk) {
                stray(a, out, &e[i],
                      "Flyway does not run this file: its name is not V<version>__<desc>.sql, "
                      "U<version>__<desc>.sql, B<version>__<desc>.sql or R__<desc>.sql");
                continue;
            }
            const char *sep = strstr(b, "__");
            char *v = pb_arena_strndup(a, b + 1, fk == 'R' ? 0 : (size_t)(sep - b - 1));
            for (char *p = v; *p; p++)
                if (*p == '_')
                    *p = '.';
            version = v;
            name = strip_sql(a, sep + 2);
            if (fk == 'B')
                name = pb_arena_sprintf(a, "baseline %s", name);
            down = fk == 'U';
        } else if (fw == PB_FW_REFINERY) {
            if (!refinery_name(b)) {
                stray(a, out, &e[i],
                      "refinery does not run this file: its name is not V<version>__<name>.sql or "
                      "U<version>__<name>.sql");
                continue;
            }
            version = leading_digits(a, b + 1);
            name = strip_sql(a, strstr(b, "__") + 2);
        } else {
            bool simple = fw == PB_FW_SQLX && !kind && digits_name(b);
            if (!kind && !simple) {
                stray(a, out, &e[i],
                      fw == PB_FW_SQLX
                          ? "sqlx does not run this file: its name is not <version>_<description>.sql "
                            "or .up.sql/.down.sql"
                          : "golang-migrate does not run this file: its name is not "
                            "{version}_{title}.up.sql or .down.sql");
                continue;
            }
            version = leading_digits(a, b);
            size_t bl = strlen(b);
            size_t strip = kind == 1 ? 7 : kind == 2 ? 9 : 4;
            const char *us = strchr(b, '_');
            name = pb_arena_strndup(a, us + 1, bl - strip - (size_t)(us + 1 - b));
            down = kind == 2;
            /* pop / ory popx: {version}_{name}[.{dialect}].(up|down).sql; the
               postgres file replaces the generic one, other dialects' files
               are not for PostgreSQL */
            const char *dot = strrchr(name, '.');
            if (kind && dot) {
                static const char *const dialects[] = {"postgres", "cockroach", "mysql",
                                                       "sqlite3",  "sqlite",    "mssql"};
                int dl = -1;
                for (int k = 0; k < 6; k++)
                    if (!strcmp(dot + 1, dialects[k]))
                        dl = k;
                if (dl > 0) {
                    e[i].used = true;
                    continue;
                }
                if (dl == 0) {
                    dialect = true;
                    name = pb_arena_strndup(a, name, (size_t)(dot - name));
                }
            }
        }
        any_down |= down;
        pb_migration *m = NULL;
        for (size_t k = 0; k < out->len && fk != 'R'; k++) {
            pb_migration *x = out->items[k];
            if (x->rank)
                continue;
            bool same;
            if (fw == PB_FW_FLYWAY)
                same = !flyway_vcmp(x->version, version) &&
                       (strncmp(x->name, "baseline ", 9) == 0) == (fk == 'B');
            else
                same = fw != PB_FW_REFINERY && !strcmp(x->version, version) && !strcmp(x->name, name);
            if (!same)
                continue;
            pb_part *have = down ? x->down : x->up;
            if (have && (fw == PB_FW_GOLANG_MIGRATE || fw == PB_FW_SQLX)) {
                /* pop: a generic file and a .postgres. file of one version */
                bool have_dialect = strstr(base_of(have->src->path), ".postgres.") != NULL;
                if (have_dialect && !dialect)
                    goto next_file;
                if (!have_dialect && dialect)
                    have = NULL;
            }
            if (!have)
                m = x;
        }
        if (!m) {
            m = pb_framework__add(a, out, version, name);
            m->rank = fk == 'R';
        } else if (!down && fw == PB_FW_FLYWAY) {
            m->name = name; /* the V file names the migration */
        }
        pb_part *p = file_part(a, fw, e[i].src, down);
        if (fw == PB_FW_FLYWAY) {
            const char *conf = read_side(a, pb_arena_sprintf(a, "%s.conf", e[i].path));
            if (side_is(conf, "placeholderReplacement", "false"))
                p->nopaque = 0;
            if (side_is(conf, "executeInTransaction", "false")) {
                p->tx = PB_TX_NONE;
                p->tx_reason =
                    "the .sql.conf says executeInTransaction=false: Flyway runs each statement on its "
                    "own";
            } else {
                pb_framework__flyway_auto(a, out, p, pg_version, side_is(conf, "mixed", "true"));
            }
        }
        if (down)
            m->down = p;
        else
            m->up = p;
    next_file:;
    }
    for (size_t k = 0; k < out->len; k++) {
        pb_migration *m = out->items[k];
        if (!m->rank)
            m->expects_down = any_down;
        if (m->up)
            continue;
        m->up = pb_framework__part(a, m->down->src, 0, 0, false, m->down->tx, NULL);
        if (fw == PB_FW_FLYWAY)
            pb_framework__problem(
                a, out, m->down->src, 0,
                pb_arena_sprintf(a,
                                 "no V%s__ migration for this undo script: Flyway undoes versioned "
                                 "migrations only (for refinery, where U<n>__ is a forward "
                                 "migration, use --framework refinery)",
                                 m->version));
        else
            pb_framework__problem(
                a, out, m->down->src, 0,
                "a down migration without its up migration: the tool cannot apply this version");
    }
}

/* ---- Atlas: atlas.sum lists the files ------------------------------------------------------ */

static void atlas_check_sum(pb_arena *a, entry *e, size_t n, pb_migration_set *out)
{
    const char *dir = NULL, *sum = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!dir || strcmp(dir, e[i].dir)) {
            dir = e[i].dir;
            sum = read_side(a, pb_arena_sprintf(a, "%s/atlas.sum", dir));
        }
        if (!sum)
            continue;
        /* "<file> h1:<hash>" lines after the first (ariga/atlas sql/migrate dir.go HashFile) */
        size_t bl = strlen(e[i].base);
        bool listed = false;
        for (const char *p = sum; p && *p && !listed; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
            listed = !strncmp(p, e[i].base, bl) && p[bl] == ' ';
        if (!listed)
            pb_framework__problem(a, out, e[i].src, 0,
                                  "this file is not in atlas.sum: Atlas refuses to run the directory "
                                  "(checksum mismatch) until 'atlas migrate hash' updates it");
    }
}

/* ---- tern: 1, 2, 3, ... ----------------------------------------------------------------- */

static void tern_check_sequence(pb_arena *a, pb_migration_set *out)
{
    /* jackc/tern migrate.go: \A(\d+)_.+\.sql\z, contiguous from 1
       ("Missing migration %d", "Duplicate migration %d") */
    long expect = 1;
    for (size_t k = 0; k < out->len; k++) {
        pb_migration *m = out->items[k];
        if (m->rank)
            continue;
        errno = 0;
        long v = strtol(m->version, NULL, 10);
        if (errno == ERANGE || v == LONG_MAX) {
            /* found by fuzzing: expect = v + 1 overflowed */
            pb_framework__problem(a, out, m->up->src, 0,
                                  pb_arena_sprintf(a,
                                                   "migration number %s is too large: tern needs numbers "
                                                   "contiguous from 1",
                                                   m->version));
            return;
        }
        if (v == expect - 1 && k > 0)
            pb_framework__problem(
                a, out, m->up->src, 0,
                pb_arena_sprintf(a, "a second migration %ld: tern refuses duplicate numbers", v));
        else if (v != expect)
            pb_framework__problem(
                a, out, m->up->src, 0,
                pb_arena_sprintf(a,
                                 "migration %ld follows %ld: tern needs numbers contiguous from 1 "
                                 "(missing migration %ld)",
                                 v, expect - 1, expect));
        expect = v + 1;
    }
}

void pb_framework_load(pb_arena *a, const pb_options *opt, const char *const *files, size_t nfiles,
                       bool do_detect, pb_framework fw, pb_migration_set *out)
{
    pb_framework_load_overlay(a, opt, files, nfiles, do_detect, fw, NULL, NULL, 0, out);
}

void pb_framework_load_overlay(pb_arena *a, const pb_options *opt, const char *const *files, size_t nfiles,
                               bool do_detect, pb_framework fw, const char *overlay_path, const char *text,
                               size_t len, pb_migration_set *out)
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
        pb_status st = PB_OK;
        if (overlay_path && !strcmp(overlay_path, x->path)) {
            x->src = len <= cap && len < UINT32_MAX ? pb_source_new(a, x->path, text, len) : NULL;
            size = len;
        } else {
            st = pb_source_read(a, x->path, x->path, cap, &x->src, &size, &err);
        }
        if (st != PB_OK) {
            pb_framework__unreadable(a, out, x->path, err, 0);
            continue;
        }
        if (!x->src) {
            pb_framework__unreadable(a, out, x->path, NULL, size);
            continue;
        }
        x->markers = pb_framework_detect_source(x->src);
        sqitch_locate(a, x);
        n++;
    }
    out->framework = do_detect ? detect(a, out, e, n) : fw;
    out->detected = do_detect;
    fw = out->framework;

    switch (fw) {
    case PB_FW_SQITCH: load_sqitch(a, e, n, out); break;
    case PB_FW_DIESEL:
    case PB_FW_PRISMA: load_folders(a, fw, e, n, out); break;
    case PB_FW_GOLANG_MIGRATE:
    case PB_FW_SQLX:
    case PB_FW_FLYWAY:
    case PB_FW_REFINERY:
        load_named(a, fw, opt && opt->pg_version ? opt->pg_version : PB_PG_VERSION_DEFAULT, e, n, out);
        break;
    default:
        for (size_t i = 0; i < n; i++) {
            pb_framework f = fw;
            if (fw == PB_FW_TERN && !digits_name(e[i].base)) {
                stray(a, out, &e[i], "tern does not run this file: its name is not <number>_<name>.sql");
                continue;
            }
            if (fw == PB_FW_PLAIN && e[i].markers != PB_FW_PLAIN)
                f = e[i].markers; /* a file with markers in a plain directory */
            const char *version = fw == PB_FW_LIQUIBASE ? e[i].path
                                  : fw == PB_FW_ATLAS   ? e[i].base
                                                        : leading_digits(a, e[i].base);
            pb_framework_split_source(a, f, e[i].src, out, version, e[i].base);
        }
        if (fw == PB_FW_ATLAS)
            atlas_check_sum(a, e, n, out);
        break;
    }
    sort_set(a, fw, out->items, out->len);
    if (fw == PB_FW_TERN)
        tern_check_sequence(a, out);
    if (fw == PB_FW_TERN || fw == PB_FW_NODE_PG_MIGRATE) {
        /* down sections are optional: the project uses them if any file has one */
        bool any = false;
        for (size_t k = 0; k < out->len; k++)
            any |= out->items[k]->down != NULL;
        for (size_t k = 0; k < out->len; k++)
            if (!out->items[k]->rank)
                out->items[k]->expects_down = any;
    }
}
