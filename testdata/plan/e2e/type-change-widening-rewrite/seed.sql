-- Upload events: payload_size (bytes) outgrew integer. Not the primary key;
-- it has an index for the "largest uploads" report.
CREATE TABLE events (
    id bigserial PRIMARY KEY,
    kind text NOT NULL,
    payload_size integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_payload_size_idx ON events (payload_size);

INSERT INTO events (kind, payload_size, created_at)
SELECT (ARRAY['upload', 'download', 'share'])[1 + g % 3], ((g::bigint * 104729) % 2000000000)::integer,
       timestamptz '2024-01-01 00:00+00' + g * interval '10 seconds'
FROM generate_series(1, 20000) AS g;
