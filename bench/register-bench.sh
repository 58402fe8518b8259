#!/usr/bin/env bash
# bench/register-bench.sh - the register under load: its own PostgreSQL (tests/pg/pg-server.sh),
# a register of N certificates (default 1,000,000) generated and really signed by
# bench/gen-certs (8 stations, each a series), loaded by COPY in parts of 100,000; at 10,000
# rows and at N:
#
#   - `register find --serial` latency over random serials, two ways: the query alone, as
#     libpq times it (pgbench running find's own SELECT, per-transaction log: p50, p99,
#     max), and the whole `wipeseal register find` process (wall time, and that minus the
#     median start of `wipeseal --version`: TLS connect included);
#   - 8 concurrent `register push` processes, each a station role sending 500 fresh
#     certificates (the next of its series): verified certificates stored per second;
#   - `register audit --jobs 2` over the whole register: certificates re-verified per second;
#   - peak RSS (/usr/bin/time -v) of find, a find matching one station's every row, export,
#     stats, audit and push;
#   - the database's size on disk.
#
#   bench/register-bench.sh [BUILD_DIR] [N]      (default build/plain, 1000000)
#
# WS_BENCH_DATA (default /work/bench-data/register) holds everything and is removed at the
# end; WS_BENCH_DEADLINE (Unix seconds) stops the loading there, and the large figures are
# taken at the size reached (said in the output). Not part of the suite; the numbers go in
# docs/performance.md. The server gets shared_buffers = 1GB and max_wal_size = 8GB (the
# test server's 32 MB are for tests); everything else is as the suite runs it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/plain} n=${2:-1000000}
small=${WS_BENCH_SMALL:-10000} queries=${WS_BENCH_QUERIES:-2000}
cli_queries=${WS_BENCH_CLI_QUERIES:-1000} push_each=${WS_BENCH_PUSH_EACH:-500}
deadline=${WS_BENCH_DEADLINE:-0} part=100000
cli=$build/src/wipeseal gen=$build/bench/gen-certs pgs=$here/tests/pg/pg-server.sh
for f in "$cli" "$gen"; do
	[ -x "$f" ] || {
		echo "bench/register-bench.sh: build first ($f is missing)" >&2
		exit 1
	}
done
command -v pgbench >/dev/null || {
	echo "bench/register-bench.sh: pgbench is missing (postgresql-client)" >&2
	exit 1
}
data=${WS_BENCH_DATA:-/work/bench-data/register}
[ ! -e "$data" ] || {
	echo "bench/register-bench.sh: $data exists: remove it or set WS_BENCH_DATA" >&2
	exit 1
}
mkdir -p "$data"
chmod 711 "$data"
cleanup() {
	"$pgs" stop "$data/pg" >/dev/null 2>&1 || true
	rm -rf "$data"
}
trap cleanup EXIT
# shellcheck source=bench/bench-certs.sh
. "$here/bench/bench-certs.sh"
bench_pki 8
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg); commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"

# ---- the server, the register, the roles -----------------------------------------------------
"$pgs" start "$data/pg"
# shellcheck source=/dev/null
. "$data/pg/env"
psql -qX "$WS_PG_SUPER_URL" -c "ALTER SYSTEM SET shared_buffers = '1GB'" \
	-c "ALTER SYSTEM SET max_wal_size = '8GB'" >/dev/null
"$pgs" restart "$data/pg"
echo "server: PostgreSQL $("$WS_PG_BIN/postgres" --version | awk '{ print $3 }'), shared_buffers 1GB"
owner=$WS_PG_OWNER_URL
"$cli" register init --register "$owner" >/dev/null
auditor=$("$pgs" client "$data/pg" bench_auditor)
sql=("CREATE ROLE bench_auditor LOGIN IN ROLE wipeseal_auditor")
pushers=()
for k in 0 1 2 3 4 5 6 7; do
	pushers+=("$("$pgs" client "$data/pg" "bench_pusher_$k")")
	sql+=("CREATE ROLE bench_pusher_$k LOGIN IN ROLE wipeseal_station")
done
for s in "${sql[@]}"; do psql -qX "$WS_PG_SOCKET_URL" -c "$s" >/dev/null; done

