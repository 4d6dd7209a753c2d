/* Suppression comments (-- pgbelay-ignore, -- pgbelay-ignore-file) and the
 * config's rule settings, applied to one source's findings before they
 * are handed out; unused and reason-less directives become findings. */
#define _GNU_SOURCE /* memmem */
#include "lint/suppress.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "rules/pipeline.h"

typedef struct directive {
    bool file;      /* pgbelay-ignore-file */
    pb_span at;     /* the comment, from its "--" to the end of its line */
    pb_span target; /* the statement it applies to (statement directives) */
    bool has_target;
    const char **rules; /* as written */
    bool *used;
    size_t nrules;
    bool has_reason;
} directive;

static int span_cmp(const void *a, const void *b)
{
    const pb_span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Parses the comment text t[s..e) (after "--"); false if it is no directive. */
static bool parse_directive(pb_arena *a, const char *t, uint32_t s, uint32_t e, directive *d)
{
    while (s < e && is_space(t[s]))
        s++;
    static const char kw[] = "pgbelay-ignore";
    size_t kl = sizeof kw - 1;
    if (e - s < kl || strncmp(t + s, kw, kl) != 0)
        return false;
    s += (uint32_t)kl;
    memset(d, 0, sizeof *d);
    if (e - s >= 5 && !strncmp(t + s, "-file", 5)) {
        d->file = true;
        s += 5;
    }
    if (s < e && !is_space(t[s]) && t[s] != ':')
        return false; /* pgbelay-ignored, pgbelay-ignore-files: not ours */
    /* the reason follows the first colon that does not belong to a rule
       id: "custom:NAME" keeps its colon */
    uint32_t colon = s;
    while (colon < e) {
        if (t[colon] == ':') {
            bool custom = colon >= s + 6 && !strncmp(t + colon - 6, "custom", 6) &&
                          (colon == s + 6 || is_space(t[colon - 7]) || t[colon - 7] == ',');
            if (!(custom && colon + 1 < e && !is_space(t[colon + 1])))
                break;
        }
        colon++;
    }
    /* rules: split at commas and white space */
    size_t cap = 4;
    d->rules = pb_arena_alloc(a, cap * sizeof *d->rules);
    for (uint32_t i = s; i < colon;) {
        while (i < colon && (is_space(t[i]) || t[i] == ','))
            i++;
        uint32_t b = i;
        while (i < colon && !is_space(t[i]) && t[i] != ',')
            i++;
        if (i > b) {
            if (d->nrules == cap) {
                const char **n = pb_arena_alloc(a, cap * 2 * sizeof *n);
                memcpy(n, d->rules, cap * sizeof *n);
                d->rules = n;
                cap *= 2;
            }
            d->rules[d->nrules++] = pb_arena_strndup(a, t + b, i - b);
        }
    }
    d->used = pb_arena_alloc(a, (d->nrules + 1) * sizeof *d->used);
    if (colon < e) {
        uint32_t r = colon + 1;
        while (r < e && is_space(t[r]))
            r++;
        d->has_reason = r < e;
    }
    return true;
}

/* Does the directive's rule name `name` mean `rule`? */
static bool names_rule(const char *name, const pb_rule_info *rule)
{
    return !strcmp(name, pb_rule_id(rule)) || !strcasecmp(name, pb_rule_code(rule));
}

/* Is `name` a rule this run knows (built-in or custom)? */
static bool known_rule(const pb_options *opt, const char *name, bool *disabled)
{
    const pb_config *cfg = opt ? opt->config : NULL;
    const pb_rule_info *r = pb_rule_find(name);
    if (r) {
        *disabled = cfg && cfg->rules[r->index].set && cfg->rules[r->index].disabled;
        return true;
    }
    const pb_custom_rule *c = pb_config_custom_rule(cfg, name);
    *disabled = c && c->disabled;
    return c != NULL;
}

/* " (did you mean 'x'?)" for a misspelt rule id, or "". */
static const char *nearest_rule(pb_arena *a, const char *name)
{
    const char *best = NULL;
    size_t bd = SIZE_MAX;
    for (size_t i = 0; i < pb_rule_registry_len; i++) {
        size_t d = pb_config__distance(name, pb_rule_registry[i]->id);
        if (d < bd) {
            bd = d;
            best = pb_rule_registry[i]->id;
        }
    }
    if (!best || bd > strlen(name) / 3 + 1)
        return "";
    return pb_arena_sprintf(a, " (did you mean '%s'?)", best);
}

/* Collects the directives in the text outside the statements. */
static directive *scan(pb_arena *a, const pb_source *src, pb_span *stmts, size_t nstmts, size_t *ndirs)
{
    const char *t = src->text;
    uint32_t len = (uint32_t)src->len;
    directive *dirs = NULL;
    size_t n = 0, cap = 0;
    size_t k = 0; /* next statement */
    uint32_t i = 0;
    while (i < len) {
        while (k < nstmts && stmts[k].end <= i && stmts[k].start < i)
            k++;
        if (k < nstmts && i >= stmts[k].start && i < stmts[k].end) {
            i = stmts[k].end; /* inside a statement: comments there are the statement's */
            continue;
        }
        char c = t[i];
        if (c == '/' && i + 1 < len && t[i + 1] == '*') {
            int depth = 0;
            while (i < len) {
                if (t[i] == '/' && i + 1 < len && t[i + 1] == '*') {
                    depth++;
                    i += 2;
                } else if (t[i] == '*' && i + 1 < len && t[i + 1] == '/') {
                    i += 2;
                    if (--depth == 0)
                        break;
                } else {
                    i++;
                }
            }
            continue;
        }
        if (!(c == '-' && i + 1 < len && t[i + 1] == '-')) {
            i++;
            continue;
        }
        uint32_t s = i, e = i + 2;
        while (e < len && t[e] != '\n')
            e++;
        directive d;
        if (parse_directive(a, t, s + 2, e, &d)) {
            uint32_t end = e > s && t[e - 1] == '\r' ? e - 1 : e;
            d.at = (pb_span){s, end};
            /* the statement before, when the comment trails it on its line */
            size_t prev = k;
            while (prev > 0 && stmts[prev - 1].start >= s)
                prev--;
            bool trailing = false;
            if (prev > 0 && stmts[prev - 1].end <= s) {
                trailing = true;
                for (uint32_t j = stmts[prev - 1].end; j < s; j++)
                    if (t[j] == '\n')
                        trailing = false;
            }
            if (trailing) {
                d.target = stmts[prev - 1];
                d.has_target = true;
            } else {
                for (size_t j = k; j < nstmts; j++)
                    if (stmts[j].start >= e) {
                        d.target = stmts[j];
                        d.has_target = true;
                        break;
                    }
            }
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 8;
                directive *nd = pb_arena_alloc(a, nc * sizeof *nd);
                if (n)
                    memcpy(nd, dirs, n * sizeof *nd);
                dirs = nd;
                cap = nc;
            }
            dirs[n++] = d;
        }
        i = e;
    }
    *ndirs = n;
    return dirs;
}

