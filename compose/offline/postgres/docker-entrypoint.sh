#!/usr/bin/env bash
# Re-implementation of the official postgres image's entrypoint contract (not a copy):
#   POSTGRES_USER (default postgres), POSTGRES_PASSWORD, POSTGRES_DB (default = user),
#   POSTGRES_INITDB_ARGS, POSTGRES_INITDB_WALDIR, POSTGRES_HOST_AUTH_METHOD, *_FILE variants,
#   PGDATA, /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz, `postgres -c k=v ...` / `-c k=v ...`.
set -Eeo pipefail

# VAR_FILE=/run/secrets/x -> VAR=<contents> (official image behaviour).
file_env() {
	local var="$1" fileVar="${1}_FILE" def="${2:-}"
	if [ "${!var:-}" ] && [ "${!fileVar:-}" ]; then
		echo >&2 "error: both $var and $fileVar are set (but are exclusive)"; exit 1
	fi
	local val="$def"
	if [ "${!var:-}" ]; then val="${!var}"; elif [ "${!fileVar:-}" ]; then val="$(< "${!fileVar}")"; fi
	export "$var"="$val"; unset "$fileVar"
}

# `command: ["-c", "fsync=off"]` means `postgres -c fsync=off`.
if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi

# Anything other than the server (bash, psql, ...) runs as-is.
if [ "$1" != 'postgres' ]; then exec "$@"; fi

if [ "$(id -u)" = '0' ]; then
	# Root: fix ownership of (possibly freshly mounted) dirs, then drop to postgres and re-run.
	mkdir -p "$PGDATA" /var/run/postgresql
	chown -R postgres:postgres "$PGDATA" /var/run/postgresql
	chmod 700 "$PGDATA" || :
	if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
		mkdir -p "$POSTGRES_INITDB_WALDIR"; chown -R postgres:postgres "$POSTGRES_INITDB_WALDIR"; chmod 700 "$POSTGRES_INITDB_WALDIR"
	fi
	# setpriv (util-linux, already in the base) instead of gosu: exec, so postgres becomes PID 1.
	exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"
fi

file_env POSTGRES_PASSWORD
file_env POSTGRES_USER postgres
file_env POSTGRES_DB "$POSTGRES_USER"
file_env POSTGRES_INITDB_ARGS
: "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != 'trust' ]; then
		cat >&2 <<-'EOM'
		Error: Database is uninitialized and superuser password is not specified.
		       Set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust, not recommended).
		EOM
		exit 1
	fi
	mkdir -p "$PGDATA"; chmod 700 "$PGDATA" 2>/dev/null || :

	walArgs=()
	if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then walArgs=(--waldir "$POSTGRES_INITDB_WALDIR"); fi
	# --no-sync (not in upstream): skips fsync of the fresh cluster, ~2 s on a busy disk.
	# Only matters if the host crashes during first start; these are throwaway test DBs.
	# shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is word-split on purpose, as upstream.
	initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
		--no-sync "${walArgs[@]}" $POSTGRES_INITDB_ARGS

	# Network clients must use a password (local socket/127.0.0.1 stay "trust", as upstream).
	printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >> "$PGDATA/pg_hba.conf"

	# Temporary server on the unix socket only: the healthcheck (-h 127.0.0.1) stays red
	# until init scripts have run. User args (-c fsync=off ...) apply here too, as upstream.
	export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
	userOpts=''
	if [ "$#" -gt 1 ]; then userOpts="$(printf '%q ' "${@:2}")"; fi
	pg_ctl -D "$PGDATA" -w start -o "$userOpts -c listen_addresses='' -p ${PGPORT:-5432}"

	psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
	if [ "$POSTGRES_DB" != 'postgres' ]; then
		exists="$(PGHOST= PGHOSTADDR= "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" -tA \
			<<<"SELECT 1 FROM pg_database WHERE datname = :'db'")"
		if [ -z "$exists" ]; then
			PGHOST= PGHOSTADDR= "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db" ;'
		fi
	fi
	psql+=(--dbname "$POSTGRES_DB")

	for f in /docker-entrypoint-initdb.d/*; do
		case "$f" in
			*.sh) echo "$0: running $f"
			      if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
			*.sql) echo "$0: running $f"; PGHOST= PGHOSTADDR= "${psql[@]}" -f "$f"; echo ;;
			*.sql.gz) echo "$0: running $f"; gunzip -c "$f" | PGHOST= PGHOSTADDR= "${psql[@]}"; echo ;;
			*.sql.xz) echo "$0: running $f"; xzcat "$f" | PGHOST= PGHOSTADDR= "${psql[@]}"; echo ;;
			*) if [ -e "$f" ]; then echo "$0: ignoring $f"; fi ;;
		esac
	done

	pg_ctl -D "$PGDATA" -m fast -w stop
	unset PGPASSWORD
	echo 'PostgreSQL init process complete; ready for start up.'
fi

# The server itself becomes PID 1: docker stop (SIGINT, see Dockerfile) = fast shutdown.
exec "$@"
