/* Rule examples as tests: every `bad` example of rules/<id>.yaml must fire
 * that rule, every `good` one must not (with the example's --pg-version and
 * --assume-in-transaction). Also checks registry invariants. */
#include <stdlib.h>

#include "rules/rule.h"
#include "test.h"

static bool fires(const pb_rule_info *r, const pb_rule_example *x, size_t *ndiags)
{
    pb_options opt = {.pg_version = x->pg_version, .assume_in_transaction = x->assume_in_transaction};
    pb_result res;
    pb_lint_buffer(&opt, "example.sql", x->sql, strlen(x->sql), &res);
    bool hit = false;
    for (size_t i = 0; i < res.ndiags; i++)
        if (res.diags[i].rule == r)
            hit = true;
    *ndiags = res.ndiags;
    pb_result_free(&res);
    return hit;
}

void test_rules_examples(void)
{
    size_t n;
    const pb_rule_info *const *rules = pb_rules(&n);
    OK(n >= 6);
    for (size_t i = 0; i < n; i++) {
        const pb_rule_info *r = rules[i];
        /* registry invariants: codes ascend (generator sorts), ids unique */
        if (i > 0)
            CHECK_(strcmp(rules[i - 1]->code, r->code) < 0, "codes not ascending: %s, %s", rules[i - 1]->code,
                   r->code);
        OK(pb_rule_find(r->id) == r);
        OK(pb_rule_find(r->code) == r);
        CHECK_(strcmp(r->stage, "op") != 0 || r->check != NULL, "%s: op rule without a check function",
               r->id);
        CHECK_(r->explain && strstr(r->explain, r->id), "%s: explain text does not name the rule", r->id);
        for (size_t k = 0; k < r->nexamples; k++) {
            const pb_rule_example *x = &r->examples[k];
            size_t nd;
            bool hit = fires(r, x, &nd);
            if (x->bad)
                CHECK_(hit, "%s: bad example %zu did not fire (pg %d%s):\n%s", r->id, k, x->pg_version,
                       x->assume_in_transaction ? ", in transaction" : "", x->sql);
            else
                CHECK_(!hit, "%s: good example %zu fired (pg %d%s):\n%s", r->id, k, x->pg_version,
                       x->assume_in_transaction ? ", in transaction" : "", x->sql);
        }
    }
    OK(pb_rule_find("no-such-rule") == NULL);
}
