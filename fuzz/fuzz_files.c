/* Fuzz target: a migration directory. The input is a "==> NAME <==" container
 * (fuzz.h) of file names and contents, unpacked into a scratch directory:
 * the directory walk, framework detection from names, markers and side
 * files (sqitch.plan, diesel metadata.toml, Flyway .sql.conf, atlas.sum,
 * Prisma migration_lock.toml), file-name parsing and ordering, up/down
 * pairing, then lint of the set and every reporter. The first byte picks
 * the options and whether the framework is detected or forced (and which).
 * seeds: dirs 0400
 */
#include "fuzz.h"

#include "cli/cli.h"

typedef struct list {
    char *v[256];
    size_t n;
} list;

static void add(void *ud, const char *path, const char *error)
{
    list *l = ud;
    if (!error && l->n < 256)
        l->v[l->n++] = strdup(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    uint8_t sel = fz_byte(&in), fsel = fz_byte(&in);
    pb_options opt = fz_options(sel);
    bool detect = fsel < 128;
    pb_framework fw = (pb_framework)(fsel % PB_FW__COUNT);

    char root[512];
    snprintf(root, sizeof root, "%s/files", fz_scratch());
    fz_files files;
    fz_unpack(root, in.p, in.n, &files);
    list l = {.n = 0};
    pb_cli_walk_sql(root, add, &l);

    pb_arena *a = pb_arena_new();
    pb_migration_set set;
    pb_framework_load(a, &opt, (const char *const *)l.v, l.n, detect, fw, &set);
    fz_lint_set(&opt, &set);
    pb_arena_free(a);
    for (size_t i = 0; i < l.n; i++)
        free(l.v[i]);
    fz_files_free(&files);
    return 0;
}
