-- Runs once, on first init, as POSTGRES_USER in POSTGRES_DB (official image contract).
CREATE TABLE greetings (id serial PRIMARY KEY, text text NOT NULL);
INSERT INTO greetings (text) VALUES ('hello from initdb.d');
