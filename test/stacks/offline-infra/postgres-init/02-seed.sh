#!/bin/sh
# Executable *.sh files are run, non-executable ones are sourced (official image contract).
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -c "INSERT INTO greetings (text) VALUES ('hello from a .sh init script')"
