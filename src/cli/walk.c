/* Directory walking shared by the subcommands: *.sql files below a
 * directory, in name order, with fts(3). */
#include <errno.h>
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
        default: break;
        }
    }
    fts_close(fts);
}
