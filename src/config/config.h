/* Configuration: `.pgbelay.yaml` read with libyaml through one key table
 * (pb_config_keys) that the parser walks and from which the configuration
 * reference (docs/configuration.md) is generated; the effective settings
 * with where each came from; and custom rules (PCRE2 naming conventions,
 * identifier length, banned and required statement patterns) that report
 * ordinary findings.
 *
 * Ownership: a pb_config owns everything reachable from it (strings, rule
 * settings, custom rules and their compiled patterns) until
 * pb_config_free. Findings of custom rules point at rule descriptions the
 * config owns, so a config must outlive every pb_result linted with it.
 * A loaded config is read-only and may be shared by lint threads (only
 * pb_config_paths and pb_config_set_cli write to it: call them from one
 * thread, before linting).
 *
 * Use (the CLI does this in src/cli/cmd_config.c; an editor the same):
 *
 *   char *path = pb_config_find(dir);             // or the --config FILE
 *   pb_config *cfg = path ? pb_config_load(path) : pb_config_new();
 *   free(path);
 *   for (size_t i = 0; i < cfg->nerrors; i++)     // any error: exit 2 / show them
 *       report(cfg->problems[i].line, cfg->problems[i].col, cfg->problems[i].message);
 *   pb_options opt = {0};
 *   pb_config_apply(cfg, &opt);                   // pg-version, assume-in-transaction, opt.config
 *   pb_lint_buffer(&opt, name, bytes, len, &res); // custom rules, rule settings, suppressions
 *   pb_result_free(&res);
 *   pb_config_free(cfg);                          // after the last result
 */
#ifndef PB_CONFIG_H
#define PB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "framework/framework.h"
#include "pgbelay/pgbelay.h"
#include "rules/rule.h"

/* The file name searched for upward from the working directory. */
#define PB_CONFIG_FILE_NAME ".pgbelay.yaml"

/* Default PCRE2 limits for custom-rule patterns (pcre2_set_match_limit,
 * pcre2_set_depth_limit): a catastrophic pattern stops there instead of
 * running for minutes, and the stop is reported as a finding. */
#define PB_REGEX_MATCH_LIMIT_DEFAULT 1000000UL
#define PB_REGEX_DEPTH_LIMIT_DEFAULT 10000UL

/* PostgreSQL truncates identifiers longer than NAMEDATALEN - 1 = 63 bytes
 * (manual: "Identifiers and Key Words", sql-syntax-lexical). */
#define PB_IDENTIFIER_MAX_BYTES 63

/* Where a setting's value came from. */
typedef enum pb_origin_kind {
    PB_FROM_DEFAULT = 0,
    PB_FROM_FILE, /* the config file, at `line`:`col` */
    PB_FROM_CLI,  /* a command-line option, `option` */
} pb_origin_kind;

typedef struct pb_origin {
    pb_origin_kind kind;
    uint32_t line, col; /* 1-based; col in UTF-8 bytes (libyaml marks) */
    const char *option; /* PB_FROM_CLI: "--pg-version" */
} pb_origin;

/* The settings of the key table that hold one value each (not rules,
 * naming, banned, required). Indexes pb_config.from. */
typedef enum pb_config_slot {
    PB_CS_NONE = 0,
    PB_CS_PG_VERSION,
    PB_CS_FRAMEWORK,
    PB_CS_MIGRATIONS,
    PB_CS_EXCLUDE,
    PB_CS_ASSUME_TX,
    PB_CS_FAIL_ON,
    PB_CS_FORMAT,
    PB_CS_REQUIRE_REASON,
    PB_CS_MATCH_LIMIT,
    PB_CS_DEPTH_LIMIT,
    PB_CS_RULES,
    PB_CS_NAMING,
    PB_CS_BANNED,
    PB_CS_REQUIRED,
    /* fields of objects */
    PB_CS_RULE_ENABLED,
    PB_CS_RULE_SEVERITY,
    PB_CS_C_NAME,
    PB_CS_C_PATTERN,
    PB_CS_C_WHEN,
    PB_CS_C_MESSAGE,
    PB_CS_C_SEVERITY,
    PB_CS_C_HELP,
    PB_CS_C_MAX,
    PB_CS__COUNT
} pb_config_slot;