# ---- loading ---------------------------------------------------------------------------------
rows=0 per_station=0 # rows in the register; certificates each station has signed
columns=$("$gen" --print-columns)
load() { # COUNT: generate, sign and COPY that many more (a multiple of 8)
	local start
	start=$(date +%s.%N)
	"$gen" --template "$data/template.json" "${stations[@]}" --count "$1" --copy /dev/stdout \
		--first "$per_station" --chain "$data/chain" |
		psql -qX "$owner" -v ON_ERROR_STOP=1 -c "\\copy certificates ($columns) FROM pstdin"
	rows=$((rows + $1)) per_station=$((per_station + $1 / 8))
	printf 'loaded %d certificates in %.0f s (register: %d rows)\n' "$1" \
		"$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" "$rows"
}

# ---- measuring -------------------------------------------------------------------------------
pct() { # FILE P: the P-th percentile of the numbers in FILE (one a line)
	sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END { i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; print v[i] }'
}
timed() { # NAME COMMAND...: run it under /usr/bin/time -v, output to $data/NAME.out
	/usr/bin/time -v -o "$data/$1.time" "${@:2}" >"$data/$1.out" 2>"$data/$1.err" || {
		local rc=$?
		[ "$rc" -le 1 ] || {
			echo "bench/register-bench.sh: $1 failed ($rc): $(head -c 400 "$data/$1.err")" >&2
			exit 1
		}
	}
}
find_query() { # the SELECT ws_register_find() sends for --serial, with pgbench's variables
	local t="to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
	# shellcheck disable=SC2059 # $t is the format
	printf "SELECT certificate_id, sha256, serial, model, wwn, asset_tag, status, method, nist_level, technique, operator, validator, decision, station, $t, $t, ntp_server, clock_synchronized FROM certificates WHERE serial = 'S' || lpad(:st::text, 2, '0') || 'N' || lpad(:i::text, 8, '0') ORDER BY issued DESC NULLS LAST, certificate_id;\n" issued received
}
measure_find() { # latency of find by serial
	local i st k t0 t1 start_ns
	{
		echo '\set st random(0, 7)'
		echo "\\set i random(0, $((per_station - 1)))"
		find_query
	} >"$data/find.sql"
	rm -f "$data"/pgbench_log.*
	(cd "$data" && pgbench -n -f find.sql -t "$queries" -c 1 -l "$auditor" >pgbench.out 2>&1) || {
		echo "bench/register-bench.sh: pgbench failed: $(tail -n 3 "$data/pgbench.out")" >&2
		exit 1
	}
	awk '{ print $3 / 1000 }' "$data"/pgbench_log.* >"$data/q.ms"
	printf '  find --serial, the query (pgbench, libpq, %d random serials): p50 %.3f ms, p99 %.3f ms, max %.3f ms\n' \
		"$queries" "$(pct "$data/q.ms" 50)" "$(pct "$data/q.ms" 99)" "$(pct "$data/q.ms" 100)"
	: >"$data/start.ms"
	for ((i = 0; i < 50; i++)); do
		t0=$(date +%s%N) && "$cli" --version >/dev/null && t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000)) >>"$data/start.ms"
	done
	start_ns=$(pct "$data/start.ms" 50)
	: >"$data/cli.ms"
	for ((k = 0; k < cli_queries; k++)); do
		st=$((RANDOM % 8)) i=$(((RANDOM * 32768 + RANDOM) % per_station))
		t0=$(date +%s%N)
		"$cli" register find --serial "$(printf 'S%02dN%08d' "$st" "$i")" --register "$auditor" >/dev/null
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000)) >>"$data/cli.ms"
	done
	printf '  find --serial, the whole command (%d runs): p50 %.1f ms, p99 %.1f ms; minus the process start (%.1f ms): p50 %.1f ms, p99 %.1f ms\n' \
		"$cli_queries" "$(awk -v v="$(pct "$data/cli.ms" 50)" 'BEGIN { print v / 1000 }')" \
		"$(awk -v v="$(pct "$data/cli.ms" 99)" 'BEGIN { print v / 1000 }')" \
		"$(awk -v v="$start_ns" 'BEGIN { print v / 1000 }')" \
		"$(awk -v v="$(pct "$data/cli.ms" 50)" -v s="$start_ns" 'BEGIN { print (v - s) / 1000 }')" \
		"$(awk -v v="$(pct "$data/cli.ms" 99)" -v s="$start_ns" 'BEGIN { print (v - s) / 1000 }')"
}
measure_push() { # 8 pushers, each a station sending push_each fresh certificates
	local k start secs stored server0 server1
	rm -rf "$data/fresh"
	"$gen" --template "$data/template.json" "${stations[@]}" --count $((8 * push_each)) \
		--out "$data/fresh" --per-dir $((push_each + 1)) --first "$per_station" \
		--chain "$data/chain"
	start=$(date +%s.%N) server0=$(server_cpu)
	for k in 0 1 2 3 4 5 6 7; do
		timed "push$k" "$cli" register push --ca "$data/ca/ca.pem" --register "${pushers[$k]}" \
			"$data/fresh/bench-station-0$k"/0000/*.json &
	done
	wait
	secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
	server1=$(server_cpu)
	stored=$(cat "$data"/push?.out | grep -c '^stored ' || true)
	[ "$stored" = $((8 * push_each)) ] || {
		echo "bench/register-bench.sh: $stored of $((8 * push_each)) stored: $(grep -hv '^stored ' "$data"/push?.out | head -n 3)" >&2
		exit 1
	}
	rows=$((rows + stored)) per_station=$((per_station + push_each))
	printf '  push, 8 processes x %d fresh certificates: %d stored in %.1f s, %.0f certificates/s; peak RSS %s KiB (largest of 8)\n' \
		"$push_each" "$stored" "$secs" "$(awk -v n="$stored" -v s="$secs" 'BEGIN { print n / s }')" \
		"$(for k in 0 1 2 3 4 5 6 7; do peak_rss "$data/push$k.time"; done | sort -n | tail -n 1)"
	printf '    CPU per certificate: pushers %.2f ms, server %.2f ms\n' \
		"$(for k in 0 1 2 3 4 5 6 7; do cpu_secs "$data/push$k.time"; done |
			awk -v n="$stored" '{ s += $1 } END { print s * 1000 / n }')" \
		"$(awk -v a="$server0" -v b="$server1" -v n="$stored" 'BEGIN { print (b - a) * 1000 / n }')"
}
server_cpu() { # CPU seconds the server has used (its processes, and the backends that ended)
	local tck
	tck=$(getconf CLK_TCK)
	for p in $(pgrep -u postgres -f "postgres"); do
		cut -d' ' -f14-17 "/proc/$p/stat" 2>/dev/null
	done | awk -v t="$tck" '{ s += $1 + $2 + $3 + $4 } END { print s / t }'
}
measure_rest() { # audit, and the peak RSS of the auditors' verbs
	local secs
	timed audit "$cli" register audit --ca "$data/ca/ca.pem" --jobs 2 --register "$auditor"
	secs=$(wall "$data/audit.time")
	printf '  audit --jobs 2 over %d certificates: %.1f s, %.0f certificates/s, CPU %s, peak RSS %s KiB; %s\n' \
		"$rows" "$secs" "$(awk -v n="$rows" -v s="$secs" 'BEGIN { print n / s }')" \
		"$(awk -F': ' '/Percent of CPU/ { print $2 }' "$data/audit.time")" \
		"$(peak_rss "$data/audit.time")" "$(tail -n 1 "$data/audit.out")"
	timed find1 "$cli" register find --serial S03N00000007 --register "$auditor"
	timed findst "$cli" register find --station "CN=bench station 03" --register "$auditor"
	timed export "$cli" register export --csv --register "$auditor"
	timed stats "$cli" register stats --register "$auditor"
	printf '  peak RSS (KiB): find --serial %s; find --station (%d rows, %.1f s) %s; export --csv (%.1f s) %s; stats (%.1f s) %s\n' \
		"$(peak_rss "$data/find1.time")" "$(($(wc -l <"$data/findst.out") - 1))" \
		"$(wall "$data/findst.time")" "$(peak_rss "$data/findst.time")" \
		"$(wall "$data/export.time")" "$(peak_rss "$data/export.time")" \
		"$(wall "$data/stats.time")" "$(peak_rss "$data/stats.time")"
	psql -qXAt "$owner" -c "SELECT format('  on disk: database %s, certificates %s (table %s, TOAST and indexes the rest)', pg_size_pretty(pg_database_size('wipeseal')), pg_size_pretty(pg_total_relation_size('certificates')), pg_size_pretty(pg_relation_size('certificates')))"
}
measure() {
	echo "at $rows rows:"
	measure_find
	measure_rest
	measure_push
}

load "$small"
measure
while [ "$rows" -lt "$n" ]; do
	if [ "$deadline" -gt 0 ] && [ "$(date +%s)" -ge "$deadline" ]; then
		echo "deadline reached: the register holds $rows rows, not $n"
		break
	fi
	next=$((n - rows < part ? n - rows : part))
	load $((next / 8 * 8))
done
measure
