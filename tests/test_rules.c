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

/* Lints `sql` and returns the first finding of rule `id` (NULL if none);
 * the result stays allocated in `res` until pb_result_free. */
static const pb_diag *finding(pb_result *res, const char *sql, const char *id)
{
    pb_options opt = {0};
    pb_lint_buffer(&opt, "regression.sql", sql, strlen(sql), res);
    for (size_t i = 0; i < res->ndiags; i++)
        if (!strcmp(pb_rule_id(res->diags[i].rule), id))
            return &res->diags[i];
    return NULL;
}

static bool mentions(const char *text, const char *part)
{
    return text && strstr(text, part) != NULL;
}

/* Message defects found in review (issue 3), each with the statement that
 * showed it. */
static void regressions(void)
{
    pb_result res;
    /* a named inline CHECK in ADD COLUMN: the help kept PostgreSQL's default
       name (t_c_check) instead of the user's */
    const pb_diag *d = finding(&res,
                               "SET lock_timeout = '5s';\n"
                               "ALTER TABLE t ADD COLUMN c int CONSTRAINT c_pos CHECK (c > 0);",
                               "add-check-validates");
    OK(d != NULL);
    CHECK_(d && mentions(d->help, "ADD CONSTRAINT c_pos CHECK (c > 0) NOT VALID") &&
               mentions(d->help, "VALIDATE CONSTRAINT c_pos;") && !mentions(d->help, "t_c_check"),
           "named inline CHECK help: %s", d ? d->help : "(none)");
    pb_result_free(&res);
    /* ... and an unnamed one gets the name PostgreSQL gives it */
    d = finding(&res, "SET lock_timeout = '5s';\nALTER TABLE t ADD COLUMN c int CHECK (c > 0);",
                "add-check-validates");
    CHECK_(d && mentions(d->help, "ADD CONSTRAINT t_c_check CHECK (c > 0)"), "unnamed inline CHECK help: %s",
           d ? d->help : "(none)");
    pb_result_free(&res);

    /* template regions are parsed as 'x' runs; findings showed "xxxxxxxxx.users" */
    static const char *goose = "-- +goose Up\n-- +goose ENVSUB ON\nSET lock_timeout = '5s';\n"
                               "CREATE INDEX ON ${schema}.users_${env} (score);\n"
                               "ALTER TABLE ${schema}.users ADD COLUMN c int CHECK (c > 0);\n"
                               "-- +goose Down\nSELECT 1;\n";
    d = finding(&res, goose, "create-index-non-concurrent");
    CHECK_(d && mentions(d->message, "\"${schema}.users_${env}\"") &&
               mentions(d->help, "ON ${schema}.users_${env} (score)") && !mentions(d->message, "xxx") &&
               !mentions(d->help, "xxx"),
           "template names: %s / %s", d ? d->message : "(none)", d ? d->help : "");
    pb_result_free(&res);
    d = finding(&res, goose, "rollback-does-not-undo");
    CHECK_(d && mentions(d->message, "\"${schema}.users_${env}_score_idx\""), "derived template name: %s",
           d ? d->message : "(none)");
    for (size_t i = 0; i < res.ndiags; i++)
        CHECK_(!mentions(res.diags[i].message, "xxx") && !mentions(res.diags[i].help, "xxx"),
               "placeholder left in %s: %s", pb_rule_id(res.diags[i].rule), res.diags[i].message);
    pb_result_free(&res);

    /* ADD COLUMN ... NOT NULL without a default on a table emptied in the
       same transaction cannot fail */
    static const struct {
        const char *sql;
        bool fires;
    } empty[] = {
        {"BEGIN;\nSET LOCAL lock_timeout = '5s';\nTRUNCATE t;\nALTER TABLE t ADD COLUMN c int NOT "
         "NULL;\nCOMMIT;",
         false},
        {"BEGIN;\nSET LOCAL lock_timeout = '5s';\nDELETE FROM t;\nALTER TABLE t ADD COLUMN c int NOT "
         "NULL;\nCOMMIT;",
         false},
        {"BEGIN;\nSET LOCAL lock_timeout = '5s';\nTRUNCATE other;\nALTER TABLE t ADD COLUMN c int NOT "
         "NULL;\nCOMMIT;",
         true},
        {"BEGIN;\nSET LOCAL lock_timeout = '5s';\nDELETE FROM t WHERE old;\nALTER TABLE t ADD COLUMN c int "
         "NOT "
         "NULL;\nCOMMIT;",
         true},
        {"BEGIN;\nSET LOCAL lock_timeout = '5s';\nTRUNCATE t;\nCOPY t FROM '/data/t.csv';\nALTER TABLE t ADD "
         "COLUMN c int "
         "NOT NULL;\nCOMMIT;",
         true},
        /* autocommit: rows may arrive between the statements */
        {"SET lock_timeout = '5s';\nTRUNCATE t;\nALTER TABLE t ADD COLUMN c int NOT NULL;", true},
        {"BEGIN;\nTRUNCATE t;\nCOMMIT;\nBEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE t ADD COLUMN c "
         "int "
         "NOT NULL;\nCOMMIT;",
         true},
    };
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        d = finding(&res, empty[i].sql, "add-column-not-null-no-default");
        CHECK_((d != NULL) == empty[i].fires, "add-column-not-null-no-default %s on:\n%s",
               empty[i].fires ? "did not fire" : "fired", empty[i].sql);
        pb_result_free(&res);
    }
}

void test_rules_examples(void)
{
    regressions();
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
