#!/usr/bin/env bash
# tests/pg/pg-server.sh - a real PostgreSQL server of the test suite's own, in a temporary
# directory: Debian's binaries (the newest /usr/lib/postgresql/*/bin), a cluster made by
# initdb as the unprivileged `postgres` user (as the caller when not root), TLS from a test
# CA made here, listening on 127.0.0.1 only (and a socket in DIR/sock) on a free random port.
#
#   pg-server.sh start DIR       make DIR (fresh), the CA, the cluster, the owner role
#                                wipeseal_owner and the database `wipeseal`; start; write
#                                DIR/env (shell-sourceable); print nothing
#   pg-server.sh client DIR ROLE a client certificate (CN=ROLE) and key in DIR/tls/ROLE.crt,
#                                .key (mode 600, the caller's); print a URI for ROLE
#   pg-server.sh halt DIR        stop the server, keep DIR (a register gone mid-batch)
#   pg-server.sh restart DIR     (re)start on the same port
#   pg-server.sh stop DIR        stop the server and remove DIR
#
# Authentication: over TCP `hostssl ... cert` only (the client certificate's CN is the role:
# no passwords anywhere); plain TCP is rejected. Over the socket (mode 0700, in DIR/sock) `peer`,
# mapping the caller and `postgres` to the superuser `postgres` and to wipeseal_owner.
# The server certificate names DNS:localhost, IP:127.0.0.1 and IP:10.0.2.2 (the host as a
# QEMU guest on user networking sees it), so sslmode=verify-full holds on all three.
#
# WS_PG_LIBDIR (default /usr/lib/postgresql) is where the versions' bin/ are looked for.
#
# Exit status: 0; 77 when PostgreSQL's binaries are missing (one line on stderr: the suites
# skip); 1 for any other failure (one line on stderr, the server log's tail after it).
set -euo pipefail

die() {
	echo "pg-server.sh: $*" >&2
	exit 1
}

usage() {
	echo "usage: pg-server.sh start|stop|halt|restart DIR | client DIR ROLE" >&2
	exit 2
}

# The newest installed server's bin directory, or exit 77.
pg_bindir() {
	local d best=""
	for d in "${WS_PG_LIBDIR:-/usr/lib/postgresql}"/*/bin; do
		if ! [ -x "$d/initdb" ] || ! [ -x "$d/pg_ctl" ] || ! [ -x "$d/postgres" ]; then
			continue
		fi
		if [ -z "$best" ] || [ "$(basename "$(dirname "$d")")" -gt "$(basename "$(dirname "$best")")" ]; then
			best=$d
		fi
	done
	if [ -z "$best" ]; then
		echo "pg-server.sh: PostgreSQL's server binaries are missing (/usr/lib/postgresql/*/bin); install the postgresql package (scripts/deps.sh)" >&2
		exit 77
	fi
	echo "$best"
}

# Run a command as the server's user: `postgres` when we are root, else ourselves.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_user() {
	if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

# A port nothing listens on now (the start retries on a lost race).
free_port() {
	local p
	while :; do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		ss -Htln "sport = :$p" 2>/dev/null | grep -q . || {
			echo "$p"
			return
		}
	done
}

# The test CA and the server's certificate, in DIR/tls.
make_tls() {
	local tls=$1
	mkdir -m 755 "$tls"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
		-subj "/CN=wipeseal test register CA" -keyout "$tls/ca.key" -out "$tls/ca.crt" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
		>/dev/null 2>&1 || die "openssl could not make the test CA in $tls"
	chmod 600 "$tls/ca.key"
	chmod 644 "$tls/ca.crt"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" \
		>/dev/null 2>&1 || die "openssl could not make the server key"
	openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" \
		-CAcreateserial -days 3650 -out "$tls/server.crt" \
		-extfile <(printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:10.0.2.2" \
			"extendedKeyUsage=serverAuth" "basicConstraints=CA:FALSE") \
		>/dev/null 2>&1 || die "openssl could not sign the server certificate"
	rm -f "$tls/server.csr"
	chmod 600 "$tls/server.key"
	chown "$(pg_user)" "$tls/server.key" "$tls/server.crt"
}

# mint_client TLS ROLE: DIR/tls/ROLE.crt and .key, CN=ROLE, signed by the test CA.
mint_client() {
	local tls=$1 role=$2
	(
		umask 077
		openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-subj "/CN=$role" -keyout "$tls/$role.key" -out "$tls/$role.csr" >/dev/null 2>&1
	) || die "openssl could not make a key for $role"
	openssl x509 -req -in "$tls/$role.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" \
		-CAcreateserial -days 3650 -out "$tls/$role.crt" \
		-extfile <(printf '%s\n' "extendedKeyUsage=clientAuth" "basicConstraints=CA:FALSE") \
		>/dev/null 2>&1 || die "openssl could not sign the certificate of $role"
	rm -f "$tls/$role.csr"
	chmod 600 "$tls/$role.key" "$tls/$role.crt"
}

# The URI a client certificate of ROLE logs in with.
role_uri() {
	local dir=$1 role=$2 port=$3
	printf 'postgresql://%s@127.0.0.1:%s/wipeseal?sslmode=verify-full&sslrootcert=%s&sslcert=%s&sslkey=%s\n' \
		"$role" "$port" "$dir/tls/ca.crt" "$dir/tls/$role.crt" "$dir/tls/$role.key"
}

