/* Fuzz target: the plan path. The input is a "==> NAME <==" container
 * (fuzz.h) unpacked into a scratch directory and loaded as one migration
 * set (detected, or forced by the first byte), linted, then each migration
 * is planned against the catalog the ones before it left (as
 * `pgbelay plan` does), its phases rendered in the framework's format and
 * written into a fresh directory (pb_framework_render,
 * pb_framework_write_files), and replayed into the catalog.
 * seeds: dirs 040000
 */
#include "fuzz.h"
#include "framework/write.h"
#include "plan/plan.h"

typedef struct collected {
    pb_result v[FZ_MAX_FILES + 8];
    size_t n;
} collected;

static void collect(void *ud, pb_result *res)
{
    collected *c = ud;
    if (c->n < sizeof c->v / sizeof c->v[0])
        c->v[c->n++] = *res;
    else
        pb_result_free(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    uint8_t sel = fz_byte(&in), fsel = fz_byte(&in), psel = fz_byte(&in);
    pb_options opt = fz_options(sel);
    opt.max_file_size = 0;
    bool detect = fsel < 128;
    pb_framework fw = (pb_framework)(fsel % PB_FW__COUNT);
    pb_plan_options po = {
        .pg_version = opt.pg_version,
        .lock_timeout = (psel & 1) ? "500ms" : NULL,
        .batch_size = (psel & 2) ? 1 : 0,
        .sync_app = (psel & 4) != 0,
    };

    char root[512], out_dir[512];
    snprintf(root, sizeof root, "%s/plan-in", fz_scratch());
    snprintf(out_dir, sizeof out_dir, "%s/plan-out", fz_scratch());
    fz_rm_tree(out_dir);
    fz_files files;
    fz_unpack(root, in.p, in.n, &files);

    pb_arena *a = pb_arena_new();
    pb_migration_set set;
    pb_framework_load(a, &opt, (const char *const *)files.path, files.n, detect, fw, &set);
    collected *res = calloc(1, sizeof *res);
    pb_lint__set(&opt, &set, collect, res, NULL, NULL);
    pb_catalog *cat = pb_lint__start_catalog(&opt, a);
    for (size_t m = 0; m < set.len; m++) {
        const pb_migration *mig = set.items[m];
        if (mig->rank < 2) {
            const pb_diag *diags = NULL;
            size_t nd = 0;
            for (size_t r = 0; r < res->n; r++)
                if (res->v[r].source == mig->up->src) {
                    diags = res->v[r].diags;
                    nd = res->v[r].ndiags;
                }
            pb_plan pl;
            pb_plan_migration(a, &po, mig, cat, diags, nd, &pl);
            if (!pl.nothing_to_change && pl.nphases) {
                pb_phase_spec *specs = pb_arena_alloc(a, pl.nphases * sizeof *specs);
                for (size_t i = 0; i < pl.nphases; i++)
                    specs[i] = (pb_phase_spec){.slug = pl.phases[i].slug,
                                               .comment = pl.phases[i].title,
                                               .up = pl.phases[i].up,
                                               .nup = pl.phases[i].nup,
                                               .down = pl.phases[i].down,
                                               .ndown = pl.phases[i].down ? pl.phases[i].ndown : 0,
                                               .transactional = pl.phases[i].transactional};
                pb_out_file *out;
                size_t nout;
                const char *err = NULL;
                if (pb_framework_render(a, set.framework, out_dir, specs, pl.nphases, 1700000000, &out, &nout,
                                        &err))
                    pb_framework_write_files(a, out_dir, out, nout, &err);
            }
        }
        pb_lint__replay_part(mig->up, cat, m, NULL, NULL);
    }
    for (size_t r = 0; r < res->n; r++)
        pb_result_free(&res->v[r]);
    free(res);
    pb_arena_free(a);
    fz_files_free(&files);
    return 0;
}
