/* Fuzz target: the whole lint path of one file on arbitrary bytes
 * (pb_lint_buffer: source, framework markers, parse, lower, catalog,
 * rules) and every reporter on its result. The first byte picks the
 * options (PostgreSQL version, assume_in_transaction, a small size cap).
 * seeds: sql 04
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    pb_options opt = fz_options(fz_byte(&in));
    pb_result res;
    pb_lint_buffer(&opt, "fuzz.sql", (const char *)in.p, in.n, &res);
    fz_report(&res);
    pb_result_free(&res);
    return 0;
}
