/* Fuzz target: `.pgbelay.yaml` parsing and custom-rule regex compilation.
 * The bytes before the first "==> NAME <==" line (fuzz.h) are the config,
 * written to a scratch .pgbelay.yaml and loaded with pb_config_load
 * (libyaml events, the key table, PCRE2 compilation of naming and
 * statement patterns: every problem must come back in cfg->errors); the
 * effective configuration is printed, then the bytes after that line are
 * linted with the config applied, so the compiled patterns run under their
 * match and depth limits.
 * seeds: config
 * needs: src/config/config.h
 */
#include "fuzz.h"

#include "config/config.h"
#include "core/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    const char *h = fz_find_header(p, end);
    const char *mig = h ? memchr(h, '\n', (size_t)(end - h)) : NULL;
    mig = mig ? mig + 1 : end;

    char path[512];
    snprintf(path, sizeof path, "%s/.pgbelay.yaml", fz_scratch());
    if (!fz_write_file(path, p, h ? (size_t)(h - p) : size))
        abort();
    pb_config *cfg = pb_config_load(path);
    pb_buf b = {0};
    pb_config_print(cfg, &b);
    pb_buf_release(&b);
    (void)pb_config_excluded(cfg, "db/migrations/001_init.sql");
    size_t npaths;
    (void)pb_config_paths(cfg, &npaths);

    pb_options opt = {0};
    pb_config_apply(cfg, &opt);
    pb_result res;
    pb_lint_buffer(&opt, "migration.sql", mig, (size_t)(end - mig), &res);
    fz_report(&res);
    pb_result_free(&res);
    pb_config_free(cfg);
    return 0;
}