static void apply_settings(const pb_config *cfg, pb_diag_sink *sink, size_t from)
{
    if (!cfg)
        return;
    size_t w = from;
    for (size_t i = from; i < sink->len; i++) {
        pb_diag d = sink->items[i];
        pb_severity sev = pb_config__severity(cfg, d.rule, d.severity);
        if (!sev)
            continue;
        d.severity = sev;
        sink->items[w++] = d;
    }
    sink->len = w;
}

void pb_lint__apply_rule_settings(const pb_options *opt, pb_diag_sink *sink)
{
    apply_settings(opt ? opt->config : NULL, sink, 0);
}

/* Is finding `d` in the statement `s`? */
static bool in_stmt(const pb_diag *d, pb_span s)
{
    uint32_t key = d->stmt_end > d->stmt_start ? d->stmt_start : d->span.start;
    return key >= s.start && (key < s.end || key == s.start);
}

/* Removes the findings the directives suppress, from index `from` on;
 * with `count`, marks the directives' rules used. */
static void filter(directive *dirs, size_t ndirs, pb_diag_sink *sink, size_t from, bool count)
{
    size_t w = from;
    for (size_t i = from; i < sink->len; i++) {
        const pb_diag *d = &sink->items[i];
        bool gone = false;
        for (size_t k = 0; k < ndirs; k++) {
            directive *x = &dirs[k];
            if (!x->file && (!x->has_target || !in_stmt(d, x->target)))
                continue;
            for (size_t r = 0; r < x->nrules; r++)
                if (names_rule(x->rules[r], d->rule)) {
                    gone = true;
                    if (count)
                        x->used[r] = true;
                }
        }
        if (!gone)
            sink->items[w++] = sink->items[i];
    }
    sink->len = w;
}

void pb_lint__suppress(const pb_options *opt, pb_arena *a, const pb_source *src, pb_span *stmts,
                       size_t nstmts, pb_diag_sink *sink)
{
    const pb_config *cfg = opt ? opt->config : NULL;
    apply_settings(cfg, sink, 0);
    if (!src->len || !memmem(src->text, src->len, "pgbelay-ignore", 14))
        return;
    if (nstmts > 1)
        qsort(stmts, nstmts, sizeof *stmts, span_cmp);
    size_t ndirs = 0;
    directive *dirs = scan(a, src, stmts, nstmts, &ndirs);
    if (!ndirs)
        return;
    filter(dirs, ndirs, sink, 0, true);

    size_t first_meta = sink->len;
    bool require_reason = cfg ? cfg->require_reason : true;
    for (size_t k = 0; k < ndirs; k++) {
        const directive *x = &dirs[k];
        const char *kw = x->file ? "pgbelay-ignore-file" : "pgbelay-ignore";
        if (require_reason && !x->has_reason)
            pb_rule__ignore_without_reason_emit(sink, x->at, kw);
        if (!x->nrules) {
            pb_rule__unused_ignore_emit(sink, x->at,
                                        pb_arena_sprintf(a,
                                                         "%s names no rule: write the rule id or code, "
                                                         "e.g. -- %s drop-column: why",
                                                         kw, kw));
            continue;
        }
        for (size_t r = 0; r < x->nrules; r++) {
            if (x->used[r])
                continue;
            bool disabled = false;
            if (!known_rule(opt, x->rules[r], &disabled)) {
                pb_rule__unused_ignore_emit(sink, x->at,
                                            pb_arena_sprintf(a, "%s names '%s', which is not a rule%s", kw,
                                                             x->rules[r], nearest_rule(a, x->rules[r])));
            } else if (!disabled) {
                const char *where = x->file          ? "in this file"
                                    : !x->has_target ? "after it (no statement follows)"
                                                     : "on the statement it applies to";
                pb_rule__unused_ignore_emit(sink, x->at,
                                            pb_arena_sprintf(a, "%s %s suppresses nothing: no %s finding %s",
                                                             kw, x->rules[r], x->rules[r], where));
            }
        }
    }
    /* the new findings obey the rule settings and file-wide directives */
    apply_settings(cfg, sink, first_meta);
    filter(dirs, ndirs, sink, first_meta, false);
}
