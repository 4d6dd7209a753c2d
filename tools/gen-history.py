#!/usr/bin/env python3
"""Writes a synthetic goose migration history for benchmarks: N migrations
(default 3,000) in DIR, each with a down part -- 300 tables, then columns,
concurrent indexes, NOT VALID foreign keys, type changes, comments and
defaults on them.

    tools/gen-history.py DIR [N]
"""
import os
import sys


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    os.makedirs(out, exist_ok=True)
    for i in range(1, n + 1):
        t = 't%d' % (i % 300)
        k = i % 6
        notx = ''
        if i <= 300:
            up = ('CREATE TABLE %s (id bigint PRIMARY KEY, owner_id bigint, name varchar(100), '
                  'created_at timestamptz NOT NULL DEFAULT now());' % t)
            down = 'DROP TABLE %s;' % t
        elif k == 0:
            up = "SET lock_timeout = '5s';\nALTER TABLE %s ADD COLUMN c%d text;" % (t, i)
            down = 'ALTER TABLE %s DROP COLUMN c%d;' % (t, i)
        elif k == 1:
            notx = '-- +goose NO TRANSACTION\n'
            up = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS %s_i%d ON %s (owner_id);' % (t, i, t)
            down = 'DROP INDEX CONCURRENTLY IF EXISTS %s_i%d;' % (t, i)
        elif k == 2:
            up = ("SET lock_timeout = '5s';\nALTER TABLE %s ADD CONSTRAINT %s_f%d FOREIGN KEY (owner_id) "
                  'REFERENCES t0 (id) NOT VALID;' % (t, t, i))
            down = 'ALTER TABLE %s DROP CONSTRAINT %s_f%d;' % (t, t, i)
        elif k == 3:
            up = "SET lock_timeout = '5s';\nALTER TABLE %s ALTER COLUMN name TYPE varchar(%d);" % (t, 100 + i)
            down = 'ALTER TABLE %s ALTER COLUMN name TYPE varchar(100);' % t
        elif k == 4:
            up = "SET lock_timeout = '5s';\nCOMMENT ON TABLE %s IS 'migration %d';" % (t, i)
            down = 'COMMENT ON TABLE %s IS NULL;' % t
        else:
            up = "SET lock_timeout = '5s';\nALTER TABLE %s ALTER COLUMN created_at SET DEFAULT now();" % t
            down = 'ALTER TABLE %s ALTER COLUMN created_at DROP DEFAULT;' % t
        with open(os.path.join(out, '%05d_m%d.sql' % (i, i)), 'w') as f:
            f.write('-- +goose Up\n%s%s\n-- +goose Down\n%s\n' % (notx, up, down))


if __name__ == '__main__':
    main()
