#!/bin/bash
# Same contract as the official wiremock/wiremock 3.x entrypoint:
#  - no args or args starting with "-": run WireMock with those args (command: ["--verbose"])
#  - JAVA_OPTS: extra JVM options; WIREMOCK_OPTIONS: appended to WireMock's args
#  - uid=<n>: chown /home/wiremock and run as that uid
set -e

if [ "$1" = "" ] || [ "${1:0:1}" = "-" ]; then
	# shellcheck disable=SC2086 # JVM option strings are split on purpose, as upstream.
	set -- java $WIREMOCK_OFFLINE_JVM_FLAGS $JAVA_OPTS \
		-cp '/var/wiremock/lib/*:/var/wiremock/extensions/*' wiremock.Run "$@"
fi

if [ "$uid" != "" ]; then
	chown -R "$uid:$uid" /home/wiremock
	set -- setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"
fi

# exec: java is PID 1 and gets SIGTERM from `docker stop` directly.
# shellcheck disable=SC2086
exec "$@" $WIREMOCK_OPTIONS
