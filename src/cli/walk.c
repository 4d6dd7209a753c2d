/* What the subcommands share: option tables, directory walking (*.sql
 * files below a directory, in name order, with fts(3)) and the grouping of
 * files into migration sets. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <fts.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

static int fts_cmp(const FTSENT **a, const FTSENT **b)
{
    return strcmp((*a)->fts_name, (*b)->fts_name);
}

bool pb_cli_is_sql(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".sql") == 0;
}

/* Walks a directory with fts(3), following symbolic links (fts reports a
 * directory cycle as FTS_DC instead of looping). */
void pb_cli_walk_sql(const char *root, void (*add)(void *ud, const char *path, const char *error), void *ud)
{
    pb_cli_walk_sql_max(root, 0, add, ud);
}

void pb_cli_walk_sql_max(const char *root, size_t max_entries,
                         void (*add)(void *ud, const char *path, const char *error), void *ud)
{
    size_t seen = 0;
    char *paths[] = {(char *)root, NULL};
    FTS *fts = fts_open(paths, FTS_LOGICAL | FTS_NOCHDIR, fts_cmp);
    if (!fts) {
        char msg[512];
        snprintf(msg, sizeof msg, "cannot read directory '%s': %s", root, strerror(errno));
        add(ud, root, msg);
        return;
    }
    FTSENT *e;
    while ((e = fts_read(fts))) {
        char msg[4200];
        if (max_entries && ++seen > max_entries) {
            snprintf(msg, sizeof msg, "stopped reading '%s' after %zu entries", root, max_entries);
            add(ud, root, msg);
            break;
        }
        switch (e->fts_info) {
        case FTS_D:
            if (e->fts_level > 0 && e->fts_name[0] == '.') /* .git, .venv, ... */
                fts_set(fts, e, FTS_SKIP);
            break;
        case FTS_F:
            if (pb_cli_is_sql(e->fts_name))
                add(ud, e->fts_path, NULL);
            break;
        case FTS_DC:
            /* fts_path of another entry shares fts's path buffer: print only
               its own fts_pathlen bytes */
            snprintf(msg, sizeof msg, "directory cycle at '%s': it links back to '%.*s'; not followed",
                     e->fts_path, e->fts_cycle ? (int)e->fts_cycle->fts_pathlen : 1,
                     e->fts_cycle ? e->fts_cycle->fts_path : "?");
            add(ud, e->fts_path, msg);
            break;
        case FTS_DNR:
        case FTS_ERR:
        case FTS_NS:
            snprintf(msg, sizeof msg, "cannot read '%s': %s", e->fts_path, strerror(e->fts_errno));
            add(ud, e->fts_path, msg);
            break;
        case FTS_SLNONE:
            if (pb_cli_is_sql(e->fts_name)) {
                struct stat sb;
                bool loop = stat(e->fts_accpath, &sb) != 0 && errno == ELOOP;
                snprintf(msg, sizeof msg, "cannot read '%s': %s", e->fts_path,
                         loop ? "symbolic link loop" : "dangling symbolic link");
                add(ud, e->fts_path, msg);
            }
            break;
        case FTS_DEFAULT:
            /* a FIFO, socket or device named *.sql: opening a FIFO would
               block the run until something writes to it, so it is not
               opened; said, not silently dropped */
            if (pb_cli_is_sql(e->fts_name)) {
                mode_t m = e->fts_statp ? e->fts_statp->st_mode : 0;
                snprintf(msg, sizeof msg, "cannot read '%s': not a regular file (%s); not opened",
                         e->fts_path,
                         S_ISFIFO(m)   ? "a FIFO"
                         : S_ISSOCK(m) ? "a socket"
                         : S_ISCHR(m)  ? "a character device"
                         : S_ISBLK(m)  ? "a block device"
                                       : "of an unknown kind");
                add(ud, e->fts_path, msg);
            }
            break;
        default: break;
        }
    }
    fts_close(fts);
}

/* The directory whose files form one migration set: the parent directory,
 * or for per-migration folders (diesel up.sql/down.sql, Prisma
 * migration.sql) the folder above it, or for sqitch scripts (below
 * deploy/, revert/ or verify/ of a directory holding sqitch.plan) that
 * directory. */
char *pb_cli_set_dir(const char *path)
{
    char *k = strdup(path);
    char *slash = strrchr(k, '/');
    if (!slash) {
        strcpy(k, ".");
        return k;
    }
    const char *base = slash + 1;
    bool per_folder = !strcmp(base, "up.sql") || !strcmp(base, "down.sql") || !strcmp(base, "migration.sql");
    *slash = '\0';
    /* sqitch: change names may hold '/', so look up a few levels */
    char *d = k;
    for (int depth = 0; depth < 16; depth++) {
        char *s = strrchr(d, '/');
        const char *name = s ? s + 1 : d;
        if (!strcmp(name, "deploy") || !strcmp(name, "revert") || !strcmp(name, "verify")) {
            size_t rl = s ? (size_t)(s - d) : 0;
            char *plan = malloc(rl + 16);
            snprintf(plan, rl + 16, "%.*s%ssqitch.plan", (int)rl, d, s ? "/" : "");
            bool found = access(plan, F_OK) == 0;
            free(plan);
            if (found) {
                if (s)
                    *s = '\0';
                else
                    strcpy(k, ".");
                return k;
            }
        }
        if (!s)
            break;
        *s = '\0';
    }
    /* nothing found: undo the cuts */
    free(k);
    k = strdup(path);
    slash = strrchr(k, '/');
    *slash = '\0';
    if (per_folder) {
        char *up = strrchr(k, '/');
        if (up)
            *up = '\0';
        else
            strcpy(k, ".");
    }
    return k;
}

void pb_cli_long_options(const pb_opt_doc *docs, size_t n, struct option *lo)
{
    for (size_t i = 0; i < n; i++)
        lo[i] = docs[i].o;
    memset(&lo[n], 0, sizeof lo[n]);
}

void pb_cli_print_options(FILE *f, const pb_opt_doc *docs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", docs[i].o.name, docs[i].arg ? " " : "",
                 docs[i].arg ? docs[i].arg : "");
        fprintf(f, "  %-28s %s\n", left, docs[i].help);
    }
}
