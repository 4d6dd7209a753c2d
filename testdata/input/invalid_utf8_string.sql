INSERT INTO users (id, name) VALUES (1, 'Café Müller');
CREATE INDEX users_name_idx ON users (name);
