/* Journal: the state, before an up part ran, of every relation, index,
 * sequence, schema and enum type the up part touches (an op that drops or
 * renames a table also touches its indexes, owned sequences, partitions and
 * the views that read it), so that "does the down part undo the up part?"
 * can be answered by comparing those objects after up + down with their
 * pre-images, without copying the whole catalog. */
#ifndef PB_CATALOG_JOURNAL_H
#define PB_CATALOG_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog/catalog.h"

typedef struct pb_journal_entry {
    int kind;                     /* 0 table, 1 index, 2 schema, 3 enum type, 4 sequence */
    pb_qname name;                /* as the op named it */
    bool existed;                 /* present before the up part */
    bool if_not_exists;           /* the up part created it with IF NOT EXISTS */
    bool unknown;                 /* state before the up part unknown: not compared */
    bool unknown_shape;           /* existed, but its columns (values) are unknown */
    bool present;                 /* really in the catalog when noted (for pb_journal_undo) */
    bool by_down;                 /* first touched by the down part (its state then = before the up) */
    pb_cat_object object;         /* pre-image (kind 2, present) */
    pb_cat_table table;           /* pre-image (kind 0, present) */
    pb_cat_index index;           /* pre-image (kind 1, present) */
    pb_cat_enum enumeration;      /* pre-image (kind 3, present) */
    pb_cat_sequence sequence;     /* pre-image (kind 4, present) */
    const pb_cat_index **indexes; /* kind 0: the indexes on the table when noted (for
                                     pb_journal_undo: others were created since) */
    size_t nindexes;
} pb_journal_entry;

typedef struct pb_journal {
    pb_arena *arena;
    pb_ptrvec entries; /* pb_journal_entry* */
    pb_strmap seen;    /* "<kind>:<name>" -> entry */
    /* what the up part destroyed or narrowed, for "cannot restore data" */
    pb_ptrvec lost;         /* keys of destroyed data: "t:<table>", "c:<table>.<column>" */
    bool in_down;           /* notes now come from the down part */
    pb_strmap refilled;     /* tables the down part writes rows into (INSERT / UPDATE) */
    pb_strmap maybe_there;  /* "<table>.<column>" the up part dropped with IF EXISTS without
                               pgbelay knowing it: it may have existed, so a down part that
                               adds it back is not a difference */
    pb_journal_entry *last; /* the entry the latest note made, if any */
} pb_journal;

void pb_journal_init(pb_journal *j, pb_arena *a);

/* Records the pre-image of the objects `op` will change, the first time
 * each is seen. Call before pb_catalog_apply(cat, op). With `in_down` set
 * it also records the tables the down part writes rows into (a down part
 * that copies data back restores what the up part dropped), and objects
 * the down part is the first to touch get their pre-image too (their
 * state before the up part), so that dropping or changing them shows in
 * pb_journal_diff; data loss is only judged for the up part. */
void pb_journal_note(pb_journal *j, const pb_catalog *cat, const pb_op *op);

/* Puts every object the journal noted back the way it was when first
 * noted: an undo log, so that a down part can be linted on the live catalog
 * and undone afterwards instead of linting it on a copy of the whole
 * catalog. Copies go into the catalog's arena. */
void pb_journal_undo(pb_journal *j, pb_catalog *cat);

/* One difference between the pre-up state and the state after up + down. */
typedef struct pb_rollback_diff {
    const char *message; /* "table \"t\" is left behind: the down part does not drop it" */
    bool data_loss;      /* the up part destroyed data that the down part only re-creates empty */
} pb_rollback_diff;

/* Compares every journaled object with its state in `after` (the catalog
 * after the up part and then the down part). Fills an arena array. */
size_t pb_journal_diff(pb_journal *j, const pb_catalog *after, pb_rollback_diff **out);

#endif
