#!/usr/bin/env bash
# Mirrors the official rabbitmq image's entrypoint: step down from root, then exec.
# RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS / RABBITMQ_DEFAULT_VHOST are read by
# RabbitMQ itself (only applied when the node's database is created, i.e. first start).
set -euo pipefail

if [[ "$1" == rabbitmq* ]] && [ "$(id -u)" = '0' ]; then
	if [ "$1" = 'rabbitmq-server' ]; then
		# fresh (anonymous or bind-mounted) data dirs may be root-owned
		# Create the Erlang cookie now, owned by rabbitmq. Otherwise an early healthcheck
		# (CLI run as root, interval 1s) can create it root-owned first and the server
		# then dies with "Error when reading .erlang.cookie: eacces" (seen in testing).
		cookie=/var/lib/rabbitmq/.erlang.cookie
		if [ ! -s "$cookie" ]; then
			(umask 077; od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$cookie")
			chmod 400 "$cookie"
		fi
		find /var/lib/rabbitmq \! -user rabbitmq -exec chown rabbitmq '{}' +
	fi
	exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups "$BASH_SOURCE" "$@"
fi

# Same hard failure as upstream for env vars that upstream dropped in 3.9.
hasOldEnv=
for old in RABBITMQ_DEFAULT_PASS_FILE RABBITMQ_DEFAULT_USER_FILE RABBITMQ_VM_MEMORY_HIGH_WATERMARK \
	RABBITMQ_SSL_CACERTFILE RABBITMQ_SSL_CERTFILE RABBITMQ_SSL_KEYFILE RABBITMQ_SSL_VERIFY \
	RABBITMQ_SSL_DEPTH RABBITMQ_SSL_FAIL_IF_NO_PEER_CERT RABBITMQ_MANAGEMENT_SSL_CACERTFILE \
	RABBITMQ_MANAGEMENT_SSL_CERTFILE RABBITMQ_MANAGEMENT_SSL_KEYFILE RABBITMQ_MANAGEMENT_SSL_VERIFY \
	RABBITMQ_MANAGEMENT_SSL_DEPTH RABBITMQ_MANAGEMENT_SSL_FAIL_IF_NO_PEER_CERT; do
	if [ -n "${!old:-}" ]; then echo >&2 "error: $old is set but deprecated"; hasOldEnv=1; fi
done
if [ -n "$hasOldEnv" ]; then
	echo >&2 'error: deprecated environment variables detected; use a configuration file instead'
	exit 1
fi

exec "$@"