write_conf() {
	local dir=$1 port=$2 data=$1/data me
	me=$(id -un)
	cat >>"$data/postgresql.conf" <<EOF
# pg-server.sh
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/sock'
unix_socket_permissions = 0700
ssl = on
ssl_cert_file = '$dir/tls/server.crt'
ssl_key_file = '$dir/tls/server.key'
ssl_ca_file = '$dir/tls/ca.crt'
ssl_min_protocol_version = 'TLSv1.2'
max_connections = 40
shared_buffers = 32MB
logging_collector = off
log_connections = off
EOF
	cat >"$data/pg_hba.conf" <<EOF
# pg-server.sh: peer over the socket (the map below), client certificates over TCP
local   all  all                 peer map=ws
hostssl all  all  127.0.0.1/32   cert
EOF
	cat >"$data/pg_ident.conf" <<EOF
ws  postgres  postgres
ws  postgres  wipeseal_owner
ws  $me  postgres
ws  $me  wipeseal_owner
EOF
}

pg_start_on() {
	local dir=$1 bin=$2
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null 2>&1
}

cmd_start() {
	local dir=$1 bin port tries=0
	bin=$(pg_bindir)
	if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
		die "$dir is not empty: give a fresh directory"
	fi
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	chmod 711 "$dir"
	as_pg test -x "$dir" || die "user $(pg_user) cannot enter $dir: use a directory under /tmp"
	make_tls "$dir/tls"
	mint_client "$dir/tls" wipeseal_owner
	install -d -m 700 -o "$(pg_user)" "$dir/data"
	install -d -m 711 -o "$(pg_user)" "$dir/sock"
	install -m 600 -o "$(pg_user)" /dev/null "$dir/server.log"
	(cd / && as_pg "$bin/initdb" -D "$dir/data" -U postgres -A reject -E UTF8 --locale=C.UTF-8 \
		--no-sync >"$dir/initdb.log" 2>&1) || die "initdb failed: see $dir/initdb.log"
	cp "$dir/data/postgresql.conf" "$dir/postgresql.conf.orig"
	while :; do
		port=$(free_port)
		cp "$dir/postgresql.conf.orig" "$dir/data/postgresql.conf"
		write_conf "$dir" "$port"
		(cd / && pg_start_on "$dir" "$bin") && break
		tries=$((tries + 1))
		[ $tries -lt 5 ] || die "the server did not start: $(tail -n 3 "$dir/server.log" | tr '\n' ' ')"
	done
	(cd / && as_pg "$bin/psql" -X -q -h "$dir/sock" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
		-c "CREATE ROLE wipeseal_owner LOGIN CREATEROLE" \
		-c "CREATE DATABASE wipeseal OWNER wipeseal_owner" >/dev/null) ||
		die "could not create wipeseal_owner and the database"
	{
		echo "WS_PG_PORT=$port"
		echo "WS_PG_DIR=$dir"
		echo "WS_PG_BIN=$bin"
		echo "WS_PG_CA=$dir/tls/ca.crt"
		echo "WS_PG_OWNER_URL='$(role_uri "$dir" wipeseal_owner "$port")'"
		echo "WS_PG_SOCKET_URL='postgresql:///wipeseal?host=$dir/sock&port=$port&user=wipeseal_owner'"
		echo "WS_PG_SUPER_URL='postgresql:///wipeseal?host=$dir/sock&port=$port&user=postgres'"
	} >"$dir/env"
}

# Read DIR/env (made by start) into this shell.
load_env() {
	local dir=$1
	if ! [ -f "$dir/env" ] || ! [ -d "$dir/data" ]; then
		die "$dir is not a server made by pg-server.sh start"
	fi
	# shellcheck disable=SC1091
	. "$dir/env"
}

cmd_client() {
	local dir=$1 role=$2
	[[ $role =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "role '$role': use lower-case letters, digits and _"
	load_env "$dir"
	mint_client "$WS_PG_DIR/tls" "$role"
	role_uri "$WS_PG_DIR" "$role" "$WS_PG_PORT"
}

cmd_restart() {
	load_env "$1"
	(cd / && as_pg "$WS_PG_BIN/pg_ctl" -D "$WS_PG_DIR/data" status >/dev/null 2>&1) &&
		{ (cd / && as_pg "$WS_PG_BIN/pg_ctl" -D "$WS_PG_DIR/data" -m fast -w stop >/dev/null 2>&1) ||
			die "the server in $WS_PG_DIR did not stop"; }
	(cd / && pg_start_on "$WS_PG_DIR" "$WS_PG_BIN") ||
		die "the server did not start again: $(tail -n 3 "$WS_PG_DIR/server.log" | tr '\n' ' ')"
}

cmd_halt() {
	load_env "$1"
	if (cd / && as_pg "$WS_PG_BIN/pg_ctl" -D "$WS_PG_DIR/data" status >/dev/null 2>&1); then
		(cd / && as_pg "$WS_PG_BIN/pg_ctl" -D "$WS_PG_DIR/data" -m fast -w stop >/dev/null 2>&1) ||
			die "the server in $WS_PG_DIR did not stop"
	fi
}

cmd_stop() {
	load_env "$1"
	if (cd / && as_pg "$WS_PG_BIN/pg_ctl" -D "$WS_PG_DIR/data" status >/dev/null 2>&1); then
		(cd / && as_pg "$WS_PG_BIN/pg_ctl" -D "$WS_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1) ||
			die "the server in $WS_PG_DIR did not stop"
	fi
	rm -rf -- "$WS_PG_DIR"
}

[ $# -ge 2 ] || usage
case $1 in
start) [ $# -eq 2 ] || usage; cmd_start "$2" ;;
client) [ $# -eq 3 ] || usage; cmd_client "$2" "$3" ;;
restart) [ $# -eq 2 ] || usage; cmd_restart "$2" ;;
halt) [ $# -eq 2 ] || usage; cmd_halt "$2" ;;
stop) [ $# -eq 2 ] || usage; cmd_stop "$2" ;;
*) usage ;;
esac
