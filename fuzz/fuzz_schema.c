/* Fuzz target: --schema seeding. The bytes before the first "==> NAME <=="
 * line are a schema dump (pg_dump --schema-only, structure.sql), written
 * to a scratch file and loaded with pb_schema_load (psql meta-commands,
 * COPY data, syntax errors as problems); the bytes after that line are a
 * migration linted against the seeded catalog (pb_lint_buffer with
 * opt.schema), then every reporter.
 * seeds: schema 04
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    pb_options opt = fz_options(fz_byte(&in));
    opt.max_file_size = 0;
    const char *p = (const char *)in.p, *end = p + in.n;
    const char *h = fz_find_header(p, end);
    const char *mig = h ? memchr(h, '\n', (size_t)(end - h)) : NULL;
    mig = mig ? mig + 1 : end;

    char path[512];
    snprintf(path, sizeof path, "%s/schema.sql", fz_scratch());
    if (!fz_write_file(path, p, h ? (size_t)(h - p) : in.n))
        abort();
    char *err = NULL;
    pb_schema *s = pb_schema_load(&opt, path, &err);
    if (!s) {
        free(err);
        return 0;
    }
    for (size_t i = 0; pb_schema_problem(s, i); i++)
        (void)strlen(pb_schema_problem(s, i));
    (void)pb_schema_ntables(s);
    opt.schema = s;
    pb_result res;
    pb_lint_buffer(&opt, "migration.sql", mig, (size_t)(end - mig), &res);
    fz_report(&res);
    pb_result_free(&res);
    pb_schema_free(s);
    return 0;
}
