/* `pgbelay lint --format markdown`: the phases `pgbelay plan` proposes for
 * each linted migration with findings, computed against the same migration
 * set and replayed catalog as `pgbelay plan` uses, rendered as Markdown
 * for the report's collapsed <details>. */
#include <stdlib.h>

#include "cli/cli.h"
#include "lint/lint.h"
#include "plan/plan.h"
#include "report/report.h"

void pb_cli_plan_results(const pb_options *opt, const pb_migration_set *set, const pb_result *res, size_t n,
                         char **plans)
{
    pb_arena *a = pb_arena_new();
    pb_plan_options po = {.pg_version = opt->pg_version};
    pb_catalog *cat = pb_lint__start_catalog(opt, a);
    for (size_t m = 0; m < set->len; m++) {
        const pb_migration *mig = set->items[m];
        for (size_t r = 0; r < n && mig->rank < 2; r++) {
            if (res[r].source != mig->up->src || res[r].ndiags == 0 || plans[r])
                continue;
            pb_plan pl;
            pb_plan_migration(a, &po, mig, cat, res[r].diags, res[r].ndiags, &pl);
            plans[r] = pb_report_plan_markdown(&pl);
        }
        pb_lint__replay_part(mig->up, cat, m, NULL, NULL);
    }
    pb_arena_free(a);
}
