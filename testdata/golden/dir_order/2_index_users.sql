-- name order, not numeric order: "2_" sorts after "010_"
CREATE INDEX users_email_idx ON users (email);
