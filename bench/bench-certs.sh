#!/usr/bin/env bash
# shellcheck disable=SC2154 # $here, $cli and $data are set by the script that sources this
# bench/bench-certs.sh - what the certificate benchmarks share (sourced by verify-dir.sh and
# register-bench.sh): a CA (certs/make-ca.sh), a station signer made by make-station.sh that
# really wipes a 4 MiB image file to give the template, and the generator's stations.
#
# The generator's stations have RSA-2048 keys (the key policy's smallest RSA): a million
# RSA-3072 signatures take 2.4 ms each on this machine (40 min on both cores), RSA-2048 ones
# 0.35 ms. Verification, which is what is measured, differs little (19 vs 52 us a check).
#
# Needs: $here (the source tree), $cli (the wipeseal binary), $data (a fresh directory).

# bench_station CA_DIR OUT_DIR CN: make-station.sh's commands with an RSA-2048 key.
bench_station() {
	mkdir -p "$2"
	(umask 077 && openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$2/signer.key")
	openssl req -config "$here/certs/openssl.cnf" -new -key "$2/signer.key" -subj "/CN=$3" \
		-out "$2/signer.csr"
	openssl x509 -req -in "$2/signer.csr" -CA "$1/ca.pem" -CAkey "$1/ca.key" \
		-CAcreateserial -CAserial "$2/ca.srl" -sha256 -days 30 \
		-extfile "$here/certs/openssl.cnf" -extensions v3_station -out "$2/signer.pem" 2>/dev/null
	rm -f "$2/signer.csr" "$2/ca.srl"
}

# bench_pki NSTATIONS: $data/ca, $data/template.json (a real wipe's certificate), and
# $data/st00 ... the stations; sets $stations to the generator's --station options.
bench_pki() {
	local i
	"$here/certs/make-ca.sh" "$data/ca" >/dev/null
	"$here/certs/make-station.sh" "$data/ca" "$data/tpl" --cn "bench template station" >/dev/null
	truncate -s 4M "$data/disk.img"
	: >"$data/empty.conf"
	"$cli" wipe --yes --config "$data/empty.conf" --signer-key "$data/tpl/signer.key" \
		--signer-cert "$data/tpl/signer.pem" --audit-log "$data/tpl/audit.log" \
		--cert-dir "$data/tpl/certs" --operator "Ada Lovelace" --asset-tag A-0 \
		--destination other --verify none "$data/disk.img" >/dev/null
	cp "$(ls "$data"/tpl/certs/*.json)" "$data/template.json"
	stations=()
	for ((i = 0; i < $1; i++)); do
		bench_station "$data/ca" "$data/st$(printf %02d "$i")" "bench station $(printf %02d "$i")"
		stations+=(--station "$data/st$(printf %02d "$i")")
	done
}

# peak_rss FILE: the maximum resident set size in KiB from /usr/bin/time -v's output.
peak_rss() {
	awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$1"
}

# wall FILE: elapsed seconds from /usr/bin/time -v's output.
wall() {
	awk '/Elapsed \(wall clock\)/ { n = split($NF, t, ":"); s = 0;
		for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$1"
}

# cpu_secs FILE: user and system seconds from /usr/bin/time -v's output.
cpu_secs() {
	awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$1"
}