/* Value types of the key table. */
typedef enum pb_config_type {
    PB_CT_INT,
    PB_CT_BOOL,
    PB_CT_STRING,
    PB_CT_CHOICE,   /* one of `choices` (or a framework / format name) */
    PB_CT_SEVERITY, /* error, warning, info */
    PB_CT_PATHS,    /* list of paths */
    PB_CT_GLOBS,    /* list of fnmatch(3) patterns */
    PB_CT_REGEX,    /* a PCRE2 pattern */
    PB_CT_NAME,     /* a custom rule name: lower-case letters, digits, '-' */
    PB_CT_SECTION,  /* a mapping with the keys `sub` */
    PB_CT_RULE_MAP, /* rule id or code -> off | on | severity | {enabled, severity} */
    PB_CT_LIST,     /* a list of mappings with the keys `sub` */
} pb_config_type;

/* One key of .pgbelay.yaml. Tables end with a row whose name is NULL. */
typedef struct pb_config_key {
    const char *name;
    pb_config_type type;
    pb_config_slot slot;
    const char *def;            /* the default as written in the reference, or NULL */
    const char *cli;            /* the command-line option that overrides it, or NULL */
    const char *doc;            /* one paragraph */
    const char *const *choices; /* PB_CT_CHOICE: NULL-terminated, NULL when computed */
    long min, max;              /* PB_CT_INT: inclusive range */
    bool required;              /* inside an object: must be present */
    int target;                 /* naming section: pb_name_target + 1 */
    const struct pb_config_key *sub;
} pb_config_key;

/* The top-level keys: the table the parser walks and the reference shows. */
extern const pb_config_key pb_config_keys[];

/* What a naming convention applies to. */
typedef enum pb_name_target {
    PB_NAME_TABLE = 0,
    PB_NAME_COLUMN,
    PB_NAME_INDEX,
    PB_NAME_CONSTRAINT,
    PB_NAME_SEQUENCE,
    PB_NAME__COUNT
} pb_name_target;

typedef enum pb_custom_kind {
    PB_CUSTOM_NAMING,   /* names of `target` must match `re` */
    PB_CUSTOM_LENGTH,   /* every created or renamed identifier <= max_len bytes */
    PB_CUSTOM_BANNED,   /* no statement may match `re` */
    PB_CUSTOM_REQUIRED, /* a part with a statement matching `when` (every part with statements when
                           NULL) must have a statement matching `re` */
} pb_custom_kind;

/* A custom rule. `info` is a complete rule description (id "custom:NAME",
 * code = id) so every report format shows its findings like a built-in
 * rule's; its index is SIZE_MAX (not in the generated registry). */
typedef struct pb_custom_rule {
    pb_rule_info info;
    pb_custom_kind kind;
    pb_name_target target;
    const char *pattern, *when; /* as written */
    void *re, *re_when;         /* pcre2_code_8 *, compiled once (JIT where available) */
    int max_len;
    const char *message;
    bool disabled; /* rules: { custom:NAME: off } */
    pb_origin origin;
} pb_custom_rule;

/* A rules: entry. */
typedef struct pb_rule_setting {
    const pb_rule_info *rule; /* a registry rule (custom rules are changed in place) */
    bool set, disabled;
    pb_severity severity; /* 0: the rule's default */
    pb_origin origin;
} pb_rule_setting;

/* One configuration error, for an editor: 1-based line, 1-based column in
 * UTF-8 bytes, and the message without the "file:line:col: " prefix. */
typedef struct pb_config_problem {
    uint32_t line, col;
    const char *message;
} pb_config_problem;

typedef struct pb_config {
    pb_arena *arena;
    const char *path; /* the config file as given or found; NULL: defaults only */
    const char *dir;  /* its directory as a path usable from the working directory ("." when none) */

    int pg_version; /* 0: PB_PG_VERSION_DEFAULT */
    pb_framework framework;
    bool framework_set;
    const char **migrations; /* as written (relative to `dir`) */
    size_t nmigrations;
    const char **exclude;
    size_t nexclude;
    bool assume_in_transaction;
    pb_severity fail_on; /* PB_SEV_WARNING by default */
    bool fail_never;     /* fail-on: none (or never) */
    const char *format;  /* NULL: text */
    bool require_reason; /* suppressions need ": reason" (default true) */
    unsigned long match_limit, depth_limit;
    pb_origin from[PB_CS__COUNT];

    pb_rule_setting *rules; /* by registry index, pb_rule_registry_len entries */
    pb_custom_rule **custom;
    size_t ncustom;

    pb_ptrvec codes; /* every compiled pattern, freed with the config */

    char **errors; /* "file:line:col: message", in file order */
    size_t nerrors;
    pb_config_problem *problems; /* the same errors, structured (nerrors of them) */
} pb_config;

/* A config with the defaults and no file (path NULL). Never NULL. */
pb_config *pb_config_new(void);

/* Reads the YAML file at `path`. Always returns a config (defaults where
 * the file says nothing); every problem - unreadable file, YAML syntax
 * error, unknown key (with the nearest known one suggested), wrong type,
 * a value out of range, a pattern PCRE2 does not compile - is appended to
 * cfg->errors as "path:line:col: message" (1-based line and byte column)
 * and the offending key is left at its default. A caller treats any error
 * as a configuration error (pgbelay exits 2). */
pb_config *pb_config_load(const char *path);

/* The nearest .pgbelay.yaml in `start_dir` or a directory above it, as a
 * path relative to `start_dir` when start_dir is "." ("./.pgbelay.yaml",
 * "../../.pgbelay.yaml"), else joined to start_dir; NULL when there is
 * none. malloc'd; the caller frees it. */
char *pb_config_find(const char *start_dir);

void pb_config_free(pb_config *cfg);

/* Copies the file's settings into `opt` (pg_version, assume_in_transaction)
 * and points opt->config at `cfg` (borrowed). */
void pb_config_apply(const pb_config *cfg, pb_options *opt);

/* Records that a command-line option set slot `slot` (for pgbelay config). */
void pb_config_set_cli(pb_config *cfg, pb_config_slot slot, const char *option);

/* Is `path` (a file found by walking a directory) matched by an exclude
 * glob? Globs are fnmatch(3) patterns without FNM_PATHNAME ('*' also
 * matches '/'), tried against the path relative to the config file's
 * directory and against the file name alone. */
bool pb_config_excluded(const pb_config *cfg, const char *path);

/* The migration paths to lint when no PATH is given, joined to cfg->dir;
 * arena strings in the config. *n receives the count (0: none set). */
const char *const *pb_config_paths(const pb_config *cfg, size_t *n);

/* The custom rule with this id ("custom:NAME"), or NULL. */
const pb_custom_rule *pb_config_custom_rule(const pb_config *cfg, const char *id);

/* Writes the effective configuration as YAML, each value commented with
 * where it came from: "# default", "# FILE:LINE:COL", "# command line (--opt)". */
void pb_config_print(const pb_config *cfg, pb_buf *out);

/* Writes the configuration reference (docs/configuration.md) from the key
 * table. */
void pb_config_reference(pb_buf *out);

/* ---- used by the lint pipeline (src/lint/lint.c) ------------------------- */

/* Per-part state for custom rules: PCRE2 match data and match context
 * (not shared between threads), and the required-pattern bookkeeping. */
typedef struct pb_custom_run pb_custom_run;

/* Starts the custom rules of one part; NULL when `cfg` has none. */
pb_custom_run *pb_config__run_begin(const pb_config *cfg, pb_arena *a);
/* Checks one op: names it creates or renames, and (for the first op of a
 * statement) the statement text against banned and required patterns. */
void pb_config__run_op(pb_custom_run *run, pb_rule_ctx *ctx, const pb_op *op, bool first_of_stmt);
/* Reports required patterns that no statement of the part matched, and
 * frees the PCRE2 data. */
void pb_config__run_end(pb_custom_run *run, pb_diag_sink *sink, const pb_source *src);

/* The effective severity of a finding of `rule` (0: the rule is disabled). */
pb_severity pb_config__severity(const pb_config *cfg, const pb_rule_info *rule, pb_severity as_reported);

/* Levenshtein distance, for "did you mean" suggestions. */
size_t pb_config__distance(const char *a, const char *b);

#endif
